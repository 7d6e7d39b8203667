"""«Alerte»: the profile's crises, open ones first, each with its timeline of articles and outlets; taking one in
hand («Am preluat»), muting its updates, closing it (the same functions as the e-mail links)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.accounts import User, audit
from monitor.config import Profile
from monitor.deliver.alerts import alert_targets
from monitor.deliver.crisis import acknowledge_alert, close_alert, find_alert, mute_alert
from monitor.errors import RequestError
from monitor.record import AlertRule
from monitor.store.models import AlertRow, ArticleRow, UsedTokenRow
from monitor.store.workspace import articles_by_id, outlet_names, profile_alerts
from monitor.web.security import alert_handler, current_user
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()

# The actions, by the word in their address: what they do and how the audit log names them.
ACTIONS: dict[str, tuple[Callable[[Session, str, int, str, datetime], AlertRow], str]] = {
    "preluare": (acknowledge_alert, "alert.acknowledge"),
    "fara-actualizari": (mute_alert, "alert.mute"),
    "inchidere": (close_alert, "alert.close"),
}


@dataclass(frozen=True)
class AlertView:
    row: AlertRow
    rule: str
    targets: tuple[str, ...]
    articles: tuple[ArticleRow, ...]  # the timeline, oldest first
    outlets: dict[str, str]

    @property
    def open(self) -> bool:
        return self.row.closed_at is None


def alert_views(ws: Workspace, profile: Profile, rows: list[AlertRow]) -> list[AlertView]:
    with ws.store.session() as session:
        articles = articles_by_id(session, [i for row in rows for i in row.article_ids])
        outlets = outlet_names(session, {article.outlet_id for article in articles.values()})
    known = {target.id: target.name for target in profile.targets}
    return [
        AlertView(
            row,
            AlertRule(row.rule).label,
            tuple(known[t] for t in alert_targets(row) if t in known),
            tuple(sorted((articles[i] for i in row.article_ids if i in articles), key=lambda a: a.published_at)),
            outlets,
        )
        for row in rows
    ]


def profile_alert(session: Session, profile_id: str, alert_id: int) -> AlertRow:
    """The alert of the profile; 404 for another profile's, as for one that does not exist."""
    try:
        return find_alert(session, profile_id, alert_id)
    except RequestError:
        raise NotFound() from None


def apply_action(
    ws: Workspace, profile_id: str, alert_id: int, action: str, login: str, *, link_id: str | None = None
) -> AlertRow:
    """Apply the action and audit it in one transaction; `link_id`: the e-mail link used, recorded in the same
    transaction (IntegrityError when it was used before: nothing changes)."""
    if action not in ACTIONS:
        raise NotFound()
    change, name = ACTIONS[action]
    now = datetime.now(UTC)
    with ws.store.session() as session:
        if link_id is not None:
            session.add(UsedTokenRow(token_id=link_id, used_at=now))
            session.flush()
        row = profile_alert(session, profile_id, alert_id)
        before = _state(row)
        change(session, profile_id, alert_id, login, now)
        audit(
            session, login, name, now=now, profile_id=profile_id, subject=f"alerta {row.id}", before=before,
            after=_state(row),
        )  # fmt: skip
        return row


def _state(row: AlertRow) -> dict[str, object]:
    return {"preluată de": row.acknowledged_by, "fără actualizări": row.muted, "închisă": row.closed_at is not None}


@router.get("/p/{profile_id}/alerte")
def alerts_page(
    request: Request, profile_id: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    with ws.store.session() as session:
        rows = list(profile_alerts(session, profile.id))
    return ws.page(request, "alerts.html.j2", profile=profile, alerts=alert_views(ws, profile, rows), title="Alerte")


@router.get("/p/{profile_id}/alerte/{alert_id}")
def alert_page(
    request: Request,
    profile_id: str,
    alert_id: int,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    with ws.store.session() as session:
        row = profile_alert(session, profile.id, alert_id)
    (view,) = alert_views(ws, profile, [row])
    return ws.page(request, "alert.html.j2", profile=profile, a=view, title=f"Alerta {row.id}")


@router.post("/p/{profile_id}/alerte/{alert_id}/{action}")
def alert_action(
    profile_id: str,
    alert_id: int,
    action: str,
    user: User = Depends(alert_handler),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    apply_action(ws, profile.id, alert_id, action, user.login)
    return RedirectResponse(f"/p/{profile.id}/alerte/{alert_id}", status_code=303)
