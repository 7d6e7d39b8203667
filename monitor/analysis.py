"""The analysis stage: cluster new articles, then analyse every article a profile has not analysed in its
current version, storing one analyses row and its mentions rows per article."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from monitor.archive.learning import profile_model
from monitor.config import Outlet, Profile, Sources
from monitor.dedup import assign_clusters
from monitor.nlp import analyze, profile_fingerprint
from monitor.nlp.learned import ToneModel
from monitor.record import Analysis
from monitor.store import Store
from monitor.store.jobs import acquire_lease, lease_owner, release_lease
from monitor.store.models import AnalysisRow, ArticleRow, ArticleSourceRow, MentionRow

log = logging.getLogger(__name__)

ANALYSIS_LEASE = timedelta(minutes=10)  # one process analyses a profile at a time; renewed after every batch
BATCH = 50  # articles written per transaction: a kill loses at most one batch of work, never half an article
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


def _pending(session: Session, profile: Profile, watched: list[str], fingerprint: str, limit: int | None) -> list[int]:
    """Ids of the watched outlets' articles with no analysis by this profile version, newest first."""
    seen_in_watched = select(ArticleSourceRow.article_id).where(ArticleSourceRow.outlet_id.in_(watched))
    stmt = (
        select(ArticleRow.id)
        .outerjoin(AnalysisRow, (AnalysisRow.article_id == ArticleRow.id) & (AnalysisRow.profile_id == profile.id))
        .where(
            or_(ArticleRow.outlet_id.in_(watched), ArticleRow.id.in_(seen_in_watched)),
            or_(AnalysisRow.article_id.is_(None), AnalysisRow.profile_hash != fingerprint),
        )
        .order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _local_county(outlets: dict[str, Outlet], outlet_id: str) -> str | None:
    """The county an outlet belongs to (a local site, a county radio or TV, a prefecture's own feed):
    the analyser reads unqualified role words in its articles as that county's."""
    outlet = outlets.get(outlet_id)
    return outlet.county if outlet is not None else None


def _replace(
    session: Session, profile_id: str, fingerprint: str, results: Sequence[tuple[int, Analysis]], now: datetime
) -> None:
    """Replace the stored analysis of these articles for this profile (old mentions deleted, new written)."""
    ids = [article_id for article_id, _ in results]
    session.execute(delete(MentionRow).where(MentionRow.profile_id == profile_id, MentionRow.article_id.in_(ids)))
    session.execute(delete(AnalysisRow).where(AnalysisRow.profile_id == profile_id, AnalysisRow.article_id.in_(ids)))
    for article_id, analysis in results:
        session.add(
            AnalysisRow(
                article_id=article_id,
                profile_id=profile_id,
                profile_hash=fingerprint,
                analyzed_at=now,
                topics=[{"topic": hit.topic, "terms": list(hit.terms)} for hit in analysis.topics],
            )
        )
        for mention in analysis.mentions:
            session.add(
                MentionRow(
                    article_id=article_id,
                    profile_id=profile_id,
                    target_id=mention.target,
                    count=mention.count,
                    prominence=mention.prominence,
                    tone=mention.tone,
                    score=mention.score,
                    confidence=mention.confidence,
                    evidence=list(mention.evidence),
                    spans=[
                        {"start": s.start, "end": s.end, "field": s.field, "sentence": s.sentence}
                        for s in mention.spans
                    ],
                )
            )


def analyze_pending(
    store: Store, profile: Profile, sources: Sources, *, now: datetime, limit: int | None = None
) -> int:
    """Cluster new articles, then analyse the profile's pending articles (newest first); returns how many.

    Pending: an article of an outlet the profile watches with no analyses row for the profile, or one made
    by another version of the profile (profile_fingerprint). Each batch of BATCH articles is analysed outside
    any transaction and written in one, replacing older rows; corrections live apart and are never touched.
    One process at a time analyses a profile (a lease): two crawls started at once never analyse the same
    articles twice; the second leaves them to the first.
    """
    cluster_new_articles(store, now=now)
    outlets = {outlet.id: outlet for outlet in sources.outlets}
    watched = [outlet.id for outlet in sources.outlets if profile.watches(outlet)]
    if not watched:
        log.warning("profile %s watches no outlet: nothing to analyse", profile.id)
        return 0
    lease, owner = f"analysis:{profile.id}", lease_owner(f"thread-{threading.get_ident()}")
    if not acquire_lease(store, owner, now=now, ttl=ANALYSIS_LEASE, name=lease):
        log.info("profile %s is being analysed by another process: leaving it to that one", profile.id)
        return 0
    try:
        return _analyze_pending(store, profile, outlets, watched, now=now, limit=limit, lease=(lease, owner))
    finally:
        release_lease(store, owner, name=lease)


def _analyze_pending(
    store: Store,
    profile: Profile,
    outlets: dict[str, Outlet],
    watched: list[str],
    *,
    now: datetime,
    limit: int | None,
    lease: tuple[str, str],
) -> int:
    fingerprint = profile_fingerprint(profile)
    model = profile_model(store, profile.id)  # retrained with the office's corrections, if it has any
    with store.session() as session:
        pending = _pending(session, profile, watched, fingerprint, limit)
    done = 0
    for start in range(0, len(pending), BATCH):
        done += _analyze_batch(store, profile, outlets, pending[start : start + BATCH], fingerprint, model, now)
        acquire_lease(store, lease[1], now=now, ttl=ANALYSIS_LEASE, name=lease[0])  # still ours: renew it
    log.info("profile %s: %d articles analysed", profile.id, done)
    return done


def _analyze_batch(
    store: Store,
    profile: Profile,
    outlets: dict[str, Outlet],
    ids: Sequence[int],
    fingerprint: str,
    model: ToneModel | None,
    now: datetime,
) -> int:
    """Analyse these articles outside any transaction, then write their rows in one."""
    columns = (
        ArticleRow.id,
        ArticleRow.title,
        ArticleRow.text,
        ArticleRow.summary,
        ArticleRow.outlet_id,
        ArticleRow.published_at,
    )
    with store.session() as session:
        rows = session.execute(select(*columns).where(ArticleRow.id.in_(ids))).all()
    results = [
        (
            row.id,
            analyze(
                row.title,
                row.text or row.summary,
                profile,
                outlet_county=_local_county(outlets, row.outlet_id),
                published=row.published_at.astimezone(profile.zone).date(),
                model=model,
            ),
        )
        for row in rows
    ]
    with store.session() as session:
        _replace(session, profile.id, fingerprint, results, now)
    return len(results)


def analyze_articles(
    store: Store, profile: Profile, sources: Sources, article_ids: Sequence[int], *, now: datetime
) -> int:
    """Cluster and analyse these articles for the profile now (an article the office added by hand), whichever
    outlet they come from."""
    cluster_new_articles(store, now=now)
    outlets = {outlet.id: outlet for outlet in sources.outlets}
    model = profile_model(store, profile.id)
    return _analyze_batch(store, profile, outlets, article_ids, profile_fingerprint(profile), model, now)
