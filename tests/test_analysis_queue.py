"""The analysis queue: an article is queued in the transaction that writes it and analysed once by every profile that
watches its outlets; a cycle reads the queue, never the archive; a changed profile queues its articles once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ro_stories import AGENCY_TEXT, AGENCY_TITLE, PASSPORT_TEXT, PASSPORT_TITLE, UNRELATED_TEXT, UNRELATED_TITLE
from rows import OUTLETS, add_article, add_coverage
from sqlalchemy import select

from monitor.analysis import analyze_pending, analyze_queue
from monitor.archive.manual import add_text
from monitor.config import Profile, Sources, SourceSelection
from monitor.nlp import analyze, profile_fingerprint
from monitor.store import Store
from monitor.store.articles import ArticleWrite, save_article
from monitor.store.feeds import sync_outlets
from monitor.store.models import AnalysisQueueRow, AnalysisRow, FeedRow, MentionRow
from monitor.store.queue import EVERY_PROFILE, enqueue, new_versions, queue_version, version_of

T0 = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
SOURCES = Sources.model_validate(
    {
        "outlets": [
            {"id": oid, "name": name, "kind": kind, "county": county, "feeds": [f"https://{oid}.example.ro/rss"]}
            for oid, name, kind, county, _ in OUTLETS
        ]
    }
)
CLUJ = Profile.model_validate(
    {
        "id": "cluj",
        "institution": "Instituția Prefectului – Județul Cluj",
        "county": "Cluj",
        "targets": [
            {"id": "prefect", "kind": "person", "name": "Maria Mureșan", "role": "prefect"},
            {
                "id": "institutia",
                "kind": "institution",
                "name": "Instituția Prefectului – Județul Cluj",
                "role": "institution",
                "aliases": ["Prefectura Cluj"],
            },
        ],
    }
)


def _write(
    store: Store, outlet_id: str, slug: str, title: str, text: str, at: datetime, *, feed: str | None = None
) -> int:
    """One article of `outlet_id` as the crawl writes it (store.articles.save_article), from the feed of `feed`
    (default: its own outlet's)."""
    feed = feed or outlet_id
    url = f"https://{outlet_id}.example.ro/{slug}"
    values = {
        "url": url, "link": url, "outlet_id": outlet_id, "title": title, "author": None, "published_at": at,
        "date_source": "feed", "fetched_at": at, "text": text, "lead": text.split("\n\n", 1)[0], "summary": "",
        "language": "ro", "content_hash": slug, "extraction": "page",
    }  # fmt: skip
    with store.session() as session:
        feed_id = session.scalar(select(FeedRow.id).where(FeedRow.url == f"https://{feed}.example.ro/rss"))
    assert feed_id is not None
    write = ArticleWrite(values, frozenset({url}), None, None, lambda: title)
    article_id, _, _ = save_article(store, write, feed_id=feed_id, outlet_id=feed, now=at)
    return article_id


def _analysed(store: Store) -> dict[tuple[int, str], datetime]:
    """(article, profile) -> when it was analysed."""
    with store.session() as session:
        rows = session.execute(select(AnalysisRow.article_id, AnalysisRow.profile_id, AnalysisRow.analyzed_at))
        return {(article, profile): at for article, profile, at in rows}


def _queue(store: Store) -> list[tuple[int, str]]:
    with store.session() as session:
        rows = session.execute(
            select(AnalysisQueueRow.article_id, AnalysisQueueRow.profile_id).order_by(AnalysisQueueRow.id)
        )
        return [(article, profile) for article, profile in rows]


def test_a_written_article_is_queued_with_it_and_analysed_once_by_every_profile_that_watches_it(
    any_store: Store, profile: Profile
) -> None:
    sync_outlets(any_store, SOURCES)
    agency = _write(any_store, "agerpres", "cod-rosu", AGENCY_TITLE, AGENCY_TEXT, T0)
    cluj = _write(any_store, "ziar-de-cluj", "cetatenie", UNRELATED_TITLE, UNRELATED_TEXT, T0 + timedelta(hours=1))
    assert _queue(any_store) == [(agency, EVERY_PROFILE), (cluj, EVERY_PROFILE)]

    later = T0 + timedelta(hours=2)
    assert analyze_queue(any_store, [profile, CLUJ], SOURCES, now=later) == {"alba": 1, "cluj": 2}
    assert set(_analysed(any_store)) == {(agency, "alba"), (agency, "cluj"), (cluj, "cluj")}  # Cluj's not Alba's
    assert _queue(any_store) == []
    assert analyze_queue(any_store, [profile, CLUJ], SOURCES, now=later) == {"alba": 0, "cluj": 0}

    with any_store.session() as session:  # the shared parse gives what nlp.analyze gives for the profile alone
        stored = session.execute(
            select(MentionRow.target_id, MentionRow.tone, MentionRow.count, MentionRow.prominence)
            .where(MentionRow.article_id == agency, MentionRow.profile_id == "alba")
            .order_by(MentionRow.target_id)
        ).all()
    expected = analyze(AGENCY_TITLE, AGENCY_TEXT, profile, published=T0.date())
    assert [tuple(row) for row in stored] == sorted(
        (m.target, m.tone, m.count, m.prominence) for m in expected.mentions
    )


def test_a_cycle_reads_the_queue_never_the_archive(store: Store, profile: Profile) -> None:
    """Once the profile's version is queued, only queued articles are analysed: an article stored some other way
    (not queued) stays unanalysed however many cycles run, so a cycle's cost does not follow the archive."""
    sync_outlets(store, SOURCES)
    _write(store, "alba24", "pasapoarte", PASSPORT_TITLE, PASSPORT_TEXT, T0)
    assert analyze_pending(store, profile, SOURCES, now=T0 + timedelta(hours=1)) == 1
    with store.session() as session:
        stray = add_article(session, "alba24", AGENCY_TITLE, AGENCY_TEXT, T0 + timedelta(hours=2)).id
    assert analyze_pending(store, profile, SOURCES, now=T0 + timedelta(hours=3)) == 0
    with store.session() as session:
        enqueue(session.connection(), stray, now=T0 + timedelta(hours=3))
    assert analyze_pending(store, profile, SOURCES, now=T0 + timedelta(hours=4)) == 1
    assert (stray, "alba") in _analysed(store)


def test_a_changed_profile_queues_its_watched_articles_once_newest_first(any_store: Store, profile: Profile) -> None:
    with any_store.session() as session:  # an archive from before the queue: nothing queued, nothing analysed
        coverage = add_coverage(
            session,
            T0,
            national_after=timedelta(hours=2),
            passport_after=timedelta(hours=5),
            other=("ziar-de-cluj", timedelta(hours=6)),
        )
    assert analyze_pending(any_store, profile, SOURCES, now=T0 + timedelta(hours=7)) == 4  # its first version
    changed = profile.model_copy(update={"targets": profile.targets[:2]})
    fingerprint = profile_fingerprint(changed)
    watched = [outlet.id for outlet in SOURCES.outlets if changed.watches(outlet)]
    version = version_of(fingerprint, watched)
    with any_store.session() as session:
        assert new_versions(session, {"alba": version}) == ["alba"]
    now = T0 + timedelta(hours=8)
    assert queue_version(any_store, "alba", fingerprint, watched, now=now, batch=3) == 4  # two batches
    newest_first = [coverage.passport.id, coverage.national.id, coverage.local.id, coverage.agency.id]
    assert _queue(any_store) == [(article_id, "alba") for article_id in newest_first]
    assert queue_version(any_store, "alba", fingerprint, watched, now=now, batch=3) == 0  # queued already
    with any_store.session() as session:
        assert new_versions(session, {"alba": version}) == []
    assert analyze_pending(any_store, changed, SOURCES, now=now) == 4
    assert _queue(any_store) == [] and set(_analysed(any_store).values()) == {now}


def test_a_profile_that_starts_watching_an_outlet_analyses_its_stored_articles(store: Store, profile: Profile) -> None:
    """The office adds a Cluj site to its sources: that site's stored articles are queued for Alba once."""
    sync_outlets(store, SOURCES)
    article = _write(store, "ziar-de-cluj", "cetatenie", UNRELATED_TITLE, UNRELATED_TEXT, T0)
    assert analyze_pending(store, profile, SOURCES, now=T0 + timedelta(hours=1)) == 0  # not Alba's
    widened = profile.model_copy(update={"sources": SourceSelection(include=("ziar-de-cluj",))})
    assert profile_fingerprint(widened) == profile_fingerprint(profile)  # the analysis itself is the same
    assert analyze_pending(store, widened, SOURCES, now=T0 + timedelta(hours=2)) == 1
    assert (article, "alba") in _analysed(store)
    assert analyze_pending(store, widened, SOURCES, now=T0 + timedelta(hours=3)) == 0


def test_a_link_from_another_outlet_queues_the_article_for_that_outlets_profiles(
    store: Store, profile: Profile
) -> None:
    """A Cluj site's article that an Alba site's feed carries too is queued again: Alba's profile analyses it, Cluj's
    (already current) does not analyse it twice."""
    sync_outlets(store, SOURCES)
    article = _write(store, "ziar-de-cluj", "cetatenie", UNRELATED_TITLE, UNRELATED_TEXT, T0)
    assert analyze_queue(store, [profile, CLUJ], SOURCES, now=T0 + timedelta(hours=1)) == {"alba": 0, "cluj": 1}
    before = _analysed(store)
    at = T0 + timedelta(hours=2)
    assert _write(store, "ziar-de-cluj", "cetatenie", UNRELATED_TITLE, UNRELATED_TEXT, at, feed="alba24") == article
    assert analyze_queue(store, [profile, CLUJ], SOURCES, now=T0 + timedelta(hours=3)) == {"alba": 1, "cluj": 0}
    assert _analysed(store)[(article, "cluj")] == before[(article, "cluj")]


def test_an_article_added_by_hand_is_analysed_at_once_then_by_the_other_profiles(
    store: Store, profile: Profile
) -> None:
    added = add_text(
        store, profile, SOURCES, outlet_id="agerpres", title=AGENCY_TITLE, text=AGENCY_TEXT, published_at=T0, now=T0
    )
    first = _analysed(store)
    assert set(first) == {(added.article_id, "alba")}
    later = T0 + timedelta(minutes=10)
    assert analyze_queue(store, [profile, CLUJ], SOURCES, now=later) == {"alba": 0, "cluj": 1}
    assert _analysed(store)[(added.article_id, "alba")] == first[(added.article_id, "alba")]  # once for Alba


def test_the_queue_survives_a_restart_and_a_slice_leaves_the_rest_queued(tmp_path: Path, profile: Profile) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    before = Store(url)
    sync_outlets(before, SOURCES)
    ids = [
        _write(before, "alba24", f"stire-{n}", f"{PASSPORT_TITLE} ({n})", PASSPORT_TEXT, T0 + timedelta(minutes=n))
        for n in range(3)
    ]
    assert analyze_pending(before, profile, SOURCES, now=T0 + timedelta(hours=1), limit=1) == 1
    before.close()  # the process stops (or is killed) with two articles still queued
    after = Store(url)
    assert _queue(after) == [(ids[1], EVERY_PROFILE), (ids[2], EVERY_PROFILE)]
    assert analyze_pending(after, profile, SOURCES, now=T0 + timedelta(hours=2)) == 2
    assert set(_analysed(after)) == {(article_id, "alba") for article_id in ids} and _queue(after) == []
    after.close()
