"""`monitor worker`: a process that analyses the analysis queue (monitor.analysis.analyze_queue) one batch a round,
until stopped or, with `once`, until the queue has nothing left for it.

On PostgreSQL any number of workers, on one machine or several, and the daemon run side by side: each batch is taken
FOR UPDATE SKIP LOCKED and written with its items' removal in one transaction, so they take disjoint items, and a
worker killed mid-batch (even SIGKILL) leaves its items locked only until its connection drops; another takes them
then, once. On SQLite the same code analyses in one process at a time (the lease "analysis"); another worker waits
its turn. Set MONITOR_ANALYSIS=workers so that `monitor run` leaves the analysis to the workers. After a batch, a
worker checks the alert rules of the profiles it analysed for (one process at a time per profile: the lease
«alerts:PROFILE»), so a crisis is mailed as soon as its articles are analysed.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from monitor.analysis import BATCH, analyze_queue
from monitor.config import Profile, Sources
from monitor.config_watch import ConfigFiles
from monitor.deliver.alerts import check_alerts_once
from monitor.errors import StoreError
from monitor.nlp.language import language
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.jobs import WORKER, acquire_lease, lease_owner, release_lease
from monitor.store.queue import has_work

log = logging.getLogger(__name__)

IDLE = 5.0  # seconds an idle worker waits before it looks at the queue again
ALIVE_TTL = timedelta(minutes=3)  # a worker renews its presence every round; `monitor status` lists the unexpired


def _utcnow() -> datetime:
    return datetime.now(UTC)


def run_worker(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    stop: threading.Event,
    once: bool = False,
    batch: int = BATCH,
    idle: float = IDLE,
    clock: Callable[[], datetime] = _utcnow,
) -> int:
    """Analyse queued articles a batch a round until `stop` is set (or, `once`, until a round finds nothing), the
    configuration taken up again when its files change. Returns how many analyses (article x profile) it wrote.

    Storage failures are logged and retried after `idle` seconds (with `once`, they end the run)."""
    files = ConfigFiles(settings)
    owner = lease_owner(f"worker-alerts-{threading.get_ident()}")
    presence, present_as = WORKER + uuid.uuid4().hex[:12], lease_owner("worker")
    language()  # the language model loads before the first batch is taken, never while its items are locked
    log.info("worker ready: %d profiles, batches of %d", len(profiles), batch)
    written = 0
    try:
        while not stop.is_set():
            loaded = files.changed()
            if loaded is not None:
                sources, profiles = loaded
                log.info("configuration reloaded: %d profiles", len(profiles))
            try:
                acquire_lease(store, present_as, now=clock(), ttl=ALIVE_TTL, name=presence)  # alive, for the status
                done = analyze_queue(store, profiles, sources, now=clock(), limit=batch, batch=batch)
            except StoreError as exc:
                if once:
                    raise
                log.error("the analysis queue cannot be worked (%s): trying again in %s s", exc, idle)
                stop.wait(idle)
                continue
            count = sum(done.values())
            written += count
            for profile in profiles:  # its alerts at once: a crisis waits for no crawl job of the daemon
                if done.get(profile.id):
                    check_alerts_once(store, profile, settings, now=clock(), owner=owner)
            if count or (done and _has_work(store, profiles)):  # items that asked for nothing count as work done
                continue
            if once:  # nothing left, or (SQLite) another process analyses now and the queue is its
                break
            stop.wait(idle)
    finally:
        _leave(store, present_as, presence)
    return written


def _leave(store: Store, owner: str, presence: str) -> None:
    """A stopping worker leaves the status's list at once (a killed one when its presence expires)."""
    try:
        release_lease(store, owner, name=presence)
    except StoreError as exc:
        log.warning("could not remove this worker from the status (%s)", exc)


def _has_work(store: Store, profiles: Sequence[Profile]) -> bool:
    with store.session() as session:
        return has_work(session, [profile.id for profile in profiles])
