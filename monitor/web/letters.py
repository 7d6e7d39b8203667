"""«Drept la replică»: draft a letter from a story, edit its text, download it (DOCX, on the office's letterhead),
and move it from drafted to sent to published."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.responses import FileResponse

from monitor.accounts import User, audit
from monitor.config import Profile, Target
from monitor.deliver.reply import draft_reply, letterhead, passage_choice, set_reply_status, write_docx
from monitor.errors import ReplyError
from monitor.record import LetterStatus
from monitor.store.models import ReplyRow
from monitor.store.workspace import articles_by_id, profile_letter, profile_letters
from monitor.web.security import current_user, editor
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()


def _letter(ws: Workspace, profile_id: str, letter_id: int) -> ReplyRow:
    with ws.store.session() as session:
        row = profile_letter(session, profile_id, letter_id)
    if row is None:
        raise NotFound()
    return row


@router.get("/p/{profile_id}/replici")
def letters_page(
    request: Request, profile_id: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    with ws.store.session() as session:
        letters = profile_letters(session, profile.id)
        articles = articles_by_id(session, [row.article_id for row in letters])
    return ws.page(
        request, "letters.html.j2", profile=profile, letters=letters, articles=articles, title="Drept la replică"
    )


@router.get("/p/{profile_id}/replici/nou")
def choose_passages(
    request: Request,
    profile_id: str,
    articol: int | None = None,
    tinta: str = "",
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Before the letter: every sentence of the article, those that judge the target ticked; the press officer
    keeps, adds or removes passages (a factual headline is not proposed, but may be chosen)."""
    profile = ws.profile(user, profile_id)  # another prefecture's: not found, whatever else is asked
    if articol is None:
        raise ReplyError("alegeți articolul pentru care se cere dreptul la replică")
    target = _target(profile, tinta)
    ws.article(profile, articol)
    choice = passage_choice(ws.store, profile, articol, target.id)
    return ws.page(
        request,
        "letter_new.html.j2",
        profile=profile,
        target=target,
        articol=articol,
        choice=choice,
        title="Scrisoare de drept la replică: pasajele contestate",
    )


def _target(profile: Profile, tinta: str) -> Target:
    target = profile.find_target(tinta)
    if target is None:
        raise ReplyError(f"ținta «{tinta}» nu există în profilul {profile.institution}")
    return target


@router.post("/p/{profile_id}/replici")
def draft(
    profile_id: str,
    articol: int = Form(...),
    tinta: str = Form(...),
    pasaje: list[str] = Form([]),
    alese: str = Form(""),
    nr: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Draft the letter; from the passages' form (`alese`), with the passages ticked there."""
    profile = ws.profile(user, profile_id)
    target = _target(profile, tinta)
    now = datetime.now(UTC)
    ws.article(profile, articol)
    letter = draft_reply(
        ws.store, profile, ws.config()[0], ws.settings, articol, target.id, now=now,
        registration=nr.strip() or None, passages=pasaje if alese else None,
    )  # fmt: skip
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "letter.draft",
            now=now,
            profile_id=profile.id,
            subject=f"scrisoarea {letter.reply_id}: articolul {articol}, {target.name}",
        )
    return RedirectResponse(f"/p/{profile.id}/replici/{letter.reply_id}", status_code=303)


@router.get("/p/{profile_id}/replici/{letter_id}")
def letter_page(
    request: Request,
    profile_id: str,
    letter_id: int,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    row = _letter(ws, profile.id, letter_id)
    text = Path(row.text_path).read_text(encoding="utf-8") if Path(row.text_path).is_file() else ""
    return ws.page(
        request,
        "letter.html.j2",
        profile=profile,
        letter=row,
        text=text,
        statuses=tuple(LetterStatus),
        status=LetterStatus(row.status),
        title=f"Scrisoarea de replică {row.id}",
    )


@router.post("/p/{profile_id}/replici/{letter_id}/text")
def edit_letter(
    profile_id: str,
    letter_id: int,
    text: str = Form(...),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Save the edited text and its DOCX; a letter already sent stays as it was sent."""
    profile = ws.profile(user, profile_id)
    row = _letter(ws, profile.id, letter_id)
    if row.status != LetterStatus.DRAFTED:
        raise ReplyError(f"scrisoarea {row.id} este deja {LetterStatus(row.status).label}: nu se mai modifică")
    path = Path(row.text_path)
    partial = path.with_name(path.name + ".part")
    partial.write_text(text.replace("\r\n", "\n"), encoding="utf-8")
    partial.replace(path)
    write_docx(text, path.with_suffix(".docx"), letterhead(ws.settings))
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "letter.edit",
            now=datetime.now(UTC),
            profile_id=profile.id,
            subject=f"scrisoarea {row.id}",
        )
    return RedirectResponse(f"/p/{profile.id}/replici/{row.id}", status_code=303)


@router.post("/p/{profile_id}/replici/{letter_id}/stare")
def letter_status(
    profile_id: str,
    letter_id: int,
    stare: str = Form(...),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    row = _letter(ws, profile.id, letter_id)
    try:
        status = LetterStatus(stare)
    except ValueError:
        raise ReplyError(f"stare necunoscută «{stare}»: trimisă sau publicată") from None
    now = datetime.now(UTC)
    old, new = set_reply_status(ws.store, row.id, status, now=now)
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "letter.status",
            now=now,
            profile_id=profile.id,
            subject=f"scrisoarea {row.id}",
            before={"stare": old.value},
            after={"stare": new.value},
        )
    return RedirectResponse(f"/p/{profile.id}/replici/{row.id}", status_code=303)


@router.get("/p/{profile_id}/replici/{letter_id}/scrisoare.{fmt}")
def letter_file(
    profile_id: str, letter_id: int, fmt: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    row = _letter(ws, profile.id, letter_id)
    paths = {"docx": Path(row.text_path).with_suffix(".docx"), "txt": Path(row.text_path)}
    path = paths.get(fmt)
    if path is None or not path.is_file():
        raise NotFound("Fișierul scrisorii nu există.")
    media = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain; charset=utf-8",
    }[fmt]
    return FileResponse(path, media_type=media, filename=f"drept-la-replica-{row.id}.{fmt}")
