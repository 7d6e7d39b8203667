"""What a person does with a crisis alert, from the workspace, an e-mail link or the command line: take it in hand
(acknowledge), stop its updates (mute), close it. Each returns the alert row, changed in the caller's session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from monitor.errors import RequestError
from monitor.store.models import AlertRow


def find_alert(session: Session, profile_id: str, alert_id: int) -> AlertRow:
    """The alert `alert_id` of the profile; RequestError when there is none (or it belongs to another profile)."""
    alert = session.get(AlertRow, alert_id)
    if alert is None or alert.profile_id != profile_id:
        raise RequestError(f"Alerta {alert_id} nu există în profilul {profile_id}.")
    return alert


def acknowledge_alert(session: Session, profile_id: str, alert_id: int, login: str, now: datetime) -> AlertRow:
    """Record who took the crisis in hand (the first to do so; the updates then name them)."""
    alert = find_alert(session, profile_id, alert_id)
    if alert.acknowledged_by is None:
        alert.acknowledged_by, alert.acknowledged_at = login, now
    return alert


def mute_alert(session: Session, profile_id: str, alert_id: int, login: str, now: datetime) -> AlertRow:
    """No more updates for this crisis: its new articles are still recorded (they start no other alert)."""
    alert = find_alert(session, profile_id, alert_id)
    if not alert.muted:
        alert.muted = True
        alert.details = {**alert.details, "muted_by": login, "muted_at": now.isoformat()}
    return alert


def close_alert(session: Session, profile_id: str, alert_id: int, login: str, now: datetime) -> AlertRow:
    """The crisis is over: no more updates, and new coverage of its stories starts a new alert and a new thread."""
    alert = find_alert(session, profile_id, alert_id)
    if alert.closed_at is None:
        alert.closed_at = now
        alert.details = {**alert.details, "closed_by": login}
    return alert
