"""The scheduler: what is due at `now`, exactly once per period (DST days, restarts, two processes), the lease,
a burst over real crawl cycles, and the daemon's clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from time import monotonic, sleep
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import REPO, Site, SmtpSink
from rows import add_article, add_outlets
from sqlalchemy import select

from monitor.config import DigestSchedule, Outlet, Profile, ReportSchedule, Sources, load_profile
from monitor.crawl.ingest import sync_outlets
from monitor.scheduler import Daemon, digest_due, report_due, run_dated_jobs, run_due
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.jobs import acquire_lease, release_lease, run_once
from monitor.store.models import (
    AnalysisRow,
    ArticleRow,
    ArticleSearchRow,
    JobRunRow,
    LockRow,
    MentionRow,
    OutboxRow,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")


def _profile(digest_at: time = time(7, 30)) -> Profile:
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    return profile.model_copy(
        update={
            "digest": DigestSchedule(time=digest_at, recipients=profile.digest.recipients),
            "report": ReportSchedule(enabled=False),
        }
    )


def _digest_keys(store: Store) -> list[str]:
    with store.session() as session:
        return sorted(session.scalars(select(OutboxRow.key).where(OutboxRow.kind == "digest")))


@pytest.mark.parametrize("digest_at", [time(7, 30), time(3, 30)])  # 03:30 is skipped in March, doubled in October
def test_dst_days_get_exactly_one_digest_each(tmp_path: Path, settings: Settings, digest_at: time) -> None:
    profile = _profile(digest_at)
    url = f"sqlite:///{tmp_path / 'dst.db'}"
    stores = [Store(url), Store(url)]  # two processes sharing the database, taking turns
    sources = Sources(outlets=())
    steps = [
        first + timedelta(minutes=10 * step)
        for first in (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC))
        for step in range(3 * 24 * 6)
    ]
    for turn, now in enumerate(steps):
        run_dated_jobs(stores[turn % 2], sources, [profile], settings, now=now)
        if turn == 100:  # a restart
            stores[0].close()
            stores[0] = Store(url)
    keys = _digest_keys(stores[0])
    for store in stores:
        store.close()

    days = {key.split(":")[2] for key in keys}
    assert len(keys) == len(days)  # never two for one day
    for day in ("2026-03-28", "2026-03-29", "2026-03-30", "2026-10-24", "2026-10-25", "2026-10-26"):
        assert f"digest:alba:{day}:presa@prefectura-alba.example" in keys
    assert (settings.output_dir / "digest-alba-2026-03-29.html").exists()
    assert (settings.output_dir / "digest-alba-2026-10-25.html").exists()


def test_digest_and_report_due_times() -> None:
    profile = _profile()
    spring = datetime(2026, 3, 29, 4, 29, tzinfo=UTC)  # 07:29 EEST
    autumn = datetime(2026, 10, 25, 5, 29, tzinfo=UTC)  # 07:29 EET
    assert digest_due(profile, spring) is None and digest_due(profile, spring + timedelta(minutes=1)) == date(
        2026, 3, 29
    )
    assert digest_due(profile, autumn) is None and digest_due(profile, autumn + timedelta(minutes=1)) == date(
        2026, 10, 25
    )
    monthly = profile.model_copy(update={"report": ReportSchedule(day=1, time=time(8, 0))})
    first = datetime(2026, 12, 1, 8, 0, tzinfo=BUCHAREST)
    assert report_due(monthly, first - timedelta(minutes=1)) is None
    assert report_due(monthly, first) == date(2026, 11, 1)
    assert report_due(monthly, first - timedelta(days=1)) == date(2026, 10, 1)  # catches up on a missed month


def test_run_once_never_twice_across_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'once.db'}"
    stores = [Store(url), Store(url)]
    now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    results: list[str | None] = [None, None]

    def worker(index: int) -> None:
        results[index] = run_once(stores[index], "digest:alba", "2026-11-20", now, lambda session: f"p{index}")

    threads = [threading.Thread(target=worker, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with stores[0].session() as session:
        runs = list(session.scalars(select(JobRunRow)))
    for store in stores:
        store.close()
    assert sorted(r for r in results if r is not None) in (["p0"], ["p1"])
    assert [(run.job, run.period) for run in runs] == [("digest:alba", "2026-11-20")]


def test_work_that_fails_leaves_the_period_undone(store: Store) -> None:
    now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)

    def broken(session: object) -> None:
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        run_once(store, "digest:alba", "2026-11-20", now, broken)
    assert run_once(store, "digest:alba", "2026-11-20", now, lambda session: "done") == "done"


def test_lease_has_one_owner_until_it_expires(any_store: Store) -> None:
    now = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    ttl = timedelta(minutes=2)
    assert acquire_lease(any_store, "a", now=now, ttl=ttl)
    assert not acquire_lease(any_store, "b", now=now + timedelta(minutes=1), ttl=ttl)
    assert acquire_lease(any_store, "a", now=now + timedelta(minutes=1), ttl=ttl)  # heartbeat
    assert not acquire_lease(any_store, "b", now=now + timedelta(minutes=2), ttl=ttl)
    assert acquire_lease(any_store, "b", now=now + timedelta(minutes=3, seconds=1), ttl=ttl)  # a died
    assert not acquire_lease(any_store, "a", now=now + timedelta(minutes=3, seconds=2), ttl=ttl)
    release_lease(any_store, "a")  # not its lease any more: nothing happens
    with any_store.session() as session:
        assert session.get(LockRow, "scheduler").owner == "b"  # type: ignore[union-attr]
    release_lease(any_store, "b")
    assert acquire_lease(any_store, "a", now=now + timedelta(minutes=3, seconds=3), ttl=ttl)


# --- a burst served over real crawl cycles ------------------------------------------------------

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
STORIES = [
    (
        "Locuitorii din Aiud, nemulțumiți de prefect",
        "Locuitorii din Aiud îl critică dur pe prefectul Horia Vlădescu, pe care îl acuză de nepăsare față de "
        "inundațiile din cartierul Gării. Oamenii spun că nu au primit niciun răspuns la sesizări.",
    ),
    (
        "Fermierii din Blaj acuză prefectul de incompetență",
        "Fermierii din Blaj îl acuză pe prefectul Horia Vlădescu de incompetență în gestionarea despăgubirilor "
        "pentru seceta din vară. Asociația agricultorilor spune că dosarele stau blocate de luni de zile.",
    ),
    (
        "Primarii din Munții Apuseni critică prefectul",
        "Mai mulți primari din Munții Apuseni îl critică pe prefectul Horia Vlădescu pentru întârzierea avizelor "
        "la proiectele de drumuri comunale. Edilii spun că lucrările au fost amânate din cauza lui.",
    ),
    (
        "Cozi uriașe la pașapoarte, prefectul acuzat de dezinteres",
        "Cozile de la serviciul de pașapoarte din Alba Iulia au ajuns la trei ore, iar solicitanții îl acuză pe "
        "prefectul Horia Vlădescu de dezinteres. Angajații lucrează cu jumătate din personal.",
    ),
    (
        "Profesorii din Sebeș, furioși pe prefect",
        "Profesorii din Sebeș îl critică pe prefectul Horia Vlădescu, pe care îl acuză că a ignorat problemele "
        "transportului școlar. Elevii din satele izolate ajung cu întârziere la ore în fiecare dimineață.",
    ),
]


def _page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.split(". "))
    return (
        f"<html><head><title>{title}</title></head><body><nav>Acasă | Local</nav><article><h1>{title}</h1>"
        f"{paragraphs}</article><footer>Toate drepturile rezervate</footer></body></html>"
    ).encode()


class Feeds:
    """Three local outlets on the test site whose RSS feeds grow as the test publishes."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.items: dict[str, list[tuple[int, datetime]]] = {"a": [], "b": [], "c": []}
        for outlet in self.items:
            self._serve(outlet)

    def publish(self, outlet: str, story: int, when: datetime) -> None:
        title, text = STORIES[story]
        self.site.serve_bytes(f"/{outlet}/stire-{story}.html", _page(title, text))
        self.items[outlet].append((story, when))
        self._serve(outlet)

    def _serve(self, outlet: str) -> None:
        items = "".join(
            f"<item><title>{STORIES[story][0]}</title><link>{self.site.url(f'/{outlet}/stire-{story}.html')}</link>"
            f"<guid>{outlet}-{story}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
            for story, when in self.items[outlet]
        )
        channel = f"<channel><title>{outlet}</title>{items}</channel>"
        feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0">{channel}</rss>'
        self.site.serve_bytes(f"/{outlet}/rss.xml", feed.encode(), "application/rss+xml; charset=utf-8")

    def sources(self) -> Sources:
        return Sources(
            outlets=tuple(
                Outlet(
                    id=f"local-{outlet}",
                    name=f"Gazeta {outlet.upper()}",
                    kind="local",
                    county="Alba",
                    feeds=(self.site.url(f"/{outlet}/rss.xml"),),
                    reach=50_000,
                    poll=timedelta(minutes=10),
                )
                for outlet in self.items
            )
        )


def test_a_burst_over_crawl_cycles_mails_one_alert_then_one_update(
    store: Store, settings: Settings, site: Site, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    profile = _profile().model_copy(update={"digest": DigestSchedule(enabled=False)})
    feeds = Feeds(site)
    sources = feeds.sources()
    cycles = []

    def cycle(now: datetime) -> None:
        report = run_due(store, sources, [profile], settings, now)
        cycles.append([(notice.kind, notice.rule) for notice in report.alerts])

    feeds.publish("a", 0, T0 - timedelta(minutes=5))
    cycle(T0)
    feeds.publish("b", 1, T0 + timedelta(minutes=12))
    feeds.publish("c", 2, T0 + timedelta(minutes=15))
    cycle(T0 + timedelta(minutes=20))
    feeds.publish("a", 3, T0 + timedelta(minutes=30))
    cycle(T0 + timedelta(minutes=40))  # the same crisis, within the hour: no update yet
    feeds.publish("b", 4, T0 + timedelta(minutes=70))
    cycle(T0 + timedelta(minutes=90))
    cycle(T0 + timedelta(minutes=100))

    assert cycles == [[], [("alert", "burst")], [], [("update", "burst")], []]
    subjects = [str(message["Subject"]) for message in smtp.messages]
    assert subjects == [
        "Alertă: criză mediatică – Horia Vlădescu",
        "Re: Alertă: criză mediatică – Horia Vlădescu",  # the update, in the alert's thread
    ]
    assert smtp.messages[1]["In-Reply-To"] == smtp.messages[0]["Message-ID"]
    assert all(envelope[1] == ["purtator.cuvant@prefectura-alba.example"] for envelope in smtp.envelopes)
    body = next(p.get_content() for p in smtp.messages[0].walk() if p.get_content_type() == "text/plain")
    assert "Fermierii din Blaj acuză prefectul de incompetență" in body and "Gazeta C" in body


# --- the daemon ---------------------------------------------------------------------------------


def test_daemon_stops_cleanly_on_sigterm(tmp_path: Path, site: Site) -> None:
    feeds = Feeds(site)
    feeds.publish("a", 0, datetime.now(UTC) - timedelta(minutes=1))
    outlets = [outlet.model_dump(mode="json", exclude_defaults=True) for outlet in feeds.sources().outlets]
    for outlet in outlets:
        outlet["poll"] = "10m"
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"outlets": outlets}, allow_unicode=True), encoding="utf-8")
    pipelines = tmp_path / "pipelines"
    pipelines.mkdir()
    profile = yaml.safe_load((REPO / "pipelines" / "alba.yaml").read_text(encoding="utf-8"))
    profile["report"]["enabled"] = False
    (pipelines / "alba.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    env = {
        **os.environ,
        "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'daemon.db'}",
        "MONITOR_SOURCES": str(tmp_path / "sources.yaml"),
        "MONITOR_PIPELINES": str(pipelines),
        "MONITOR_OUTPUT_DIR": str(tmp_path / "out"),
        "MONITOR_ALLOW_HOSTS": site.base.removeprefix("http://"),
    }
    env.pop("MONITOR_SMTP_URL", None)
    archived = Store(env["MONITOR_DATABASE_URL"])  # an article from before the search index was written on write
    with archived.session() as session:
        add_outlets(session)
        old = add_article(session, "alba24", "Podul de la Blaj, redeschis", "Podul a fost redeschis azi.", T0).id
    archived.close()
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True
    )
    seen: list[str] = []
    first_cycle = threading.Event()

    def read_log() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            seen.append(line)
            if "cycle at" in line and "[local-a]" in line:
                first_cycle.set()

    reader = threading.Thread(target=read_log, daemon=True)
    reader.start()
    try:
        assert first_cycle.wait(timeout=90), "".join(seen)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=90)
        reader.join(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    log = "".join(seen)
    assert process.returncode == 0, log
    assert "new articles=1" in log and "lease released" in log
    store = Store(env["MONITOR_DATABASE_URL"])
    with store.session() as session:
        assert session.scalars(select(LockRow)).all() == []
        assert session.get(ArticleSearchRow, old) is not None  # indexed once, when the daemon started
        assert session.get(JobRunRow, ("digest:alba", datetime.now(BUCHAREST).date().isoformat())) is not None or (
            datetime.now(BUCHAREST).time() < time(7, 30)
        )
    store.close()


def test_a_national_outlet_is_fetched_once_for_every_profile_that_watches_it(
    store: Store, settings: Settings, site: Site
) -> None:
    """Two prefectures in one deployment watch one national outlet: the daemon has one crawl job for it, a round
    fetches its feed and page once, and the article is analysed for each profile that it concerns."""
    alba = _profile().model_copy(update={"digest": DigestSchedule(enabled=False)})
    cluj = load_profile(REPO / "tests" / "data" / "profile_cluj.yaml").model_copy(
        update={"id": "cluj", "digest": DigestSchedule(enabled=False), "report": ReportSchedule(enabled=False)}
    )
    title = "Prefecții din Alba și Cluj, convocați la București"
    text = (
        "Prefectul Horia Vlădescu și prefectul Maria Bucur-Oprea au fost convocați la ministerul de interne. "
        "Cei doi prefecți vor prezenta situația drumurilor după inundații."
    )
    site.serve_bytes("/national/stire.html", _page(title, text))
    item = (
        f"<item><title>{title}</title><link>{site.url('/national/stire.html')}</link><guid>n-1</guid>"
        f"<pubDate>{format_datetime(T0 - timedelta(minutes=5))}</pubDate></item>"
    )
    feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>N</title>{item}</channel></rss>'
    site.serve_bytes("/national/rss.xml", feed.encode(), "application/rss+xml; charset=utf-8")
    national = Outlet(
        id="stiri-nationale",
        name="Știri Naționale",
        kind="national",
        feeds=(site.url("/national/rss.xml"),),
        reach=900_000,
        poll=timedelta(minutes=10),
    )
    assert alba.watches(national) and cluj.watches(national)
    daemon = Daemon(store, Sources(outlets=(national,)), [alba, cluj], settings, clock=lambda: T0)
    daemon._schedule_config(T0)
    assert [job.id for job in daemon.scheduler.get_jobs() if job.id.startswith("crawl:")] == ["crawl:stiri-nationale"]
    sync_outlets(store, Sources(outlets=(national,)))

    report = daemon.crawl_outlet("stiri-nationale")

    assert report is not None and report.new_articles == 1
    assert site.hits("/national/rss.xml") == 1 and site.hits("/national/stire.html") == 1
    with store.session() as session:
        analysed = sorted(session.scalars(select(AnalysisRow.profile_id)))
        mentioned = sorted(session.execute(select(MentionRow.profile_id, MentionRow.target_id)).all())
    assert analysed == ["alba", "cluj"]
    assert mentioned == [("alba", "prefect"), ("cluj", "prefect")]


def test_a_held_back_update_leaves_with_the_minute_tick_when_no_crawl_job_brings_anything(
    store: Store, settings: Settings, site: Site, smtp: SmtpSink
) -> None:
    """A crawl job checks the alerts of the profiles it analysed for, nothing more (3,000 outlets answering 304
    check none); the daemon's minute tick checks every profile, so an update held back by the hourly pace goes
    out once the hour is over, although no crawl job brings anything new then."""
    settings = replace(settings, smtp_url=smtp.url)
    profile = _profile().model_copy(update={"digest": DigestSchedule(enabled=False)})
    feeds = Feeds(site)
    sources = feeds.sources()
    sync_outlets(store, sources)
    now = [T0]
    daemon = Daemon(store, sources, [profile], settings, clock=lambda: now[0])

    def crawl_all(at: datetime) -> list[str]:
        now[0] = at
        reports = [daemon.crawl_outlet(outlet.id) for outlet in sources.outlets]
        return [notice.kind for report in reports if report is not None for notice in report.alerts]

    feeds.publish("a", 0, T0 - timedelta(minutes=5))
    feeds.publish("b", 1, T0 - timedelta(minutes=3))
    feeds.publish("c", 2, T0 - timedelta(minutes=1))
    assert crawl_all(T0) == ["alert"]
    feeds.publish("a", 3, T0 + timedelta(minutes=25))
    assert crawl_all(T0 + timedelta(minutes=30)) == []  # the crisis grows, but an update waits for the hour
    assert crawl_all(T0 + timedelta(minutes=75)) == []  # nothing new: no crawl job checks the alerts
    assert len(smtp.messages) == 1

    tick = daemon.dated_jobs()

    assert tick is not None and [notice.kind for notice in tick.alerts] == ["update"]
    assert [str(message["Subject"]) for message in smtp.messages][1] == "Re: Alertă: criză mediatică – Horia Vlădescu"


def test_a_page_that_hangs_delays_no_other_outlet(store: Store, settings: Settings, site: Site) -> None:
    """One outlet's page hangs (up to the 30 s deadline); another outlet's crawl job, in the daemon's next
    executor thread, fetches, stores, analyses and checks its article meanwhile; the hanging page, once it
    answers, is stored too."""
    release = threading.Event()
    slow = _page("Știre lent", "Prefectul Horia Vlădescu a inaugurat podul. Lucrările")
    fast = _page("Știre rapid", "Prefectul Horia Vlădescu a vizitat școala. Elevii l-au așteptat")

    def hanging(request: BaseHTTPRequestHandler) -> None:
        release.wait(30)
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(slow)))
        request.end_headers()
        request.wfile.write(slow)

    site.add("/lent/stire.html", hanging)
    site.serve_bytes("/rapid/stire.html", fast)
    outlets = []
    for name in ("lent", "rapid"):
        item = (
            f"<item><title>Știre {name}</title><link>{site.url(f'/{name}/stire.html')}</link><guid>{name}</guid>"
            f"<pubDate>{format_datetime(T0 - timedelta(minutes=5))}</pubDate></item>"
        )
        feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{item}</channel></rss>'
        site.serve_bytes(f"/{name}/rss.xml", feed.encode(), "application/rss+xml; charset=utf-8")
        outlets.append(
            Outlet(
                id=name,
                name=name.title(),
                kind="local",
                county="Alba",
                feeds=(site.url(f"/{name}/rss.xml"),),
                reach=10_000,
                poll=timedelta(minutes=10),
            )
        )
    profile = _profile().model_copy(update={"digest": DigestSchedule(enabled=False)})
    daemon = Daemon(store, Sources(outlets=tuple(outlets)), [profile], settings, clock=lambda: T0)
    sync_outlets(store, daemon.sources)
    hung = threading.Thread(target=daemon.crawl_outlet, args=["lent"])
    hung.start()
    try:
        deadline = monotonic() + 20
        while not site.hits("/lent/stire.html") and monotonic() < deadline:
            sleep(0.05)
        assert site.hits("/lent/stire.html") == 1  # the slow page is being fetched, and hangs
        started = monotonic()
        report = daemon.crawl_outlet("rapid")
        assert monotonic() - started < 10 and hung.is_alive()
        assert report is not None and report.new_articles == 1
        with store.session() as session:
            titles = set(
                session.scalars(select(ArticleRow.title).join(MentionRow, MentionRow.article_id == ArticleRow.id))
            )
        assert titles == {"Știre rapid"}  # stored and analysed while the other hangs
    finally:
        release.set()
        hung.join(60)
    assert _mentioned_titles(store) == {
        "Știre rapid",
        "Știre lent",
    }


def _mentioned_titles(store: Store) -> set[str]:
    with store.session() as session:
        named = select(ArticleRow.title).join(MentionRow, MentionRow.article_id == ArticleRow.id)
        return set(session.scalars(named))
