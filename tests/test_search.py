"""Archive search folds diacritics and inflections, on SQLite (FTS5) and PostgreSQL ('romanian' text search)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from click.testing import CliRunner
from conftest import REPO
from rows import PROFILE, Month, add_article, at, seed_month
from sqlalchemy import func, select

from monitor.archive.corrections import record_correction
from monitor.archive.search import SearchError, index_articles, index_missing, search_articles
from monitor.cli import cli
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.db import _alembic_config
from monitor.store.models import ArticleRow, ArticleSearchRow

NOW = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture
def month(any_store: Store) -> Month:
    """A month of articles written directly (not by the crawl), then indexed as the daemon does for those."""
    with any_store.session() as session:
        seeded = seed_month(session)
    index_missing(any_store, now=NOW)
    return seeded


def found(store: Store, query: str, **filters: object) -> set[int]:
    return {hit.article_id for hit in search_articles(store, query, now=NOW, **filters)}  # type: ignore[arg-type]


def test_inflected_and_diacritic_free_queries(any_store: Store, month: Month) -> None:
    hospital = {month.hospital, month.hospital_copy}
    assert found(any_store, "spitalul judetean") == hospital  # no diacritics
    assert found(any_store, "spitale") == hospital  # plural; the articles say "spitalul", "spitalului"
    assert found(any_store, "inundatii") == {month.floods}  # "inundațiile" in the text
    assert found(any_store, "drumuri judetene") == {month.roads}  # "drumurilor județene"
    assert found(any_store, "CAMPEANU") == {month.roads}
    assert found(any_store, "Prefectului avertismente") == hospital
    assert found(any_store, "spital inundatii") == set()  # every word must match


def test_filters(any_store: Store, month: Month) -> None:
    assert found(any_store, "prefect", profile_id=PROFILE, target_id="prefect", tone="negative") == {
        month.hospital,
        month.hospital_copy,
    }
    assert found(any_store, "prefect", profile_id=PROFILE, target_id="prefect", tone="positive") == {month.floods}
    # alba24's copy was also seen in a Pagina de Alba feed: that outlet ran it too
    assert found(any_store, "spital", outlet_id="pagina-de-alba") == {month.hospital_copy}
    assert found(any_store, "spital", outlet_id="ziarul-unirea") == {month.hospital}
    october_sixth = {"start": at(10, 6, 0), "end": at(10, 7, 0)}
    assert found(any_store, "prefect", **october_sixth) == {month.hospital, month.hospital_copy}
    assert found(any_store, "prefect", start=at(10, 7)) >= {month.floods}
    assert month.hospital not in found(any_store, "prefect", start=at(10, 7))


def test_hits_carry_outlets_mentions_and_snippet(any_store: Store, month: Month) -> None:
    hits = search_articles(any_store, "avertismentele", now=NOW, profile_id=PROFILE)
    assert [hit.article_id for hit in hits] == [month.hospital_copy, month.hospital]  # newest first
    copy = hits[0]
    assert copy.outlet_name == "Alba24"
    assert set(copy.also_in) == {"Ziarul Unirea", "Pagina de Alba"}
    assert [(view.target_id, view.tone) for view in copy.mentions] == [("prefect", "negative")]
    assert "avertismentele" in copy.snippet


def test_hits_link_to_the_address_as_published(any_store: Store, month: Month) -> None:
    with any_store.session() as session:  # an http-only site: the canonical URL folds it to https
        article = session.get(ArticleRow, month.hospital_copy)
        assert article is not None
        article.link = article.url.replace("https://", "http://") + "?utm_source=rss"
        link = article.link
    [hit] = [h for h in search_articles(any_store, "avertismentele", now=NOW) if h.article_id == month.hospital_copy]
    assert hit.url == link


def test_a_correction_changes_what_the_tone_filter_finds(any_store: Store, month: Month) -> None:
    record_correction(
        any_store, PROFILE, month.hospital, "prefect", tone="neutral", author="ana", reason="dezmințit", now=NOW
    )
    assert found(any_store, "spital", profile_id=PROFILE, tone="negative") == set()  # both copies: one story
    assert found(any_store, "spital", profile_id=PROFILE, tone="neutral") == {month.hospital, month.hospital_copy}


def test_a_search_reads_only_the_index_and_index_missing_fills_it(any_store: Store, month: Month) -> None:
    """The crawl indexes what it writes (test_ingest); a search never looks for unindexed articles, so one
    written another way is found once `index_missing` (run when the daemon or `monitor crawl` starts) has indexed it."""
    with any_store.session() as session:
        late = add_article(session, "alba24", "Ambulanțele noi", "Județul a primit ambulanțe noi.", at(10, 29))
        late_id = late.id
    assert found(any_store, "ambulanta") == set()
    assert index_missing(any_store, now=NOW) == 1
    assert found(any_store, "ambulanta") == {late_id}
    with any_store.session() as session:
        session.get(ArticleRow, late_id).text = "Județul a primit autospeciale de pompieri."  # type: ignore[union-attr]
        index_articles(session, [late_id], now=NOW)
    assert found(any_store, "autospeciale pompierilor") == {late_id}
    assert found(any_store, "ambulante") == {late_id}  # still in the title
    with any_store.session() as session:
        indexed = session.scalar(select(func.count()).select_from(ArticleSearchRow))
        articles = session.scalar(select(func.count()).select_from(ArticleRow))
    assert indexed == articles


def test_a_query_without_words_is_refused(any_store: Store) -> None:
    with pytest.raises(SearchError, match="niciun cuvânt"):
        search_articles(any_store, " — ! ", now=NOW)
    with pytest.raises(SearchError, match="--profile"):
        search_articles(any_store, "prefect", now=NOW, target_id="prefect")


def test_search_command(store: Store, settings: Settings) -> None:
    with store.session() as session:
        month = seed_month(session)
    index_missing(store, now=NOW)
    env = {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_SOURCES": str(REPO / "sources.yaml"),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
    }
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "spitalul judetean", "--tone", "negativ", "--from", "2026-10-06"], env=env)
    assert result.exit_code == 0, result.output
    assert "2 articole găsite pentru «spitalul judetean»" in result.output
    assert f"[{month.hospital_copy}] 6 octombrie 2026 · Alba24 · Prefectul, acuzat" in result.output
    assert (
        "ținte: prefect (negativ)" in result.output and "preluat și de: Pagina de Alba, Ziarul Unirea" in result.output
    )
    result = runner.invoke(cli, ["search", "spital", "--target", "primar"], env=env)
    assert result.exit_code == 1 and "Ținta «primar» nu există în profilul alba" in result.output
    result = runner.invoke(cli, ["search", "spital", "--from", "2026-10-07", "--to", "2026-10-01"], env=env)
    assert result.exit_code == 1 and "perioada se termină (01.10.2026) înainte să înceapă (07.10.2026)" in result.output


def test_phrases_alternatives_and_exclusions(any_store: Store, month: Month) -> None:
    hospital = {month.hospital, month.hospital_copy}
    assert found(any_store, '"spitalul judetean"') == hospital
    assert found(any_store, '"judetean spitalul"') == set()  # a phrase keeps its order
    assert found(any_store, "inundatii OR drumuri") == {month.floods, month.roads}
    assert found(any_store, "inundațiile SAU drumurile") == {month.floods, month.roads}
    with_prefect = found(any_store, "prefectul")
    assert hospital <= with_prefect
    assert found(any_store, "prefectul -spital") == with_prefect - hospital
    assert found(any_store, "prefectul FĂRĂ spitalului") == with_prefect - hospital
    assert found(any_store, 'prefectul NOT "spitalul judetean"') == with_prefect - hospital
    with pytest.raises(SearchError, match="niciun cuvânt de găsit"):
        found(any_store, "-spital")


def test_the_newest_matches_come_first_and_an_older_index_gets_its_dates(any_store: Store, month: Month) -> None:
    """A search reads only the newest `limit` matches, in order; an index written before migration 0012 gets each
    article's publication time from the migration and answers the same."""
    every = [hit.article_id for hit in search_articles(any_store, "prefect", now=NOW, limit=50)]
    newest = search_articles(any_store, "prefect", now=NOW, limit=2)
    assert len(every) > 2 and [hit.article_id for hit in newest] == every[:2]
    config = _alembic_config(any_store.engine)
    command.downgrade(config, "0011")
    command.upgrade(config, "head")
    with any_store.session() as session:
        dated = dict(session.execute(select(ArticleSearchRow.article_id, ArticleSearchRow.published_at)).tuples().all())
        published = dict(session.execute(select(ArticleRow.id, ArticleRow.published_at)).tuples().all())
    assert dated == published
    assert [hit.article_id for hit in search_articles(any_store, "prefect", now=NOW, limit=50)] == every
    named = search_articles(any_store, "prefect", now=NOW, profile_id=PROFILE, mentioned_only=True, limit=50)
    assert named and {hit.article_id for hit in named} <= set(every)
    assert [hit.published_at for hit in named] == sorted((hit.published_at for hit in named), reverse=True)
