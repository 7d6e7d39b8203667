"""Syndicated-story clusters: one agency story re-run by ten sites is one cluster; other stories stay apart."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from ro_stories import (
    AGENCY_TEXT,
    AGENCY_TITLE,
    FOLLOWUP_TEXT,
    FOLLOWUP_TITLE,
    LOCAL_REWRITE_TEXT,
    LOCAL_REWRITE_TITLE,
    NO_DIACRITICS_TEXT,
    NO_DIACRITICS_TITLE,
    OTHER_REPORT_TEXT,
    OTHER_REPORT_TITLE,
    PASSPORT_TEXT,
    PASSPORT_TITLE,
    REORDERED_TEXT,
    REORDERED_TITLE,
    SUMMARY_TEXT,
    SUMMARY_TITLE,
    TRUNCATED_TEXT,
    TRUNCATED_TITLE,
    TV_BULLETIN_TEXT,
    TV_BULLETIN_TITLE,
    UNRELATED_TEXT,
    UNRELATED_TITLE,
    landfill_follow_ups,
    syndicated_copies,
    with_cedilla,
)
from rows import OUTLETS, add_article, add_outlets
from sqlalchemy import select, update

from monitor.dedup import (
    BODY_BANDS,
    BODY_THRESHOLD,
    HEAD_BANDS,
    HEAD_THRESHOLD,
    Signature,
    assign_clusters,
    band_keys,
    compute_signature,
    estimate_similarity,
    is_same_story,
)
from monitor.store import Store
from monitor.store.bands import epoch_seconds
from monitor.store.db import _alembic_config
from monitor.store.models import AlertRow, ArticleBandRow, ArticleRow, CorrectionRow

T0 = datetime(2026, 5, 14, 19, 5, tzinfo=UTC)
AGENCY = compute_signature(AGENCY_TITLE, AGENCY_TEXT)

# (name, title, text, summary): each is the agency story again, as another site ran it.
RE_RUNS = [
    ("own intro, boilerplate outro, edits", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, ""),
    ("no diacritics", NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, ""),
    ("cedilla letters", with_cedilla(AGENCY_TITLE), with_cedilla(AGENCY_TEXT), ""),
    ("first four paragraphs only", TRUNCATED_TITLE, TRUNCATED_TEXT, ""),
    ("reordered, one paragraph dropped", REORDERED_TITLE, REORDERED_TEXT, ""),
    ("feed summary only", SUMMARY_TITLE, "", SUMMARY_TEXT),
]
# Other stories: the same flood in other newsrooms' words, a follow-up repeating a quote, other news.
OTHER_STORIES = [
    ("reportage of the same flood", OTHER_REPORT_TITLE, OTHER_REPORT_TEXT, ""),
    ("TV bulletin of the same flood (short)", TV_BULLETIN_TITLE, TV_BULLETIN_TEXT, ""),
    ("follow-up repeating the prefect's quote", FOLLOWUP_TITLE, FOLLOWUP_TEXT, ""),
    ("ceremony, same prefect, same week", UNRELATED_TITLE, UNRELATED_TEXT, ""),
    ("passport queues", PASSPORT_TITLE, PASSPORT_TEXT, ""),
]


@pytest.mark.parametrize(("name", "title", "text", "summary"), RE_RUNS, ids=[r[0] for r in RE_RUNS])
def test_re_runs_clear_the_threshold_with_margin(name: str, title: str, text: str, summary: str) -> None:
    # Measured (estimated Jaccard of 3-word shingles): own intro/outro 0.52, no diacritics 0.88, cedilla 1.0,
    # truncated 0.63, reordered 0.70 (bodies, threshold 0.35); summary only 0.75 (heads, threshold 0.5).
    signature = compute_signature(title, text, summary)
    assert signature is not None and AGENCY is not None
    threshold = HEAD_THRESHOLD if signature.short else BODY_THRESHOLD
    assert estimate_similarity(AGENCY, signature) >= threshold + 0.1, name
    assert is_same_story(AGENCY, signature)


@pytest.mark.parametrize(("name", "title", "text", "summary"), OTHER_STORIES, ids=[r[0] for r in OTHER_STORIES])
def test_other_stories_stay_far_below_the_threshold(name: str, title: str, text: str, summary: str) -> None:
    # Measured: reportage 0.0, TV bulletin 0.04, follow-up with the same quote 0.13, ceremony 0.01, queues 0.0.
    signature = compute_signature(title, text, summary)
    assert signature is not None and AGENCY is not None
    assert estimate_similarity(AGENCY, signature) <= 0.2, name
    assert not is_same_story(AGENCY, signature)


def test_summary_only_copy_is_short_and_compared_by_head() -> None:
    summary = compute_signature(SUMMARY_TITLE, "", SUMMARY_TEXT)
    assert summary is not None and summary.short
    assert AGENCY is not None and not AGENCY.short


def test_signature_survives_bytes() -> None:
    for signature in (AGENCY, compute_signature(SUMMARY_TITLE, "", SUMMARY_TEXT)):
        assert signature is not None
        again = Signature.from_bytes(signature.to_bytes())
        assert again.short == signature.short
        assert estimate_similarity(signature, again) == 1.0
    with pytest.raises(ValueError, match="unknown signature format"):
        Signature.from_bytes(b"M1\x00\x80\x00" + b"\x00" * 10)


def test_bare_title_gets_no_signature() -> None:
    assert compute_signature("Prefectul a demisionat", "", "") is None


def test_ten_sites_make_one_cluster_and_other_stories_stay_apart(any_store: Store) -> None:
    with any_store.session() as session:
        add_outlets(session)
        agency = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        copies = [
            add_article(session, outlet[0], title, text, T0 + timedelta(minutes=20 * (i + 1)), summary=summary)
            for i, ((title, text, summary), outlet) in enumerate(zip(syndicated_copies(), OUTLETS[1:], strict=False))
        ]
        others = [
            add_article(session, "alba24", title, text, T0 + timedelta(hours=2 + i), summary=summary)
            for i, (_, title, text, summary) in enumerate(OTHER_STORIES)
        ]
        ids = [agency.id, *(c.id for c in copies), *(o.id for o in others)]
    assigned = assign_clusters(any_store, reversed(ids), now=T0 + timedelta(days=1))
    assert len(copies) == 9
    assert {assigned[c.id] for c in copies} == {agency.id}
    assert assigned[agency.id] == agency.id
    assert [assigned[o.id] for o in others] == [o.id for o in others]
    with any_store.session() as session:
        rows = session.execute(select(ArticleRow.id, ArticleRow.cluster_id, ArticleRow.signature)).all()
    assert {row.id: row.cluster_id for row in rows} == assigned
    assert all(row.signature for row in rows)


def test_second_run_changes_nothing(store: Store) -> None:
    with store.session() as session:
        add_outlets(session)
        first = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
    assert assign_clusters(store, [first.id], now=T0) == {first.id: first.id}
    assert assign_clusters(store, [first.id], now=T0) == {}


def test_copy_outside_the_window_starts_its_own_cluster(store: Store) -> None:
    with store.session() as session:
        add_outlets(session)
        first = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        late = add_article(session, "alba24", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, T0 + timedelta(days=9))
        near = add_article(session, "digi24", NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, T0 + timedelta(days=1))
    assigned = assign_clusters(store, [first.id, late.id, near.id], now=T0 + timedelta(days=9))
    assert assigned == {first.id: first.id, near.id: first.id, late.id: late.id}


def test_earlier_copy_arriving_later_renames_the_cluster_everywhere(store: Store) -> None:
    """A cluster is named by its earliest article: corrections and alerts follow the new name."""
    with store.session() as session:
        add_outlets(session)
        copy = add_article(session, "alba24", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, T0 + timedelta(hours=1))
    assign_clusters(store, [copy.id], now=T0 + timedelta(hours=1))
    with store.session() as session:
        session.add(
            CorrectionRow(
                profile_id="alba", article_id=copy.id, cluster_id=copy.id, target_id="prefect", tone="positive",
                author="Ana Pop", reason="", created_at=T0 + timedelta(hours=2),
            )
        )  # fmt: skip
        session.add(
            AlertRow(
                profile_id="alba", target_id="prefect", cluster_id=copy.id, rule="keyword",
                started_at=T0 + timedelta(hours=2), last_update_at=T0 + timedelta(hours=2),
            )
        )  # fmt: skip
        original = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)  # fetched late, published first
    assigned = assign_clusters(store, [original.id], now=T0 + timedelta(hours=3))
    assert assigned == {original.id: original.id}
    with store.session() as session:
        assert session.scalar(select(ArticleRow.cluster_id).where(ArticleRow.id == copy.id)) == original.id
        assert session.scalars(select(CorrectionRow.cluster_id)).all() == [original.id]
        assert session.scalars(select(AlertRow.cluster_id)).all() == [original.id]


def test_full_copy_joins_the_cluster_of_an_earlier_summary(store: Store) -> None:
    """A full copy matches the summary-only article published before it (by their heads): one story."""
    with store.session() as session:
        add_outlets(session)
        early = add_article(session, "agerpres", SUMMARY_TITLE, "", T0, summary=SUMMARY_TEXT)
        full = add_article(session, "digi24", AGENCY_TITLE, AGENCY_TEXT, T0 + timedelta(hours=1))
    assign_clusters(store, [early.id], now=T0)
    assign_clusters(store, [full.id], now=T0 + timedelta(hours=1))
    with store.session() as session:
        clusters = {row.id: row.cluster_id for row in session.execute(select(ArticleRow.id, ArticleRow.cluster_id))}
    assert clusters == {early.id: early.id, full.id: early.id}


def test_copy_joins_a_story_whose_first_article_was_deleted(store: Store) -> None:
    with store.session() as session:
        add_outlets(session)
        first = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        copy = add_article(session, "alba24", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, T0 + timedelta(hours=1))
    assign_clusters(store, [first.id, copy.id], now=T0 + timedelta(hours=1))
    with store.session() as session:
        session.delete(session.get(ArticleRow, first.id))
        late = add_article(session, "digi24", NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, T0 + timedelta(hours=2))
    assert assign_clusters(store, [late.id], now=T0 + timedelta(hours=2)) == {late.id: first.id}


def test_short_texts_match_only_their_own_story() -> None:
    """Summary-only articles: the same story's summary matches its full text; another story's does not."""
    other_summary = compute_signature(OTHER_REPORT_TITLE, "", " ".join(OTHER_REPORT_TEXT.split()[:45]) + " [...]")
    other_full = compute_signature(OTHER_REPORT_TITLE, OTHER_REPORT_TEXT)
    agency_summary = compute_signature(SUMMARY_TITLE, "", SUMMARY_TEXT)
    bulletin = compute_signature(TV_BULLETIN_TITLE, TV_BULLETIN_TEXT)
    assert other_summary is not None and other_full is not None and agency_summary is not None
    assert bulletin is not None and bulletin.short
    assert is_same_story(other_summary, other_full)
    assert AGENCY is not None and not is_same_story(other_summary, AGENCY)
    assert not is_same_story(agency_summary, bulletin)  # two short texts of the same event, different stories
    assert not is_same_story(agency_summary, other_summary)


FOLLOW_UPS = landfill_follow_ups()
FOLLOW_UP_SIGNATURES = [compute_signature(title, text) for title, text in FOLLOW_UPS]


def _story_clusters(store: Store, ids: list[int]) -> list[set[int]]:
    """The clusters of these articles, each as the set of positions in `ids` it holds."""
    with store.session() as session:
        rows = session.execute(select(ArticleRow.id, ArticleRow.cluster_id).where(ArticleRow.id.in_(ids))).all()
    cluster_of = {row.id: row.cluster_id for row in rows}
    clusters: dict[int, set[int]] = {}
    for position, article_id in enumerate(ids):
        clusters.setdefault(cluster_of[article_id], set()).add(position)
    return list(clusters.values())


def test_follow_ups_each_match_the_day_before_only() -> None:
    """The chain: every follow-up clears the threshold against the day before (single linkage would join all
    six), none against two days before. Measured: 0.53, 0.39, 0.48, 0.39, 0.46 next to each other; 0.15-0.19
    further apart (the shared footer)."""
    signatures = [s for s in FOLLOW_UP_SIGNATURES if s is not None]
    assert len(signatures) == 6
    for day in range(5):
        assert is_same_story(signatures[day], signatures[day + 1])
        for later in range(day + 2, 6):
            assert estimate_similarity(signatures[day], signatures[later]) <= 0.25
            assert not is_same_story(signatures[day], signatures[later])


@pytest.mark.parametrize("arrival", ["one batch", "one a day", "newest first"])
def test_chain_of_follow_ups_does_not_become_one_cluster(any_store: Store, arrival: str) -> None:
    with any_store.session() as session:
        add_outlets(session)
        ids = [
            add_article(session, "alba24", title, text, T0 + timedelta(days=day)).id
            for day, (title, text) in enumerate(FOLLOW_UPS)
        ]
    now = T0 + timedelta(days=6)
    if arrival == "one batch":
        assign_clusters(any_store, ids, now=now)
    else:
        for article_id in ids if arrival == "one a day" else reversed(ids):
            assign_clusters(any_store, [article_id], now=now)
    clusters = _story_clusters(any_store, ids)
    assert len(clusters) >= 3
    assert all(max(days) - min(days) <= 1 for days in clusters), clusters  # never two days apart


def test_article_bridging_two_clusters_joins_the_closer_one(store: Store) -> None:
    """The second day's story, crawled last, matches the first day's (0.53) and the third day's (0.39)
    stories: it joins the first day's cluster and the two clusters stay apart."""
    with store.session() as session:
        add_outlets(session)
        first, second, third = (
            add_article(session, "alba24", title, text, T0 + timedelta(days=day))
            for day, (title, text) in enumerate(FOLLOW_UPS[:3])
        )
    assign_clusters(store, [first.id, third.id], now=T0 + timedelta(days=2))
    assert assign_clusters(store, [second.id], now=T0 + timedelta(days=2)) == {second.id: first.id}
    with store.session() as session:
        clusters = dict(session.execute(select(ArticleRow.id, ArticleRow.cluster_id)).all())
    assert clusters == {first.id: first.id, second.id: first.id, third.id: third.id}


def _arrival_orders() -> list[list[int]]:
    """Positions of the agency story (0) and its nine re-runs (1-9) in the order a crawler might fetch them."""
    rng = random.Random(3)
    orders = [list(range(10)), list(range(9, -1, -1)), [5, 1, 2, 3, 4, 6, 7, 8, 9, 0]]  # summary-only first
    for _ in range(3):
        orders.append(rng.sample(range(10), 10))
    return orders


@pytest.mark.parametrize("order", _arrival_orders(), ids=lambda order: "-".join(map(str, order)))
def test_ten_sites_stay_one_cluster_whatever_the_arrival_order(store: Store, order: list[int]) -> None:
    """Each article in its own crawl cycle, re-runs often crawled before the agency story they copy."""
    with store.session() as session:
        add_outlets(session)
        stories = [(AGENCY_TITLE, AGENCY_TEXT, ""), *syndicated_copies()]
        articles = [
            add_article(session, outlet[0], title, text, T0 + timedelta(minutes=20 * i), summary=summary)
            for i, ((title, text, summary), outlet) in enumerate(zip(stories, OUTLETS, strict=False))
        ]
        ids = [article.id for article in articles]
    for position in order:
        assign_clusters(store, [ids[position]], now=T0 + timedelta(hours=4))
    with store.session() as session:
        clusters = set(session.scalars(select(ArticleRow.cluster_id).where(ArticleRow.id.in_(ids))))
    assert clusters == {ids[0]}  # one story, named by the agency's (earliest) article


def test_full_copy_absorbs_an_earlier_summary_it_bridges(store: Store) -> None:
    """A summary and a re-run with its own title and intro do not match each other; the agency story, crawled
    last, matches both: the summary-only cluster joins the story (summaries are compared by heads only)."""
    with store.session() as session:
        add_outlets(session)
        agency = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        summary = add_article(session, "digi24", SUMMARY_TITLE, "", T0 + timedelta(hours=1), summary=SUMMARY_TEXT)
        local = add_article(session, "alba24", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, T0 + timedelta(hours=2))
    assert assign_clusters(store, [summary.id, local.id], now=T0 + timedelta(hours=2)) == {
        summary.id: summary.id,
        local.id: local.id,
    }
    assert assign_clusters(store, [agency.id], now=T0 + timedelta(hours=3)) == {agency.id: agency.id}
    with store.session() as session:
        clusters = dict(session.execute(select(ArticleRow.id, ArticleRow.cluster_id)).all())
    assert clusters == {agency.id: agency.id, summary.id: agency.id, local.id: agency.id}


# Words of the week's other news, for stories that share nothing with the agency's (random order: no phrase).
_OTHER_NEWS_TEXT = (
    "consiliul județean a aprobat bugetul pentru drumurile comunale podul peste mureș licitația lucrările "
    "primăria anunță programul de vaccinare elevii profesorii concursul olimpiada bibliotecă festivalul "
    "cetatea turiștii cazare muzeul expoziția pompierii incendiul gospodăria fermierii subvenția recolta "
    "poliția rutieră controlul șoferii amenzile permisul autobuzul transportul tarifele apa canalizarea"
)
_OTHER_NEWS = _OTHER_NEWS_TEXT.split()


def _other_story(rng: random.Random) -> str:
    return " ".join(rng.choice(_OTHER_NEWS) for _ in range(150))


def test_only_the_articles_sharing_a_band_key_are_read(any_store: Store) -> None:
    """A new article reads the signatures of the articles sharing one of its band keys (and of their clusters),
    never the rest of the window: here the week's 300 other stories have unreadable signatures, which reading
    the whole window (as before the band index) would trip over."""
    rng = random.Random(4)
    with any_store.session() as session:
        add_outlets(session)
        agency = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        others = [
            add_article(session, "alba24", f"Știrea {n}", _other_story(rng), T0 - timedelta(days=3, minutes=29 * n))
            for n in range(300)
        ]
        other_ids = [other.id for other in others]
    assigned = assign_clusters(any_store, [agency.id, *other_ids], now=T0)
    assert len(set(assigned.values())) == 301
    with any_store.session() as session:
        session.execute(update(ArticleRow).where(ArticleRow.id.in_(other_ids)).values(signature=b"unreadable"))
        copy = add_article(session, "digi24", NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, T0 + timedelta(hours=1))
        summary = add_article(session, "alba24", SUMMARY_TITLE, "", T0 + timedelta(hours=2), summary=SUMMARY_TEXT)
    assert assign_clusters(any_store, [copy.id, summary.id], now=T0 + timedelta(hours=2)) == {
        copy.id: agency.id,
        summary.id: agency.id,
    }


def _bands(store: Store) -> dict[int, set[tuple[int, int]]]:
    found: dict[int, set[tuple[int, int]]] = {}
    with store.session() as session:
        for row in session.execute(select(ArticleBandRow.article_id, ArticleBandRow.key, ArticleBandRow.published)):
            found.setdefault(row.article_id, set()).add((row.key, row.published))
    return found


def test_band_keys_are_written_with_each_signature_and_backfilled_by_the_migration(any_store: Store) -> None:
    with any_store.session() as session:
        add_outlets(session)
        full = add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, T0)
        summary = add_article(session, "digi24", SUMMARY_TITLE, "", T0 + timedelta(hours=1), summary=SUMMARY_TEXT)
        bare = add_article(session, "alba24", "Prefectul a demisionat", "", T0)  # no signature: no band keys
    assign_clusters(any_store, [full.id, summary.id, bare.id], now=T0 + timedelta(hours=1))
    written = _bands(any_store)
    assert {article_id: len(keys) for article_id, keys in written.items()} == {
        full.id: BODY_BANDS[0] + HEAD_BANDS[0],
        summary.id: HEAD_BANDS[0],
    }
    assert AGENCY is not None
    assert written[full.id] == {(key, epoch_seconds(T0)) for key in band_keys(AGENCY)}
    config = _alembic_config(any_store.engine)
    command.downgrade(config, "0006")  # an archive from before the band index ...
    command.upgrade(config, "head")  # ... gets the same band keys from its stored signatures
    assert _bands(any_store) == written
