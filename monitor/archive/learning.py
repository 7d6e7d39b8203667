"""Learning from the press officer's corrections: a profile's tone corrections become training rows, and the
profile gets its own tone model (the package's examples plus its corrections, weighted up).

A correction still wins for its own story (store.queries applies it); the profile's model changes the tone of
the articles analysed after it, in that profile only. `monitor learn --profile P` retrains now; the daemon
retrains each night when there are new corrections.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from monitor.config import Profile, Sources
from monitor.nlp import tone_examples
from monitor.nlp.learned import ToneModel, package_examples
from monitor.nlp.training import Example, fit
from monitor.record import Tone
from monitor.store import Store
from monitor.store.models import ArticleRow, CorrectionRow, ToneModelRow

log = logging.getLogger(__name__)

CORRECTION_WEIGHT = 5.0  # one correction counts as this many package examples: it is this office's own judgement


@dataclass(frozen=True)
class LearnResult:
    profile_id: str
    corrections: int  # tone corrections learned from
    examples: int  # of which the analyser still finds the target (the others cannot teach tone)
    trained_at: datetime


def _tone_corrections(profile_id: str) -> tuple[ColumnElement[bool], ...]:
    """The conditions that pick a profile's tone corrections (topic-only corrections teach no tone)."""
    return (CorrectionRow.profile_id == profile_id, CorrectionRow.tone.in_([tone.value for tone in Tone]))


def correction_examples(store: Store, profile: Profile, sources: Sources) -> tuple[list[Example], int]:
    """(features, corrected tone) of the profile's latest tone correction per story and target, and the newest
    correction id. The features are those of the corrected article, read as the analyser reads it."""
    counties = {outlet.id: outlet.county for outlet in sources.outlets}
    latest = (
        select(func.max(CorrectionRow.id))
        .where(*_tone_corrections(profile.id))
        .group_by(CorrectionRow.cluster_id, CorrectionRow.target_id)
    )
    with store.session() as session:
        rows = session.execute(
            select(
                CorrectionRow.id,
                CorrectionRow.target_id,
                CorrectionRow.tone,
                ArticleRow.title,
                ArticleRow.text,
                ArticleRow.summary,
                ArticleRow.outlet_id,
                ArticleRow.published_at,
            )
            .join(ArticleRow, ArticleRow.id == CorrectionRow.article_id)
            .where(CorrectionRow.id.in_(latest))
            .order_by(CorrectionRow.id)
        ).all()
    found: list[Example] = []
    for row in rows:
        features = tone_examples(
            row.title,
            row.text or row.summary,
            profile,
            outlet_county=counties.get(row.outlet_id),
            published=row.published_at.astimezone(profile.zone).date(),
        )
        if row.target_id in features:
            found.append((features[row.target_id], Tone(row.tone)))
    return found, max((row.id for row in rows), default=0)


def learn(
    store: Store, profile: Profile, sources: Sources, *, now: datetime, session: Session | None = None
) -> LearnResult:
    """Retrain the profile's tone model from the package's examples and its corrections; store it (in `session`
    when given: the daemon records the night's job in the same transaction)."""
    corrections, newest = correction_examples(store, profile, sources)
    base = list(package_examples())
    model = fit(
        base + corrections,
        weights=[1.0] * len(base) + [CORRECTION_WEIGHT] * len(corrections),
        note=f"{len(base)} package examples and {len(corrections)} corrections of profile {profile.id}",
    )
    with nullcontext(session) if session is not None else store.session() as writer:
        row = writer.get(ToneModelRow, profile.id) or ToneModelRow(profile_id=profile.id)
        row.model, row.corrections, row.last_correction_id, row.trained_at = (
            model.to_json(),
            len(corrections),
            newest,
            now,
        )
        writer.add(row)
    log.info("profile %s: tone model retrained with %d corrections", profile.id, len(corrections))
    return LearnResult(profile.id, count_tone_corrections(store, profile.id), len(corrections), now)


def count_tone_corrections(store: Store, profile_id: str) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).where(*_tone_corrections(profile_id))) or 0)


def needs_learning(store: Store, profile_id: str) -> bool:
    """True when the profile has tone corrections its model has not learned from."""
    with store.session() as session:
        newest = session.scalar(select(func.max(CorrectionRow.id)).where(*_tone_corrections(profile_id)))
        if newest is None:
            return False
        learned = session.scalar(select(ToneModelRow.last_correction_id).where(ToneModelRow.profile_id == profile_id))
    return learned is None or newest > learned


def profile_model(store: Store, profile_id: str) -> ToneModel | None:
    """The profile's own tone model, or None (the package's applies); parsed once per training."""
    with store.session() as session:
        trained_at = session.scalar(select(ToneModelRow.trained_at).where(ToneModelRow.profile_id == profile_id))
        if trained_at is None:
            return None
        cached = _PARSED.get(profile_id)
        if cached is None or cached[0] != trained_at:
            text = session.scalar(select(ToneModelRow.model).where(ToneModelRow.profile_id == profile_id))
            cached = _PARSED[profile_id] = (trained_at, ToneModel.from_json(text or ""))
    return cached[1]


_PARSED: dict[str, tuple[datetime, ToneModel]] = {}  # profile id -> (trained_at, model)
