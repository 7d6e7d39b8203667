"""The analysis stage: every watched article analysed once per profile version, corrections kept apart."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ro_stories import PASSPORT_TEXT, PASSPORT_TITLE
from rows import OUTLETS, add_coverage, also_seen_in
from sqlalchemy import func, select

from monitor.analysis import LEASE, analyze_pending
from monitor.archive.corrections import record_correction
from monitor.config import Profile, Sources
from monitor.nlp import analyze
from monitor.store import Store
from monitor.store.jobs import acquire_lease, release_lease
from monitor.store.models import AnalysisRow, ArticleRow, MentionRow
from monitor.store.queries import mentions_between

REPO = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 5, 14, 19, 5, tzinfo=UTC)
SOURCES = Sources.model_validate(
    {
        "outlets": [
            {"id": oid, "name": name, "kind": kind, "county": county, "feeds": [f"https://{oid}.example.ro/rss"]}
            for oid, name, kind, county, _ in OUTLETS
        ]
    }
)


def _changed(profile: Profile) -> Profile:
    """The same profile after the press office added an alias to the prefect."""
    prefect = profile.target("prefect")
    targets = tuple(
        t.model_copy(update={"aliases": (*prefect.aliases, "H. Vlădescu")}) if t.id == "prefect" else t
        for t in profile.targets
    )
    return profile.model_copy(update={"targets": targets})


def _articles(store: Store) -> dict[str, int]:
    with store.session() as session:
        coverage = add_coverage(
            session,
            T0,
            national_after=timedelta(hours=2),
            passport_after=timedelta(hours=5),
            other=("ziar-de-cluj", timedelta(hours=6)),
        )
        return {name: row.id for name, row in coverage._asdict().items()}


def _stored(store: Store) -> tuple[dict[int, tuple[str, datetime]], list[tuple[int, str, str, int]]]:
    with store.session() as session:
        analyses = {
            row.article_id: (row.profile_hash, row.analyzed_at)
            for row in session.scalars(select(AnalysisRow).where(AnalysisRow.profile_id == "alba"))
        }
        mentions = sorted(
            (row.article_id, row.target_id, row.tone, row.count)
            for row in session.scalars(select(MentionRow).where(MentionRow.profile_id == "alba"))
        )
    return analyses, mentions


def test_watched_articles_are_analysed_and_stored(any_store: Store, profile: Profile) -> None:
    ids = _articles(any_store)
    assert analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7)) == 4
    analyses, mentions = _stored(any_store)
    assert set(analyses) == {ids["agency"], ids["local"], ids["national"], ids["passport"]}  # not Cluj's outlet
    expected = analyze(PASSPORT_TITLE, PASSPORT_TEXT, profile, outlet_county="Alba", published=T0.date())
    assert [(m[1], m[2], m[3]) for m in mentions if m[0] == ids["passport"]] == [
        (m.target, m.tone, m.count) for m in expected.mentions
    ]
    assert any(m[0] == ids["agency"] and m[1] == "prefect" for m in mentions)
    with any_store.session() as session:
        clusters = dict(session.execute(select(ArticleRow.id, ArticleRow.cluster_id)).all())
        topics = session.scalar(
            select(AnalysisRow.topics).where(
                AnalysisRow.article_id == ids["passport"], AnalysisRow.profile_id == "alba"
            )
        )
    assert clusters[ids["local"]] == clusters[ids["national"]] == ids["agency"]
    assert clusters[ids["other"]] == ids["other"]  # clustered too: stories span every outlet
    assert topics is not None and "servicii_publice" in [hit["topic"] for hit in topics]


def test_second_run_does_nothing(any_store: Store, profile: Profile) -> None:
    _articles(any_store)
    analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7))
    before = _stored(any_store)
    assert analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=8)) == 0
    assert _stored(any_store) == before


def test_changed_profile_analyses_again_and_replaces_rows(any_store: Store, profile: Profile) -> None:
    _articles(any_store)
    analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7))
    old_analyses, old_mentions = _stored(any_store)
    assert analyze_pending(any_store, _changed(profile), SOURCES, now=T0 + timedelta(hours=8)) == 4
    analyses, mentions = _stored(any_store)
    assert set(analyses) == set(old_analyses)
    assert all(old_analyses[a][0] != analyses[a][0] for a in analyses)
    assert {at for _, at in analyses.values()} == {T0 + timedelta(hours=8)}
    assert mentions == old_mentions  # replaced, not added to: one row per (article, target)


def test_correction_survives_reanalysis_and_covers_every_copy(any_store: Store, profile: Profile) -> None:
    ids = _articles(any_store)
    analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7))
    record_correction(
        any_store, "alba", ids["national"], "prefect", tone="negative", topic="proteste", author="Ana Pop",
        reason="Relatarea insinuează că prefectul a reacționat târziu.", now=T0 + timedelta(hours=9),
    )  # fmt: skip
    analyze_pending(any_store, _changed(profile), SOURCES, now=T0 + timedelta(hours=10))
    with any_store.session() as session:
        views = mentions_between(session, "alba", T0, T0 + timedelta(days=1), target_id="prefect")
    copies = [v for v in views if v.cluster_id == ids["agency"]]
    assert {v.article_id for v in copies} == {ids["agency"], ids["local"], ids["national"]}
    assert all(v.tone == "negative" and v.corrected and "proteste" in v.topics for v in copies)
    assert all(not v.corrected for v in views if v.cluster_id != ids["agency"])


def test_limit_takes_the_newest_first(any_store: Store, profile: Profile) -> None:
    ids = _articles(any_store)
    assert analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7), limit=2) == 2
    assert set(_stored(any_store)[0]) == {ids["passport"], ids["national"]}
    assert analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7)) == 2


def test_article_seen_in_a_watched_feed_is_analysed(any_store: Store, profile: Profile) -> None:
    """An article first seen at a Cluj outlet that an Alba outlet's feed also carried is Alba's too."""
    ids = _articles(any_store)
    with any_store.session() as session:
        cluj = session.get(ArticleRow, ids["other"])
        assert cluj is not None
        also_seen_in(session, cluj, "alba24", "https://alba24.example.ro/rss")
    analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7))
    with any_store.session() as session:
        count = session.scalar(
            select(func.count()).select_from(AnalysisRow).where(AnalysisRow.article_id == ids["other"])
        )
    assert count == 1


def test_two_crawls_at_once_never_analyse_the_same_articles_twice(tmp_path: Path, profile: Profile) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    _articles(Store(url))
    other = Store(url)  # another process's connection
    later = T0 + timedelta(hours=7)
    assert acquire_lease(other, "another-crawl", now=later, ttl=timedelta(minutes=10), name=LEASE)
    mine = Store(url)
    assert analyze_pending(mine, profile, SOURCES, now=later) == 0  # left to the other crawl
    with mine.session() as session:
        assert session.scalar(select(func.count()).select_from(AnalysisRow)) == 0
    release_lease(other, "another-crawl", name=LEASE)
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(analyze_pending(Store(url), profile, SOURCES, now=T0 + timedelta(hours=7)))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 4]  # one analysed them; the other found them taken or done
    with mine.session() as session:
        analyses = session.scalars(select(AnalysisRow.analyzed_at)).all()
    assert len(analyses) == 4
