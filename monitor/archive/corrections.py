"""The press officer's corrections of tone and topics: recorded per story cluster, exported for evaluation."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.dedup import assign_clusters
from monitor.deliver.render import BUCHAREST
from monitor.errors import CorrectionError
from monitor.record import Tone
from monitor.store import Store
from monitor.store.models import ArticleRow, CorrectionRow, MentionRow, OutletRow
from monitor.store.queries import NOT_ABOUT, REMOVED

log = logging.getLogger(__name__)

_TOPIC = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# What the office may type for NOT_ABOUT: the story is not about the target (another prefect, a «prefect de
# studii», a pupil playing the prefect for a day); the mention is left out of digests, alerts, reports, exports.
NOT_ABOUT_WORDS = ("ignored", "nu e despre", "irelevant")


def _tone(value: str | None) -> str | None:
    if value is None:
        return None
    if value.strip().casefold() in NOT_ABOUT_WORDS:
        return NOT_ABOUT
    tone = Tone.parse(value)
    if tone is None:
        raise CorrectionError(f"ton necunoscut «{value}»: folosiți pozitiv, neutru, negativ sau irelevant")
    return tone


def _mentions_target(session: Session, profile_id: str, cluster_id: int, target_id: str) -> bool:
    story = select(ArticleRow.id).where((ArticleRow.cluster_id == cluster_id) | (ArticleRow.id == cluster_id))
    found = session.scalar(
        select(MentionRow.id)
        .where(
            MentionRow.profile_id == profile_id,
            MentionRow.target_id == target_id,
            MentionRow.article_id.in_(story),
        )
        .limit(1)
    )
    return found is not None


def record_correction(
    store: Store,
    profile_id: str,
    article_id: int,
    target_id: str,
    *,
    tone: str | None = None,
    topic: str | None = None,
    author: str,
    reason: str,
    now: datetime,
    topics: Mapping[str, str] | None = None,
) -> CorrectionRow:
    """Record a tone and/or a topic added (or, written "-topic", taken off) for the story of `article_id`; it
    applies to every copy of the story.
    `topics`: the profile's taxonomy (id -> label), when the topic must be one of them. A tone for a target the
    story does not mention is refused: it would change nothing."""
    fixed_tone = _tone(tone)
    if topic is not None and not _TOPIC.match(topic.removeprefix(REMOVED)):
        raise CorrectionError(f"temă invalidă «{topic}»: un identificator din taxonomie, de exemplu «urgente»")
    if topic is not None and topics is not None and topic.removeprefix(REMOVED) not in topics:
        known = ", ".join(sorted(topics))
        raise CorrectionError(f"tema «{topic}» nu există în taxonomia profilului; teme: {known}")
    if fixed_tone is None and topic is None:
        raise CorrectionError("corectura trebuie să indice un ton sau o temă")
    if not author.strip():
        raise CorrectionError("corectura trebuie să aibă un autor")
    with store.session() as session:
        cluster_id = session.scalar(select(ArticleRow.cluster_id).where(ArticleRow.id == article_id))
        if cluster_id is None:
            if session.get(ArticleRow, article_id) is None:
                raise CorrectionError(f"articolul {article_id} nu există în baza de date")
            cluster_id = assign_clusters(session, [article_id], now=now)[article_id]
        if fixed_tone is not None and not _mentions_target(session, profile_id, cluster_id, target_id):
            raise CorrectionError(
                f"articolul {article_id} (și preluările lui) nu menționează ținta «{target_id}» în profilul "
                f"{profile_id}: o corecție de ton nu ar schimba nimic"
            )
        row = CorrectionRow(
            profile_id=profile_id,
            article_id=article_id,
            cluster_id=cluster_id,
            target_id=target_id,
            tone=fixed_tone,
            topic=topic,
            author=author.strip(),
            reason=reason.strip(),
            created_at=now,
        )
        session.add(row)
    log.info(
        "correction by %s for profile %s, article %s (story %s), target %s: tone %s, topic %s",
        row.author,
        profile_id,
        article_id,
        cluster_id,
        target_id,
        fixed_tone,
        topic,
    )
    return row


def export_corrections(store: Store, profile_id: str, out: TextIO, *, zone: ZoneInfo = BUCHAREST) -> int:
    """Write every correction of a profile as a JSON line, oldest first; returns how many.

    Each line is also a valid `monitor analyze` input line (id, title, text, url, outlet, published), with
    the officer's labels beside it (target, tone, topic, auto_tone, author, reason, created_at), so the
    corrections become a labelled set to measure and improve the automatic analysis against.
    """
    stmt = (
        select(
            CorrectionRow,
            ArticleRow.title,
            ArticleRow.text,
            ArticleRow.summary,
            ArticleRow.url,
            ArticleRow.outlet_id,
            ArticleRow.published_at,
            OutletRow.county,
            OutletRow.kind,
            MentionRow.tone.label("auto_tone"),
        )
        .join(ArticleRow, ArticleRow.id == CorrectionRow.article_id)
        .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
        .outerjoin(
            MentionRow,
            (MentionRow.article_id == CorrectionRow.article_id)
            & (MentionRow.profile_id == CorrectionRow.profile_id)
            & (MentionRow.target_id == CorrectionRow.target_id),
        )
        .where(CorrectionRow.profile_id == profile_id)
        .order_by(CorrectionRow.created_at, CorrectionRow.id)
    )
    written = 0
    with store.session() as session:
        for row in session.execute(stmt):
            correction: CorrectionRow = row[0]
            record = {
                "id": str(correction.article_id),
                "title": row.title,
                "text": row.text or row.summary,
                "url": row.url,
                "outlet": row.outlet_id,
                "outlet_county": row.county if row.kind == "local" else None,
                "published": row.published_at.astimezone(zone).date().isoformat(),
                "cluster": correction.cluster_id,
                "target": correction.target_id,
                "tone": correction.tone,
                "topic": correction.topic,
                "auto_tone": row.auto_tone,
                "author": correction.author,
                "reason": correction.reason,
                "created_at": correction.created_at.isoformat(),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written
