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
    docx_path: Path
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


# The legal basis by outlet kind (researched 2026-12; the office's legal adviser checks each letter). Written and
# online press: no statute of its own for the right of reply; the Constitution's limits of free expression, the
# press's deontological codes, and the courts (Civil Code art. 253). Radio and TV: the CNA's audiovisual content
# code (Decision 220/2011, art. 49-54), under the audiovisual law 504/2002.
LEGAL_BASIS = {
    False: (
        "Solicitarea se întemeiază pe art. 30 alin. (6) și (8) din Constituția României (libertatea de exprimare nu "
        "poate prejudicia demnitatea, onoarea și dreptul la propria imagine; răspunderea pentru informația adusă la "
        "cunoștința publică) și pe art. 31 alin. (4) (obligația mijloacelor de informare în masă de a asigura "
        "informarea corectă a opiniei publice). Pentru presa scrisă și online nu există o lege specială a dreptului "
        "la replică: publicarea replicii este o obligație deontologică a presei, iar apărarea în instanță a "
        "drepturilor nepatrimoniale este reglementată de art. 253 din Codul civil."
    ),
    True: (
        "Solicitarea se întemeiază pe dreptul la replică prevăzut de Codul de reglementare a conținutului "
        "audiovizual (Decizia CNA nr. 220/2011, art. 49–54), adoptat în temeiul Legii audiovizualului nr. 504/2002. "
        "Dreptul la replică privește faptele neadevărate prezentate în program, nu opiniile. Vă rugăm să înregistrați "
        "cererea cu data și ora primirii și să ne comunicați dovada înregistrării; în caz de refuz, ne putem adresa "
        "Consiliului Național al Audiovizualului în cel mult 30 de zile de la difuzare (art. 54)."
    ),
}


def contested(view: MentionView) -> tuple[str, ...]:
    """The passages proposed by default: the sentences that judge the target, not the headline that reports the
    news (the press officer adds or removes passages in the letter)."""
    if view.tone != Tone.NEGATIVE:
        return ()
    title = " ".join(view.title.split()).casefold()
    return tuple(s for s in view.evidence if s.strip() and " ".join(s.split()).casefold() != title)


def letter_context(
    profile: Profile,
    view: MentionView,
    outlet: tuple[str, str, str | None],
    *,
    now: datetime,
    registration: str | None = None,
) -> dict[str, Any]:
    name, kind, contact = outlet
    return {
        "institution": profile.institution,
        "outlet": name,
        "broadcaster": kind in BROADCASTERS,
        "legal_basis": LEGAL_BASIS[kind in BROADCASTERS],
        "contact": contact,
        "contact_missing": CONTACT_MISSING,
        "title": view.title,
        "url": view.url,
        "published": view.published_at.astimezone(profile.zone),
        "date_guessed": view.date_guessed,
        "also_in": view.also_in,
        "target": describe_target(profile, view.target_id),
        "person": profile.target(view.target_id).kind == "person",
        "passages": contested(view),
        "today": now.astimezone(profile.zone),
        "registration": registration,
    }


def _paths(settings: Settings, profile: Profile, reply_id: int, article_id: int, target_id: str) -> tuple[Path, Path]:
    stem = f"drept-la-replica-{reply_id}-{profile.id}-{article_id}-{target_id}"
    folder = settings.output_dir / "replici"
    return folder / f"{stem}.txt", folder / f"{stem}.html"


def write_docx(text: str, path: Path, letterhead: Path | None) -> None:
    """The letter as an editable Word document, on the office's letterhead when its configuration folder has
    reports/templates/reply.docx (its header, footer and styles are kept; its body is replaced)."""
    from docx import Document

    document = Document(str(letterhead)) if letterhead is not None else Document()
    body = document.element.body
    for element in list(body):
        if not element.tag.endswith("sectPr"):  # keep the page setup, header and footer of the letterhead
            body.remove(element)
    for line in text.splitlines():
        document.add_paragraph(line)
    partial = path.with_name(path.name + ".part")
    document.save(str(partial))
    partial.replace(path)


def draft_reply(
    store: Store,
    profile: Profile,
    sources: Sources,
    settings: Settings,
    article_id: int,
    target_id: str,
    *,
    now: datetime,
    registration: str | None = None,
) -> ReplyDraft:
    """Draft (or redraft, while still unsent) the letter for `article_id` and `target_id`; saved as text, HTML and
    DOCX. `registration`: the office's registration number, when it has one already."""
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
        context = letter_context(profile, view, outlet, now=now, registration=registration)
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
        text = env.get_template("reply.txt.j2").render(**context)
        text_path.write_text(text, encoding="utf-8")
        html_path.write_text(env.get_template("reply.html.j2").render(**context), encoding="utf-8")
        docx_path = text_path.with_suffix(".docx")
        letterhead = settings.templates_dir / "reply.docx" if settings.templates_dir is not None else None
        write_docx(text, docx_path, letterhead if letterhead is not None and letterhead.is_file() else None)
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
    elif not context["passages"]:
        warnings.append("analiza nu a reținut fraze care judecă ținta: completați manual pasajele contestate")
    log.info(
        "right-of-reply letter %s drafted for article %s, target %s: %s", reply_id, article_id, target_id, text_path
    )
    return ReplyDraft(
        reply_id, text_path, html_path, docx_path, outlet[0], outlet[2], tuple(context["passages"]), tuple(warnings)
    )


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
