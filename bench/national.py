"""One deployment for the whole country (issue 13): every goal measured in one run, at two sizes where growth shows.

    .venv/bin/python -m bench.national            # the goals' sizes (long: an hour or more, most of it seeding)
    .venv/bin/python -m bench.national --quick    # a tenth of them, within 10 minutes; ends with PASS or FAIL
    .venv/bin/python -m bench.national --phases 4,5 # some phases only (5 then seeds its own archive)
    MONITOR_BENCH_DATABASE_URL=postgresql://... adds the PostgreSQL figures (search, the workers' backfill) and
    runs phases 2 and 3 on PostgreSQL

Paths driven, phase by phase:
1. Poll round: `scheduler.Daemon.crawl_outlet` for every outlet, four at a time (the daemon's thread pool), its
   pages extracted in the daemon's `ExtractionPool`; OUTLETS loopback outlets served by a newsroom process of its
   own (its CPU is not counted), 42 profiles (Alba's from pipelines/, the others generated from the counties),
   on a seeded SQLite archive at two sizes. A priming round first reads every feed (its items already stored) and
   keeps their validators; the measured round then gets 304 from 90% of the feeds and one new page from each other
   one. CPU = this process's and the extraction workers'.
2. One new article analysed for 42 profiles against one: `bench.analysis_stage.measure` (`analysis.analyze_queue`).
3. Clustering one new article against a ±7-day window: `bench.dedup_window.measure`
   (`analysis.cluster_new_articles`, the band index).
4. Search: `archive.finding.find` (the workspace's «Arhivă» and `monitor search`) with typical queries, p95, on
   SQLite FTS5 and, with MONITOR_BENCH_DATABASE_URL, on PostgreSQL.
5. Feed item -> alert: a real `python -m monitor run` process (the workspace served by it too) on the phase-1
   archive, every feed due at once (a full round) and every profile's monthly report due; a crisis article appears
   on an Alba outlet at a random moment of the poll; the clock stops when the alert is in the SMTP server
   (aiosmtpd). Meanwhile the resident memory of the daemon and of each of its processes is sampled from /proc.
6. With PostgreSQL: a backfill analysed by 1 `monitor worker` process against 2 (`bench.workers.speedup`).

The machine is shared and noisy: ratios are measured side by side in one run; absolute figures are indicative.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any, cast

import numpy as np
import yaml
from aiosmtpd.controller import Controller
from sqlalchemy import Table, func, insert, select, text, update

from bench import analysis_stage, dedup_window, loopback, web, workers
from bench.digest import STORIES
from bench.ingest import make_page
from bench.loopback import answer
from bench.stores import empty_store
from monitor.archive.finding import Query, find
from monitor.config import Profile, Sources, load_profile
from monitor.crawl.urls import canonical_url
from monitor.crawl.workers import ExtractionPool
from monitor.dedup import NUM_PERM, Signature, band_keys
from monitor.nlp import profile_fingerprint
from monitor.nlp.language import language
from monitor.scheduler import Daemon
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.bands import epoch_seconds
from monitor.store.feeds import sync_outlets
from monitor.store.jobs import acquire_lease, release_lease
from monitor.store.models import (
    AnalysisRow,
    ArticleBandRow,
    ArticleRow,
    ArticleSourceRow,
    FeedRow,
    MentionRow,
)

REPO = Path(__file__).resolve().parent.parent
OLD_ITEMS = 3  # items each feed always lists, already stored
NEW_EVERY = 10  # a round brings one new page to one outlet in this many (the rest answer 304)
NATIONAL_EVERY = 30  # one outlet in this many is national (every profile watches it)
MENTIONED_EVERY = 20  # one stored article in this many names its county's prefect
WINDOW_DAYS = 8  # stored articles this recent carry band keys (the clustering window and a day)
ARCHIVE_DAYS = 30
BATCH = 10_000
SEARCHES = (
    "spital inundatie",
    "prefectul",
    '"prefect judet" -protest',
    "ancheta SAU control",
    "cuvant4321",
)
SEARCH_REPEATS = 20
ALBA_PREFECT = "Horia Vlădescu"  # pipelines/alba.yaml's prefect, whom the crisis article names
MEASURED_ROUNDS = 2  # rounds measured at each size after the priming one; the best is compared
RSS_LIMIT_MB = 400
_ARTICLES, _SOURCES, _ANALYSES, _MENTIONS, _BANDS = (
    cast(Table, row.__table__) for row in (ArticleRow, ArticleSourceRow, AnalysisRow, MentionRow, ArticleBandRow)
)


@dataclass(frozen=True)
class Scale:
    """The sizes of one run; `fraction` of the goals' sizes scales the goals that depend on size."""

    name: str
    outlets: int
    stored: tuple[int, int]
    search: int
    window: int
    analysis: int
    poll: int  # seconds between two polls of an outlet in phase 5
    trials: int
    backfill: int
    fraction: float


FULL = Scale("goals", 3_000, (150_000, 1_500_000), 2_000_000, 350_000, 100_000, 600, 2, 20_000, 1.0)
QUICK = Scale("quick", 300, (15_000, 150_000), 200_000, 35_000, 10_000, 60, 2, 2_000, 0.1)


@dataclass
class Results:
    """Each goal's figure, limit and verdict, in the order measured; printed at the end."""

    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)

    def add(self, name: str, figure: str, goal: str, ok: bool | None) -> None:
        self.rows.append((name, figure, goal, ok))
        verdict = "n/a" if ok is None else ("ok" if ok else "MISSED")
        print(f"  -> {name}: {figure} (goal {goal}) {verdict}")

    def summary(self, scale: Scale) -> str:
        failed = [name for name, _, _, ok in self.rows if ok is False]
        figures = "; ".join(f"{name} {figure} (goal {goal})" for name, figure, goal, _ in self.rows)
        head = "PASS" if not failed else f"FAIL ({', '.join(failed)})"
        return f"{head} [{scale.name}: {scale.outlets:,} outlets, {scale.stored[1]:,} stored] {figures}"


# --- the loopback newsroom ------------------------------------------------------------------------


def _counter(value: Any) -> Synchronized[int]:
    return cast("Synchronized[int]", value)


class Newsroom:
    """OUTLETS outlets' feeds and pages on 127.0.0.1, served by a process of its own. Each feed lists OLD_ITEMS
    stored items; round r adds a page to every outlet i with (i + r) % NEW_EVERY == 0; a crisis adds a page to
    the crisis outlet. A feed answers 304 to the validator of what it lists."""

    def __init__(self, outlets: int, crisis_outlet: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.round = _counter(context.Value("i", 0))
        self.crises = _counter(context.Value("i", 0))
        receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_serve, args=(outlets, crisis_outlet, self.round, self.crises, send), daemon=True
        )
        self.process.start()
        self.base: str = receive.recv()

    def next_round(self) -> None:
        with self.round.get_lock():
            self.round.value += 1

    def crisis(self) -> None:
        with self.crises.get_lock():
            self.crises.value += 1

    def close(self) -> None:
        self.process.terminate()
        self.process.join(timeout=10)


def new_in_round(outlet: int, round_: int) -> bool:
    return (outlet + round_) % NEW_EVERY == 0


def _serve(
    outlets: int, crisis_outlet: int, round_: Synchronized[int], crises: Synchronized[int], ready: Connection
) -> None:
    started = datetime.now(UTC)

    def items(outlet: int, base: str) -> tuple[str, list[tuple[str, str, datetime]]]:
        listed = [(f"old-{k}", f"Știre mai veche {k} ({outlet})", started - timedelta(hours=k + 1)) for k in range(3)]
        now = round_.value
        listed += [
            (f"new-{r}", f"Știrea nouă {r} ({outlet})", started + timedelta(seconds=r))
            for r in range(1, now + 1)
            if new_in_round(outlet, r)
        ]
        if outlet == crisis_outlet:
            listed += [
                (f"criza-{n}", f"{STORIES[n % len(STORIES)][0]} ({n})", started + timedelta(seconds=n))
                for n in range(1, crises.value + 1)
            ]
        return f'"{outlet}-{len(listed)}"', listed

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or not parts[0].startswith("o") or not parts[0][1:].isdigit():
                self._send(404, b"", "text/plain")
                return
            outlet, name = int(parts[0][1:]), parts[1]
            base = f"http://{self.headers['Host']}/o{outlet}"
            if name == "rss.xml":
                tag, listed = items(outlet, base)
                if self.headers.get("If-None-Match") == tag:
                    self._send(304, b"", "application/rss+xml", tag)
                    return
                body = "".join(
                    f"<item><title>{title}</title><link>{base}/{slug}.html</link><guid>{base}/{slug}</guid>"
                    f"<pubDate>{format_datetime(when)}</pubDate></item>"
                    for slug, title, when in listed
                )
                rss = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{body}</channel></rss>'
                self._send(200, rss.encode(), "application/rss+xml; charset=utf-8", tag)
            elif name.startswith("criza-"):
                number = int(name.removeprefix("criza-").removesuffix(".html"))
                title, body = STORIES[number % len(STORIES)]
                page = (
                    f"<html><head><title>{title}</title></head><body><article><h1>{title} ({number})</h1>"
                    f"<p>{body.format(n=number)}.</p><p>Detalii în curând.</p></article></body></html>"
                )
                self._send(200, page.encode(), "text/html; charset=utf-8")
            elif name.startswith("new-"):
                number = int(name.removeprefix("new-").removesuffix(".html"))
                self._send(200, make_page(outlet * 1000 + number, f"o{outlet}"), "text/html; charset=utf-8")
            else:
                self._send(404, b"", "text/plain")

        def _send(self, status: int, body: bytes, kind: str, tag: str | None = None) -> None:
            answer(self, status, body, kind, **({} if tag is None else {"ETag": tag}))

        def log_message(self, format: str, *args: object) -> None:
            return

    running, base = loopback.server(Handler)
    ready.send(base)
    running.serve_forever()


# --- the deployment: outlets and profiles ---------------------------------------------------------


def profile_files() -> list[dict[str, Any]]:
    """The 42 profiles' fields: Alba's from pipelines/, the others generated; no digest (not measured here)."""
    alba = yaml.safe_load((REPO / "pipelines" / "alba.yaml").read_text(encoding="utf-8"))
    generated = [
        {**fields, "alerts": {"recipients": [f"purtator@prefectura-{fields['id']}.example"]}}
        for fields in analysis_stage.generated_profile_fields()
    ]
    return [{**fields, "digest": {"enabled": False}} for fields in [{**alba, "id": "alba"}, *generated]]


def outlet_fields(count: int, base: str, profiles: Sequence[dict[str, Any]], poll: int) -> list[dict[str, Any]]:
    """`count` outlets: one in NATIONAL_EVERY national, the others local, spread over the profiles' counties."""
    counties = [str(fields["county"]) for fields in profiles]
    outlets = []
    for index in range(count):
        national = index % NATIONAL_EVERY == 0
        outlets.append(
            {
                "id": f"o{index}",
                "name": f"Publicația {index}",
                "kind": "national" if national else "local",
                **({} if national else {"county": counties[index % len(counties)]}),
                "feeds": [f"{base}/o{index}/rss.xml"],
                "reach": 900_000 if national else 20_000,
                "poll": f"{poll}s",
            }
        )
    return outlets


def crisis_outlet(count: int) -> int:
    """The first local outlet of Alba (profile_files puts Alba first: index % 42 == 0)."""
    return next(i for i in range(count) if i % NATIONAL_EVERY and i % 42 == 0)


# --- the archive ----------------------------------------------------------------------------------


def seed_archive(store: Store, size: int, sources: Sources, profiles: Sequence[Profile], base: str) -> None:
    """`size` stored articles of the last ARCHIVE_DAYS (the feeds' listed items among them), each analysed by every
    profile watching its outlet, one in MENTIONED_EVERY naming its county's prefect; the last WINDOW_DAYS with
    their band keys (unrelated stories: random signatures)."""
    rng = np.random.default_rng(size)
    now = datetime.now(UTC)
    sync_outlets(store, sources)
    with store.session() as session:
        feeds = {outlet: feed for outlet, feed in session.execute(select(FeedRow.outlet_id, FeedRow.id))}
    outlets = list(sources.outlets)
    readers = {o.id: [p.id for p in profiles if p.watches(o)] for o in outlets}
    local_reader = {o.id: next((p.id for p in profiles if p.county == o.county), None) for o in outlets}
    fingerprints = {profile.id: profile_fingerprint(profile) for profile in profiles}
    listed = len(outlets) * OLD_ITEMS
    ages = rng.uniform(0, ARCHIVE_DAYS * 86400, size)
    for start in range(0, size, BATCH):
        articles, links, analyses, mentions, bands = [], [], [], [], []
        for index in range(start, min(start + BATCH, size)):
            article_id = index + 1
            if index < listed:  # a feed's listed item: already stored, as after any earlier poll
                outlet = outlets[index // OLD_ITEMS]
                k = index % OLD_ITEMS
                link = f"{base}/o{index // OLD_ITEMS}/old-{k}.html"
                published = now - timedelta(hours=k + 1)
            else:
                outlet = outlets[index % len(outlets)]
                link = f"https://arhiva.example.ro/{article_id}"
                published = now - timedelta(seconds=float(ages[index]))
            signature = None
            if now - published < timedelta(days=WINDOW_DAYS):
                values = rng.integers(0, 2**32, (2, NUM_PERM), dtype=np.uint64).astype(np.uint32)
                signature = Signature(head=values[0], body=values[1])
                when = epoch_seconds(published)
                bands += [{"key": key, "published": when, "article_id": article_id} for key in band_keys(signature)]
            articles.append(
                {
                    "id": article_id, "url": canonical_url(link), "link": link, "outlet_id": outlet.id,
                    "title": f"Titlul {article_id}", "published_at": published, "date_source": "feed",
                    "fetched_at": published, "text": "",
                    "lead": "", "summary": "", "content_hash": str(article_id), "extraction": "page",
                    "cluster_id": article_id, "signature": signature.to_bytes() if signature else None,
                }
            )  # fmt: skip
            links.append({"article_id": article_id, "feed_id": feeds[outlet.id], "outlet_id": outlet.id,
                          "first_seen_at": published})  # fmt: skip
            analyses += [
                {"article_id": article_id, "profile_id": reader, "profile_hash": fingerprints[reader],
                 "analyzed_at": published, "topics": []}
                for reader in readers[outlet.id]
            ]  # fmt: skip
            reader = local_reader[outlet.id]
            if reader is not None and article_id % MENTIONED_EVERY == 0:
                mentions.append({"article_id": article_id, "profile_id": reader, "target_id": "prefect",
                                 "count": 1, "prominence": "body", "tone": "neutral", "score": 0.0,
                                 "confidence": 0.9, "evidence": [], "spans": []})  # fmt: skip
        bands.sort(key=lambda band: band["key"])
        with store.session() as session:  # Core inserts: the ORM's bulk path costs more than SQLite here
            connection = session.connection()
            for table, rows in ((_ARTICLES, articles), (_SOURCES, links), (_ANALYSES, analyses),
                                (_MENTIONS, mentions), (_BANDS, bands)):  # fmt: skip
                if rows:
                    connection.execute(insert(table), rows)
    with store.session() as session:
        session.execute(text("ANALYZE"))


# --- process accounting from /proc ----------------------------------------------------------------


def _descendants(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of `root` and every living descendant."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _descendants(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_mb(pid: int) -> tuple[str, float] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return command, int(line.split()[1]) / 1024
    return None


@contextmanager
def sampling_rss(root: int, every: float = 0.5) -> Iterator[dict[int, tuple[str, float]]]:
    """The peak resident memory of `root` and of each of its descendants while the block runs."""
    peaks: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every):
            for pid in _descendants(root):
                found = rss_mb(pid)
                if found is not None and found[1] > peaks.get(pid, ("", 0.0))[1]:
                    peaks[pid] = found

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peaks
    finally:
        done.set()
        thread.join()


# --- phase 1: the poll round ----------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    cpu: float
    wall: float
    not_modified: int
    new_articles: int


def _settings(folder: Path, newsroom: Newsroom, database_url: str) -> Settings:
    return Settings.from_env(
        {},
        config_dir=folder,
        database_url=database_url,
        data_dir=folder / "data",
        output_dir=folder / "out",
        allow_hosts=frozenset({newsroom.base.removeprefix("http://")}),
    )


@dataclass
class Moment:
    """The daemon's clock in phase 1: moved past every feed's next check before each round."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def poll_round(daemon: Daemon, outlet_ids: Sequence[str], moment: Moment) -> Round:
    """Every outlet's crawl job once, four at a time (the daemon's executor); CPU of this process and its
    extraction workers. `moment` is the daemon's clock, set past every feed's next check."""
    moment.now += timedelta(seconds=max(outlet.poll for outlet in daemon.sources.outlets).total_seconds() + 1)
    cpu, wall = tree_cpu(os.getpid()), time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = [report for report in pool.map(daemon.crawl_outlet, outlet_ids) if report is not None]
    cpu, wall = tree_cpu(os.getpid()) - cpu, time.perf_counter() - wall
    new = sum(report.new_articles for report in reports)
    with daemon.store.session() as session:
        unchanged = session.scalar(select(func.count()).select_from(FeedRow).where(FeedRow.last_http_status == 304))
    return Round(cpu, wall, int(unchanged or 0), new)


def deployment(scale: Scale, newsroom: Newsroom) -> tuple[list[Profile], Sources]:
    """The 42 profiles and the newsroom's outlets, as the daemon loads them."""
    files = profile_files()
    profiles = [Profile.model_validate(fields) for fields in files]
    return profiles, Sources.model_validate({"outlets": outlet_fields(scale.outlets, newsroom.base, files, scale.poll)})


def seeded(folder: Path, scale: Scale, newsroom: Newsroom) -> Path:
    """Phase 5's archive when phase 1 did not run: the smaller size, seeded (no round read its feeds yet)."""
    path = folder / f"round-{scale.stored[0]}.db"
    store = Store(f"sqlite:///{path}")
    profiles, sources = deployment(scale, newsroom)
    try:
        seed_archive(store, scale.stored[0], sources, profiles, newsroom.base)
    finally:
        store.close()
    return path


def measure_rounds(folder: Path, scale: Scale, newsroom: Newsroom, results: Results) -> Path:
    """Phase 1 at both stored sizes; returns the smaller archive's file (phase 5 runs on it)."""
    profiles, sources = deployment(scale, newsroom)
    ids = [outlet.id for outlet in sources.outlets]
    rounds: dict[int, Round] = {}
    for size in scale.stored:
        path = folder / f"round-{size}.db"
        store = Store(f"sqlite:///{path}")
        started = time.perf_counter()
        seed_archive(store, size, sources, profiles, newsroom.base)
        print(f"  {size:,} stored articles seeded in {time.perf_counter() - started:.0f} s")
        settings = _settings(folder, newsroom, store.url)
        moment = Moment(datetime.now(UTC))
        daemon = Daemon(store, sources, profiles, settings, clock=moment)
        daemon.extraction = ExtractionPool(settings.extraction_workers)
        assert acquire_lease(store, daemon.owner, now=moment.now, ttl=daemon.lease_ttl)  # as Daemon.run starts
        try:
            priming = poll_round(daemon, ids, moment)
            measured = []
            for _ in range(MEASURED_ROUNDS):
                newsroom.next_round()
                measured.append(poll_round(daemon, ids, moment))
                expected = sum(1 for i in range(scale.outlets) if new_in_round(i, newsroom.round.value))
                assert measured[-1].new_articles == expected, (measured[-1], expected)
        finally:
            daemon.extraction.close()
            release_lease(store, daemon.owner)  # phase 5's daemon takes it at once
            store.close()
        print(f"  priming round: {priming.wall:.1f} s wall, {priming.cpu:.1f} s CPU")
        for number, one in enumerate(measured, 1):
            print(
                f"  measured round {number}: {one.wall:.1f} s wall, {one.cpu:.1f} s CPU, {one.not_modified:,} feeds "
                f"answered 304, {one.new_articles} new articles"
            )
        measured.sort(key=lambda one: one.cpu)
        rounds[size] = measured[0]  # the best of the rounds: a burst of another user's load hits one of them
    small, large = (rounds[size] for size in scale.stored)
    goal = 60 * scale.fraction
    results.add(f"poll round CPU @{scale.stored[1]:,}", f"{large.cpu:.1f} s", f"≤ {goal:g} s", large.cpu <= goal)
    growth = large.cpu / small.cpu
    results.add(f"round growth {scale.stored[0]:,}->{scale.stored[1]:,}", f"x{growth:.2f}", "≤ x1.2", growth <= 1.2)
    return folder / f"round-{scale.stored[0]}.db"


# --- phases 2-4 -----------------------------------------------------------------------------------


def measure_analysis(folder: Path, scale: Scale, results: Results) -> None:
    profiles = analysis_stage.national_profiles()
    figures = analysis_stage.measure(str(folder), scale.analysis, profiles, analysis_stage.national_sources(profiles))
    ratio = figures[len(profiles)][1] / figures[1][1]
    results.add("analysis 42 profiles / 1", f"x{ratio:.2f}", "≤ x3", ratio <= 3)


def measure_clustering(folder: Path, scale: Scale, results: Results) -> None:
    seconds, peak = dedup_window.measure(str(folder), scale.window)
    results.add(f"clustering @{scale.window:,}", f"{seconds * 1000:.0f} ms", "≤ 50 ms", seconds <= 0.05)
    results.add(f"clustering memory @{scale.window:,}", f"{peak:.1f} MB", "≤ 100 MB", peak <= 100)


def search_p95(store: Store, profile: Profile) -> dict[str, float]:
    """p95 ms of each typical query through archive.finding.find, after a warm-up."""
    figures = {}
    for words in SEARCHES:
        query = Query(q=words)
        assert find(store, profile, query) is not None
        times = []
        for _ in range(SEARCH_REPEATS):
            started = time.perf_counter()
            find(store, profile, query)
            times.append((time.perf_counter() - started) * 1000)
        figures[words] = statistics.quantiles(times, n=20)[18]
        print(f"    «{words}»: p95 {figures[words]:.0f} ms")
    return figures


def measure_search(folder: Path, scale: Scale, results: Results) -> None:
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    urls = {"SQLite FTS5": f"sqlite:///{folder / 'search.db'}"}
    if os.environ.get("MONITOR_BENCH_DATABASE_URL", "").startswith("postgres"):
        urls["PostgreSQL"] = os.environ["MONITOR_BENCH_DATABASE_URL"]
    for engine, url in urls.items():
        with empty_store(str(folder), "search.db") if engine == "PostgreSQL" else _opened(url) as store:
            started = time.perf_counter()
            web.seed(store, scale.search, scale.search // 10, random.Random(scale.search))
            print(f"  {engine}: {scale.search:,} articles seeded in {time.perf_counter() - started:.0f} s")
            worst = max(search_p95(store, profile).values())
        results.add(f"search p95 {engine} @{scale.search:,}", f"{worst:.0f} ms", "≤ 300 ms", worst <= 300)
    if len(urls) == 1:
        results.add("search p95 PostgreSQL", "not measured", "MONITOR_BENCH_DATABASE_URL", None)


@contextmanager
def _opened(url: str) -> Iterator[Store]:
    store = Store(url)
    try:
        yield store
    finally:
        store.close()


# --- phase 5: feed item -> alert, in a real daemon process -----------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config_folder(folder: Path, scale: Scale, newsroom: Newsroom) -> Path:
    """sources.yaml and the 42 profiles, every monthly report due today (the 1st of a national month)."""
    config = folder / "config"
    (config / "pipelines").mkdir(parents=True, exist_ok=True)
    files = profile_files()
    today = min(datetime.now(UTC).astimezone(load_profile(REPO / "pipelines" / "alba.yaml").zone).day, 28)
    for fields in files:
        report = {**fields.get("report", {}), "enabled": True, "day": today, "time": "00:00"}
        alerts = {**fields.get("alerts", {}), "cooldown": "1s"}  # each trial is a new crisis
        data = {**fields, "report": report, "alerts": alerts}
        (config / "pipelines" / f"{fields['id']}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    outlets = outlet_fields(scale.outlets, newsroom.base, files, scale.poll)
    (config / "sources.yaml").write_text(yaml.safe_dump({"outlets": outlets}, allow_unicode=True), "utf-8")
    return config


class Inbox:
    """An SMTP server on 127.0.0.1 (aiosmtpd) that keeps the arrival time and subject of every message."""

    def __init__(self) -> None:
        self.arrived: list[tuple[float, str]] = []
        self.changed = threading.Condition()
        inbox = self

        class Keep:
            async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
                message = message_from_bytes(envelope.content, policy=policy.SMTP)  # type: ignore[attr-defined]
                with inbox.changed:
                    inbox.arrived.append((time.monotonic(), str(message["Subject"])))
                    inbox.changed.notify_all()
                return "250 OK"

        self.port = _free_port()
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_beyond(self, seen: int, seconds: float) -> None:
        """Until more than `seen` alerts have arrived, or `seconds` have passed."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.alerts()) > seen, seconds)

    def alerts(self) -> list[float]:
        """When each alert about Alba's prefect arrived (the crisis article's; other prefectures have theirs)."""
        return [when for when, subject in self.arrived if subject.startswith("Alertă") and ALBA_PREFECT in subject]


def measure_latency(folder: Path, scale: Scale, newsroom: Newsroom, archive: Path, results: Results) -> None:
    config = _config_folder(folder, scale, newsroom)
    store = Store(f"sqlite:///{archive}")
    with store.session() as session:  # every feed due at once: the daemon starts with a full round
        session.execute(update(FeedRow).values(next_check_at=None))
    store.close()
    inbox = Inbox()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MONITOR_")}
    env |= {
        "MONITOR_DATABASE_URL": f"sqlite:///{archive}",
        "MONITOR_SMTP_URL": f"smtp://127.0.0.1:{inbox.port}",
        "MONITOR_ALLOW_HOSTS": newsroom.base.removeprefix("http://"),
        "MONITOR_DATA_DIR": str(folder / "daemon-data"),
        "MONITOR_OUTPUT_DIR": str(folder / "daemon-out"),
        "MONITOR_WEB_ADDRESS": f"127.0.0.1:{_free_port()}",
        "MONITOR_SECRET_KEY": secrets.token_hex(32),
    }
    log_path = folder / "daemon.log"
    rng = random.Random(5)
    latencies: list[float] = []
    with log_path.open("w") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "run"], env=env, stderr=log, stdout=log
        )
        try:
            with sampling_rss(daemon.pid) as peaks:
                _wait_for(lambda: "scheduler lease taken" in log_path.read_text(), daemon, 120)
                for trial in range(scale.trials):
                    # the first crisis at once, inside the start-up round and the month's reports; then at a
                    # random moment of the poll cycle
                    time.sleep(rng.uniform(0, scale.poll) if trial else 0)
                    seen = len(inbox.alerts())
                    published = time.monotonic()
                    newsroom.crisis()
                    inbox.wait_beyond(seen, scale.poll + 120)
                    arrived = inbox.alerts()
                    if len(arrived) == seen:
                        print(f"    trial {trial}: no alert within {scale.poll + 120} s")
                        latencies.append(math.inf)
                        continue
                    latencies.append(arrived[seen] - published)
                    rounds = log_path.read_text().count("cycle at")
                    print(f"    trial {trial}: alert after {latencies[-1]:.1f} s ({rounds:,} crawl jobs so far)")
        finally:
            daemon.send_signal(signal.SIGTERM)
            try:
                daemon.wait(timeout=300)
            except subprocess.TimeoutExpired:
                daemon.kill()
            inbox.controller.stop()
    written = len(list((folder / "daemon-out").glob("raport-*.pdf")))
    print(f"  monthly reports written meanwhile (in the daemon's report process): {written} of 42")
    worst = max(latencies)
    goal = scale.poll + 30
    results.add(f"feed item -> alert (poll {scale.poll} s)", f"{worst:.0f} s", f"≤ {goal} s", worst <= goal)
    for pid, (command, peak) in sorted(peaks.items(), key=lambda item: -item[1][1]):
        print(f"    {peak:6.0f} MB  pid {pid}: {command[:100]}")
    heaviest = max((peak for _, peak in peaks.values()), default=0.0)
    results.add(
        "resident memory, every process", f"{heaviest:.0f} MB", f"≤ {RSS_LIMIT_MB} MB", heaviest <= RSS_LIMIT_MB
    )


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the daemon did not start (exit {process.poll()}); see its log")
        time.sleep(0.2)


# --- phase 6 ----------------------------------------------------------------------------------------


def measure_workers(scale: Scale, results: Results) -> None:
    if not os.environ.get("MONITOR_BENCH_DATABASE_URL", "").startswith("postgres"):
        results.add("backfill 2 workers / 1", "not measured", "MONITOR_BENCH_DATABASE_URL", None)
        return
    ratio = workers.speedup(scale.backfill)
    results.add(f"backfill 2 workers / 1 @{scale.backfill:,}", f"x{ratio:.2f}", "≥ x1.7", ratio >= 1.7)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the goals' sizes, within 10 minutes")
    parser.add_argument(
        "--phases", default="1,2,3,4,5,6", help="the phases to run, e.g. 2,3 (default: all; 5 seeds its archive)"
    )
    args = parser.parse_args(argv)
    phases = {int(number) for number in args.phases.split(",")}
    scale = QUICK if args.quick else FULL
    results = Results()
    started = time.perf_counter()
    language()  # loaded once, before any timing
    print(f"bench.national ({scale.name}): {os.cpu_count()} cores, shared machine: ratios are side by side")
    newsroom = Newsroom(scale.outlets, crisis_outlet(scale.outlets))
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            if 1 in phases:
                print(f"1. poll round: {scale.outlets:,} outlets, 42 profiles (Daemon.crawl_outlet)")
                archive: Path | None = measure_rounds(folder, scale, newsroom, results)
            else:
                archive = None
            if 2 in phases:
                print("2. one new article, 42 profiles against 1 (analysis.analyze_queue)")
                measure_analysis(folder, scale, results)
            if 3 in phases:
                print(f"3. clustering against a {scale.window:,}-article window (analysis.cluster_new_articles)")
                measure_clustering(folder, scale, results)
            if 4 in phases:
                print(f"4. search over {scale.search:,} articles (archive.finding.find)")
                measure_search(folder, scale, results)
            if 5 in phases:
                print("5. feed item -> alert in a `monitor run` process, a full round and 42 reports beside it")
                measure_latency(folder, scale, newsroom, archive or seeded(folder, scale, newsroom), results)
            if 6 in phases:
                print("6. backfill with 1 and 2 `monitor worker` processes (PostgreSQL)")
                measure_workers(scale, results)
    finally:
        newsroom.close()
    print(f"(took {time.perf_counter() - started:.0f} s)")
    print(results.summary(scale))
    return 0 if all(ok is not False for _, _, _, ok in results.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
