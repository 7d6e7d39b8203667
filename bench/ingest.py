"""Ingest throughput: a loopback newsroom of realistic ~150 KB article pages, crawled end to end, side by side
with `trafilatura.extract` alone on the same pages (same options) in the same run.

Path driven: `crawl.ingest.crawl_sync` with the daemon's `ExtractionPool` (what `scheduler.crawl_due` runs for
each crawl job, here for every outlet at once), then the articles written and queued for analysis; the analysis
itself is bench.analysis_stage's, and the daemon's whole crawl job (fetch, analysis, alerts, mail) bench.national's.

Run: .venv/bin/python -m bench.ingest [--articles 2000] [--outlets 20] [--workers 2]

Figures: articles per second end to end (feeds -> pages -> extraction -> SQLite), and CPU per article of the
whole pipeline (this process plus its extraction workers; the HTTP server runs in a separate process and is not
counted) against CPU per article of extraction alone. Goals: >= 15 articles/s, CPU ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from multiprocessing.connection import Connection
from pathlib import Path

import trafilatura
from sqlalchemy import func, select

from bench.loopback import answer
from bench.loopback import server as loopback_server
from monitor.config import Outlet, Sources
from monitor.crawl.extract import TRAFILATURA_OPTIONS
from monitor.crawl.ingest import crawl_sync
from monitor.crawl.workers import ExtractionPool
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

_VOCABULARY = (
    "prefectul județului a convocat comitetul pentru situații de urgență după ce hidrologii au emis cod "
    "portocaliu de inundații pe râurile din zonă evacuate persoane gospodării drumul județean circulația "
    "instituția prefectului primarul consiliul local ședința extraordinară ministerul fonduri europene spitalul "
    "școala elevii profesorii pompierii jandarmii poliția ancheta dosarul procurorii protest sindicatele "
    "salariile pensiile ajutoarele sociale drumurile podurile lucrările investiția guvernul bugetul rectificarea "
    "cetățenii locuitorii comuna orașul municipiul autoritățile reprezentanții declarat anunțat precizat "
    "săptămâna viitoare luni marți miercuri joi vineri dimineață seara milioane lei euro contractul licitația"
)
_WORDS = tuple(_VOCABULARY.split())
_NAMES = ("Andrei Vlădescu", "Ioana Mureșan", "Mihai Pop", "Elena Țurcanu", "Radu Ștefănescu", "Ana Bălan")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(10, 24)) for _ in range(rng.randint(3, 6)))


def news_page(
    title: str, paragraphs: Sequence[str], *, outlet: str, author: str, published: str, rng: random.Random
) -> str:
    """A page shaped like a Romanian news site's (~150 KB) around one article: a two-level menu, inline scripts
    and styles, related stories, comments and a footer of links (their words drawn with `rng`)."""
    title, outlet, author = html.escape(title), html.escape(outlet), html.escape(author)
    submenu = "".join(f"<li><a href=/c/{m}>{rng.choice(_WORDS)}</a></li>" for m in range(8))
    menu = "".join(
        f'<li class="menu-item"><a href="/categorie/{n}/{rng.choice(_WORDS)}">{rng.choice(_WORDS).title()}</a>'
        f'<ul class="sub">{submenu}</ul></li>'
        for n in range(60)
    )
    script = "".join(
        f'window.__cfg{n}={{"slot":"div-gpt-{n}","sizes":[[300,250],[728,90]],"targeting":{{"k":"{rng.random()}"}}}};'
        f"function track{n}(e){{var d=document;var s=d.createElement('script');"
        f"s.src='/t.js?'+e+'{n}';d.head.appendChild(s);}}"
        for n in range(220)
    )
    style = "".join(f".c{n}{{margin:{n % 7}px;padding:{n % 5}px;color:#{n:06x};}}" for n in range(500))
    body = "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    related = "".join(
        f'<li><a href="/stiri/{rng.randint(1, 99999)}"><img src="/img/{n}.jpg" alt="">{_sentence(rng, 8)}</a></li>'
        for n in range(40)
    )
    comments = "".join(
        f'<div class="comment" id="c{n}"><span class="who">{rng.choice(_NAMES)}</span>'
        f'<time>{published}</time><p>{_sentence(rng, rng.randint(6, 30))}</p><a class="reply">Răspunde</a></div>'
        for n in range(60)
    )
    footer = "".join(f'<a href="/pagina/{n}">{rng.choice(_WORDS)}</a> ' for n in range(300))
    return f"""<!DOCTYPE html><html lang="ro"><head><meta charset="utf-8"><title>{title} | {outlet}</title>
<meta name="author" content="{author}"><meta property="article:published_time" content="{published}">
<meta property="og:title" content="{title}"><style>{style}</style><script>{script}</script></head>
<body><header><div class="logo">{outlet}</div><nav class="main-menu"><ul>{menu}</ul></nav></header>
<div class="breaking"><a href="/ultima-ora">Ultima oră</a>: {_sentence(rng, 10)}</div>
<main><article class="post"><h1>{title}</h1><div class="byline">de {author}</div>
<div class="entry-content">{body}</div></article>
<aside class="sidebar"><h3>Cele mai citite</h3><ul>{related}</ul><div class="ad">Publicitate</div></aside>
<section class="comments"><h3>Comentarii</h3>{comments}</section></main>
<footer><div class="links">{footer}</div><p>© 2026 {outlet}</p></footer>
<script>{script[: len(script) // 3]}</script></body></html>"""


def make_page(index: int, outlet: str) -> bytes:
    """One realistic news page of random words (~150 KB)."""
    rng = random.Random(index)
    title = _sentence(rng, 9).rstrip(".")
    author = rng.choice(_NAMES)
    published = (NOW - timedelta(minutes=index)).isoformat()
    paragraphs = [_paragraph(rng) for _ in range(rng.randint(7, 12))]
    return news_page(title, paragraphs, outlet=outlet, author=author, published=published, rng=rng).encode("utf-8")


def _feed(outlet: str, base: str, indexes: list[int]) -> bytes:
    items = "".join(
        f"<item><title>Știrea {i} din {outlet}</title><link>{base}/{outlet}/stiri/{i}.html?utm_source=rss</link>"
        f"<pubDate>{format_datetime(NOW - timedelta(minutes=i), usegmt=True)}</pubDate>"
        f"<description>Rezumatul știrii {i}.</description></item>"
        for i in indexes
    )
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0">'
    return f"{head}<channel><title>{outlet}</title>{items}</channel></rss>".encode()


def _serve(pages: dict[str, bytes], outlets: dict[str, list[int]], ready: Connection) -> None:
    """The newsroom: feeds and pages over HTTP/1.1 on 127.0.0.1, in its own process."""

    routes: dict[str, tuple[bytes, str]] = {path: (body, "text/html; charset=utf-8") for path, body in pages.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body, content_type = routes.get(self.path.split("?", 1)[0], (b"", "text/plain"))
            answer(self, 200 if body else 404, body, content_type)

        def log_message(self, format: str, *args: object) -> None:
            return

    server, base = loopback_server(Handler)
    for outlet, indexes in outlets.items():
        routes[f"/{outlet}/rss.xml"] = (_feed(outlet, base, indexes), "application/rss+xml; charset=utf-8")
    ready.send(base)
    server.serve_forever(poll_interval=0.1)


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children: the extraction workers, once reaped."""
    times = os.times()
    return times.children_user + times.children_system


def _warm(pool: ExtractionPool, workers: int, sample: bytes) -> None:
    """Start every worker and import trafilatura in it before measuring."""

    async def warm() -> None:
        await asyncio.gather(*(pool.extract(sample, "https://example.ro/warm", "utf-8") for _ in range(workers * 4)))

    asyncio.run(warm())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--outlets", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="extraction processes (0: inline)")
    args = parser.parse_args()

    names = [f"redactia-{n:02d}" for n in range(args.outlets)]
    outlets: dict[str, list[int]] = {name: [] for name in names}
    pages: dict[str, bytes] = {}
    for i in range(args.articles):
        outlet = names[i % len(names)]
        outlets[outlet].append(i)
        pages[f"/{outlet}/stiri/{i}.html"] = make_page(i, outlet)
    average = sum(map(len, pages.values())) / len(pages)
    print(f"newsroom: {len(pages)} article pages, average {average / 1024:.0f} KB, {len(names)} feeds on 127.0.0.1")

    context = multiprocessing.get_context("fork")  # before any thread: the server inherits the pages
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=_serve, args=(pages, outlets, send), daemon=True)
    server.start()
    base = receive.recv()

    # 1. trafilatura.extract alone, same pages, same options, one process.
    items = list(pages.items())
    cpu0, wall0 = time.process_time(), time.perf_counter()
    extracted = sum(bool(trafilatura.extract(body, url=base + path, **TRAFILATURA_OPTIONS)) for path, body in items)
    base_cpu, base_wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(
        f"trafilatura.extract alone: {base_wall:.1f} s wall, {1000 * base_cpu / len(items):.1f} ms CPU/article, "
        f"{len(items) / base_wall:.1f} articles/s on one core ({extracted} with text)"
    )

    # 2. The pipeline: crawl every feed, fetch every page, extract in a process pool, store in SQLite.
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {},
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
            data_dir=Path(tmp),
            allow_hosts=frozenset({base.removeprefix("http://")}),
        )
        # One loopback host stands for every outlet: allow it the concurrency that many hosts would have.
        settings = replace(settings, per_host_limit=8, total_limit=16)
        store = Store(settings.database_url)
        sources = Sources(
            outlets=tuple(
                Outlet(id=name, name=name, kind="national", feeds=(f"{base}/{name}/rss.xml",)) for name in names
            )
        )
        # The workers' CPU is read when they are reaped: a warm-up pool is closed first, then the measured one.
        if args.workers > 0:
            with ExtractionPool(args.workers) as warmup:
                _warm(warmup, args.workers, items[0][1])
        workers0 = _children_cpu()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        pool = ExtractionPool(args.workers) if args.workers > 0 else None
        summary = crawl_sync(store, sources, settings, now=NOW, pool=pool)
        main_cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        if pool is not None:
            pool.close()
        workers_cpu = _children_cpu() - workers0  # includes the workers' start-up (imports): a little pessimistic
        with store.session() as session:
            stored = session.scalar(select(func.count()).select_from(ArticleRow))
            from_pages = session.scalar(select(func.count()).where(ArticleRow.extraction == "page"))
        store.close()
    server.terminate()

    cpu = main_cpu + workers_cpu
    n = summary.new_articles
    print(
        f"pipeline ({args.workers} extraction workers): {wall:.1f} s wall, {n / wall:.1f} articles/s end to end; "
        f"CPU {1000 * cpu / n:.1f} ms/article (main {1000 * main_cpu / n:.1f} + workers {1000 * workers_cpu / n:.1f})"
    )
    print(f"  stored {stored} articles ({from_pages} extracted from their page), feeds ok {summary.feeds_ok}")
    print(f"ratio CPU/article pipeline : extraction alone = {cpu / n / (base_cpu / len(items)):.2f} (goal <= 1.5)")
    print(f"throughput {n / wall:.1f} articles/s end to end (goal >= 15)")
    print("note: the machine is shared; figures are noisy (see `uptime`)")


if __name__ == "__main__":
    main()
