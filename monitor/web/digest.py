"""«Sinteza»: the day's digest exactly as it will be sent (the same builder and template as the e-mail); the office
leaves stories out or puts them first, adds its comment, approves it, sends it now or once more; past digests."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from monitor.accounts import User, audit
from monitor.deliver.digest import render_digest, run_digest
from monitor.deliver.editing import digest_edit, edit_digest
from monitor.deliver.mail import send_pending
from monitor.errors import RequestError
from monitor.store.jobs import already_done, run_once
from monitor.store.workspace import articles_by_id, sent_digests
from monitor.web.security import current_user, editor
from monitor.web.today import chosen_day, digest_of
from monitor.web.workspace import Workspace, workspace

router = APIRouter()

# The e-mail's HTML carries inline styles; it is shown in a sandboxed frame of this site, with no script at all.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
EDITS = {
    "scoate": "leave_out",
    "include": "put_back",
    "prima": "put_first",
    "reactie": "flag",
    "fara_reactie": "unflag",
}


@router.get("/p/{profile_id}/sinteza")
def digest_page(
    request: Request,
    profile_id: str,
    zi: str | None = None,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    day = chosen_day(profile, zi)
    with ws.store.session() as session:
        edit = digest_edit(session, profile.id, day)
        left_out = articles_by_id(session, list(edit.excluded)) if edit is not None else {}
        sent = already_done(session, f"digest:{profile.id}", day.isoformat())
        history = sent_digests(session, profile.id)
    return ws.page(
        request,
        "digest.html.j2",
        profile=profile,
        d=digest_of(ws, profile, day),
        day=day,
        zi=f"{day:%d.%m.%Y}",
        edit=edit,
        left_out=left_out,
        sent=sent,
        history=history,
        title="Sinteza",
    )


@router.get("/p/{profile_id}/sinteza/previzualizare")
def digest_preview(
    profile_id: str, zi: str | None = None, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    digest = digest_of(ws, profile, chosen_day(profile, zi))
    html, _ = render_digest(digest, ws.settings.templates_dir, ws.settings.web_url)
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"})


@router.post("/p/{profile_id}/sinteza/modifica")
def change_digest(
    profile_id: str,
    zi: str = Form(...),
    actiune: str = Form(...),
    subiect: int | None = Form(None),
    comentariu: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    day = chosen_day(profile, zi)
    now = datetime.now(UTC)
    if actiune in EDITS and subiect is None:
        raise RequestError("alegeți subiectul")
    changes: dict[str, object] = {EDITS[actiune]: subiect} if actiune in EDITS else {}
    if actiune == "comentariu":
        changes["comment"] = comentariu
    elif actiune == "aproba":
        changes["approve"] = True
    elif actiune not in EDITS:
        raise RequestError(f"acțiune necunoscută «{actiune}»")
    with ws.store.session() as session:
        before, after = edit_digest(session, profile.id, day, login=user.login, now=now, **changes)  # type: ignore[arg-type]
        audit(
            session, user.login, f"digest.{actiune}", now=now, profile_id=profile.id,
            subject=f"sinteza din {day:%d.%m.%Y}", before=before, after=after,
        )  # fmt: skip
    return RedirectResponse(f"/p/{profile.id}/sinteza?zi={day:%d.%m.%Y}", status_code=303)


@router.post("/p/{profile_id}/sinteza/trimite")
def send_digest(
    profile_id: str,
    zi: str = Form(...),
    retrimite: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Send the day's digest now (the morning job then finds it done), or once more on purpose."""
    profile = ws.profile(user, profile_id)
    if not profile.digest.recipients:
        raise RequestError(f"profilul {profile.institution} nu are destinatari pentru sinteză (digest.recipients)")
    day = chosen_day(profile, zi)
    now = datetime.now(UTC)

    def job(session: object) -> object:
        return run_digest(session, profile, ws.settings, day=day, now=now, send=True)  # type: ignore[arg-type]

    done = run_once(ws.store, f"digest:{profile.id}", day.isoformat(), now, job)
    if done is None and retrimite:
        with ws.store.session() as session:
            run_digest(session, profile, ws.settings, day=day, now=now, send=True, resend=True)
    elif done is None:
        raise RequestError("sinteza acestei zile a plecat deja; folosiți «Retrimite» pentru a o trimite din nou")
    with ws.store.session() as session:
        audit(
            session, user.login, "digest.resend" if retrimite else "digest.send", now=now, profile_id=profile.id,
            subject=f"sinteza din {day:%d.%m.%Y}", after={"destinatari": list(profile.digest.recipients)},
        )  # fmt: skip
    return RedirectResponse(
        f"/p/{profile.id}/sinteza?zi={day:%d.%m.%Y}",
        status_code=303,
        background=BackgroundTask(send_pending, ws.store, ws.settings, now=now),  # after the answer: SMTP may be slow
    )
