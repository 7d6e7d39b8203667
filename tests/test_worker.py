"""`monitor worker`: on PostgreSQL several worker processes analyse the queue side by side, each article once; a
worker killed with SIGKILL mid-batch loses nothing (its items return with its rolled-back transaction and another
worker analyses them, once); on SQLite the same code in one process; MONITOR_ANALYSIS=workers leaves the daemon's
analysis to them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from conftest import REPO
from ro_stories import AGENCY_TEXT, AGENCY_TITLE, PASSPORT_TEXT, PASSPORT_TITLE
from rows import add_article
from sqlalchemy import func, select, text

from monitor.analysis import ANALYSIS_LEASE, LEASE, analyze_queue
from monitor.config import Profile, Sources, load_all
from monitor.errors import ConfigError
from monitor.scheduler import CycleReport, analyze_and_check
from monitor.settings import AnalysisMode, Settings, analysis_mode
from monitor.status import Status, describe_status, read_status
from monitor.store import Store
from monitor.store.feeds import sync_outlets
from monitor.store.jobs import acquire_lease, release_lease
from monitor.store.models import AlertRow, AnalysisQueueRow, AnalysisRow
from monitor.store.queue import enqueue
from monitor.worker import run_worker

pytestmark = pytest.mark.timeout(120)
T = TypeVar("T")

T0 = datetime(2026, 5, 14, 9, 0, tzinfo=UTC)
OUTLET = "digi24"  # a national outlet: pipelines/alba.yaml watches it
STORIES = ((AGENCY_TITLE, AGENCY_TEXT), (PASSPORT_TITLE, PASSPORT_TEXT))


@pytest.fixture(scope="module")
def config() -> tuple[Sources, list[Profile]]:
    """The repository's sources.yaml and pipelines/ (one profile, Alba): what the worker processes load too."""
    return load_all(REPO / "sources.yaml", REPO / "pipelines")


def _queue_articles(store: Store, config: tuple[Sources, list[Profile]], count: int) -> None:
    """`count` stored articles of OUTLET, each queued as the crawl queues it; the profiles' versions recorded first
    (an analysis of the empty queue), so the queue holds exactly these items."""
    sources, profiles = config
    sync_outlets(store, sources)
    analyze_queue(store, profiles, sources, now=T0)
    with store.session() as session:
        for index in range(count):
            title, body = STORIES[index % len(STORIES)]
            row = add_article(session, OUTLET, f"{title} ({index})", f"{body}\n\nActualizare {index}.", T0)
            enqueue(session.connection(), row.id, now=T0)


def _count(store: Store, table: type[AnalysisRow] | type[AnalysisQueueRow]) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def _until(condition: Callable[[], T], what: str, seconds: float = 60) -> T:
    """Poll `condition` (20 ms apart) until it gives a true value, and return it; fail naming `what` after
    `seconds`."""
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return found


class Worker:
    """A `python -m monitor worker` process on the store, known to PostgreSQL by its application_name; its
    standard error is read by a thread, so the test can wait for its «worker ready» line."""

    def __init__(self, store: Store, tmp_path: Path, name: str, *args: str) -> None:
        self.name = name
        env = {key: value for key, value in os.environ.items() if not key.startswith("MONITOR_")}
        env |= {"MONITOR_DATABASE_URL": f"{store.url}?application_name={name}", "MONITOR_DATA_DIR": str(tmp_path)}
        command = [sys.executable, "-m", "monitor", "--config", str(REPO), "worker", "--idle", "0.1", *args]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.ready = threading.Event()
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            if "worker ready" in line:
                self.ready.set()

    def wait_ready(self) -> None:
        _until(lambda: self.ready.is_set() or self.process.poll() is not None, f"{self.name} to start")
        assert self.ready.is_set(), "".join(self.log)

    def written(self) -> int:
        """Stop it (SIGTERM, unless it ended) and read how many analyses it wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, _ = self.process.communicate(timeout=60)
        self._reader.join(timeout=10)
        assert self.process.returncode == 0, "".join(self.log)
        found = re.search(r"Analize scrise: (\d+)\.", out)
        assert found is not None, out
        return int(found.group(1))


@pytest.fixture
def workers(postgres_store: Store, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start workers on the PostgreSQL store; any still running at the end is killed."""
    started: list[Worker] = []

    def start(name: str, *args: str) -> Worker:
        worker = Worker(postgres_store, tmp_path, name, *args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def _status_with(store: Store, settings: Settings, workers: int) -> Status | None:
    status = read_status(store, settings, now=datetime.now(UTC))
    return status if len(status.workers) == workers else None


def test_three_workers_analyse_every_article_exactly_once(
    postgres_store: Store,
    config: tuple[Sources, list[Profile]],
    workers: Callable[..., Worker],
    tmp_path: Path,
) -> None:
    """The workers are listed by `monitor status` while they run, and leave the list once stopped."""
    running = [workers(f"worker-{index}", "--batch", "2") for index in range(3)]
    for worker in running:
        worker.wait_ready()
    settings = Settings.from_env({"MONITOR_ANALYSIS": "workers"}, database_url=postgres_store.url, data_dir=tmp_path)
    status = _until(lambda: _status_with(postgres_store, settings, 3), "3 workers in the status")
    pids = {str(worker.process.pid) for worker in running}
    assert {owner.split(":")[1] for owner in status.workers} == pids  # host:pid:tag of each process
    assert "Analiza este făcută de procesele «monitor worker»; 3 procese «monitor worker» active:" in (
        describe_status(status, settings)
    )
    _queue_articles(postgres_store, config, 30)
    _until(lambda: _count(postgres_store, AnalysisQueueRow) == 0, "the queue to empty")
    written = [worker.written() for worker in running]
    stopped = read_status(postgres_store, settings, now=datetime.now(UTC))
    assert stopped.workers == ()  # a stopped worker leaves the list at once
    assert "analysis" in {problem.kind for problem in stopped.problems}  # analysis left to workers, none running
    assert sum(written) == 30  # every article analysed once for the one profile: none twice, none left out
    assert sum(1 for count in written if count) >= 2, written  # side by side, on disjoint items
    with postgres_store.session() as session:
        pairs = session.execute(select(AnalysisRow.article_id, AnalysisRow.profile_id)).all()
    assert len(pairs) == len(set(pairs)) == 30


def _waiting(store: Store, names: set[str]) -> str | None:
    """Which of the workers `names` waits on a lock (in the middle of its batch, its items taken), if one does."""
    query = text("SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    with store.engine.connect() as connection:
        found = set(connection.scalars(query)) & names
    return found.pop() if found else None


def test_a_worker_killed_mid_batch_loses_nothing_and_another_analyses_its_articles_once(
    postgres_store: Store, config: tuple[Sources, list[Profile]], workers: Callable[..., Worker]
) -> None:
    running = {name: workers(name, "--batch", "1000") for name in ("worker-a", "worker-b")}
    for worker in running.values():
        worker.wait_ready()
    with postgres_store.engine.connect() as blocker:
        # Nobody may write analyses until this transaction ends: a worker that took the batch waits, mid-batch,
        # holding its items, until it is killed.
        blocker.execute(text("LOCK TABLE analyses IN EXCLUSIVE MODE"))
        _queue_articles(postgres_store, config, 24)
        victim = running.pop(_until(lambda: _waiting(postgres_store, set(running)), "a worker in mid-batch"))
        victim.process.send_signal(signal.SIGKILL)
        assert victim.process.wait(timeout=30) == -signal.SIGKILL
        restarted = Store(postgres_store.url)  # a new engine: the queue as the database keeps it
        try:
            assert (_count(restarted, AnalysisQueueRow), _count(restarted, AnalysisRow)) == (24, 0)
        finally:
            restarted.close()
        blocker.rollback()
    _until(lambda: _count(postgres_store, AnalysisQueueRow) == 0, "the other worker to take the items")
    (rescuer,) = running.values()
    assert rescuer.written() == 24 == _count(postgres_store, AnalysisRow)  # the killed worker's batch wrote nothing


def test_on_sqlite_the_worker_analyses_in_one_process_under_the_lease(
    store: Store, config: tuple[Sources, list[Profile]], settings: Settings
) -> None:
    sources, profiles = config
    _queue_articles(store, config, 4)
    assert acquire_lease(store, "another-process", now=datetime.now(UTC), ttl=ANALYSIS_LEASE, name=LEASE)
    stop = threading.Event()
    assert run_worker(store, sources, profiles, settings, stop=stop, once=True) == 0  # its turn is not now
    assert _count(store, AnalysisQueueRow) == 4
    release_lease(store, "another-process", name=LEASE)
    assert run_worker(store, sources, profiles, settings, stop=stop, once=True, batch=3) == 4
    assert (_count(store, AnalysisQueueRow), _count(store, AnalysisRow)) == (0, 4)


def test_the_daemon_leaves_the_analysis_to_the_workers_when_told(
    store: Store, config: tuple[Sources, list[Profile]], settings: Settings
) -> None:
    sources, profiles = config
    _queue_articles(store, config, 2)
    workers_only = Settings.from_env({"MONITOR_ANALYSIS": "workers"}, database_url=settings.database_url)
    assert workers_only.analysis is AnalysisMode.WORKERS
    report = CycleReport(now=T0)
    analyze_and_check(store, sources, profiles, workers_only, now=T0, report=report)
    assert (report.analyzed, _count(store, AnalysisQueueRow)) == (0, 2)
    analyze_and_check(store, sources, profiles, settings, now=T0, report=report)  # the default: the daemon
    assert (report.analyzed, _count(store, AnalysisQueueRow)) == (2, 0)


def test_monitor_analysis_accepts_only_its_two_words() -> None:
    assert analysis_mode("") is AnalysisMode.DAEMON
    assert analysis_mode(" Workers ") is AnalysisMode.WORKERS
    with pytest.raises(ConfigError) as error:
        analysis_mode("lucrători")
    assert error.value.problems == ["MONITOR_ANALYSIS: «lucrători» trebuie să fie «daemon» sau «workers»"]


def test_a_worker_checks_the_alerts_of_what_it_analysed(
    store: Store, config: tuple[Sources, list[Profile]], settings: Settings
) -> None:
    sources, profiles = config
    _queue_articles(store, config, 0)
    with store.session() as session:
        row = add_article(
            session,
            OUTLET,
            "Prefectul Horia Vlădescu, acuzat de incompetență după dezastrul de la spitalul județean",
            "Prefectul Horia Vlădescu este acuzat de incompetență și de bătaie de joc de pacienți și medici, care "
            "cer demisia lui după dezastrul de la spitalul județean.",
            T0,
        )
        enqueue(session.connection(), row.id, now=T0)
    stop = threading.Event()
    assert run_worker(store, sources, profiles, settings, stop=stop, once=True, clock=lambda: T0 + timedelta(minutes=5))
    with store.session() as session:
        alerts = session.scalars(select(AlertRow)).all()
    assert [alert.article_ids for alert in alerts] == [[row.id]]  # mailed without waiting for the daemon
