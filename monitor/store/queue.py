"""The analysis queue's SQL: an article is queued in the transaction that writes it, a profile's re-analysis once per
version of the profile, and the analysis takes items in order and removes them in the transaction that writes their
analyses (monitor.analysis), so the cost of a cycle follows what is new, never the size of the archive."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Select, Table, and_, delete, exists, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from monitor.store.db import Store
from monitor.store.models import AnalysisQueueRow, AnalysisRow, AnalysisVersionRow, ArticleRow, ArticleSourceRow

log = logging.getLogger(__name__)

EVERY_PROFILE = "*"  # profile_id of an item for every profile that watches the article's outlets
BACKFILL_BATCH = 5000  # articles queued per transaction when a profile's version changes

_QUEUE = cast(Table, AnalysisQueueRow.__table__)


@dataclass(frozen=True)
class QueueItem:
    id: int
    article_id: int
    profile_id: str  # EVERY_PROFILE or one profile's id


def enqueue(connection: Connection, article_id: int, *, now: datetime) -> None:
    """Queue an article for every profile that watches its outlets, in the transaction that stores or links it."""
    connection.execute(_QUEUE.insert(), {"article_id": article_id, "profile_id": EVERY_PROFILE, "queued_at": now})


def take(session: Session, profile_ids: Collection[str], limit: int, *, skip_locked: bool = False) -> list[QueueItem]:
    """Up to `limit` items, oldest first: new articles (for every profile) before the re-analyses of `profile_ids`,
    so a profile's backfill never holds up the articles an alert may wait for.

    `skip_locked` (PostgreSQL): the items are taken FOR UPDATE SKIP LOCKED, locked until the session's transaction
    ends, and those another transaction holds are passed over, so workers side by side take disjoint items."""
    columns = (AnalysisQueueRow.id, AnalysisQueueRow.article_id, AnalysisQueueRow.profile_id)

    def locked(query: Select[int, int, str]) -> Select[int, int, str]:
        return query.with_for_update(skip_locked=True) if skip_locked else query

    new = select(*columns).where(AnalysisQueueRow.profile_id == EVERY_PROFILE).order_by(AnalysisQueueRow.id)
    found = [QueueItem(*row) for row in session.execute(locked(new.limit(limit)))]
    if len(found) < limit and profile_ids:
        backfill = (
            select(*columns)
            .where(AnalysisQueueRow.profile_id.in_(list(profile_ids)))
            .order_by(AnalysisQueueRow.id)
            .limit(limit - len(found))
        )
        found += [QueueItem(*row) for row in session.execute(locked(backfill))]
    return found


def has_work(session: Session, profile_ids: Collection[str]) -> bool:
    """Whether `take` would find an item now (one no other transaction holds)."""
    return bool(take(session, profile_ids, 1, skip_locked=True))


def remove(session: Session, items: Sequence[QueueItem]) -> None:
    """Take these items out of the queue (in the transaction that writes what they produced)."""
    session.execute(delete(AnalysisQueueRow).where(AnalysisQueueRow.id.in_([item.id for item in items])))


def version_of(fingerprint: str, watched: Sequence[str]) -> str:
    """A profile's analysis version: its profile_fingerprint and the outlets it watches (a profile that starts
    watching an outlet, by its own sources or an edited sources.yaml, has that outlet's stored articles to analyse)."""
    return hashlib.sha256("\n".join([fingerprint, *sorted(watched)]).encode("utf-8")).hexdigest()


def new_versions(session: Session, versions: Mapping[str, str]) -> list[str]:
    """The profiles among `versions` (profile id -> version_of) whose version was never queued."""
    known = dict(
        session.execute(
            select(AnalysisVersionRow.profile_id, AnalysisVersionRow.fingerprint).where(
                AnalysisVersionRow.profile_id.in_(list(versions))
            )
        ).all()
    )
    return [profile_id for profile_id, version in versions.items() if known.get(profile_id) != version]


def queue_version(
    store: Store,
    profile_id: str,
    fingerprint: str,
    watched: Sequence[str],
    *,
    now: datetime,
    batch: int = BACKFILL_BATCH,
) -> int:
    """Queue, newest first and `batch` a transaction, the articles of the `watched` outlets that this version
    of the profile has not analysed and that are not queued for it yet, then record the version. The one pass over
    the archive a profile version costs; a run killed half-way starts again and skips what it queued. Returns how
    many articles it queued."""
    seen_in_watched = select(ArticleSourceRow.article_id).where(ArticleSourceRow.outlet_id.in_(watched))
    current = exists().where(
        AnalysisRow.article_id == ArticleRow.id,
        AnalysisRow.profile_id == profile_id,
        AnalysisRow.profile_hash == fingerprint,
    )
    queued = exists().where(
        AnalysisQueueRow.article_id == ArticleRow.id, AnalysisQueueRow.profile_id.in_([profile_id, EVERY_PROFILE])
    )
    stale = (
        select(ArticleRow.id, ArticleRow.published_at)
        .where(or_(ArticleRow.outlet_id.in_(watched), ArticleRow.id.in_(seen_in_watched)), ~current, ~queued)
        .order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
        .limit(batch)
    )
    total, after = 0, stale
    while True:
        with store.session() as session:
            rows = session.execute(after).all()
            if rows:
                values = [{"article_id": row.id, "profile_id": profile_id, "queued_at": now} for row in rows]
                session.execute(_QUEUE.insert(), values)
        total += len(rows)
        if len(rows) < batch:
            break
        last = rows[-1]
        after = stale.where(
            or_(
                ArticleRow.published_at < last.published_at,
                and_(ArticleRow.published_at == last.published_at, ArticleRow.id < last.id),
            )
        )
    with store.session() as session:
        version = version_of(fingerprint, watched)
        session.merge(AnalysisVersionRow(profile_id=profile_id, fingerprint=version, queued_at=now))
    if total:
        log.info("profile %s changed: %d articles queued for analysis again", profile_id, total)
    return total
