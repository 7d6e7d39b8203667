"""Signing in and out; the front page sends each user to their first profile's «Azi»."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from monitor.accounts import SESSION_MAX, User, sign_in, sign_out
from monitor.errors import AccountError
from monitor.web.security import (
    COOKIE,
    LOGIN_COOKIE,
    Throttle,
    cookie_value,
    current_user,
    optional_user,
    session_token,
    signer,
)
from monitor.web.workspace import Workspace, workspace

router = APIRouter()
throttle = Throttle()


def _safe_next(value: str | None) -> str:
    """Only a path of this site (no //host, no scheme): an open redirect would serve phishing."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form(ws: Workspace, request: Request, next_path: str, message: str = "", status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = ws.page(
        request, "signin.html.j2", status_code=status, form_token=token, next_path=next_path, message=message
    )
    response.set_cookie(
        LOGIN_COOKIE,
        signer(ws, LOGIN_COOKIE).sign(token).decode(),
        httponly=True,
        samesite="strict",
        secure=request.app.state.https,
        max_age=3600,
    )
    return response


@router.get("/autentificare")
def signin_page(
    request: Request,
    inapoi: str | None = None,
    user: User | None = Depends(optional_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(inapoi), status_code=303)
    return _form(ws, request, _safe_next(inapoi))


@router.post("/autentificare")
def signin_submit(
    request: Request,
    utilizator: str = Form(""),
    parola: str = Form(""),
    csrf_token: str = Form(""),
    inapoi: str = Form("/"),
    ws: Workspace = Depends(workspace),
) -> Response:
    next_path = _safe_next(inapoi)
    raw = request.cookies.get(LOGIN_COOKIE, "")
    expected = signer(ws, LOGIN_COOKIE).unsign(raw).decode() if signer(ws, LOGIN_COOKIE).validate(raw) else ""
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _form(ws, request, next_path, "Formularul a expirat. Reîncercați.", status=403)
    address = request.client.host if request.client else "?"
    if throttle.blocked(address):
        return _form(
            ws, request, next_path, "Prea multe încercări greșite de la această adresă. Reveniți mai târziu.", 429
        )
    try:
        signed = sign_in(ws.store, utilizator, parola, now=datetime.now(UTC))
    except AccountError as error:
        throttle.failed(address)
        return _form(ws, request, next_path, str(error), status=401)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        COOKIE,
        cookie_value(ws, signed.token),
        httponly=True,
        samesite="lax",  # lax: the links in the e-mails open the workspace signed in
        secure=request.app.state.https,
        max_age=int(SESSION_MAX.total_seconds()),
    )
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/iesire")
def signout(request: Request, user: User = Depends(current_user), ws: Workspace = Depends(workspace)) -> Response:
    token = session_token(ws, request)
    if token:
        sign_out(ws.store, token)
    response = RedirectResponse("/autentificare", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def home(user: User = Depends(current_user), ws: Workspace = Depends(workspace)) -> Response:
    profiles = ws.profiles_of(user)
    if not profiles:
        return RedirectResponse("/jurnal" if user.role == "admin" else "/autentificare", status_code=303)
    return RedirectResponse(f"/p/{profiles[0].id}/azi", status_code=303)
