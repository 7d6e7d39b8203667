"""Scheduled work as plain functions of `now` (the demo drives them with a simulated clock), and the daemon
(APScheduler 3.x) that runs them on real time.

Exactly once: every dated job (the digest of a day, the report of a month) is recorded in `job_runs` under
(job, period) in the same transaction as its outbox rows, so a DST day, a restart or a second process never
produces it twice. Only one process runs jobs: it holds a lease row in `locks`, renewed by a heartbeat; a
second daemon waits on standby and takes over when the lease expires.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys
import threading
import time as wallclock
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from monitor.analysis import analyze_queue
from monitor.archive.learning import LearnResult, learn, needs_learning
from monitor.archive.saved import mail_saved_searches
from monitor.archive.search import index_missing
from monitor.config import Profile, Sources
from monitor.config_watch import ConfigFiles
from monitor.crawl.ingest import crawl_sync, sync_outlets
from monitor.crawl.workers import ExtractionPool
from monitor.deliver.alerts import AlertNotice, check_alerts_once
from monitor.deliver.digest import DigestResult, run_digest
from monitor.deliver.editing import waiting_for_approval
from monitor.deliver.mail import SendSummary, send_pending
from monitor.errors import StoreError
from monitor.settings import LOG_FORMAT, QUIET_LOGGERS, AnalysisMode, Settings
from monitor.status import Problem
from monitor.store import Store
from monitor.store.jobs import (
    LEASE_TTL,
    acquire_lease,
    already_done,
    lease_owner,
    next_due,
    release_lease,
    run_once,
)
from monitor.watchdog import Watchdog, health_endpoint

log = logging.getLogger(__name__)

# The local hours in which a profile with new corrections is retrained, once a night (quiet, before the digest).
LEARN_FROM, LEARN_UNTIL = time(3, 0), time(7, 0)

MAIL_EVERY = timedelta(minutes=1)
WATCH_EVERY = timedelta(minutes=5)  # how often the daemon looks for problems to tell the operator
# Queue items a crawl job analyses at most: new articles come first, and a changed profile's backfill is worked
# off a slice at a time, so the pipeline lock (and the alerts behind it) is never held for minutes.
QUEUE_SLICE = 200
CONFIG_EVERY = timedelta(seconds=30)  # how often it looks whether sources.yaml or a profile was edited
REPORTS_PER_PROCESS = 8  # monthly reports a child process renders before a fresh one takes over (memory)
LEASE_FRESH = timedelta(seconds=10)  # a lease renewed this recently is trusted by a crawl job without a write


# --- what is due at `now` ----------------------------------------------------------------------


def digest_due(profile: Profile, now: datetime) -> date | None:
    """The local day whose digest is due at `now` (its local time has passed), or None."""
    if not profile.digest.enabled:
        return None
    local = now.astimezone(profile.zone)
    return local.date() if local.time().replace(tzinfo=None) >= profile.digest.time else None


def report_due(profile: Profile, now: datetime) -> date | None:
    """The first day of the month whose report is due at `now` (from its day and time of the next month)."""
    if not profile.report.enabled:
        return None
    local = now.astimezone(profile.zone)
    schedule = profile.report
    if local.day < schedule.day or (local.day == schedule.day and local.time().replace(tzinfo=None) < schedule.time):
        return None
    last_month_end = local.date().replace(day=1) - timedelta(days=1)
    return last_month_end.replace(day=1)


@dataclass
class CycleReport:
    """What one pass did; `health` is the one log line per cycle."""

    now: datetime
    outlets: tuple[str, ...] = ()
    feeds_ok: int = 0
    feeds_failed: int = 0
    new_articles: int = 0
    analyzed: int = 0
    alerts: list[AlertNotice] = field(default_factory=list)
    digests: list[Path] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    mail: SendSummary = field(default_factory=SendSummary)
    seconds: float = 0.0

    @property
    def health(self) -> str:
        new_alerts = sum(1 for notice in self.alerts if notice.kind == "alert")
        return (
            f"cycle at {self.now.isoformat(timespec='seconds')}: outlets={len(self.outlets)} feeds ok={self.feeds_ok} "
            f"failed={self.feeds_failed} new articles={self.new_articles} analysed={self.analyzed} "
            f"alerts={new_alerts} updates={len(self.alerts) - new_alerts} digests={len(self.digests)} "
            f"reports={len(self.reports)} mail sent={self.mail.sent + len(self.mail.saved)} "
            f"retry={self.mail.retried} failed={self.mail.failed} waiting={self.mail.pending} took={self.seconds:.2f}s"
        )


def watched(sources: Sources, profiles: Sequence[Profile]) -> Sources:
    """Only the enabled outlets at least one of `profiles` follows."""
    outlets = tuple(o for o in sources.outlets if o.enabled and any(p.watches(o) for p in profiles))
    return Sources(outlets=outlets)


def crawl_due(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    now: datetime,
    report: CycleReport,
    only: Sequence[str] | None = None,
    pool: ExtractionPool | None = None,
) -> None:
    """Crawl the due feeds of `only`, or of every outlet the profiles watch (pages extracted in `pool`)."""
    if only is not None:  # each outlet's job writes only its own outlet's rows: concurrent jobs never collide
        chosen = set(only)
        sources = Sources(outlets=tuple(outlet for outlet in sources.outlets if outlet.id in chosen))
    scope = watched(sources, profiles)  # after the choice: a job of one outlet among 3,000 looks at its own
    summary = crawl_sync(store, scope, settings, now=now, only=only, due_only=True, pool=pool)
    report.outlets = tuple(only) if only is not None else tuple(o.id for o in scope.outlets)
    report.feeds_ok += summary.feeds_ok + summary.not_modified
    report.feeds_failed += summary.failed
    report.new_articles += summary.new_articles


def analyze_and_check(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    now: datetime,
    report: CycleReport,
    alerting: Sequence[Profile] | None = None,
    limit: int | None = None,
) -> None:
    """Analyse the queued articles for every profile (`limit` queue items at most), unless the settings leave the
    analysis to `monitor worker` processes (MONITOR_ANALYSIS=workers); then check the alert rules of every profile
    this run analysed for and of `alerting` (default: every profile)."""
    analysed: dict[str, int] = {}
    if settings.analysis is AnalysisMode.DAEMON:
        analysed = analyze_queue(store, profiles, sources, now=now, limit=limit)
        report.analyzed += sum(analysed.values())
    chosen = {profile.id for profile in profiles if alerting is None or analysed.get(profile.id)}
    chosen |= {profile.id for profile in alerting or ()}
    check_alerts(store, [profile for profile in profiles if profile.id in chosen], settings, now=now, report=report)


def check_alerts(
    store: Store, profiles: Sequence[Profile], settings: Settings, *, now: datetime, report: CycleReport
) -> None:
    """The alert rules of these profiles, each checked by one process at a time (the lease «alerts:PROFILE»)."""
    owner = lease_owner(f"alerts-{threading.get_ident()}")
    for profile in profiles:
        report.alerts += check_alerts_once(store, profile, settings, now=now, owner=owner)


def run_dated_jobs(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    now: datetime,
    report: CycleReport | None = None,
) -> CycleReport:
    """Everything dated that is due at `now`: the daily jobs, then the monthly reports."""
    report = run_daily_jobs(store, sources, profiles, settings, now=now, report=report)
    return run_reports(store, sources, profiles, settings, now=now, report=report)


def run_daily_jobs(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    now: datetime,
    report: CycleReport | None = None,
) -> CycleReport:
    """The digest of each profile once its local time has passed (once a day), the saved searches' mail with it,
    and the nightly retraining of a profile with new corrections."""
    report = report or CycleReport(now=now)
    for profile in profiles:
        day = digest_due(profile, now)
        if day is not None and not _waiting(store, profile, day, now):
            result = run_once(
                store, f"digest:{profile.id}", day.isoformat(), now, _digest_job(profile, settings, day, now)
            )
            if result is not None:
                report.digests.append(result.path)
        if day is not None:  # the saved searches' new results leave with the morning digest
            mail_saved_searches(store, profile, settings, now=now)
        night = learning_due(profile, now)
        if night is not None and needs_learning(store, profile.id):
            run_once(store, f"learn:{profile.id}", night.isoformat(), now, _learn_job(store, profile, sources, now))
    return report


def run_reports(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    *,
    now: datetime,
    report: CycleReport | None = None,
    isolated: bool = False,
    stop: threading.Event | None = None,
) -> CycleReport:
    """The monthly report of each profile whose day and time have passed, once a month. They only read the
    month's analyses, so the daemon runs them beside the crawl jobs, never in their way; `isolated`, in a child
    process (a new one every REPORTS_PER_PROCESS reports), so that rendering 42 PDFs never swells the daemon; the
    slices left when `stop` is set wait for the next start."""
    report = report or CycleReport(now=now)
    due = []
    for profile in profiles:
        month = report_due(profile, now)
        if month is not None:
            with store.session() as session:
                if not already_done(session, f"report:{profile.id}", f"{month:%Y-%m}"):
                    due.append((profile, month))
    if not due:
        return report
    if not isolated:
        paths = [_run_monthly(store, sources, profile, settings, month, now) for profile, month in due]
    else:
        paths = []
        for first in range(0, len(due), REPORTS_PER_PROCESS):  # a fresh process for each slice
            if stop is not None and stop.is_set():
                break
            with ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_report_process,
                initargs=(logging.getLogger().level,),
            ) as pool:
                jobs = [
                    pool.submit(_isolated_monthly, sources, profile, settings, month, now)
                    for profile, month in due[first : first + REPORTS_PER_PROCESS]
                ]
                paths += [job.result() for job in jobs]
    report.reports += [path for path in paths if path is not None]
    return report


def _report_process(level: int) -> None:
    """A report process logs like the daemon."""
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _isolated_monthly(
    sources: Sources, profile: Profile, settings: Settings, month: date, now: datetime
) -> Path | None:
    store = Store(settings.database_url)
    try:
        return _run_monthly(store, sources, profile, settings, month, now)
    finally:
        store.close()


def _waiting(store: Store, profile: Profile, day: date, now: datetime) -> bool:
    """The digest waits for the office's approval (digest.approval) until digest.approve_until."""
    if not profile.digest.approval:
        return False
    with store.session() as session:
        return waiting_for_approval(session, profile, day, now)


def learning_due(profile: Profile, now: datetime) -> date | None:
    """The local day whose nightly retraining is due at `now` (between LEARN_FROM and LEARN_UNTIL, local time)."""
    local = now.astimezone(profile.zone)
    return local.date() if LEARN_FROM <= local.time().replace(tzinfo=None) < LEARN_UNTIL else None


def _learn_job(store: Store, profile: Profile, sources: Sources, now: datetime) -> Callable[[Session], LearnResult]:
    def work(session: Session) -> LearnResult:
        return learn(store, profile, sources, now=now, session=session)

    return work


def _digest_job(profile: Profile, settings: Settings, day: date, now: datetime) -> Callable[[Session], DigestResult]:
    def work(session: Session) -> DigestResult:
        return run_digest(session, profile, settings, day=day, now=now, send=True)

    return work


def _run_monthly(
    store: Store, sources: Sources, profile: Profile, settings: Settings, month: date, now: datetime
) -> Path | None:
    """The monthly report; recorded as done after it queued its mail."""
    job, period = f"report:{profile.id}", f"{month:%Y-%m}"
    with store.session() as session:
        if already_done(session, job, period):
            return None
    from monitor.deliver.report import run_monthly  # here: WeasyPrint loads only when a report is due

    # The report queues its own mail under fixed keys (report:PROFILE:MONTH:RECIPIENT), so a crash between
    # it and the record below re-runs the report but never mails it twice.
    result = run_monthly(store, profile, sources, settings, month, now=now, send=bool(profile.report.recipients))
    run_once(store, job, period, now, lambda session: None)
    return result.html_path


def run_due(
    store: Store,
    sources: Sources,
    profiles: Sequence[Profile],
    settings: Settings,
    now: datetime,
) -> CycleReport:
    """Everything due at `now`: due feeds, analysis, alerts, digests and reports, then the mail; one health line."""
    started = wallclock.perf_counter()
    report = CycleReport(now=now)
    crawl_due(store, sources, profiles, settings, now=now, report=report)
    analyze_and_check(store, sources, profiles, settings, now=now, report=report)
    run_dated_jobs(store, sources, profiles, settings, now=now, report=report)
    report.mail = send_pending(store, settings, now=now)
    report.seconds = wallclock.perf_counter() - started
    log.info("%s", report.health)
    return report


# --- the daemon --------------------------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Daemon:
    """APScheduler jobs over the functions above: one crawl job per outlet, digests, reports, the mail sender."""

    def __init__(
        self,
        store: Store,
        sources: Sources,
        profiles: Sequence[Profile],
        settings: Settings,
        *,
        lease_ttl: timedelta = LEASE_TTL,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.sources = sources
        self.profiles = list(profiles)
        self.settings = settings
        self.lease_ttl = lease_ttl
        self.clock = clock
        self.owner = lease_owner(uuid.uuid4().hex[:8])
        self.watchdog = Watchdog(store, settings)
        self.files = ConfigFiles(settings)  # an edited file is loaded again (reload_config) without a restart
        self.extraction: ExtractionPool | None = None
        self._renewed: datetime | None = None  # when this process last took or renewed the lease
        self.stop = threading.Event()
        self.pipeline = threading.Lock()  # analysis and alerts run one at a time across crawl jobs (mail outside)
        # APScheduler's shutdown holds its job store lock while it waits for running jobs, so a job may change
        # its schedule only while shutdown has not begun: both sides take this lock.
        self._rescheduling = threading.Lock()
        self._closing = False
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={
                "default": ThreadPoolExecutor(max_workers=4),
                "lease": ThreadPoolExecutor(max_workers=1),
                "reports": ThreadPoolExecutor(max_workers=1),  # the month's reports, one at a time, beside the crawl
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 120},
        )

    def run(self) -> None:
        """Wait for the lease, schedule the jobs, run until `stop` is set, then shut down cleanly."""
        while not self.stop.is_set() and not acquire_lease(
            self.store, self.owner, now=self.clock(), ttl=self.lease_ttl
        ):
            log.info("standby: another process holds the scheduler lease; retrying in %s", self.lease_ttl / 2)
            self.stop.wait((self.lease_ttl / 2).total_seconds())
        if self.stop.is_set():
            return
        log.info("scheduler lease taken by %s", self.owner)
        sync_outlets(self.store, watched(self.sources, self.profiles))  # before the crawl jobs run side by side
        # The crawl writes each article's search form with it; only articles stored otherwise (an archive from an
        # older version, an import) lack one: indexed once here, never searched for again at every cycle.
        index_missing(self.store, now=self.clock())
        workers = self.settings.extraction_workers
        self.extraction = ExtractionPool(workers) if workers > 0 else None  # a pathological page costs its text only
        self._schedule()
        self.scheduler.start()
        try:
            self.stop.wait()
        finally:
            log.info("shutting down: waiting for running jobs")
            with self._rescheduling:
                self._closing = True
            self.scheduler.shutdown(wait=True)
            if self.extraction is not None:
                self.extraction.close()
            release_lease(self.store, self.owner)
            log.info("scheduler stopped, lease released")

    def _schedule(self) -> None:
        now = self.clock()
        self._schedule_config(now)
        # Every minute: mail retries, and any digest or report missed while no process was running.
        self.scheduler.add_job(
            self.dated_jobs,
            IntervalTrigger(seconds=MAIL_EVERY.total_seconds(), timezone=UTC),
            id="tick",
            next_run_time=now,
        )
        self.scheduler.add_job(
            self.monthly_reports,
            IntervalTrigger(seconds=MAIL_EVERY.total_seconds(), timezone=UTC),
            id="reports",
            executor="reports",
            next_run_time=now,
        )
        self.scheduler.add_job(
            self.heartbeat,
            IntervalTrigger(seconds=self.lease_ttl.total_seconds() / 3, timezone=UTC),
            id="heartbeat",
            executor="lease",  # its own thread: long crawls never starve the lease
        )
        self.scheduler.add_job(
            self.look,
            IntervalTrigger(seconds=WATCH_EVERY.total_seconds(), timezone=UTC),
            id="watchdog",
            executor="lease",  # nothing slow in the pipeline delays the operator's warning
            next_run_time=now + WATCH_EVERY,
        )
        self.scheduler.add_job(
            self.reload_config, IntervalTrigger(seconds=CONFIG_EVERY.total_seconds(), timezone=UTC), id="config"
        )

    def _schedule_config(self, now: datetime) -> None:
        """The jobs the configuration decides: one crawl job per watched outlet (a new one runs at once, a known one
        keeps its next run), the digest and report of each profile at their local times; others are removed."""
        wanted = set()
        for outlet in watched(self.sources, self.profiles).outlets:
            job_id = f"crawl:{outlet.id}"
            wanted.add(job_id)
            every = IntervalTrigger(seconds=outlet.poll.total_seconds(), timezone=UTC)
            job = self.scheduler.get_job(job_id)
            if job is None:
                self.scheduler.add_job(self.crawl_outlet, every, args=[outlet.id], id=job_id, next_run_time=now)
            elif job.trigger.interval != every.interval:
                job.modify(trigger=every)
        for profile in self.profiles:
            at, report = profile.digest.time, profile.report
            triggers = {
                f"digest:{profile.id}": (
                    self.dated_jobs,
                    CronTrigger(hour=at.hour, minute=at.minute, timezone=profile.zone),
                    "default",
                ),
                f"report:{profile.id}": (
                    self.monthly_reports,
                    CronTrigger(
                        day=report.day, hour=report.time.hour, minute=report.time.minute, timezone=profile.zone
                    ),
                    "reports",
                ),
            }
            for job_id, (run, trigger, executor) in triggers.items():
                wanted.add(job_id)
                self.scheduler.add_job(run, trigger, id=job_id, executor=executor, replace_existing=True)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(("crawl:", "digest:", "report:")) and job.id not in wanted:
                job.remove()

    def reload_config(self) -> bool:
        """Take up sources.yaml and the profiles when a file changed (an invalid change is logged and the running
        configuration kept): outlets synced, crawl, digest and report jobs rescheduled. True when reloaded."""
        loaded = self.files.changed()
        if loaded is None:
            return False
        with self._rescheduling:
            if self._closing:
                return False
            self.sources, self.profiles = loaded
            sync_outlets(self.store, watched(self.sources, self.profiles))
            self._schedule_config(self.clock())
        log.info(
            "configuration reloaded: %s profiles, %s outlets watched",
            len(self.profiles),
            len(watched(self.sources, self.profiles).outlets),
        )
        return True

    def crawl_outlet(self, outlet_id: str) -> CycleReport | None:
        """One crawl cycle of one outlet, then analysis, alerts and mail; the next run follows the feeds' state."""
        if not self._holding():
            return None
        started = wallclock.perf_counter()
        now = self.clock()
        report = CycleReport(now=now)
        sources, profiles = self.sources, self.profiles  # one configuration for the whole cycle, even if reloaded
        outlet = next((outlet for outlet in sources.outlets if outlet.id == outlet_id), None)
        if outlet is None:  # removed from sources.yaml while this run waited: its job is gone too
            return None
        scope = [profile for profile in profiles if profile.watches(outlet)]
        crawl_due(
            self.store,
            sources,
            scope,
            self.settings,
            now=now,
            report=report,
            only=[outlet_id],
            pool=self.extraction,
        )
        with self.pipeline:  # the alerts of the profiles that got new analyses; the tick checks the others
            analyze_and_check(
                self.store, sources, profiles, self.settings, now=self.clock(), report=report, alerting=(),
                limit=QUEUE_SLICE,
            )  # fmt: skip
        # outside the lock: a slow or hanging SMTP server never holds up another outlet's analysis and alerts
        report.mail = send_pending(self.store, self.settings, now=self.clock())
        report.seconds = wallclock.perf_counter() - started
        log.info("%s [%s]", report.health, outlet_id)
        wanted = max(next_due(self.store, outlet_id, now + outlet.poll), self.clock() + timedelta(seconds=1))
        with self._rescheduling:
            job = None if self._closing else self.scheduler.get_job(f"crawl:{outlet_id}")
            if job is not None:
                job.modify(next_run_time=wanted)  # honours the crawler's backoff and Retry-After
        return report

    def dated_jobs(self) -> CycleReport | None:
        """Every profile's alert rules (an update held back by its hourly pace leaves here), the digests and the
        nightly retraining (behind the analysis, so a digest sees it done), then the mail."""
        if not self._holding():
            return None
        now = self.clock()
        with self.pipeline:
            report = CycleReport(now=now)
            check_alerts(self.store, self.profiles, self.settings, now=now, report=report)
            run_daily_jobs(self.store, self.sources, self.profiles, self.settings, now=now, report=report)
        return self._mail(report)

    def monthly_reports(self) -> CycleReport | None:
        """The month's reports in their own thread, outside the pipeline lock: on the 1st, 42 profiles' reports
        take minutes, while crawling, analysis and alerts go on beside them."""
        if not self._holding():
            return None
        report = run_reports(
            self.store, self.sources, self.profiles, self.settings, now=self.clock(), isolated=True, stop=self.stop
        )
        return self._mail(report)

    def _mail(self, report: CycleReport) -> CycleReport:
        report.mail = send_pending(self.store, self.settings, now=self.clock())
        if (
            report.alerts
            or report.digests
            or report.reports
            or report.mail.sent
            or report.mail.retried
            or report.mail.failed
        ):
            log.info("%s", report.health)
        return report

    def heartbeat(self) -> None:
        try:
            now = self.clock()
            held = acquire_lease(self.store, self.owner, now=now, ttl=self.lease_ttl)
        except StoreError as exc:  # the database cannot be written: tell the operator, keep trying
            self.watchdog.warn([Problem("storage", str(exc))], self.clock())
            return
        if held:
            self._renewed = now
        else:
            log.error("scheduler lease lost to another process: stopping")
            self.stop.set()

    def look(self) -> None:
        """The operator's warnings: collection stopped, storage failing, mail failing, disk filling up."""
        self.watchdog.check(self.clock())

    def _holding(self) -> bool:
        """Whether this process still holds the scheduler lease: renewed when the last renewal is older than
        LEASE_FRESH (a crawl job of 3,000 a round then costs no write), else trusted (still valid for most of its
        TTL)."""
        if self.stop.is_set():
            return False
        now = self.clock()
        if self._renewed is not None and timedelta(0) <= now - self._renewed < min(LEASE_FRESH, self.lease_ttl / 4):
            return True
        if not acquire_lease(self.store, self.owner, now=now, ttl=self.lease_ttl):
            log.error("scheduler lease lost to another process: stopping")
            self.stop.set()
            return False
        self._renewed = now
        return True


@contextmanager
def _workspace(settings: Settings, store: Store) -> Iterator[None]:
    """The web workspace in this process too, when MONITOR_WEB_ADDRESS (or `monitor run --web`) asks for it."""
    if settings.web_address is None:
        yield
        return
    from monitor.web.server import serving  # the web stack loads only when it is served

    with serving(settings, store, settings.web_address) as base:
        log.info("workspace served at %s", base)
        yield


def run_daemon(store: Store, sources: Sources, profiles: Sequence[Profile], settings: Settings) -> None:
    """`monitor run`: the daemon in the foreground until SIGTERM or SIGINT."""
    daemon = Daemon(store, sources, profiles, settings)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # our health line per cycle says what ran

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s received: stopping after the running jobs", signal.Signals(signum).name)
        daemon.stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with health_endpoint(settings.health_address, store, settings, daemon.clock), _workspace(settings, store):
            daemon.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
