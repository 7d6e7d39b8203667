"""The queries of the web workspace that the CLI does not share: an object only within its profile (anything
else reads as missing), a story's corrections, a profile's alerts and letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, exists, func, select
from sqlalchemy.orm import Session

from monitor.store.db import as_utc, chunks
from monitor.store.models import (
    AlertRow,
    ArticleRow,
    ArticleSourceRow,
    CorrectionRow,
    MentionRow,
    OutboxRow,
    OutletRow,
    ReplyRow,
)


def profile_article(session: Session, profile_id: str, article_id: int) -> ArticleRow | None:
    """The article when the profile has a mention in it; None otherwise (another prefecture's article included)."""
    seen = exists().where(MentionRow.article_id == article_id, MentionRow.profile_id == profile_id)
    return session.scalar(select(ArticleRow).where(ArticleRow.id == article_id, seen))


def story_corrections(session: Session, profile_id: str, cluster_id: int) -> list[CorrectionRow]:
    """The corrections the office made to one story, newest first."""
    return list(
        session.scalars(
            select(CorrectionRow)
            .where(CorrectionRow.profile_id == profile_id, CorrectionRow.cluster_id == cluster_id)
            .order_by(CorrectionRow.id.desc())
        ).all()
    )


def withdraw_correction(session: Session, profile_id: str, correction_id: int) -> CorrectionRow | None:
    """Delete one correction of the profile (the tone falls back to the one before); None when it is not theirs."""
    row = session.scalar(
        select(CorrectionRow).where(CorrectionRow.id == correction_id, CorrectionRow.profile_id == profile_id)
    )
    if row is not None:
        session.execute(delete(CorrectionRow).where(CorrectionRow.id == correction_id))
    return row


def profile_alerts(session: Session, profile_id: str, *, limit: int = 100) -> Sequence[AlertRow]:
    """The profile's alerts, open ones first, newest first."""
    return session.scalars(
        select(AlertRow)
        .where(AlertRow.profile_id == profile_id)
        .order_by(AlertRow.closed_at.is_not(None), AlertRow.started_at.desc())
        .limit(limit)
    ).all()


def articles_by_id(session: Session, article_ids: Sequence[int]) -> dict[int, ArticleRow]:
    rows = session.scalars(select(ArticleRow).where(ArticleRow.id.in_(article_ids))).all() if article_ids else []
    return {row.id: row for row in rows}


def profile_letters(session: Session, profile_id: str) -> Sequence[ReplyRow]:
    return session.scalars(
        select(ReplyRow).where(ReplyRow.profile_id == profile_id).order_by(ReplyRow.created_at.desc())
    ).all()


def profile_letter(session: Session, profile_id: str, letter_id: int) -> ReplyRow | None:
    return session.scalar(select(ReplyRow).where(ReplyRow.id == letter_id, ReplyRow.profile_id == profile_id))


def effective_tone(session: Session, profile_id: str, cluster_id: int, article_id: int, target_id: str) -> str | None:
    """The tone the office sees for a target in a story: its latest correction, else the automatic one."""
    corrected = session.scalar(
        select(CorrectionRow.tone)
        .where(CorrectionRow.profile_id == profile_id, CorrectionRow.cluster_id == cluster_id)
        .where(CorrectionRow.target_id == target_id, CorrectionRow.tone.is_not(None))
        .order_by(CorrectionRow.id.desc())
        .limit(1)
    )
    if corrected is not None:
        return corrected
    return session.scalar(
        select(MentionRow.tone).where(
            MentionRow.article_id == article_id, MentionRow.profile_id == profile_id, MentionRow.target_id == target_id
        )
    )


@dataclass(frozen=True)
class OutletRhythm:
    """What an outlet carried lately: articles in the last week and month (first seen), and the newest one."""

    week: int
    month: int
    last_seen: datetime

    def silent(self, now: datetime) -> bool:
        """Quiet for much longer than its usual rhythm: three of its average gaps, and at least a day (an outlet
        with fewer than 5 articles a month has no rhythm to break)."""
        if self.month < 5:
            return False
        usual = timedelta(days=30) / self.month
        return now - self.last_seen > max(3 * usual, timedelta(days=1))


def outlet_rhythms(session: Session, now: datetime) -> dict[str, OutletRhythm]:
    """Each outlet's articles of the last 7 and 30 days and its newest one, every copy counted for its outlet."""
    week = now - timedelta(days=7)
    rows = session.execute(
        select(
            ArticleSourceRow.outlet_id,
            func.count(func.distinct(ArticleSourceRow.article_id)),
            func.count(func.distinct(case((ArticleSourceRow.first_seen_at >= week, ArticleSourceRow.article_id)))),
            func.max(ArticleSourceRow.first_seen_at),
        )
        .where(ArticleSourceRow.first_seen_at >= now - timedelta(days=30))
        .group_by(ArticleSourceRow.outlet_id)
    ).all()
    return {
        outlet_id: OutletRhythm(int(week_count), int(month_count), as_utc(last))
        for outlet_id, month_count, week_count, last in rows
    }


def outlet_name(session: Session, outlet_id: str) -> str:
    return session.scalar(select(OutletRow.name).where(OutletRow.id == outlet_id)) or outlet_id


def outlet_names(session: Session, outlet_ids: set[str]) -> dict[str, str]:
    if not outlet_ids:
        return {}
    return dict(session.execute(select(OutletRow.id, OutletRow.name).where(OutletRow.id.in_(outlet_ids))).all())


def mention_count(session: Session, profile_id: str, article_id: int) -> int:
    """How many of the profile's targets the article names."""
    count = select(func.count()).where(MentionRow.article_id == article_id, MentionRow.profile_id == profile_id)
    return int(session.scalar(count) or 0)


def sent_digests(session: Session, profile_id: str, *, limit: int = 200) -> list[tuple[str, str, str, datetime]]:
    """The profile's digest e-mails, newest first: (day, recipient, status, queued at)."""
    rows = session.execute(
        select(OutboxRow.key, OutboxRow.recipient, OutboxRow.status, OutboxRow.created_at)
        .where(OutboxRow.kind == "digest", OutboxRow.profile_id == profile_id)
        .order_by(OutboxRow.id.desc())
        .limit(limit)
    ).all()
    return [(row.key.split(":")[2], row.recipient, row.status, row.created_at) for row in rows]


def stored_urls(session: Session, urls: Sequence[str]) -> set[str]:
    """Which of these canonical addresses the archive already holds."""
    return {
        url
        for chunk in chunks(list(urls))
        for url in session.scalars(select(ArticleRow.url).where(ArticleRow.url.in_(chunk)))
    }


def data_version(session: Session, profile_id: str) -> tuple[int, ...]:
    """A fingerprint that changes whenever what a profile's figures are made of changes: new articles or copies,
    a re-analysis (mentions are rewritten with new ids), a correction made or undone, a new alert."""
    return tuple(
        int(session.scalar(query) or 0)
        for query in (
            select(func.max(ArticleRow.id)),
            select(func.max(MentionRow.id)),
            select(func.max(CorrectionRow.id)).where(CorrectionRow.profile_id == profile_id),
            select(func.count()).select_from(CorrectionRow).where(CorrectionRow.profile_id == profile_id),
            select(func.max(AlertRow.id)).where(AlertRow.profile_id == profile_id),
        )
    )


def newest_mentioned(
    session: Session,
    profile_id: str,
    *,
    start: datetime | None,
    end: datetime | None,
    target_id: str | None,
    outlet_id: str | None,
    limit: int,
) -> list[int]:
    """The newest articles that name one of the profile's targets (or `target_id`), within the filters."""
    query = (
        select(ArticleRow.id)
        .join(MentionRow, MentionRow.article_id == ArticleRow.id)
        .where(MentionRow.profile_id == profile_id)
        .group_by(ArticleRow.id, ArticleRow.published_at)
        .order_by(ArticleRow.published_at.desc(), ArticleRow.id.desc())
        .limit(limit)
    )
    if target_id is not None:
        query = query.where(MentionRow.target_id == target_id)
    if start is not None:
        query = query.where(ArticleRow.published_at >= start)
    if end is not None:
        query = query.where(ArticleRow.published_at < end)
    if outlet_id is not None:
        ran = select(ArticleSourceRow.article_id).where(ArticleSourceRow.outlet_id == outlet_id)
        query = query.where((ArticleRow.outlet_id == outlet_id) | ArticleRow.id.in_(ran))
    return list(session.scalars(query))
