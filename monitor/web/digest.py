"""«Sinteza»: the next morning digest exactly as it will be sent (the same builder and template as the e-mail)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from monitor.accounts import User
from monitor.deliver.digest import render_digest
from monitor.web.security import current_user
from monitor.web.today import chosen_day, digest_of
from monitor.web.workspace import Workspace, workspace

router = APIRouter()

# The e-mail's HTML carries inline styles; it is shown in a sandboxed frame of this site, with no script at all.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


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
    return ws.page(
        request, "digest.html.j2", profile=profile, d=digest_of(ws, profile, day), day=day, zi=zi or "", title="Sinteza"
    )


@router.get("/p/{profile_id}/sinteza/previzualizare")
def digest_preview(
    profile_id: str, zi: str | None = None, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    html, _ = render_digest(digest_of(ws, profile, chosen_day(profile, zi)), ws.settings.templates_dir)
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"})
