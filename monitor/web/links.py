"""The links in the e-mails: `/l/<purpose>/<token>`. An «open» link leads to its page (which asks for sign-in as
any page does); an action link (take an alert in hand, mute it) shows what it will do and acts on a click of the
button, once: a mail scanner that follows links changes nothing, and a used link never works again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError

from monitor.accounts import User
from monitor.links import LinkError, LinkPurpose, LinkToken, read_token
from monitor.store.models import UsedTokenRow
from monitor.web.alerts import alert_views, apply_action, profile_alert
from monitor.web.security import optional_user
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()

OPEN_PAGES = {
    LinkPurpose.OPEN_ALERT: "/p/{profile}/alerte/{object}",
    LinkPurpose.OPEN_STORY: "/p/{profile}/articole/{object}",
    LinkPurpose.OPEN_DIGEST: "/p/{profile}/sinteza?zi={object}",
}
ACTION_WORDS = {LinkPurpose.ACKNOWLEDGE_ALERT: "preluare", LinkPurpose.MUTE_ALERT: "fara-actualizari"}


def _link(ws: Workspace, purpose: str, token: str) -> LinkToken:
    """The link's content; LinkError (a Romanian page, 400) when it is forged, expired, for another purpose, or
    names a profile that no longer exists."""
    try:
        kind = LinkPurpose(purpose)
    except ValueError:
        raise NotFound() from None
    link = read_token(ws.settings, kind, token)
    if link.profile_id not in ws.config()[1]:
        raise LinkError("Linkul numește un profil care nu mai există.")
    return link


@router.get("/l/{purpose}/{token}")
def follow(
    request: Request,
    purpose: str,
    token: str,
    user: User | None = Depends(optional_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    link = _link(ws, purpose, token)
    if link.purpose in OPEN_PAGES:
        return RedirectResponse(
            OPEN_PAGES[link.purpose].format(profile=link.profile_id, object=link.object_id), status_code=303
        )
    profile = ws.config()[1][link.profile_id]
    with ws.store.session() as session:
        row = profile_alert(session, link.profile_id, int(link.object_id))
        used = session.get(UsedTokenRow, link.token_id) is not None
    (view,) = alert_views(ws, profile, [row])
    return ws.page(
        request, "link.html.j2", link=link, a=view, used=used, token=token, profile_zone=profile.zone, title="Alertă"
    )


@router.post("/l/{purpose}/{token}")
def act(
    request: Request,
    purpose: str,
    token: str,
    user: User | None = Depends(optional_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    """The action, once: the token's id is recorded in the same transaction as the change."""
    link = _link(ws, purpose, token)
    if link.purpose not in ACTION_WORDS:
        raise NotFound()
    who = user.login if user is not None else "link din e-mail"
    try:
        row = apply_action(
            ws, link.profile_id, int(link.object_id), ACTION_WORDS[link.purpose], who, link_id=link.token_id
        )
    except IntegrityError:
        raise LinkError("Linkul a fost deja folosit. Deschideți alerta în spațiul de lucru.") from None
    profile = ws.config()[1][link.profile_id]
    (view,) = alert_views(ws, profile, [row])
    return ws.page(
        request, "link.html.j2", link=link, a=view, used=True, done=True, token=token, profile_zone=profile.zone
    )
