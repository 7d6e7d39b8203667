"""Signed, expiring, single-purpose links for e-mail: acknowledge or mute an alert, open a digest or a story.

A link carries a token signed with the deployment's secret key (itsdangerous): its purpose (the salt: a token
made to mute never acknowledges), the profile and the object it acts on, and a random id that the workspace
records when the link is used, so an action link works once. The key comes from MONITOR_SECRET_KEY; without it,
a random key is made once and kept in the data folder (readable by its owner only), so the embedded setup needs
no step. The workspace's public address is MONITOR_WEB_URL; without it e-mails carry no links.
"""

from __future__ import annotations

import enum
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from monitor.errors import PresaError
from monitor.settings import Settings

KEY_FILE = "secret.key"


class LinkPurpose(enum.StrEnum):
    """What a link in an e-mail does; each has its own lifetime."""

    ACKNOWLEDGE_ALERT = "preluare"
    MUTE_ALERT = "fara-actualizari"
    OPEN_ALERT = "alerta"
    OPEN_STORY = "subiect"
    OPEN_DIGEST = "sinteza"

    @property
    def lifetime(self) -> timedelta:
        return timedelta(days=3) if self in _ACTIONS else timedelta(days=31)

    @property
    def single_use(self) -> bool:
        return self in _ACTIONS


_ACTIONS = frozenset({LinkPurpose.ACKNOWLEDGE_ALERT, LinkPurpose.MUTE_ALERT})


class LinkError(PresaError):
    """A link that is forged, expired, made for something else, or already used."""


@dataclass(frozen=True)
class LinkToken:
    purpose: LinkPurpose
    profile_id: str
    object_id: str
    token_id: str


def secret_key(settings: Settings) -> str:
    """MONITOR_SECRET_KEY, else the data folder's key file (made once, mode 0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / KEY_FILE
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(settings), salt="presa-links")


def make_token(settings: Settings, purpose: LinkPurpose, profile_id: str, object_id: str | int) -> str:
    payload = {"u": purpose.value, "p": profile_id, "o": str(object_id), "j": secrets.token_urlsafe(12)}
    return str(_serializer(settings).dumps(payload, salt=purpose.value))


def read_token(settings: Settings, purpose: LinkPurpose, token: str) -> LinkToken:
    """The link's content; LinkError (in Romanian) when it is forged, expired or made for another purpose."""
    try:
        payload = _serializer(settings).loads(token, salt=purpose.value, max_age=int(purpose.lifetime.total_seconds()))
    except SignatureExpired as error:
        raise LinkError("Linkul a expirat. Deschideți spațiul de lucru și faceți acțiunea de acolo.") from error
    except BadSignature as error:
        raise LinkError("Linkul nu este valid (a fost modificat sau făcut pentru altă acțiune).") from error
    if not isinstance(payload, dict) or payload.get("u") != purpose.value:
        raise LinkError("Linkul nu este valid (a fost modificat sau făcut pentru altă acțiune).")
    return LinkToken(purpose, str(payload["p"]), str(payload["o"]), str(payload["j"]))


def link_url(settings: Settings, purpose: LinkPurpose, profile_id: str, object_id: str | int) -> str | None:
    """The address to put in an e-mail, or None when the workspace's address (MONITOR_WEB_URL) is not set."""
    if not settings.web_url:
        return None
    return f"{settings.web_url}/l/{purpose.value}/{make_token(settings, purpose, profile_id, object_id)}"
