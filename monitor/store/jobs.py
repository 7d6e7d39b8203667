"""Exactly-once periods, the scheduler's lease, and when an outlet is next due: the daemon's SQL."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.store import Store
from monitor.store.models import FeedRow, JobRunRow, LockRow

log = logging.getLogger(__name__)

T = TypeVar("T")
LEASE = "scheduler"
LEASE_TTL = timedelta(minutes=2)
WORKER = "worker:"  # a `monitor worker` process says it is alive under a lease named WORKER + its own tag


def already_done(session: Session, job: str, period: str) -> bool:
    return session.get(JobRunRow, (job, period)) is not None


def run_once(store: Store, job: str, period: str, now: datetime, work: Callable[[Session], T]) -> T | None:
    """Run `work` and record (job, period) in one transaction; None when that period was already done.

    The record is written first: on PostgreSQL a second process inserting the same key waits for the first
    transaction and then fails; on SQLite the insert takes the write lock. Either way the loser's work (and the
    mail it queued) rolls back, so a period is never done twice.
    """
    with store.session() as session:
        if already_done(session, job, period):
            return None
    try:
        with store.session() as session:
            session.add(JobRunRow(job=job, period=period, done_at=now))
            try:
                session.flush()
            except IntegrityError as exc:
                raise _DoneElsewhere from exc
            return work(session)
    except _DoneElsewhere:
        log.info("%s for %s was done by another process", job, period)
        return None


class _DoneElsewhere(Exception):
    """The period was recorded by another process between our check and our insert."""


def lease_owner(tag: str) -> str:
    """Who holds a lease, for people reading `monitor status`: host, process, and a tag of the holder."""
    return f"{socket.gethostname()}:{os.getpid()}:{tag}"


def acquire_lease(store: Store, owner: str, *, now: datetime, ttl: timedelta = LEASE_TTL, name: str = LEASE) -> bool:
    """Take or renew the lease `name` for `owner` until now + ttl; False while another owner holds it."""
    with store.session() as session:
        taken = session.execute(
            update(LockRow)
            .where(LockRow.name == name, (LockRow.owner == owner) | (LockRow.expires_at <= now))
            .values(owner=owner, expires_at=now + ttl)
        ).rowcount  # type: ignore[attr-defined]
        if taken == 1:
            return True
        if session.get(LockRow, name) is not None:
            return False
    try:
        with store.session() as session:
            session.add(LockRow(name=name, owner=owner, expires_at=now + ttl))
        return True
    except IntegrityError:
        return False


def release_lease(store: Store, owner: str, *, name: str = LEASE) -> None:
    with store.session() as session:
        lock = session.get(LockRow, name)
        if lock is not None and lock.owner == owner:
            session.delete(lock)


def live_leases(session: Session, prefix: str, now: datetime) -> list[LockRow]:
    """The unexpired leases whose name starts with `prefix` (the analysis workers alive), oldest name first."""
    return list(
        session.scalars(
            select(LockRow).where(LockRow.name.startswith(prefix), LockRow.expires_at > now).order_by(LockRow.name)
        )
    )


def next_due(store: Store, outlet_id: str, default: datetime) -> datetime:
    """When the earliest feed of `outlet_id` wants its next check (backoff and Retry-After included)."""
    with store.session() as session:
        when = session.scalar(select(func.min(FeedRow.next_check_at)).where(FeedRow.outlet_id == outlet_id))
    return when if when is not None else default
