"""«Surse»: every outlet the profile follows, with its last success, its errors and its articles of the week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from monitor.accounts import User
from monitor.config import Outlet, Profile
from monitor.crawl.probe import FeedProbe, probe_outlet
from monitor.status import OutletHealth, collection_health, read_status
from monitor.store.workspace import OutletRhythm, outlet_rhythms, stored_urls
from monitor.web.security import current_user, editor
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()


@dataclass(frozen=True)
class SourceRow:
    outlet: Outlet
    health: OutletHealth | None
    rhythm: OutletRhythm | None
    silent: bool  # quiet far beyond its usual rhythm

    @property
    def recent(self) -> int:
        return self.rhythm.week if self.rhythm is not None else 0


@router.get("/p/{profile_id}/surse")
def sources_page(
    request: Request, profile_id: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    return _page(request, ws, ws.profile(user, profile_id))


@router.post("/p/{profile_id}/surse/{outlet_id}/testeaza")
def try_outlet(
    request: Request,
    profile_id: str,
    outlet_id: str,
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Fetch the outlet's feeds once and show what they hold and what would be new; nothing is stored."""
    profile = ws.profile(user, profile_id)
    outlet = next((o for o in ws.outlets_of(profile) if o.id == outlet_id), None)
    if outlet is None:
        raise NotFound()
    probes = probe_outlet(ws.settings, outlet, now=datetime.now(UTC))
    with ws.store.session() as session:
        known = stored_urls(session, [entry.url for probe in probes for entry in probe.entries])
    return _page(request, ws, profile, tested=(outlet, probes, known))


def _page(
    request: Request,
    ws: Workspace,
    profile: Profile,
    tested: tuple[Outlet, list[FeedProbe], set[str]] | None = None,
) -> Response:
    sources = ws.config()[0]
    now = datetime.now(UTC)
    status = read_status(ws.store, ws.settings, now=now)
    by_id = {outlet.outlet_id: outlet for outlet in status.outlets}
    with ws.store.session() as session:
        rhythms = outlet_rhythms(session, now)
        health = collection_health(session, now)
    rows = [
        SourceRow(outlet, by_id.get(outlet.id), rhythm, rhythm is not None and rhythm.silent(now))
        for outlet in sources.outlets
        if profile.watches(outlet)
        for rhythm in [rhythms.get(outlet.id)]
    ]
    rows.sort(key=lambda row: (-(row.health.errors if row.health else 0), not row.silent, row.outlet.name.casefold()))
    return ws.page(request, "sources.html.j2", profile=profile, rows=rows, health=health, tested=tested, title="Surse")
