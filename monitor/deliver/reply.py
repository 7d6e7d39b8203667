"""Right-of-reply ("drept la replică") letters: drafted from an article's negative evidence, tracked to publication."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import Profile, Sources
from monitor.deliver.render import count_ro, date_ro, environment
from monitor.errors import ReplyError
from monitor.nlp.language import parse
from monitor.record import LetterStatus, MentionView, OutletKind, Tone
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow, OutletRow, ReplyRow
from monitor.store.queries import mentions_between

log = logging.getLogger(__name__)

BROADCASTERS = frozenset({OutletKind.TV, OutletKind.RADIO})
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


# The legal basis by outlet kind, as the sources below state it (read 2026-12-04; the office's legal adviser checks
# each letter before it is sent). An article is cited only where a source quotes its text; the rest is cited by its
# chapter or left to the adviser.
# Radio and TV: the CNA's «Codul de reglementare a conținutului audiovizual» (Decizia CNA nr. 220/2011, M. Of.
# nr. 174 of 11 March 2011, with later amendments), chapter «Procedura exercitării dreptului la replică și la
# rectificare». https://www.clasicradio.ro/drept-la-replica/ quotes art. 49 (any natural or legal person whose
# rights or legitimate interests were harmed by untrue facts presented in an audiovisual programme has the right of
# reply) and art. 50 (refused for opinions and value judgements, when the broadcaster heard both sides in the same
# programme, for a reply to a reply). https://avocatstoean.ro/legislatie/codul-audiovizualului/art-54-procedura-
# exercitarii-dreptului-la-replica-si-la-rectificare quotes art. 54 (the broadcaster registers the request with the
# date and hour received and hands over written proof; if it will not register it, the applicant may go straight to
# the CNA within 30 days of the broadcast). Neither page dates its consolidated version; CNA Decision 335/2014
# (https://cna.ro/Decizia-nr-335-din-06-05-2014.html) orders a reply under art. 57 and 62 of the same code, which
# fits a chapter running on past art. 54 (its full extent is unconfirmed: cited by name). Law 504/2002 art. 3
# alin. (2) (objective information, facts presented correctly) is quoted by CNA Decision 567/2011
# (https://www.cna.ro/Decizia-nr-567-din-29-09-2011.html).
# Not confirmed from any reachable source, so not stated: the deadline to ask, the deadline to air the reply, and
# the article of Law 504/2002 behind the chapter.
# Print and online: no statute of the right of reply (https://www.lighthousepr.ro/news/everything-you-need-to-know-
# about-the-right-to-reply-in-romania, which quotes the Constitution's art. 30 alin. (6) and (8) and art. 31
# alin. (4); also https://legalup.ro/dreptul-la-replica/). The Civil Code has no right of reply, only the court's
# remedies for non-patrimonial rights, art. 252-253 (https://legeaz.net/noul-cod-civil/art-253-mijloace-de-aparare-
# dispozitii-speciale-incetarea-persoanei-juridice; art. 253 alin. (3) lit. a): publishing the judgment at the
# author's expense). No text of the journalists' deontological codes on the right of reply was reachable: the letter
# names none of them.
LEGAL_BASIS = {
    False: (
        "Solicitarea se întemeiază pe art. 30 alin. (6) din Constituția României, potrivit căruia libertatea de "
        "exprimare nu poate prejudicia demnitatea, onoarea, viața particulară a persoanei și nici dreptul la propria "
        "imagine, pe art. 30 alin. (8) (răspunderea civilă pentru informația adusă la cunoștință publică) și pe "
        "art. 31 alin. (4), potrivit căruia mijloacele de informare în masă, publice și private, sunt obligate să "
        "asigure informarea corectă a opiniei publice. Pentru presa scrisă și online nu există o lege specială a "
        "dreptului la replică: publicarea replicii este o obligație deontologică a presei, iar apărarea în instanță a "
        "drepturilor nepatrimoniale, inclusiv obligarea autorului la publicarea hotărârii, este reglementată de "
        "art. 252–253 din Codul civil."
    ),
    True: (
        "Solicitarea se întemeiază pe dreptul la replică și la rectificare reglementat de Codul de reglementare a "
        "conținutului audiovizual (Decizia CNA nr. 220/2011, cu modificările și completările ulterioare), capitolul "
        "«Procedura exercitării dreptului la replică și la rectificare». Potrivit art. 49 din Cod, orice persoană "
        "fizică sau juridică ale cărei drepturi sau interese legitime au fost lezate prin prezentarea într-un program "
        "audiovizual a unor fapte neadevărate beneficiază de dreptul la replică; replica privește faptele, nu "
        "opiniile și judecățile de valoare (art. 50). Totodată, potrivit art. 3 alin. (2) din Legea audiovizualului "
        "nr. 504/2002, furnizorii de servicii media audiovizuale au obligația să asigure informarea obiectivă a "
        "publicului prin prezentarea corectă a faptelor și evenimentelor."
    ),
}
CNA_WINDOW = timedelta(days=30)  # Code art. 54 alin. (2): a request the broadcaster will not register goes to the CNA


def broadcast_deadlines(published: datetime, zone: ZoneInfo) -> str:
    """The broadcaster's part of the procedure and the last day to turn to the CNA, counted from the day the
    material was published on the station's site (the letter says so: the programme may have aired another day)."""
    return (
        "Vă rugăm să înregistrați prezenta cerere cu data și ora primirii și să ne transmiteți dovada scrisă a "
        "înregistrării (art. 54 alin. (1) din Cod). Dacă cererea nu este înregistrată, instituția se poate adresa "
        f"direct Consiliului Național al Audiovizualului în cel mult {count_ro(CNA_WINDOW.days, 'zi', 'zile')} de la "
        f"data difuzării programului (art. 54 alin. (2)), adică până la {date_ro(published + CNA_WINDOW, zone)} "
        "pentru un program difuzat la data publicării materialului pe site-ul postului."
    )


def contested(view: MentionView) -> tuple[str, ...]:
    """The passages proposed by default: the sentences that judge the target, not the headline that reports the
    news (the press officer chooses among every sentence of the article, `passages_of`)."""
    if view.tone != Tone.NEGATIVE:
        return ()
    title = " ".join(view.title.split()).casefold()
    return tuple(s for s in view.evidence if s.strip() and " ".join(s.split()).casefold() != title)


def passages_of(title: str, lead: str, text: str) -> list[str]:
    """What the press officer may contest: the title, then every sentence of the lead and the text, once each."""
    sentences = [title] + [s.text for part in (lead, text) if part for s in parse(part).sentences]
    return list(dict.fromkeys(" ".join(s.split()) for s in sentences if s.strip()))


@dataclass(frozen=True)
class PassageChoice:
    """The sentences of an article the press officer may contest, and those proposed (`contested`)."""

    title: str
    sentences: tuple[str, ...]
    proposed: frozenset[str]


def passage_choice(store: Store, profile: Profile, article_id: int, target_id: str) -> PassageChoice:
    """What the letter's form offers: every sentence of the article, the ones judging the target ticked."""
    with store.session() as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            raise ReplyError(f"articolul {article_id} nu există în baza de date")
        view = _mention(session, profile, article, target_id)
        sentences = passages_of(article.title, article.lead, article.text or article.summary)
    proposed = {" ".join(p.split()) for p in contested(view)}
    return PassageChoice(article.title, tuple(sentences), frozenset(proposed))


def letter_context(
    profile: Profile,
    view: MentionView,
    outlet: tuple[str, str, str | None],
    *,
    now: datetime,
    registration: str | None = None,
    passages: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The letter's fields; `passages`: the ones the press officer chose (None: the evaluative sentences)."""
    name, kind, contact = outlet
    broadcaster = kind in BROADCASTERS
    return {
        "institution": profile.institution,
        "outlet": name,
        "broadcaster": broadcaster,
        "legal_basis": LEGAL_BASIS[broadcaster],
        "deadlines": broadcast_deadlines(view.published_at, profile.zone) if broadcaster else None,
        "contact": contact,
        "contact_missing": CONTACT_MISSING,
        "title": view.title,
        "url": view.url,
        "published": view.published_at.astimezone(profile.zone),
        "date_guessed": view.date_guessed,
        "also_in": view.also_in,
        "target": describe_target(profile, view.target_id),
        "person": profile.target(view.target_id).kind == "person",
        "passages": contested(view) if passages is None else tuple(p.strip() for p in passages if p.strip()),
        "today": now.astimezone(profile.zone),
        "registration": registration,
    }


def _paths(settings: Settings, profile: Profile, reply_id: int, article_id: int, target_id: str) -> tuple[Path, Path]:
    stem = f"drept-la-replica-{reply_id}-{profile.id}-{article_id}-{target_id}"
    folder = settings.output_dir / "replici"
    return folder / f"{stem}.txt", folder / f"{stem}.html"


def letterhead(settings: Settings) -> Path | None:
    """The office's letterhead, reports/templates/reply.docx in its configuration folder, when it has one."""
    path = settings.templates_dir / "reply.docx" if settings.templates_dir is not None else None
    return path if path is not None and path.is_file() else None


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
    passages: Sequence[str] | None = None,
) -> ReplyDraft:
    """Draft (or redraft, while still unsent) the letter for `article_id` and `target_id`; saved as text, HTML and
    DOCX. `registration`: the office's registration number, when it has one already; `passages`: the contested
    passages the press officer chose (None: the sentences that judge the target, `contested`)."""
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
        context = letter_context(profile, view, outlet, now=now, registration=registration, passages=passages)
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
        write_docx(text, docx_path, letterhead(settings))
        warnings = _warnings(view, outlet, context, chosen=passages is not None, now=now)
        row.text_path, row.html_path, row.updated_at = str(text_path), str(html_path), now
        row.notes = warnings  # shown with the letter in the workspace while it is drafted
        reply_id = row.id
    log.info(
        "right-of-reply letter %s drafted for article %s, target %s: %s", reply_id, article_id, target_id, text_path
    )
    return ReplyDraft(
        reply_id, text_path, html_path, docx_path, outlet[0], outlet[2], tuple(context["passages"]), tuple(warnings)
    )


def _warnings(
    view: MentionView, outlet: tuple[str, str, str | None], context: dict[str, Any], *, chosen: bool, now: datetime
) -> list[str]:
    """What the press officer must complete or check before the letter leaves."""
    warnings = []
    if outlet[2] is None:
        warnings.append(f"publicația {outlet[0]} nu are adresă de contact în sources.yaml: completați-o în scrisoare")
    if chosen:
        if not context["passages"]:
            warnings.append("nu ați ales niciun pasaj contestat: completați-le în scrisoare")
    elif view.tone != Tone.NEGATIVE:
        warnings.append(
            f"aprecierea articolului pentru această țintă nu este negativă ({view.tone}): "
            "completați manual pasajele contestate"
        )
    elif not context["passages"]:
        warnings.append("analiza nu a reținut fraze care judecă ținta: completați manual pasajele contestate")
    if context["broadcaster"] and context["passages"]:
        warnings.append(
            "la radio și televiziune replica privește doar faptele neadevărate, nu opiniile (art. 50 din Codul "
            "audiovizualului): păstrați numai pasajele care afirmă fapte"
        )
    if context["broadcaster"] and now >= view.published_at + CNA_WINDOW:
        warnings.append(
            f"au trecut peste {count_ro(CNA_WINDOW.days, 'zi', 'zile')} de la publicare: dacă programul a fost difuzat "
            "atunci, termenul de sesizare directă a CNA (art. 54 alin. (2) din Codul audiovizualului) a expirat"
        )
    return warnings


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
