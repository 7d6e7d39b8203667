"""The read side shared by the digest, the alerts and the monthly report: mentions with their effective tone.

Everything here reads whole periods in a handful of queries (no query per row): the mentions with their
article and outlet, then the corrections and the outlets of the story clusters those mentions belong to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from monitor.record import DateSource, MentionView, Tone
from monitor.store.db import chunks
from monitor.store.models import AnalysisRow, ArticleRow, ArticleSourceRow, CorrectionRow, MentionRow, OutletRow

# The score shown for a corrected tone that disagrees with the automatic one (a consistent sign for averages).
CORRECTED_SCORE = {Tone.POSITIVE: 0.5, Tone.NEUTRAL: 0.0, Tone.NEGATIVE: -0.5}
REMOVED = "-"  # a correction's topic "-urgente": the office took the topic «urgente» off the story
NOT_ABOUT = "ignored"  # the tone of a correction saying the story is not about the target (archive.corrections)
_GUESSED = (DateSource.FETCHED.value, DateSource.CLAMPED.value)


@dataclass
class _Corrections:
    tone: dict[tuple[int, str], str]
    topics: dict[int, list[str]]  # added by the office, in order
    removed: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))  # taken off by the office

    def topics_of(self, cluster_id: int, automatic: Iterable[str]) -> list[str]:
        """The story's topics as the office left them: the automatic ones it did not take off, then those it added."""
        removed = self.removed.get(cluster_id, set())
        topics = list(dict.fromkeys(topic for topic in automatic if topic not in removed))
        return topics + [topic for topic in self.topics.get(cluster_id, ()) if topic not in topics]


def _mention_rows(profile_id: str, target_id: str | None) -> Select[*tuple[Any, ...]]:
    stmt = (
        select(
            MentionRow.article_id,
            MentionRow.target_id,
            MentionRow.count.label("mentions"),
            MentionRow.prominence,
            MentionRow.tone,
            MentionRow.score,
            MentionRow.confidence,
            MentionRow.evidence,
            ArticleRow.cluster_id,
            ArticleRow.url,
            ArticleRow.link,
            ArticleRow.title,
            ArticleRow.published_at,
            ArticleRow.date_source,
            ArticleRow.outlet_id,
            OutletRow.name.label("outlet_name"),
            OutletRow.kind.label("outlet_kind"),
            OutletRow.reach.label("outlet_reach"),
            AnalysisRow.topics,
        )
        .join(ArticleRow, ArticleRow.id == MentionRow.article_id)
        .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
        .outerjoin(
            AnalysisRow,
            and_(AnalysisRow.article_id == MentionRow.article_id, AnalysisRow.profile_id == MentionRow.profile_id),
        )
        .where(MentionRow.profile_id == profile_id)
    )
    if target_id is not None:
        stmt = stmt.where(MentionRow.target_id == target_id)
    return stmt


def _corrections(session: Session, profile_id: str, clusters: Any) -> _Corrections:
    """The latest tone per (cluster, target) and the added topics per cluster, for `clusters` (ids or subquery)."""
    result = _Corrections(tone={}, topics=defaultdict(list))
    rows = session.execute(
        select(CorrectionRow.cluster_id, CorrectionRow.target_id, CorrectionRow.tone, CorrectionRow.topic)
        .where(CorrectionRow.profile_id == profile_id, CorrectionRow.cluster_id.in_(clusters))
        .order_by(CorrectionRow.created_at, CorrectionRow.id)
    )
    for row in rows:  # oldest first: a later correction overrides an earlier one
        if row.tone is not None:
            result.tone[(row.cluster_id, row.target_id)] = row.tone
        if row.topic is not None and row.topic.startswith(REMOVED):
            topic = row.topic.removeprefix(REMOVED)
            result.removed[row.cluster_id].add(topic)
            result.topics[row.cluster_id] = [t for t in result.topics[row.cluster_id] if t != topic]
        elif row.topic is not None and row.topic not in result.topics[row.cluster_id]:
            result.topics[row.cluster_id].append(row.topic)
            result.removed[row.cluster_id].discard(row.topic)
    return result


def story_topics(session: Session, profile_id: str, automatic: Mapping[int, Iterable[str]]) -> dict[int, list[str]]:
    """{cluster id: its topics as the office left them} from each story's automatic topics (the latest of adding
    and taking off a topic wins)."""
    result: dict[int, list[str]] = {}
    for chunk in chunks(sorted(automatic)):
        fixes = _corrections(session, profile_id, chunk)
        result |= {cluster_id: fixes.topics_of(cluster_id, automatic[cluster_id]) for cluster_id in chunk}
    return result


def _cluster_members(session: Session, clusters: Any) -> dict[int, set[tuple[str, str]]]:
    """{cluster id: {(outlet id, outlet name)}}, from each article's outlet and every feed it was seen in."""
    members: dict[int, set[tuple[str, str]]] = defaultdict(set)
    own = (
        select(ArticleRow.cluster_id, OutletRow.id.label("outlet_id"), OutletRow.name)
        .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
        .where(ArticleRow.cluster_id.in_(clusters))
    )
    seen_in = (
        select(ArticleRow.cluster_id, OutletRow.id.label("outlet_id"), OutletRow.name)
        .join(ArticleSourceRow, ArticleSourceRow.article_id == ArticleRow.id)
        .join(OutletRow, OutletRow.id == ArticleSourceRow.outlet_id)
        .where(ArticleRow.cluster_id.in_(clusters))
    )
    for stmt in (own, seen_in):
        for row in session.execute(stmt):
            members[row.cluster_id].add((row.outlet_id, row.name))
    return members


def cluster_outlets(session: Session, cluster_ids: Iterable[int]) -> dict[int, list[str]]:
    """{cluster id: sorted names of every outlet that ran the story} for these clusters."""
    ids = sorted(set(cluster_ids))
    result: dict[int, list[str]] = {cluster: [] for cluster in ids}
    for start in range(0, len(ids), 500):
        for cluster, rows in _cluster_members(session, ids[start : start + 500]).items():
            result[cluster] = sorted({name for _, name in rows}, key=str.casefold)
    return result


def mentions_between(
    session: Session,
    profile_id: str,
    start: datetime,
    end: datetime,
    *,
    target_id: str | None = None,
    by_seen: bool = False,
) -> list[MentionView]:
    """Every mention of the profile's targets in articles published in [start, end), earliest first; with
    `by_seen`, in articles first collected in [start, end) (the digest: a late or back-dated item is never lost)."""
    when = ArticleRow.fetched_at if by_seen else ArticleRow.published_at
    base = _mention_rows(profile_id, target_id).where(when >= start, when < end)
    return _views(
        session,
        profile_id,
        session.execute(base.order_by(ArticleRow.published_at, ArticleRow.id, MentionRow.target_id)).all(),
    )


def count_mentions(session: Session, profile_id: str, start: datetime, end: datetime, *, by_seen: bool = False) -> int:
    """How many mentions `mentions_between` would give (the digest's weekly average needs only the count)."""
    when = ArticleRow.fetched_at if by_seen else ArticleRow.published_at
    count = (
        select(func.count())
        .select_from(MentionRow)
        .join(ArticleRow, ArticleRow.id == MentionRow.article_id)
        .where(MentionRow.profile_id == profile_id, when >= start, when < end)
    )
    return int(session.scalar(count) or 0)


def mentions_in(
    session: Session, profile_id: str, article_ids: Sequence[int], *, target_id: str | None = None
) -> list[MentionView]:
    """The profile's mentions in these articles (a search's hits), earliest first."""
    rows = [
        row
        for chunk in chunks(sorted(set(article_ids)))
        for row in session.execute(_mention_rows(profile_id, target_id).where(MentionRow.article_id.in_(chunk)))
    ]
    rows.sort(key=lambda row: (row.published_at, row.article_id, row.target_id))
    return _views(session, profile_id, rows)


def _views(session: Session, profile_id: str, rows: Sequence[Any]) -> list[MentionView]:
    """MentionViews of mention rows: corrections applied, the story's other outlets named (read for the rows'
    clusters only, listed, not re-selected)."""
    if not rows:
        return []
    clusters = sorted({row.cluster_id for row in rows if row.cluster_id is not None})
    fixes = _Corrections(tone={}, topics=defaultdict(list))
    members: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for chunk in chunks(clusters):
        found = _corrections(session, profile_id, chunk)
        fixes.tone.update(found.tone)
        fixes.topics.update(found.topics)
        fixes.removed.update(found.removed)
        for cluster, outlets in _cluster_members(session, chunk).items():
            members[cluster] |= outlets
    views = []
    for row in rows:
        cluster_id = row.cluster_id if row.cluster_id is not None else row.article_id
        if fixes.tone.get((cluster_id, row.target_id)) == NOT_ABOUT:  # the office: not about this target
            continue
        own_outlet = row.outlet_id
        also_in = sorted(
            {name for outlet_id, name in members.get(cluster_id, ()) if outlet_id != own_outlet}, key=str.casefold
        )
        corrected_tone = fixes.tone.get((cluster_id, row.target_id))
        tone = Tone(corrected_tone or row.tone)
        topics = fixes.topics_of(cluster_id, (hit["topic"] for hit in row.topics or ()))
        views.append(
            MentionView(
                article_id=row.article_id,
                cluster_id=cluster_id,
                url=row.link or row.url,
                title=row.title,
                outlet_id=own_outlet,
                outlet_name=row.outlet_name,
                outlet_kind=row.outlet_kind,
                outlet_reach=row.outlet_reach,
                published_at=row.published_at,
                date_guessed=row.date_source in _GUESSED,
                target_id=row.target_id,
                count=row.mentions,
                prominence=row.prominence,
                tone=tone,
                auto_tone=row.tone,
                corrected=corrected_tone is not None,
                score=row.score if tone == row.tone else CORRECTED_SCORE[tone],
                confidence=row.confidence,
                evidence=tuple(row.evidence or ()),
                topics=tuple(topics),
                also_in=tuple(also_in),
            )
        )
    return views
