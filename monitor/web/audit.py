"""«Jurnal»: the audit log, for admins: who changed what, when, before and after."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from monitor.accounts import User, audit_log
from monitor.web.security import admin
from monitor.web.workspace import Workspace, workspace

router = APIRouter()

ACTIONS = {
    "user.add": "cont nou",
    "user.password": "parolă schimbată",
    "user.active": "cont activat/dezactivat",
    "session.start": "autentificare",
    "correction.tone": "corecție de ton",
    "correction.topic": "temă adăugată",
    "correction.undo": "corecție anulată",
    "correction.many": "corecție de ton în masă",
    "settings.digest": "setări: sinteza",
    "settings.report": "setări: raportul lunar",
    "settings.alerts": "setări: alertele",
    "settings.target": "setări: țintă modificată",
    "settings.target.add": "setări: țintă adăugată",
    "settings.target.remove": "setări: țintă scoasă",
    "settings.outlet": "setări: publicație modificată",
    "settings.outlet.add": "setări: publicație adăugată",
    "settings.outlet.remove": "setări: publicație scoasă",
    "search.save": "căutare salvată",
    "search.delete": "căutare salvată ștearsă",
    "alert.acknowledge": "alertă preluată",
    "alert.mute": "alertă fără actualizări",
    "alert.close": "alertă închisă",
    "letter.draft": "scrisoare de replică redactată",
    "letter.edit": "scrisoare de replică modificată",
    "letter.status": "stare scrisoare de replică",
    "report.make": "raport lunar generat",
    "digest.scoate": "subiect scos din sinteză",
    "digest.include": "subiect pus înapoi în sinteză",
    "digest.prima": "subiect pus primul în sinteză",
    "digest.reactie": "subiect semnalat de reacționat",
    "digest.fara_reactie": "semnalarea «de reacționat» retrasă",
    "digest.comentariu": "comentariul sintezei",
    "digest.aproba": "sinteză aprobată",
    "digest.send": "sinteză trimisă",
    "digest.resend": "sinteză retrimisă",
    "article.add": "articol adăugat de mână",
    "report.send": "raport lunar trimis",
}


@router.get("/jurnal")
def audit_page(request: Request, user: User = Depends(admin), ws: Workspace = Depends(workspace)) -> Response:
    return ws.page(request, "audit.html.j2", rows=audit_log(ws.store, profiles=None), actions=ACTIONS, title="Jurnal")
