"""Rows for the store tests, written through the ORM: outlets and articles with realistic fields."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.store.models import AnalysisRow, ArticleRow, MentionRow, OutletRow

OUTLETS = [
    # id, name, kind, county, reach
    ("agerpres", "Agerpres", "agency", None, 2_000_000),
    ("digi24", "Digi24", "national", None, 9_000_000),
    ("hotnews", "Hotnews", "national", None, 6_000_000),
    ("mediafax", "Mediafax", "agency", None, 4_000_000),
    ("ziarul-unirea", "Ziarul Unirea", "local", "Alba", 300_000),
    ("alba24", "Alba24", "local", "Alba", 250_000),
    ("pagina-de-alba", "Pagina de Alba", "local", "Alba", 120_000),
    ("alba-iulia-news", "Alba Iulia News", "local", "Alba", 80_000),
    ("ziar-de-cluj", "Ziar de Cluj", "local", "Cluj", 400_000),
    ("stiri-de-cluj", "Știri de Cluj", "local", "Cluj", 200_000),
    ("monitorul-de-cluj", "Monitorul de Cluj", "local", "Cluj", 350_000),
]


def add_outlets(session: Session) -> None:
    for outlet_id, name, kind, county, reach in OUTLETS:
        session.add(OutletRow(id=outlet_id, name=name, kind=kind, county=county, reach=reach))
    session.flush()


def add_article(
    session: Session,
    outlet_id: str,
    title: str,
    text: str,
    published_at: datetime,
    *,
    summary: str = "",
    date_source: str = "feed",
    slug: str | None = None,
) -> ArticleRow:
    """One stored article; summary-only when `text` is empty."""
    url = f"https://{outlet_id}.example.ro/{slug or hashlib.sha1((title + text).encode()).hexdigest()[:12]}"
    row = ArticleRow(
        url=url,
        outlet_id=outlet_id,
        title=title,
        published_at=published_at,
        date_source=date_source,
        fetched_at=published_at,
        text=text,
        lead=text.split("\n\n", 1)[0],
        summary=summary,
        content_hash=hashlib.sha256((text or summary).encode()).hexdigest(),
        extraction="page" if text else "summary",
    )
    session.add(row)
    session.flush()
    return row


def add_analysis(
    session: Session,
    article: ArticleRow,
    profile_id: str,
    mentions: dict[str, tuple[str, float]],
    *,
    topics: tuple[str, ...] = (),
    analyzed_at: datetime | None = None,
) -> None:
    """An analyses row and one mentions row per target: {target id: (tone, score)}."""
    session.add(
        AnalysisRow(
            article_id=article.id,
            profile_id=profile_id,
            profile_hash="test",
            analyzed_at=analyzed_at or article.fetched_at,
            topics=[{"topic": topic, "terms": [topic]} for topic in topics],
        )
    )
    for target_id, (tone, score) in mentions.items():
        session.add(
            MentionRow(
                article_id=article.id,
                profile_id=profile_id,
                target_id=target_id,
                count=2,
                prominence="lead",
                tone=tone,
                score=score,
                evidence=[article.text.split(". ", 1)[0]],
                spans=[],
            )
        )
    session.flush()
