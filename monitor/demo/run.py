"""The whole job, offline: a generated newsroom on 127.0.0.1, the real pipeline into a fresh SQLite file,
mail to a local SMTP server (each message kept as .eml), then the digest, the crisis alert and the report.

Simulated time: the month's history is crawled in daily steps, then the last day (the crisis) and the next
morning run through the scheduler's own `run_due` every few simulated minutes, so crawl cycles, conditional
GET, alerts, the digest and the monthly report happen as they would in production, only compressed.
"""

from __future__ import annotations

import logging
import shutil
import socket
import threading
import time as clock
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import yaml
from sqlalchemy import func, select

from monitor.analysis import analyze_pending
from monitor.config import Profile, Sources, load_all, load_profile
from monitor.crawl.ingest import crawl_sync
from monitor.deliver.digest import digest_path
from monitor.deliver.render import count_ro, date_ro, datetime_ro, month_ro
from monitor.deliver.report import report_paths
from monitor.demo.newsroom import BUCHAREST, DEFAULT_PROFILE, GroundTruth, Newsroom, generate
from monitor.demo.server import NewsroomServer, serve
from monitor.scheduler import run_due
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.jobs import run_once
from monitor.store.models import AlertRow, ArticleRow, MentionRow
from monitor.text import search_key

log = logging.getLogger(__name__)

STEP = timedelta(minutes=10)  # simulated time between two scheduler passes on the last day
DAWN = time(6, 0)  # the newsroom publishes from 06:00: the last day's passes start there


@dataclass
class MailSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it receives as an .eml file."""

    folder: Path
    host: str = "127.0.0.1"
    port: int = 0
    received: list[tuple[Path, EmailMessage]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        raw = envelope.content  # type: ignore[attr-defined]
        data = raw if isinstance(raw, bytes) else raw.encode()
        message = message_from_bytes(data, policy=policy.SMTP)
        with self._lock:
            path = self.folder / f"{len(self.received) + 1:03d}-{_kind(message)}.eml"
            path.write_bytes(data)
            self.received.append((path, message))
        return "250 OK"


def _kind(message: EmailMessage) -> str:
    """A file-name word for a message, from its subject: sinteza, alerta, actualizare, raport."""
    subject = search_key(str(message["Subject"] or ""))
    for prefix, kind in (("sinteza", "sinteza"), ("alerta", "alerta"), ("re: alerta", "actualizare")):
        if subject.startswith(prefix):
            return kind
    return "raport" if "lunara" in subject else "mesaj"


def _free_port() -> int:
    """aiosmtpd's Controller does not take port 0: ask the OS for a free port first."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def mail_sink(folder: Path) -> Iterator[MailSink]:
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)
    sink = MailSink(folder, port=_free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@dataclass(frozen=True)
class DemoResult:
    """Where everything went and what the run did, for the closing summary and the tests."""

    output: Path
    database: Path
    month: date
    newsroom: Newsroom
    truth: GroundTruth
    articles_stored: int
    mentions_stored: dict[str, int]
    alerts: int
    mail: tuple[tuple[Path, EmailMessage], ...]
    digest_html: Path
    report_html: Path
    report_pdf: Path
    http: dict[int, int]
    seconds: float

    @property
    def alert_eml(self) -> Path | None:
        """The first crisis alert received by the SMTP server."""
        return next((path for path, _ in self.mail if path.name.endswith("-alerta.eml")), None)


def last_month(today: date) -> date:
    """The first day of the month before `today`'s."""
    first = today.replace(day=1) - timedelta(days=1)
    return first.replace(day=1)


def _fresh(output: Path) -> None:
    """Remove what an earlier demo left in `output` (only the demo's own files and folders)."""
    for name in ("presa-demo.db", "presa-demo.db-wal", "presa-demo.db-shm", "sources.yaml"):
        (output / name).unlink(missing_ok=True)
    for name in ("rapoarte", "mail", "pipelines"):
        shutil.rmtree(output / name, ignore_errors=True)


def _write_config(output: Path, newsroom: Newsroom, base_url: str, profile_path: Path) -> tuple[Sources, Profile]:
    """A sources.yaml for the newsroom's loopback feeds and the profile, loaded back as a user's config is."""
    header = "# Demo newsroom (fictional outlets) on this machine; written by `monitor demo`.\n"
    (output / "sources.yaml").write_text(
        header + yaml.safe_dump({"outlets": newsroom.sources_data(base_url)}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    (output / "pipelines").mkdir(exist_ok=True)
    shutil.copyfile(profile_path, output / "pipelines" / profile_path.name)
    sources, profiles = load_all(output / "sources.yaml", output / "pipelines")
    return sources, profiles[0]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), BUCHAREST).astimezone(UTC)


@dataclass(frozen=True)
class _Run:
    """What every phase of one demo run works with."""

    store: Store
    sources: Sources
    profile: Profile
    settings: Settings
    server: NewsroomServer
    newsroom: Newsroom
    say: Callable[[str], None]
    status: Callable[[str], None]


def run_demo(
    output: Path,
    *,
    seed: int = 2026,
    scale: float = 1.0,
    month: date | None = None,
    profile_path: Path = DEFAULT_PROFILE,
    step: timedelta = STEP,
    say: Callable[[str], None] = lambda _: None,
    status: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Run the whole job on a generated month; `scale` shrinks the month's volume and a longer `step` makes
    fewer scheduler passes on the last day (the tests use both). `say` gets the milestones, `status` the
    step-by-step progress (both in Romanian, for people)."""
    started = clock.monotonic()
    output.mkdir(parents=True, exist_ok=True)
    _fresh(output)
    month = (month or last_month(date.today())).replace(day=1)
    newsroom = generate(seed, month=month, profile=load_profile(profile_path), scale=scale)
    say(
        f"Redacția demo: {count_ro(len(newsroom.outlets), 'publicație fictivă', 'publicații fictive')}, "
        f"{count_ro(len(newsroom.articles), 'articol', 'articole')} în {month_ro(month)}, servite pe 127.0.0.1."
    )
    database = output / "presa-demo.db"
    with serve(newsroom, now=newsroom.start) as server, mail_sink(output / "mail") as sink:
        sources, profile = _write_config(output, newsroom, server.base_url, profile_path)
        settings = Settings.from_env(
            {},
            database_url=f"sqlite:///{database}",
            data_dir=output,
            output_dir=output / "rapoarte",
            sources_path=output / "sources.yaml",
            pipelines_dir=output / "pipelines",
            smtp_url=sink.url,
            mail_from="Presa (demo) <presa@prefectura-alba.example>",
            allow_hosts=frozenset({server.base_url.removeprefix("http://").rstrip("/")}),
            per_host_limit=8,  # every outlet of the newsroom shares one loopback host
        )
        run = _Run(Store(settings.database_url), sources, profile, settings, server, newsroom, say, status)
        try:
            _history(run)
            _last_day(run, step)
            return _collect(run, sink, started)
        finally:
            run.store.close()


def _history(run: _Run) -> None:
    """The month before the crisis day, crawled and analysed once a simulated day (the archive's history)."""
    stored = 0
    day = run.newsroom.month
    while day < run.newsroom.crisis_day:
        day += timedelta(days=1)
        now = _local_midnight(day)
        run.server.now = now
        summary = crawl_sync(run.store, run.sources, run.settings, now=now)
        analyzed = analyze_pending(run.store, run.profile, run.sources, now=now)
        stored += summary.new_articles
        log.info("demo history up to %s: %d new articles, %d analysed", day, summary.new_articles, analyzed)
        run.status(f"Istoricul lunii: {date_ro(day - timedelta(days=1))}, {_collected(stored)}")
    run.say(
        f"Istoricul lunii ({date_ro(run.newsroom.month)} – {date_ro(run.newsroom.crisis_day - timedelta(days=1))}): "
        f"{_collected(stored)}."
    )


def _collected(count: int) -> str:
    return count_ro(count, "articol colectat și analizat", "articole colectate și analizate")


def _last_day(run: _Run, step: timedelta) -> None:
    """The crisis day and the next morning, through the scheduler every `step` of simulated time."""
    newsroom, profile = run.newsroom, run.profile
    now = datetime.combine(newsroom.crisis_day, DAWN, BUCHAREST).astimezone(UTC)
    next_month = newsroom.crisis_day + timedelta(days=1)
    digest_at = datetime.combine(next_month, profile.digest.time, profile.zone)
    report_at = datetime.combine(next_month.replace(day=profile.report.day), profile.report.time, profile.zone)
    end = max(digest_at, report_at).astimezone(UTC) + step  # the crisis digest and the month's report are done
    minutes = int(step.total_seconds() // 60)
    run.say(
        f"Ziua crizei ({date_ro(newsroom.crisis_day)}) și dimineața următoare, prin planificator, la "
        f"{count_ro(minutes, 'minut', 'minute')}."
    )
    # The archive starts with the demo month: the report of the month before counts as done, or the scheduler's
    # catch-up would send an empty one on its first pass.
    previous = (newsroom.month - timedelta(days=1)).replace(day=1)
    run_once(run.store, f"report:{profile.id}", f"{previous:%Y-%m}", now, lambda session: None)
    while now <= end:
        run.server.now = now
        cycle = run_due(run.store, run.sources, [profile], run.settings, now)
        run.status(
            f"Ora simulată {datetime_ro(now)}: {count_ro(cycle.new_articles, 'articol nou', 'articole noi')}, "
            f"{count_ro(len(cycle.alerts), 'alertă', 'alerte')}"
        )
        now += step


def _collect(run: _Run, sink: MailSink, started: float) -> DemoResult:
    """What the run left behind: counts from the run.store, the mail received, the paths of the documents."""
    with run.store.session() as session:
        articles = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
        mentions = dict(
            session.execute(
                select(MentionRow.target_id, func.count())
                .join(ArticleRow, ArticleRow.id == MentionRow.article_id)
                .where(
                    MentionRow.profile_id == run.profile.id,
                    ArticleRow.published_at >= run.newsroom.start,
                    ArticleRow.published_at < run.newsroom.end,
                )
                .group_by(MentionRow.target_id)
            ).all()
        )
        alerts = session.scalar(select(func.count()).select_from(AlertRow)) or 0
    report_html, report_pdf = report_paths(run.settings, run.profile, run.newsroom.month)
    return DemoResult(
        output=run.settings.data_dir,
        database=Path(run.settings.database_url.removeprefix("sqlite:///")),
        month=run.newsroom.month,
        newsroom=run.newsroom,
        truth=run.newsroom.truth(),
        articles_stored=articles,
        mentions_stored=mentions,
        alerts=alerts,
        mail=tuple(sink.received),
        digest_html=digest_path(run.settings, run.profile.id, run.newsroom.crisis_day + timedelta(days=1)),
        report_html=report_html,
        report_pdf=report_pdf,
        http=dict(run.server.statuses),
        seconds=clock.monotonic() - started,
    )
