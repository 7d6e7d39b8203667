"""«Adaugă articol»: a page by its address, a pasted text (a post, a transcript), or an uploaded PDF or scanned
print page; stored and analysed like a crawled article (monitor.archive.manual)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from monitor.accounts import User, audit
from monitor.archive.documents import MAX_BYTES
from monitor.archive.manual import Added, ManualError, add_document, add_text, add_url
from monitor.config import Profile
from monitor.days import parse_day
from monitor.web.security import editor
from monitor.web.workspace import Workspace, workspace

router = APIRouter()


def _published(profile: Profile, text: str) -> datetime | None:
    """The publication day as the office typed it (noon local time: the hour is rarely known), or None."""
    if not text.strip():
        return None
    day = parse_day(text)
    if day is None:
        raise ManualError(f"data «{text}» nu poate fi citită: scrieți zz.ll.aaaa, de exemplu 01.11.2026")
    return datetime.combine(day, time(12), profile.zone).astimezone(UTC)


@router.get("/p/{profile_id}/adauga")
def adding_page(
    request: Request, profile_id: str, user: User = Depends(editor), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    return ws.page(
        request, "adding.html.j2", profile=profile, outlets=ws.outlets_of(profile), max_mb=MAX_BYTES // 2**20,
        title="Adaugă articol",
    )  # fmt: skip


def _done(request: Request, ws: Workspace, profile: Profile, user: User, added: Added, how: str) -> Response:
    with ws.store.session() as session:
        audit(
            session, user.login, "article.add", now=datetime.now(UTC), profile_id=profile.id,
            subject=f"articolul {added.article_id} ({how})", after={"nou": added.created, "mențiuni": added.mentions},
        )  # fmt: skip
    if added.mentions:
        return RedirectResponse(f"/p/{profile.id}/articole/{added.article_id}", status_code=303)
    return ws.page(
        request, "adding.html.j2", profile=profile, outlets=ws.outlets_of(profile), max_mb=MAX_BYTES // 2**20,
        notice=f"Articolul {added.article_id} este în arhivă, dar nu numește nicio țintă a profilului: nu apare în "
        "sinteze și rapoarte.", title="Adaugă articol",
    )  # fmt: skip


@router.post("/p/{profile_id}/adauga/adresa")
def add_by_url(
    request: Request,
    profile_id: str,
    publicatia: str = Form(...),
    adresa: str = Form(...),
    data: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    now = datetime.now(UTC)
    added = add_url(
        ws.store, profile, ws.config()[0], ws.settings, outlet_id=publicatia, url=adresa.strip(),
        published_at=_published(profile, data), now=now,
    )  # fmt: skip
    return _done(request, ws, profile, user, added, "după adresă")


@router.post("/p/{profile_id}/adauga/text")
def add_by_text(
    request: Request,
    profile_id: str,
    publicatia: str = Form(...),
    titlu: str = Form(""),
    text: str = Form(""),
    data: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    added = add_text(
        ws.store, profile, ws.config()[0], outlet_id=publicatia, title=titlu, text=text,
        published_at=_published(profile, data), now=datetime.now(UTC),
    )  # fmt: skip
    return _done(request, ws, profile, user, added, "text lipit")


@router.post("/p/{profile_id}/adauga/fisier")
def add_by_upload(
    request: Request,
    profile_id: str,
    publicatia: str = Form(...),
    titlu: str = Form(""),
    data: str = Form(""),
    fisier: UploadFile = File(...),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    content = fisier.file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise ManualError(f"fișierul depășește {MAX_BYTES // 2**20} MB")
    added = add_document(
        ws.store, profile, ws.config()[0], outlet_id=publicatia, title=titlu, data=content,
        published_at=_published(profile, data), now=datetime.now(UTC),
    )  # fmt: skip
    return _done(request, ws, profile, user, added, f"fișier {fisier.filename or ''}".strip())
