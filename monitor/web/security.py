"""Who asks and what they may do: the signed session cookie, the CSRF token on every change, role checks,
sign-in throttling per address, and the security headers of every response."""

from __future__ import annotations

import hmac
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from threading import Lock

from fastapi import Depends, HTTPException, Request
from itsdangerous import BadSignature, Signer
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import PlainTextResponse, Response

from monitor.accounts import User, session_user
from monitor.web.workspace import Forbidden, Workspace, workspace

COOKIE = "presa_sesiune"
LOGIN_COOKIE = "presa_formular"  # the sign-in form's CSRF token, before any session exists
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# No inline script or style, nothing remote, never framed (the digest preview loosens this for itself).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)


class SignInRequired(HTTPException):
    """No live session: the browser goes to the sign-in page (htmx is told to reload it there)."""

    def __init__(self) -> None:
        super().__init__(401, "Autentificați-vă pentru a continua.")


def signer(ws: Workspace, purpose: str) -> Signer:
    return Signer(ws.key, salt=f"presa-{purpose}")


def cookie_value(ws: Workspace, token: str) -> str:
    return signer(ws, COOKIE).sign(token).decode()


def session_token(ws: Workspace, request: Request) -> str | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        return signer(ws, COOKIE).unsign(raw).decode()
    except BadSignature:
        return None


def optional_user(request: Request, ws: Workspace = Depends(workspace)) -> User | None:
    """The signed-in user, or None; sets request.state.user and .csrf for the templates."""
    token = session_token(ws, request)
    found = session_user(ws.store, token, now=datetime.now(UTC)) if token else None
    if found is None:
        request.state.user, request.state.csrf = None, ""
        return None
    request.state.user, request.state.csrf = found
    return found[0]


async def current_user(request: Request, user: User | None = Depends(optional_user)) -> User:
    """The signed-in user; any request that changes something must carry the session's CSRF token."""
    if user is None:
        raise SignInRequired()
    if request.method not in SAFE_METHODS:
        await check_csrf(request, request.state.csrf)
    return user


async def check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # Starlette keeps it: the route's own Form() parameters still read it
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not expected or given is None or not hmac.compare_digest(given, expected):
        raise Forbidden("Cererea nu are tokenul de securitate al sesiunii (CSRF). Reîncărcați pagina și reîncercați.")


def editor(user: User = Depends(current_user)) -> User:
    """The press office or an admin: corrections, letters, digests, added articles."""
    if not user.can_edit:
        raise Forbidden()
    return user


def alert_handler(user: User = Depends(current_user)) -> User:
    """Who may take a crisis in hand: the press office, the spokesperson, an admin."""
    if not user.can_handle_alerts:
        raise Forbidden()
    return user


def admin(user: User = Depends(current_user)) -> User:
    if user.role != "admin":
        raise Forbidden()
    return user


class Throttle:
    """At most `limit` failed sign-ins per client address in `window` seconds (the per-account lock is in the
    store: this one stops one address trying many accounts)."""

    def __init__(self, limit: int = 20, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures[address]
        while failures and failures[0] < time.monotonic() - self.window:
            failures.popleft()
        return failures

    def blocked(self, address: str) -> bool:
        with self._lock:
            return len(self._recent(address)) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(time.monotonic())


MAX_REQUEST = 21 * 1024 * 1024  # an upload's cap (archive.documents.MAX_BYTES) and its form around it


class SecurityHeaders(BaseHTTPMiddleware):
    """CSP, no sniffing, no referrer outside, no caching of pages with government data; a request body larger than
    an upload may be is refused before it is read (it would otherwise fill the disk while being parsed)."""

    def __init__(self, app: object, *, https: bool) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.https = https

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if request.method not in SAFE_METHODS and (length is None or not length.isdigit() or int(length) > MAX_REQUEST):
            too_big = "Cererea este prea mare (cel mult 20 MB) sau nu își declară mărimea."
            return PlainTextResponse(too_big, status_code=413 if length else 411)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if self.https:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response
