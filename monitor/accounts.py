"""Workspace accounts: Argon2id passwords, sign-in with throttling, sessions that expire, and the audit log.

The library behind `monitor user …` and the web workspace. A session cookie carries a random token; the database
keeps only its SHA-256, so a copy of the database opens no session. Sign-in fails slowly for everyone: after
LOCK_AFTER failures in a row an account is locked for LOCK_FOR, whatever the password then given.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from monitor.errors import AccountError
from monitor.record import Role
from monitor.store.db import Store
from monitor.store.models import AuditRow, UserRow, WebSessionRow

log = logging.getLogger(__name__)

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)  # a session unused this long ends
SESSION_MAX = timedelta(days=7)  # and none lives longer
MIN_PASSWORD = 10
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,99}$")
_HASHER = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile


@dataclass(frozen=True)
class User:
    """Who is signed in: what they may do and which profiles' data they see."""

    id: int
    login: str
    role: Role
    profiles: tuple[str, ...]

    def sees(self, profile_id: str) -> bool:
        return self.role == Role.ADMIN or profile_id in self.profiles

    @property
    def can_edit(self) -> bool:
        """Correct tones, draft letters, send digests: the press office and admins."""
        return self.role in (Role.OFFICE, Role.ADMIN)

    @property
    def can_handle_alerts(self) -> bool:
        return self.role in (Role.OFFICE, Role.SPOKESPERSON, Role.ADMIN)


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str  # for the cookie; never stored
    csrf: str


def _user(row: UserRow) -> User:
    return User(row.id, row.login, Role(row.role), tuple(row.profiles))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"parola trebuie să aibă cel puțin {MIN_PASSWORD} caractere")


def audit(
    session: Session,
    login: str,
    action: str,
    *,
    now: datetime,
    profile_id: str | None = None,
    subject: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One line of the audit log, in the caller's transaction (the change and its record land together)."""
    session.add(
        AuditRow(at=now, login=login, profile_id=profile_id, action=action, subject=subject, before=before, after=after)
    )


def add_user(
    store: Store, login: str, password: str, role: Role, profiles: Sequence[str], *, by: str, now: datetime
) -> User:
    """A new account; refused when the login is taken or malformed, the password short, or no profile is given
    for a role other than admin."""
    login = login.strip().lower()
    if not _LOGIN.match(login):
        raise AccountError(
            f"numele de utilizator «{login}» nu este valid: litere mici fără diacritice, cifre, . _ - @ (2–100)"
        )
    _check_password(password)
    if role != Role.ADMIN and not profiles:
        raise AccountError(f"un cont cu rolul «{role.value}» are nevoie de cel puțin un profil (--profile)")
    with store.session() as session:
        if session.scalar(select(UserRow.id).where(UserRow.login == login)) is not None:
            raise AccountError(f"utilizatorul «{login}» există deja")
        row = UserRow(
            login=login,
            password_hash=_HASHER.hash(password),
            role=role.value,
            profiles=list(dict.fromkeys(profiles)),
            active=True,
            failed_logins=0,
            created_at=now,
        )
        session.add(row)
        session.flush()
        audit(session, by, "user.add", now=now, subject=login, after={"role": role.value, "profiles": row.profiles})
        return _user(row)


def set_password(store: Store, login: str, password: str, *, by: str, now: datetime) -> None:
    """A new password; every session of the account ends."""
    _check_password(password)
    with store.session() as session:
        row = _existing(session, login)
        row.password_hash = _HASHER.hash(password)
        row.failed_logins = 0
        row.locked_until = None
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        audit(session, by, "user.password", now=now, subject=row.login)


def set_active(store: Store, login: str, active: bool, *, by: str, now: datetime) -> None:
    """Disable (every session ends) or enable an account."""
    with store.session() as session:
        row = _existing(session, login)
        before = row.active
        row.active = active
        if not active:
            session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == row.id))
        audit(
            session, by, "user.active", now=now, subject=row.login, before={"active": before}, after={"active": active}
        )


def list_users(store: Store) -> list[tuple[User, bool, datetime | None]]:
    """Every account with whether it is active and when it last signed in."""
    with store.session() as session:
        rows = session.scalars(select(UserRow).order_by(UserRow.login)).all()
        return [(_user(row), row.active, row.last_login_at) for row in rows]


def _existing(session: Session, login: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.login == login.strip().lower()))
    if row is None:
        raise AccountError(f"utilizatorul «{login}» nu există")
    return row


_REFUSED = "Utilizator sau parolă greșită."


def sign_in(store: Store, login: str, password: str, *, now: datetime) -> SignedIn:
    """A new session for the right password; AccountError with one message for every refusal (an unknown login
    and a wrong password look the same), and a lock after LOCK_AFTER failures."""
    failed: AccountError | None = None
    with store.session() as session:
        row = session.scalar(select(UserRow).where(UserRow.login == login.strip().lower()))
        if row is None or not row.active:
            _HASHER.hash(password)  # the same time whether or not the account exists
            raise AccountError(_REFUSED)
        if row.locked_until is not None and row.locked_until > now:
            minutes = max(1, int((row.locked_until - now).total_seconds() // 60))
            raise AccountError(f"Prea multe încercări greșite. Contul este blocat încă {minutes} min.")
        try:
            _HASHER.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            row.failed_logins += 1
            if row.failed_logins >= LOCK_AFTER:
                row.locked_until = now + LOCK_FOR
                row.failed_logins = 0
                log.warning("account %s locked after %s failed sign-ins", row.login, LOCK_AFTER)
            failed = AccountError(_REFUSED)
        else:
            if _HASHER.check_needs_rehash(row.password_hash):
                row.password_hash = _HASHER.hash(password)
            row.failed_logins = 0
            row.locked_until = None
            row.last_login_at = now
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.add(
                WebSessionRow(
                    token_hash=_digest(token),
                    user_id=row.id,
                    csrf=csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + SESSION_MAX,
                )
            )
            audit(session, row.login, "session.start", now=now)
            signed = SignedIn(_user(row), token, csrf)
    if failed is not None:  # after the commit: the failure count must stick
        raise failed
    return signed


def session_user(store: Store, token: str, *, now: datetime) -> tuple[User, str] | None:
    """The user and CSRF token of a live session; None when the token is unknown, idle too long or too old."""
    with store.session() as session:
        row = session.get(WebSessionRow, _digest(token))
        if row is None:
            return None
        if row.expires_at <= now or now - row.last_seen_at > SESSION_IDLE:
            session.delete(row)
            return None
        user = session.get(UserRow, row.user_id)
        if user is None or not user.active:
            return None
        if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute, not one per request
            row.last_seen_at = now
        return _user(user), row.csrf


def sign_out(store: Store, token: str) -> None:
    with store.session() as session:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == _digest(token)))


def audit_log(store: Store, *, profiles: Sequence[str] | None, limit: int = 200) -> list[AuditRow]:
    """The newest audit lines; `profiles` limits them to those profiles (None: every line, for admins)."""
    with store.session() as session:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if profiles is not None:
            query = query.where(AuditRow.profile_id.in_(profiles))
        return list(session.scalars(query).all())
