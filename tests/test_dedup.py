"""Syndicated-story clusters: one agency story re-run by ten sites is one cluster; other stories stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
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
    syndicated_copies,
    with_cedilla,
)
from rows import OUTLETS, add_article, add_outlets
from sqlalchemy import select

from monitor.dedup import (
    BODY_THRESHOLD,
    HEAD_THRESHOLD,
    Signature,
    assign_clusters,
    compute_signature,
    estimate_similarity,
    is_same_story,
)
from monitor.store import Store
from monitor.store.models import AlertRow, ArticleRow, CorrectionRow

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


def test_summary_copy_joins_two_clusters_it_bridges(store: Store) -> None:
    """Clusters joined by a new article take the name of the earliest article of either."""
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
