"""Right-of-reply ("drept la replică") letters: drafted from an article's negative evidence, tracked to publication."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Profile, Sources
from monitor.deliver.render import environment
from monitor.errors import ReplyError
from monitor.record import LetterStatus, MentionView, Tone
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow, OutletRow, ReplyRow
from monitor.store.queries import mentions_between

log = logging.getLogger(__name__)

BROADCASTERS = ("tv", "radio")
ROLE_RO = {"prefect": "prefectul județului", "subprefect": "subprefectul județului"}
CONTACT_MISSING = "[ADRESA DE CONTACT A REDACȚIEI: lipsește din sources.yaml, completați-o înainte de trimitere]"


@dataclass(frozen=True)
class ReplyDraft:
    """A drafted letter: its row id, files, and what the officer must still fill in."""

    reply_id: int
    text_path: Path
    html_path: Path
    outlet: str
    contact: str | None
    passages: tuple[str, ...]
    warnings: tuple[str, ...]


def _mention(session: Session, profile: Profile, article: ArticleRow, target_id: str) -> MentionView:
    views = mentions_between(
        session, profile.id, article.published_at, article.published_at + timedelta(microseconds=1), target_id=target_id
    )
    for view in views:
        if view.article_id == article.id:
            return view
    raise ReplyError(f"articolul {article.id} nu o menționează pe ținta «{target_id}» în profilul {profile.id}")


def _outlet(session: Session, sources: Sources, outlet_id: str) -> tuple[str, str, str | None]:
    """(name, kind, contact) from sources.yaml, or from the stored outlet when it has left sources.yaml."""
    try:
        outlet = sources.outlet(outlet_id)
        return outlet.name, outlet.kind, outlet.contact
    except KeyError:
        row = session.get(OutletRow, outlet_id)
        if row is None:
            raise ReplyError(f"publicația «{outlet_id}» nu există nici în sources.yaml, nici în baza de date") from None
        return row.name, row.kind, row.contact


def describe_target(profile: Profile, target_id: str) -> str:
    """'Horia Vlădescu, prefectul județului Alba' or the institution's name."""
    target = profile.target(target_id)
    role = ROLE_RO.get(target.role)
    return f"{target.name}, {role} {profile.county}" if role and profile.county else target.name


def letter_context(
    profile: Profile, view: MentionView, outlet: tuple[str, str, str | None], *, now: datetime
) -> dict[str, Any]:
    name, kind, contact = outlet
    return {
        "institution": profile.institution,
        "outlet": name,
        "broadcaster": kind in BROADCASTERS,
        "contact": contact,
        "contact_missing": CONTACT_MISSING,
        "title": view.title,
        "url": view.url,
        "published": view.published_at.astimezone(profile.zone),
        "date_guessed": view.date_guessed,
        "also_in": view.also_in,
        "target": describe_target(profile, view.target_id),
        "person": profile.target(view.target_id).kind == "person",
        "passages": view.evidence if view.tone == Tone.NEGATIVE else (),
        "today": now.astimezone(profile.zone),
    }


def _paths(settings: Settings, profile: Profile, reply_id: int, article_id: int, target_id: str) -> tuple[Path, Path]:
    stem = f"drept-la-replica-{reply_id}-{profile.id}-{article_id}-{target_id}"
    folder = settings.output_dir / "replici"
    return folder / f"{stem}.txt", folder / f"{stem}.html"


def draft_reply(
    store: Store,
    profile: Profile,
    sources: Sources,
    settings: Settings,
    article_id: int,
    target_id: str,
    *,
    now: datetime,
) -> ReplyDraft:
    """Draft (or redraft, while still unsent) the letter for `article_id` and `target_id`; saved as text and HTML."""
    try:
        profile.target(target_id)
    except KeyError:
        known = ", ".join(t.id for t in profile.targets)
        raise ReplyError(f"ținta «{target_id}» nu există în profilul {profile.id} (ținte: {known})") from None
    with store.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise ReplyError(f"articolul {article_id} nu există în baza de date")
        view = _mention(session, profile, article, target_id)
        outlet = _outlet(session, sources, article.outlet_id)
        context = letter_context(profile, view, outlet, now=now)
        row = session.scalars(
            select(ReplyRow).where(
                ReplyRow.profile_id == profile.id,
                ReplyRow.article_id == article_id,
                ReplyRow.target_id == target_id,
                ReplyRow.status == "drafted",
            )
        ).first()
        if row is None:
            row = ReplyRow(
                profile_id=profile.id,
                article_id=article_id,
                target_id=target_id,
                status="drafted",
                text_path="",
                html_path="",
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
        text_path, html_path = _paths(settings, profile, row.id, article_id, target_id)
        text_path.parent.mkdir(parents=True, exist_ok=True)
        env = environment(settings.templates_dir)
        text_path.write_text(env.get_template("reply.txt.j2").render(**context), encoding="utf-8")
        html_path.write_text(env.get_template("reply.html.j2").render(**context), encoding="utf-8")
        row.text_path, row.html_path, row.updated_at = str(text_path), str(html_path), now
        reply_id = row.id
    warnings = []
    if outlet[2] is None:
        warnings.append(f"publicația {outlet[0]} nu are adresă de contact în sources.yaml: completați-o în scrisoare")
    if view.tone != Tone.NEGATIVE:
        warnings.append(
            f"aprecierea articolului pentru această țintă nu este negativă ({view.tone}): "
            "completați manual pasajele contestate"
        )
    elif not view.evidence:
        warnings.append("analiza nu a reținut fraze negative: completați manual pasajele contestate")
    log.info(
        "right-of-reply letter %s drafted for article %s, target %s: %s", reply_id, article_id, target_id, text_path
    )
    return ReplyDraft(reply_id, text_path, html_path, outlet[0], outlet[2], tuple(context["passages"]), tuple(warnings))


def set_reply_status(
    store: Store, reply_id: int, status: LetterStatus, *, now: datetime
) -> tuple[LetterStatus, LetterStatus]:
    """Move a letter forward (drafted -> sent -> published); returns (old, new) status."""
    order = list(LetterStatus)
    with store.session() as session:
        row = session.get(ReplyRow, reply_id)
        if row is None:
            raise ReplyError(f"scrisoarea de replică {reply_id} nu există")
        old = LetterStatus(row.status)
        if order.index(status) <= order.index(old):
            raise ReplyError(
                f"scrisoarea {reply_id} este deja {old.label}: starea poate doar avansa "
                "(redactată → trimisă → publicată)"
            )
        row.status, row.updated_at = status, now
    log.info("right-of-reply letter %s: %s -> %s", reply_id, old, status)
    return old, status
