"""How the deployment is doing, at a glance: collection, each outlet, the outbox, the scheduler's lease, storage.

One reading serves `monitor status`, the daemon's /health endpoint and the operator's warning e-mail.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from monitor.deliver.render import count_ro, datetime_ro, number_ro
from monitor.record import OutboxStatus
from monitor.settings import AnalysisMode, Settings
from monitor.store import Store
from monitor.store.db import as_utc
from monitor.store.jobs import LEASE, WORKER, live_leases
from monitor.store.models import AnalysisQueueRow, FeedRow, LockRow, OutboxRow, OutletRow
from monitor.store.queue import EVERY_PROFILE

STALE_AFTER = timedelta(hours=6)  # no successful fetch of any feed for this long: collection has stopped
LOW_DISK = 1024**3  # bytes free under which the operator is warned
ANALYSIS_BEHIND = timedelta(hours=1)  # a new article waiting longer than this: analysis is not keeping up
MAIL_FAILING_AFTER = 3  # attempts of one queued e-mail after which mail "keeps failing"


@dataclass(frozen=True)
class Problem:
    """Something that needs the operator: its kind (one warning per kind at a time) and the Romanian text."""

    kind: str  # collection | mail | disk | storage
    text: str


@dataclass(frozen=True)
class OutletHealth:
    outlet_id: str
    name: str
    last_success: datetime | None
    errors: int  # consecutive failed fetches of its worst feed
    last_error: str | None
    next_check: datetime | None


@dataclass(frozen=True)
class Status:
    """One reading; `problems` says, in Romanian, what needs the operator."""

    now: datetime
    last_check: datetime | None
    last_success: datetime | None
    outlets: tuple[OutletHealth, ...]
    outbox: dict[str, int]
    mail_struggling: int  # queued e-mails already tried MAIL_FAILING_AFTER times
    lease_owner: str | None
    lease_expires: datetime | None
    database_bytes: int | None
    free_disk_bytes: int | None
    queued: int = 0  # new articles waiting for analysis (a profile's re-analysis backlog not counted)
    oldest_queued: datetime | None = None
    workers: tuple[str, ...] = ()  # the `monitor worker` processes alive (host:pid:tag)
    analysis: AnalysisMode = AnalysisMode.DAEMON
    problems: tuple[Problem, ...] = field(default=())

    @property
    def failing(self) -> tuple[OutletHealth, ...]:
        return tuple(outlet for outlet in self.outlets if outlet.errors)

    @property
    def healthy(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CollectionHealth:
    """Whether collection worked, for the digest's health line (and the workspace's banner)."""

    now: datetime
    last_success: datetime | None
    failing: tuple[str, ...]  # names of the outlets whose last fetch failed

    @property
    def working(self) -> bool:
        return self.last_success is not None and self.now - self.last_success <= STALE_AFTER  # or after `now`

    def line(self) -> str:
        """One line in Romanian: when collection last worked, and which outlets fail."""
        if self.last_success is None:
            text = "Colectarea nu a rulat încă: sinteza nu poate spune ce a publicat presa."
        elif not self.working:
            text = (
                f"Colectarea s-a oprit: ultima preluare reușită la {datetime_ro(self.last_success)}; "
                "ce a apărut de atunci lipsește din sinteză."
            )
        else:
            text = f"Ultima colectare reușită: {datetime_ro(self.last_success)}."
        if self.failing:
            shown = ", ".join(self.failing[:5]) + (" …" if len(self.failing) > 5 else "")
            text += f" Publicații cu erori: {len(self.failing)} ({shown})."
        return text


def collection_health(session: Session, now: datetime) -> CollectionHealth:
    """When a feed last answered, and the outlets whose feeds are failing (as of `now`)."""
    last = session.scalar(select(func.max(FeedRow.last_success_at)))
    failing = session.scalars(
        select(OutletRow.name)
        .join(FeedRow, FeedRow.outlet_id == OutletRow.id)
        .where(FeedRow.error_count > 0)
        .distinct()
        .order_by(OutletRow.name)
    ).all()
    return CollectionHealth(now, last, tuple(failing))


def read_status(store: Store, settings: Settings, *, now: datetime) -> Status:
    """Read the deployment's state in a few queries."""
    with store.session() as session:
        rows = session.execute(
            select(
                OutletRow.id,
                OutletRow.name,
                func.max(FeedRow.last_success_at),
                func.max(FeedRow.error_count),
                func.max(FeedRow.last_error),
                func.min(FeedRow.next_check_at),
                func.max(FeedRow.last_checked_at),
            )
            .join(FeedRow, FeedRow.outlet_id == OutletRow.id)
            .group_by(OutletRow.id, OutletRow.name)
            .order_by(OutletRow.id)
        ).all()
        outbox = dict(session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all())
        struggling = session.scalar(
            select(func.count()).where(
                OutboxRow.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)),
                OutboxRow.attempts >= MAIL_FAILING_AFTER,
            )
        )
        lease = session.get(LockRow, LEASE)
        size = _database_bytes(session, store)
        queued, oldest = session.execute(
            select(func.count(), func.min(AnalysisQueueRow.queued_at)).where(
                AnalysisQueueRow.profile_id == EVERY_PROFILE
            )
        ).one()
        workers = tuple(lease.owner for lease in live_leases(session, WORKER, now))
    outlets = tuple(OutletHealth(r[0], r[1], r[2], int(r[3] or 0), r[4], r[5]) for r in rows)
    checks = [r[6] for r in rows if r[6] is not None]
    successes = [o.last_success for o in outlets if o.last_success is not None]
    status = Status(
        now=now,
        last_check=max(checks, default=None),
        last_success=max(successes, default=None),
        outlets=outlets,
        outbox={str(k): int(v) for k, v in outbox.items()},
        mail_struggling=int(struggling or 0),
        lease_owner=lease.owner if lease is not None and lease.expires_at > now else None,
        lease_expires=lease.expires_at if lease is not None else None,
        database_bytes=size,
        free_disk_bytes=_free_disk(settings.data_dir),
        queued=int(queued or 0),
        oldest_queued=as_utc(oldest) if oldest is not None else None,
        workers=workers,
        analysis=settings.analysis,
    )
    return replace(status, problems=tuple(problems(status)))


def problems(status: Status) -> list[Problem]:
    """What needs the operator, in Romanian; empty when all is well."""
    found: list[Problem] = []
    if status.outlets and not CollectionHealth(status.now, status.last_success, ()).working:
        since = "niciodată" if status.last_success is None else f"din {datetime_ro(status.last_success)}"
        found.append(Problem("collection", f"Colectarea s-a oprit: nicio preluare reușită {since}."))
    uncertain = status.outbox.get(OutboxStatus.UNCERTAIN, 0)
    if uncertain:
        found.append(
            Problem(
                "mail",
                f"E-mail: {count_ro(uncertain, 'mesaj', 'mesaje')} cu rezultat necunoscut (conexiunea s-a întrerupt "
                "după trimitere): "
                "verificați la destinatar dacă au ajuns.",
            )
        )
    failed = status.outbox.get(OutboxStatus.FAILED, 0)
    if failed or status.mail_struggling:
        found.append(
            Problem(
                "mail",
                f"E-mail: netrimise deloc: {number_ro(failed)}; cu cel puțin {MAIL_FAILING_AFTER} încercări eșuate: "
                f"{number_ro(status.mail_struggling)}.",
            )
        )
    if status.analysis is AnalysisMode.WORKERS and not status.workers:
        found.append(
            Problem(
                "analysis",
                "Analiza este lăsată proceselor «monitor worker» (MONITOR_ANALYSIS=workers), dar niciunul nu rulează.",
            )
        )
    if status.oldest_queued is not None and status.now - status.oldest_queued > ANALYSIS_BEHIND:
        found.append(
            Problem(
                "analysis",
                f"Analiza rămâne în urmă: {count_ro(status.queued, 'articol nou', 'articole noi')} în așteptare, "
                "cel mai vechi din "
                f"{datetime_ro(status.oldest_queued)} (rulează serviciul sau «monitor worker»?).",
            )
        )
    if status.free_disk_bytes is not None and status.free_disk_bytes < LOW_DISK:
        found.append(Problem("disk", f"Disc: mai sunt doar {status.free_disk_bytes // 1024**2} MB liberi."))
    return found


def to_json(status: Status) -> dict[str, object]:
    """The reading for the /health endpoint."""
    return {
        "ok": status.healthy,
        "problems": [{"kind": p.kind, "text": p.text} for p in status.problems],
        "last_success": status.last_success.isoformat() if status.last_success else None,
        "last_check": status.last_check.isoformat() if status.last_check else None,
        "outlets": len(status.outlets),
        "outlets_failing": [o.outlet_id for o in status.failing],
        "outbox": status.outbox,
        "scheduler": status.lease_owner,
        "database_bytes": status.database_bytes,
        "free_disk_bytes": status.free_disk_bytes,
        "analysis_queued": status.queued,
        "workers": list(status.workers),
    }


def _database_bytes(session: Session, store: Store) -> int | None:
    if store.dialect == "sqlite":
        path = store.engine.url.database
        return Path(path).stat().st_size if path and Path(path).exists() else None
    return int(session.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def _free_disk(folder: Path) -> int | None:
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return shutil.disk_usage(probe).free
    except OSError:
        return None


def describe_status(status: Status, settings: Settings) -> list[str]:
    """The reading in Romanian, one line each, for `monitor status`."""
    from monitor.store.db import describe_place

    def when(value: datetime | None) -> str:
        return "niciodată" if value is None else f"{datetime_ro(value)} ({_ago(status.now - value)})"

    lines = [
        f"Colectare: ultima preluare reușită {when(status.last_success)}; ultima verificare {when(status.last_check)}.",
        f"Publicații: {len(status.outlets)}, dintre care {count_ro(len(status.failing), 'cu erori', 'cu erori')}.",
    ]
    for outlet in status.failing:
        lines.append(
            f"  {outlet.outlet_id} ({outlet.name}): {count_ro(outlet.errors, 'eroare', 'erori')} la rând"
            f" – {outlet.last_error or 'fără detalii'}; ultima reușită {when(outlet.last_success)}"
        )
    waiting = status.outbox.get(OutboxStatus.PENDING, 0) + status.outbox.get(OutboxStatus.SENDING, 0)
    sent = status.outbox.get(OutboxStatus.SENT, 0) + status.outbox.get(OutboxStatus.SAVED, 0)
    lines.append(
        f"E-mail: {number_ro(waiting)} în așteptare, {number_ro(sent)} trimise, "
        f"{number_ro(status.outbox.get(OutboxStatus.FAILED, 0))} eșuate."
    )
    if status.lease_owner is not None and status.lease_expires is not None:
        lines.append(
            f"Serviciul: rulează ({status.lease_owner}; confirmat până la {datetime_ro(status.lease_expires)})."
        )
    else:
        lines.append("Serviciul: nu rulează (niciun proces nu ține programatorul).")
    size = (
        "mărime necunoscută" if status.database_bytes is None else f"{number_ro(status.database_bytes / 1024**2, 1)} MB"
    )
    free = "necunoscut" if status.free_disk_bytes is None else f"{number_ro(status.free_disk_bytes / 1024**3, 1)} GB"
    lines.append(f"Baza de date: {describe_place(settings.database_url)}, {size}; disc liber: {free}.")
    lines.append(
        f"Analiză: {count_ro(status.queued, 'articol nou', 'articole noi')} în așteptare"
        + (f", cel mai vechi din {when(status.oldest_queued)}." if status.oldest_queued is not None else ".")
    )
    who = "de serviciu" if status.analysis is AnalysisMode.DAEMON else "de procesele «monitor worker»"
    running = count_ro(len(status.workers), "proces «monitor worker» activ", "procese «monitor worker» active")
    lines.append(f"Analiza este făcută {who}; {running}" + (":" if status.workers else "."))
    lines += [f"  {worker}" for worker in status.workers]
    lines += [f"Problemă: {problem.text}" for problem in status.problems] or ["Nicio problemă."]
    return lines


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "acum"
    if minutes < 120:
        return f"acum {minutes} min"
    hours = minutes // 60
    return f"acum {count_ro(hours, 'oră', 'ore')}" if hours < 48 else f"acum {count_ro(hours // 24, 'zi', 'zile')}"
