"""The analysis stage's SQL: the articles a batch reads (text and every outlet they appeared in), which analyses are
already current, and each (article, profile) analysis written in place of the old one. Core statements: a national
article is written for dozens of profiles at once."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from monitor.record import Analysis
from monitor.store.models import AnalysisRow, ArticleRow, ArticleSourceRow, MentionRow

_ANALYSES, _MENTIONS = (cast(Table, row.__table__) for row in (AnalysisRow, MentionRow))


@dataclass(frozen=True)
class ArticleText:
    """What the analysis reads of one stored article."""

    id: int
    title: str
    text: str  # the page's text, or the feed's summary when the page had none
    outlet_id: str  # the outlet it was first seen at
    published_at: datetime
    outlets: frozenset[str]  # every outlet it appeared in


@dataclass(frozen=True)
class Result:
    """One article analysed for one profile version."""

    article_id: int
    profile_id: str
    fingerprint: str
    analysis: Analysis


def read_articles(session: Session, ids: Collection[int]) -> dict[int, ArticleText]:
    """These articles' text and outlets, by id (an id no longer stored is left out)."""
    columns = (
        ArticleRow.id,
        ArticleRow.title,
        ArticleRow.text,
        ArticleRow.summary,
        ArticleRow.outlet_id,
        ArticleRow.published_at,
    )
    rows = session.execute(select(*columns).where(ArticleRow.id.in_(list(ids)))).all()
    seen: dict[int, set[str]] = {row.id: {row.outlet_id} for row in rows}
    sources = select(ArticleSourceRow.article_id, ArticleSourceRow.outlet_id)
    for article_id, outlet_id in session.execute(sources.where(ArticleSourceRow.article_id.in_(list(ids)))):
        seen[article_id].add(outlet_id)
    return {
        row.id: ArticleText(
            row.id, row.title, row.text or row.summary, row.outlet_id, row.published_at, frozenset(seen[row.id])
        )
        for row in rows
    }


def current_analyses(session: Session, ids: Collection[int], fingerprints: Mapping[str, str]) -> set[tuple[int, str]]:
    """(article, profile) pairs among these articles already analysed by the profile's version in `fingerprints`."""
    rows = session.execute(
        select(AnalysisRow.article_id, AnalysisRow.profile_id, AnalysisRow.profile_hash).where(
            AnalysisRow.article_id.in_(list(ids)), AnalysisRow.profile_id.in_(list(fingerprints))
        )
    )
    return {(article, profile) for article, profile, fingerprint in rows if fingerprints[profile] == fingerprint}


def replace_analyses(session: Session, results: Sequence[Result], now: datetime) -> None:
    """Write each result in place of the profile's stored analysis of the article (its old mentions deleted);
    corrections live apart and are never touched."""
    if not results:
        return
    readers: dict[int, set[str]] = {}
    for result in results:
        readers.setdefault(result.article_id, set()).add(result.profile_id)
    groups: dict[frozenset[str], list[int]] = {}  # articles analysed by the same profiles: one delete for them all
    for article_id, profiles in readers.items():
        groups.setdefault(frozenset(profiles), []).append(article_id)
    for readers_of, ids in groups.items():
        for table in (_MENTIONS, _ANALYSES):
            session.execute(delete(table).where(table.c.article_id.in_(ids), table.c.profile_id.in_(readers_of)))
    session.execute(
        _ANALYSES.insert(),
        [
            {
                "article_id": result.article_id,
                "profile_id": result.profile_id,
                "profile_hash": result.fingerprint,
                "analyzed_at": now,
                "topics": [{"topic": hit.topic, "terms": list(hit.terms)} for hit in result.analysis.topics],
            }
            for result in results
        ],
    )
    mentions = [
        {
            "article_id": result.article_id,
            "profile_id": result.profile_id,
            "target_id": mention.target,
            "count": mention.count,
            "prominence": mention.prominence,
            "tone": mention.tone,
            "score": mention.score,
            "confidence": mention.confidence,
            "evidence": list(mention.evidence),
            "spans": [
                {"start": span.start, "end": span.end, "field": span.field, "sentence": span.sentence}
                for span in mention.spans
            ],
        }
        for result in results
        for mention in result.analysis.mentions
    ]
    if mentions:
        session.execute(_MENTIONS.insert(), mentions)
