"""Digest and alert speed.

Run: .venv/bin/python -m bench.digest [--mentions 500] [--poll 10] [--trials 3]

1. The daily digest for a day with N mentions (default 500): read + figures (build) and render (HTML and text),
   median of several runs. Goal: at most 1 s.
2. Alert latency, end to end on loopback with the real daemon (APScheduler, real clock): an article that crosses
   the keyword rule appears in a feed polled every `--poll` seconds; we time until the alert is in the SMTP
   server (aiosmtpd). Goal: at most one poll interval + 30 s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

from monitor.config import DigestSchedule, Outlet, Profile, ReportSchedule, Sources, load_profile
from monitor.deliver.digest import build_digest, render_digest
from monitor.nlp import analyze
from monitor.scheduler import Daemon
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AnalysisRow, ArticleRow, MentionRow, OutletRow

REPO = Path(__file__).resolve().parent.parent
DAY = date(2026, 11, 20)
TONES = ("negative", "neutral", "neutral", "positive")
TOPICS = ("urgente", "infrastructura", "sanatate", "proteste", "institutional", "servicii_publice")


def _profile() -> Profile:
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    return profile.model_copy(update={"digest": DigestSchedule(enabled=False), "report": ReportSchedule(enabled=False)})


def _fill(store: Store, profile: Profile, mentions: int, end: datetime) -> None:
    """`mentions` article-target mentions in the 24 h before `end`, over 20 outlets, a third of them re-runs."""
    rng = random.Random(7)
    targets = [target.id for target in profile.targets]
    with store.session() as session:
        for n in range(20):
            session.add(OutletRow(id=f"o{n}", name=f"Publicația {n}", kind="local", county="Alba", reach=10_000 * n))
        session.flush()
        for n in range(mentions):
            when = end - timedelta(seconds=rng.randrange(1, 24 * 3600))
            title = f"Prefectul Horia Vlădescu și subiectul {n} <em>al zilei</em>"
            sentence = f"Prefectul Horia Vlădescu a vorbit despre subiectul {n}, spun surse din Instituția Prefectului."
            row = ArticleRow(
                url=f"https://o{n % 20}.example.ro/{n}",
                outlet_id=f"o{n % 20}",
                title=title,
                published_at=when,
                date_source="feed",
                fetched_at=when,
                text=sentence * 20,
                lead=sentence,
                content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
                extraction="page",
            )
            session.add(row)
            session.flush()
            row.cluster_id = 1_000_000 + n // 3  # each story runs in three outlets
            session.add(
                AnalysisRow(
                    article_id=row.id,
                    profile_id=profile.id,
                    profile_hash="bench",
                    analyzed_at=when,
                    topics=[{"topic": rng.choice(TOPICS), "terms": []}],
                )
            )
            session.add(
                MentionRow(
                    article_id=row.id,
                    profile_id=profile.id,
                    target_id=targets[n // 3 % len(targets)],
                    count=2,
                    prominence=rng.choice(("title", "lead", "body")),
                    tone=TONES[n % len(TONES)],
                    score=0.0,
                    evidence=[sentence],
                    spans=[],
                )
            )


def bench_render(mentions: int) -> None:
    profile = _profile()
    end = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        _fill(store, profile, mentions, end)
        builds, renders = [], []
        for _ in range(5):
            started = time.perf_counter()
            with store.session() as session:
                digest = build_digest(session, profile, DAY)
            built = time.perf_counter()
            html, _ = render_digest(digest)
            builds.append(built - started)
            renders.append(time.perf_counter() - built)
        store.close()
    total = statistics.median(b + r for b, r in zip(builds, renders, strict=True))
    print(f"digest, {digest.mentions} mentions, {digest.story_count} stories, HTML {len(html) // 1024} KiB:")
    print(f"  build (queries + figures) median {statistics.median(builds) * 1000:.0f} ms")
    print(f"  render (HTML + text)      median {statistics.median(renders) * 1000:.0f} ms")
    print(f"  total                     median {total * 1000:.0f} ms  (goal <= 1000 ms) -> {_verdict(total <= 1.0)}")


# --- alert latency -----------------------------------------------------------------------------


class Feed:
    """One RSS feed and its article pages, served on 127.0.0.1; publish() adds an item."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, datetime]] = []
        self.pages: dict[str, bytes] = {}
        feed = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                body = feed.rss() if self.path == "/rss.xml" else feed.pages.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml" if self.path == "/rss.xml" else "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, slug: str, title: str, text: str) -> None:
        self.pages[f"/{slug}.html"] = (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{part}.</p>" for part in text.split(". "))
            + "</article></body></html>"
        ).encode()
        self.items.append((slug, title, datetime.now(UTC)))

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}/{slug}.html</link><guid>{slug}</guid>"
            f"<pubDate>{format_datetime(when)}</pubDate></item>"
            for slug, title, when in self.items
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


STORIES = [
    ("Prefectul Horia Vlădescu, audiat la DNA", "Prefectul Horia Vlădescu a fost audiat la DNA în dosarul {n}"),
    ("Scandal la Prefectura Alba", "Prefectul Horia Vlădescu este în centrul unui scandal legat de contractul {n}"),
    ("Percheziții la Prefectura Alba", "Procurorii au făcut percheziții la biroul prefectului Horia Vlădescu, {n}"),
    ("Anchetă privind prefectul Alba", "O anchetă vizează deciziile prefectului Horia Vlădescu în cazul {n}"),
]


def bench_alert_latency(poll: int, trials: int) -> None:
    arrived: list[tuple[float, str]] = []
    signal = threading.Condition()

    class Keep:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            message = message_from_bytes(envelope.content, policy=policy.SMTP)  # type: ignore[attr-defined]
            with signal:
                arrived.append((time.monotonic(), str(message["Subject"])))
                signal.notify_all()
            return "250 OK"

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    feed = Feed()
    analyze("Prefectul Horia Vlădescu", "Prefectul Horia Vlădescu a vorbit.", _profile())  # load the language layer
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env(
            {},
            database_url=f"sqlite:///{Path(folder) / 'latency.db'}",
            data_dir=Path(folder),
            output_dir=Path(folder) / "out",
            sources_path=REPO / "sources.yaml",
            pipelines_dir=REPO / "pipelines",
            allow_hosts=frozenset({feed.base.removeprefix("http://")}),
            smtp_url=f"smtp://127.0.0.1:{port}",
        )
        outlet = Outlet(
            id="gazeta-bench",
            name="Gazeta de Alba",
            kind="local",
            county="Alba",
            feeds=(f"{feed.base}/rss.xml",),
            poll=timedelta(seconds=poll),
        )
        store = Store(settings.database_url)
        # Each trial is a new crisis: a 1 s cooldown keeps one trial's alert from turning the next into an update.
        base = _profile()
        profile = base.model_copy(update={"alerts": base.alerts.model_copy(update={"cooldown": timedelta(seconds=1)})})
        daemon = Daemon(store, Sources(outlets=(outlet,)), [profile], settings)
        runner = threading.Thread(target=daemon.run, daemon=True)
        runner.start()
        rng = random.Random(3)
        latencies = []
        try:
            for trial in range(trials):
                time.sleep(rng.uniform(0, poll))  # publish at a random point of the poll cycle
                title, text = STORIES[trial % len(STORIES)]
                seen = len(arrived)
                published = time.monotonic()
                feed.publish(f"stire-{trial}", f"{title} ({trial})", text.format(n=trial) + ". Detalii în curând.")
                with signal:
                    signal.wait_for(lambda seen=seen: len(arrived) > seen, timeout=poll + 120)
                if len(arrived) == seen:
                    print(f"  trial {trial}: no alert within {poll + 120} s")
                    continue
                latencies.append(arrived[seen][0] - published)
                print(f"  trial {trial}: {latencies[-1]:.1f} s  «{arrived[seen][1]}»")
        finally:
            daemon.stop.set()
            runner.join(timeout=120)
            store.close()
            controller.stop()
            feed.server.shutdown()
    if latencies:
        worst = max(latencies)
        print(
            f"alert latency over {len(latencies)} trials, poll {poll} s: median {statistics.median(latencies):.1f} s, "
            f"worst {worst:.1f} s (goal <= {poll + 30} s) -> {_verdict(worst <= poll + 30)}"
        )


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mentions", type=int, default=500)
    parser.add_argument("--poll", type=int, default=10)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    print("(shared 2-core machine: figures are noisy)")
    bench_render(args.mentions)
    print(f"alert latency (daemon on real time, feed polled every {args.poll} s, loopback HTTP and SMTP):")
    bench_alert_latency(args.poll, args.trials)


if __name__ == "__main__":
    main()
