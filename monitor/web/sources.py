"""«Surse»: every outlet the profile follows, with its last success, its errors and its articles of the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from monitor.accounts import User
from monitor.config import Outlet
from monitor.status import OutletHealth, collection_health, read_status
from monitor.store.workspace import recent_articles_by_outlet
from monitor.web.security import current_user
from monitor.web.workspace import Workspace, workspace

router = APIRouter()


@dataclass(frozen=True)
class SourceRow:
    outlet: Outlet
    health: OutletHealth | None
    recent: int


@router.get("/p/{profile_id}/surse")
def sources_page(
    request: Request, profile_id: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    sources = ws.config()[0]
    now = datetime.now(UTC)
    status = read_status(ws.store, ws.settings, now=now)
    by_id = {outlet.outlet_id: outlet for outlet in status.outlets}
    with ws.store.session() as session:
        recent = recent_articles_by_outlet(session, now - timedelta(days=7))
        health = collection_health(session, now)
    rows = [
        SourceRow(outlet, by_id.get(outlet.id), recent.get(outlet.id, 0))
        for outlet in sources.outlets
        if profile.watches(outlet)
    ]
    rows.sort(key=lambda row: (-(row.health.errors if row.health else 0), row.outlet.name.casefold()))
    return ws.page(request, "sources.html.j2", profile=profile, rows=rows, health=health, title="Surse")
