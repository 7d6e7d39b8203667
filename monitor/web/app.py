"""The workspace application: routes, static files from the package (no CDN), error pages in Romanian."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from monitor.errors import PresaError, StoreError
from monitor.settings import Settings
from monitor.store.db import Store
from monitor.web import adding, alerts, archive, audit, digest, letters, links, report, signin, sources, today
from monitor.web import settings as setari
from monitor.web.security import SecurityHeaders, SignInRequired
from monitor.web.workspace import STATIC, Workspace

log = logging.getLogger(__name__)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def create_app(settings: Settings, store: Store | None = None, *, https: bool | None = None) -> FastAPI:
    """The workspace over `store` (by default the settings' database); `https`: cookies marked Secure (by default
    when its public address, MONITOR_WEB_URL, is https)."""
    if https is None:
        https = bool(settings.web_url and settings.web_url.startswith("https://"))
    app = FastAPI(title="Presa", docs_url=None, redoc_url=None, openapi_url=None)
    ws = Workspace(settings, store or Store(settings.database_url))
    app.state.workspace = ws
    app.state.https = https
    app.add_middleware(SecurityHeaders, https=https)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signin, today, digest, archive, alerts, report, letters, sources, adding, audit, links, setari):
        app.include_router(module.router)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if isinstance(error, SignInRequired) or error.status_code == 401:
            query = request.url.query if request.method == "GET" else ""
            asked = request.url.path + (f"?{query}" if query else "")
            target = "/autentificare?inapoi=" + quote(asked, safe="/")  # back to the very page, its query too
            if _is_htmx(request):
                return Response(status_code=401, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
        message = error.detail if isinstance(error.detail, str) else "Eroare"
        if error.status_code == 404 and message == "Not Found":
            message = "Pagina nu există sau nu aveți acces la ea."
        if error.status_code == 405:
            message = "Metoda cererii nu este permisă aici."
        template = "fragment_error.html.j2" if _is_htmx(request) else "error.html.j2"
        return ws.page(request, template, status_code=error.status_code, message=message, code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        fields = ", ".join(str(e["loc"][-1]) for e in error.errors())
        template = "fragment_error.html.j2" if _is_htmx(request) else "error.html.j2"
        return ws.page(
            request, template, status_code=400, message=f"Cerere incompletă sau greșită ({fields}).", code=400
        )

    @app.exception_handler(PresaError)
    async def refused(request: Request, error: PresaError) -> Response:
        status = 503 if isinstance(error, StoreError) else 400
        if status == 503:
            log.error("workspace: %s", error)
        template = "fragment_error.html.j2" if _is_htmx(request) else "error.html.j2"
        return ws.page(request, template, status_code=status, message=str(error), code=status)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        log.exception("workspace: %s %s failed", request.method, request.url.path)
        message = (
            "A apărut o eroare neașteptată; a fost scrisă în jurnalul serverului. Reîncercați sau anunțați operatorul."
        )
        return ws.page(request, "error.html.j2", status_code=500, message=message, code=500)

    return app
