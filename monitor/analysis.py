"""The analysis stage: cluster new articles, then analyse the articles waiting in the analysis queue
(monitor.store.queue) for every profile that watches them, storing one analyses row and its mentions rows per
article and profile. A cycle's cost follows what is new: no pass over the archive, except once per profile version."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.archive.learning import profile_model
from monitor.config import Outlet, Profile, Sources
from monitor.dedup import assign_clusters
from monitor.nlp import Document, analyze_document, profile_fingerprint
from monitor.nlp.learned import ToneModel
from monitor.store import Store
from monitor.store.analyses import ArticleText, Result, current_analyses, read_articles, replace_analyses
from monitor.store.jobs import acquire_lease, lease_owner, release_lease
from monitor.store.models import ArticleRow
from monitor.store.queue import (
    EVERY_PROFILE,
    QueueItem,
    has_work,
    new_versions,
    queue_version,
    remove,
    take,
    version_of,
)

log = logging.getLogger(__name__)

LEASE = "analysis"
ANALYSIS_LEASE = timedelta(minutes=10)  # clustering and versions (on SQLite the queue too): renewed every batch
BATCH = 50  # queue items analysed per transaction: a kill loses at most one batch of work, never half an article
CLUSTER_BATCH = 1000  # new articles clustered per transaction


def cluster_new_articles(store: Store, *, now: datetime) -> int:
    """Give every article without a cluster its cluster id, oldest first; returns how many were clustered."""
    pending = (
        select(ArticleRow.id)
        .where(ArticleRow.cluster_id.is_(None))
        .order_by(ArticleRow.published_at, ArticleRow.id)
        .limit(CLUSTER_BATCH)
    )
    return store.in_batches(pending, lambda session, ids: len(assign_clusters(session, ids, now=now)))


def analyze_queue(
    store: Store,
    profiles: Sequence[Profile],
    sources: Sources,
    *,
    now: datetime,
    limit: int | None = None,
    batch: int = BATCH,
) -> dict[str, int]:
    """Cluster new articles, queue the re-analysis of any profile whose version changed, then analyse the queued
    articles (up to `limit` items): each read once and analysed by every profile of `profiles` that watches one of
    its outlets. Returns how many articles each profile analysed (nothing, not even zeros, when it left the queue to
    another process).

    `profiles` are the deployment's profiles, all of them: a queued article leaves the queue once analysed for those
    given. Clustering and the versions are one process's work at a time (the lease LEASE). The analysis goes by
    `batch` queue items, its rows written, replacing older ones, and its items removed in one transaction, so a
    process killed half-way loses nothing. On SQLite the lease covers the analysis too: two crawls started at once
    never analyse the same articles twice, the second leaves them to the first. On PostgreSQL any number of
    processes (`monitor worker`, the daemon) analyse side by side: each batch is taken FOR UPDATE SKIP LOCKED and
    analysed in the transaction that writes it (see _batch).
    """
    if not profiles:
        cluster_new_articles(store, now=now)
        return {}
    stage = _Stage.of(store, profiles, sources)
    if _idle(store, stage):
        return dict.fromkeys(stage.profiles, 0)
    shared = store.dialect == "postgresql"
    with _lease(store, now=now) as owner:
        if owner is not None:
            cluster_new_articles(store, now=now)
            _queue_versions(store, stage, now=now)
        if not shared:
            if owner is None:
                log.info("the analysis queue is being worked by another process: leaving it to that one")
                return {}
            return _drain(store, stage, now=now, limit=limit, batch=batch, owner=owner)
    return _drain(store, stage, now=now, limit=limit, batch=batch, owner=None)


@contextmanager
def _lease(store: Store, *, now: datetime) -> Iterator[str | None]:
    """The lease LEASE for this thread while the block runs (its owner), or None when another process holds it."""
    owner = lease_owner(f"thread-{threading.get_ident()}")
    if not acquire_lease(store, owner, now=now, ttl=ANALYSIS_LEASE, name=LEASE):
        yield None
        return
    try:
        yield owner
    finally:
        release_lease(store, owner, name=LEASE)


def analyze_pending(
    store: Store, profile: Profile, sources: Sources, *, now: datetime, limit: int | None = None
) -> int:
    """`analyze_queue` for a deployment of one profile (the demo's): how many articles it analysed."""
    return analyze_queue(store, [profile], sources, now=now, limit=limit).get(profile.id, 0)


def analyze_articles(
    store: Store, profile: Profile, sources: Sources, article_ids: Sequence[int], *, now: datetime
) -> int:
    """Cluster and analyse these articles for the profile now (an article the office added by hand), whichever
    outlet they come from. Their queue items stay: the other profiles that watch them analyse them in turn."""
    cluster_new_articles(store, now=now)
    stage = _Stage.of(store, [profile], sources)
    with store.session() as session:
        articles = read_articles(session, article_ids)
    results = stage.analyse(articles, [(article_id, profile) for article_id in articles])
    with store.session() as session:
        replace_analyses(session, results, now)
    return len(results)


@dataclass(frozen=True)
class _Stage:
    """What one run of the stage knows: the profiles, their versions and tone models, the outlets."""

    profiles: dict[str, Profile]  # by id
    outlets: dict[str, Outlet]
    watched: dict[str, tuple[str, ...]]  # profile id -> the outlets it watches
    fingerprints: dict[str, str]
    store: Store
    models: dict[str, ToneModel | None]  # profile id -> its tone model (read when an article comes up for it)
    readers: dict[str, list[Profile]]  # outlet id -> the profiles that watch it (filled as outlets come up)

    @classmethod
    def of(cls, store: Store, profiles: Sequence[Profile], sources: Sources) -> _Stage:
        return cls(
            {profile.id: profile for profile in profiles},
            {outlet.id: outlet for outlet in sources.outlets},
            {profile.id: _WATCHED.of(profile, sources) for profile in profiles},
            {profile.id: profile_fingerprint(profile) for profile in profiles},
            store,
            {},
            {},
        )

    def model(self, profile_id: str) -> ToneModel | None:
        """The profile's tone model (retrained with its corrections), or None for the package's; read once per
        run and only when the run analyses something for it: a crawl job with nothing new reads none."""
        if profile_id not in self.models:
            self.models[profile_id] = profile_model(self.store, profile_id)
        return self.models[profile_id]

    def watchers(self, article: ArticleText) -> list[Profile]:
        """The profiles that watch one of the outlets the article appeared in."""
        found: dict[str, Profile] = {}
        for outlet_id in article.outlets:
            readers = self.readers.get(outlet_id)
            if readers is None:
                outlet = self.outlets.get(outlet_id)
                readers = [p for p in self.profiles.values() if outlet is not None and p.watches(outlet)]
                self.readers[outlet_id] = readers
            found.update((profile.id, profile) for profile in readers)
        return list(found.values())

    def analyse_items(self, session: Session, items: Sequence[QueueItem]) -> list[Result]:
        """What these queue items ask for, read in `session` and analysed."""
        articles = read_articles(session, {item.article_id for item in items})
        current = current_analyses(session, list(articles), self.fingerprints)
        return self.analyse(articles, _pairs(self, items, articles, current))

    def analyse(self, articles: dict[int, ArticleText], pairs: Sequence[tuple[int, Profile]]) -> list[Result]:
        """Each (article, profile) pair analysed, every article parsed once whatever the number of its profiles."""
        documents: dict[int, Document] = {}
        results = []
        for article_id, profile in pairs:
            article = articles[article_id]
            document = documents.get(article_id)
            if document is None:
                document = documents[article_id] = Document.read(article.title, article.text)
            analysis = analyze_document(
                document,
                profile,
                outlet_county=_local_county(self.outlets, article.outlet_id),
                published=article.published_at.astimezone(profile.zone).date(),
                model=self.model(profile.id),
            )
            results.append(Result(article_id, profile.id, self.fingerprints[profile.id], analysis))
        return results


class _Watched:
    """The outlets each profile watches, worked out once per configuration: the daemon keeps its frozen Sources until
    a file changes, and 42 profiles over 3,000 outlets cost 50 ms, too much for every crawl job."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sources: Sources | None = None
        self._outlets: dict[Profile, tuple[str, ...]] = {}

    def of(self, profile: Profile, sources: Sources) -> tuple[str, ...]:
        with self._lock:
            if sources is not self._sources:
                self._sources, self._outlets = sources, {}
            found = self._outlets.get(profile)
            if found is None:
                found = self._outlets[profile] = tuple(o.id for o in sources.outlets if profile.watches(o))
            return found


_WATCHED = _Watched()


def _idle(store: Store, stage: _Stage) -> bool:
    """Nothing to cluster, nothing queued, no new profile version: a crawl job whose feeds answered 304 (most of
    them) then reads three indexes and writes nothing, not even the lease."""
    with store.session() as session:
        return (
            session.scalar(select(ArticleRow.id).where(ArticleRow.cluster_id.is_(None)).limit(1)) is None
            and not has_work(session, list(stage.profiles))
            and not new_versions(session, _versions(stage))
        )


def _versions(stage: _Stage) -> dict[str, str]:
    return {pid: version_of(stage.fingerprints[pid], watched) for pid, watched in stage.watched.items()}


def _queue_versions(store: Store, stage: _Stage, *, now: datetime) -> None:
    """Each profile's one pass over the archive for a new version; after it, only its queue."""
    versions = _versions(stage)
    with store.session() as session:
        changed = new_versions(session, versions)
    for profile_id in changed:
        queue_version(store, profile_id, stage.fingerprints[profile_id], stage.watched[profile_id], now=now)


def _drain(
    store: Store, stage: _Stage, *, now: datetime, limit: int | None, batch: int, owner: str | None
) -> dict[str, int]:
    """Analyse queue items `batch` at a time until the queue is empty or `limit` items were taken; `owner`'s
    lease is renewed after every batch."""
    done: dict[str, int] = dict.fromkeys(stage.profiles, 0)
    taken, clashed = 0, False
    while limit is None or taken < limit:
        size = batch if limit is None else min(batch, limit - taken)
        try:
            items, results = _batch(store, stage, size, now=now)
        except IntegrityError:
            if clashed:  # twice in a row is no race: a bug
                raise
            # Another process wrote one of these analyses meanwhile (an article queued twice, taken by two workers):
            # the batch rolled back; taken again, the analysis written meanwhile is current and left out.
            log.info("an article of this batch was analysed at the same time elsewhere: taking the batch again")
            clashed = True
            continue
        clashed = False
        if not items:
            break
        for result in results:
            done[result.profile_id] += 1
        taken += len(items)
        if owner is not None:
            acquire_lease(store, owner, now=now, ttl=ANALYSIS_LEASE, name=LEASE)  # still ours: renew it
    for profile_id, count in done.items():
        if count:
            log.info("profile %s: %d articles analysed", profile_id, count)
    return done


def _batch(store: Store, stage: _Stage, size: int, *, now: datetime) -> tuple[list[QueueItem], list[Result]]:
    """Up to `size` queue items analysed, their rows written and the items removed: the items and the results.

    PostgreSQL: in one transaction, the items taken FOR UPDATE SKIP LOCKED, so processes side by side take disjoint
    items, and a process killed mid-batch holds them only until its connection drops: its transaction rolls back
    and the items are taken again, once. SQLite (one process analyses, the lease): read and analysed first, then
    written in a transaction of its own, so the crawl's writes never wait for the analysis."""
    shared = store.dialect == "postgresql"
    with store.session() as session:
        items = take(session, stage.profiles, size, skip_locked=shared)
        results = stage.analyse_items(session, items) if items else []
        if shared:
            _write(session, items, results, now=now)
    if items and not shared:
        with store.session() as session:
            _write(session, items, results, now=now)
    return items, results


def _write(session: Session, items: Sequence[QueueItem], results: list[Result], *, now: datetime) -> None:
    """The results in place of the older analyses, in key order (the usual guard against two writers of the same
    articles locking them in opposite orders), and the items out of the queue."""
    replace_analyses(session, sorted(results, key=lambda r: (r.article_id, r.profile_id)), now)
    remove(session, items)


def _pairs(
    stage: _Stage, items: Sequence[QueueItem], articles: dict[int, ArticleText], current: set[tuple[int, str]]
) -> list[tuple[int, Profile]]:
    """The (article, profile) analyses these items ask for, each once, leaving out those already current (an
    article the office added and analysed at once, another feed's link to an article analysed before)."""
    wanted: dict[tuple[int, str], Profile] = {}
    for item in items:
        article = articles.get(item.article_id)
        if article is None:
            continue
        readers = stage.watchers(article) if item.profile_id == EVERY_PROFILE else [stage.profiles[item.profile_id]]
        for profile in readers:
            if (article.id, profile.id) not in current:
                wanted[(article.id, profile.id)] = profile
    return [(article_id, profile) for (article_id, _), profile in wanted.items()]


def _local_county(outlets: dict[str, Outlet], outlet_id: str) -> str | None:
    """The county an outlet belongs to (a local site, a county radio or TV, a prefecture's own feed):
    the analyser reads unqualified role words in its articles as that county's."""
    outlet = outlets.get(outlet_id)
    return outlet.county if outlet is not None else None
