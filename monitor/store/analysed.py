"""The read side of the analysed articles that name no target: «Județul azi» reads the day's articles with their
topics and outlet (never their text), and which of their stories name one of the profile's targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from monitor.store.models import AnalysisRow, ArticleRow, MentionRow, OutletRow


@dataclass(frozen=True)
class AnalysedArticle:
    """An article a profile analysed: its story, title and lead, outlet and automatic topic ids."""

    article_id: int
    cluster_id: int
    title: str
    lead: str
    url: str
    outlet_name: str
    outlet_county: str | None
    outlet_reach: int
    published_at: datetime
    topics: tuple[str, ...]


def analysed_between(session: Session, profile_id: str, start: datetime, end: datetime) -> list[AnalysedArticle]:
    """Every article first collected in [start, end) that the profile analysed, earliest first."""
    rows = session.execute(
        select(
            ArticleRow.id,
            ArticleRow.cluster_id,
            ArticleRow.title,
            ArticleRow.lead,
            ArticleRow.summary,
            ArticleRow.url,
            ArticleRow.link,
            ArticleRow.published_at,
            OutletRow.name,
            OutletRow.county,
            OutletRow.reach,
            AnalysisRow.topics,
        )
        .join(AnalysisRow, AnalysisRow.article_id == ArticleRow.id)
        .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
        .where(AnalysisRow.profile_id == profile_id, ArticleRow.fetched_at >= start, ArticleRow.fetched_at < end)
        .order_by(ArticleRow.published_at, ArticleRow.id)
    )
    return [
        AnalysedArticle(
            article_id=row.id,
            cluster_id=row.cluster_id if row.cluster_id is not None else row.id,
            title=row.title,
            lead=row.lead or row.summary,
            url=row.link or row.url,
            outlet_name=row.name,
            outlet_county=row.county,
            outlet_reach=row.reach,
            published_at=row.published_at,
            topics=tuple(hit["topic"] for hit in row.topics or ()),
        )
        for row in rows
    ]


def clusters_naming_targets(session: Session, profile_id: str, clusters: Iterable[int]) -> set[int]:
    """Those of `clusters` in which an article names one of the profile's targets."""
    ids = sorted(set(clusters))
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        rows = session.execute(
            select(ArticleRow.id, ArticleRow.cluster_id)
            .join(MentionRow, MentionRow.article_id == ArticleRow.id)
            .where(
                MentionRow.profile_id == profile_id,
                or_(ArticleRow.cluster_id.in_(batch), and_(ArticleRow.cluster_id.is_(None), ArticleRow.id.in_(batch))),
            )
        )
        found |= {row.cluster_id if row.cluster_id is not None else row.id for row in rows}
    return found
