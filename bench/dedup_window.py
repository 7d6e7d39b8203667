"""Clustering one new article against a ±7-day window of two sizes, side by side in one run: the growth.

Drives the daemon's own path: `analysis.cluster_new_articles` (run by `analyze_pending` at every cycle), which
hands the new article to `dedup.assign_clusters` and so to the band index (store/bands.py). Each size is a temp
SQLite file (or MONITOR_BENCH_DATABASE_URL, emptied first) holding SIZES[i] clustered articles published in the
week before `now`, each with its signature and band keys: PLANTED real stories with COPIES re-runs each, the
rest unrelated (random signatures, as two unrelated texts share no band). Texts are left short: clustering reads
signatures, never text. The new article is one more re-run of a planted story; the bench checks it joins that
story. Issue 13's goal at 350,000: ≤ 50 ms and ≤ 100 MB extra memory (before the band index: 17.8 s, 2.3 GB).

Peak memory is what Python allocates during the step (tracemalloc), not SQLite's page cache.

Run: .venv/bin/python -m bench.dedup_window [SMALL LARGE]   (default 35000 350000: about 10 minutes here, nearly
all of it seeding the 37 million band keys of the large window; pass e.g. 10000 100000 for a 3-minute look: the
ratio is what shows the growth)

Measured here (2 cores, shared): 35,000 -> 28 ms, 350,000 -> 48 ms (x1.7 for a window 10 times larger, the
index's depth and page cache), peak 1.2 and 0.6 MiB; the band index takes about 5 KB per article on SQLite
(half of it the article_id index that deletions use).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import cast

import numpy as np
from sqlalchemy import Table, func, insert, select, text

from bench.dedup import VOCABULARY
from bench.stores import empty_store
from monitor.analysis import cluster_new_articles
from monitor.dedup import NUM_PERM, WINDOW, Signature, band_keys, compute_signature
from monitor.store import Store
from monitor.store.bands import epoch_seconds
from monitor.store.models import ArticleBandRow, ArticleRow, OutletRow

SIZES = (35_000, 350_000)
PLANTED = 100  # real stories in the window ...
COPIES = 3  # ... each re-run this many times
RUNS = 5  # new articles clustered, one per cycle: the median is printed
OUTLETS = 100
BATCH = 10_000  # articles written per transaction while seeding
NOW = datetime(2026, 5, 31, 12, tzinfo=UTC)
_ARTICLES, _BANDS = (cast(Table, row.__table__) for row in (ArticleRow, ArticleBandRow))


def _words(rng: np.random.Generator, count: int) -> str:
    return " ".join(VOCABULARY[i] for i in rng.integers(0, len(VOCABULARY), count))


def _article(article_id: int, published: datetime, title: str, text: str) -> dict[str, object]:
    return {
        "id": article_id,
        "url": f"https://o{article_id % OUTLETS}.example.ro/{article_id}",
        "outlet_id": f"o{article_id % OUTLETS}",
        "title": title,
        "published_at": published,
        "date_source": "feed",
        "fetched_at": published,
        "text": text,
        "lead": "",
        "summary": "",
        "content_hash": str(article_id),
        "extraction": "page",
    }


def _seed(store: Store, size: int, rng: np.random.Generator) -> list[str]:
    """`size` clustered articles of the week before NOW; returns the texts of the planted stories."""
    with _seeding_cache(store):
        return _write(store, size, rng)


@contextmanager
def _seeding_cache(store: Store) -> Iterator[None]:
    """A larger SQLite page cache while seeding (a third faster), the default again for the measurement."""
    if store.dialect != "sqlite":
        yield
        return
    with store.session() as session:
        default = session.scalar(text("PRAGMA cache_size"))
        session.execute(text("PRAGMA cache_size=-262144"))
    try:
        yield
    finally:
        with store.session() as session:
            session.execute(text(f"PRAGMA cache_size={int(default or -2000)}"))


def _write(store: Store, size: int, rng: np.random.Generator) -> list[str]:
    with store.session() as session:
        session.execute(
            insert(OutletRow),
            [{"id": f"o{i}", "name": f"Publicația {i}", "kind": "national", "reach": 1000} for i in range(OUTLETS)],
        )
    stories = [_words(rng, 400) for _ in range(PLANTED)]
    seconds = rng.uniform(0, WINDOW.total_seconds(), size)
    for start in range(0, size, BATCH):
        articles, bands = [], []
        for index in range(start, min(start + BATCH, size)):
            article_id = index + 1
            published = NOW - timedelta(seconds=float(seconds[index]))
            planted = index < PLANTED * (1 + COPIES)
            if planted:  # story s is article s + 1, its copies follow at s + 1 + PLANTED * k
                story = index % PLANTED
                text = stories[story] if index < PLANTED else _words(rng, 30) + " " + stories[story]
                signature = compute_signature(f"Știrea {story}", text)
                cluster = story + 1
            else:
                text = ""
                values = rng.integers(0, 2**32, (2, NUM_PERM), dtype=np.uint64).astype(np.uint32)
                signature, cluster = Signature(head=values[0], body=values[1]), article_id
            assert signature is not None
            row = _article(article_id, published, f"Titlul {article_id}", text)
            articles.append({**row, "cluster_id": cluster, "signature": signature.to_bytes()})
            when = epoch_seconds(published)
            bands += [{"key": key, "published": when, "article_id": article_id} for key in band_keys(signature)]
        bands.sort(key=lambda band: band["key"])  # nearer the index's order: fewer pages touched per insert
        with store.session() as session:  # Core inserts: the ORM's bulk path costs more than SQLite here
            session.connection().execute(_ARTICLES.insert(), articles)
            session.connection().execute(_BANDS.insert(), bands)
    return stories


def _cluster_one(store: Store, article_id: int, text: str, story: int) -> tuple[float, float]:
    """Seconds and peak MiB (Python allocations) of the daemon's clustering step for one new article."""
    with store.session() as session:
        session.execute(insert(ArticleRow), [_article(article_id, NOW, f"Știrea {story}", text)])
    tracemalloc.start()
    started = time.perf_counter()
    clustered = cluster_new_articles(store, now=NOW)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    with store.session() as session:
        joined = session.scalar(select(ArticleRow.cluster_id).where(ArticleRow.id == article_id))
    assert clustered == 1 and joined == story + 1, (clustered, joined, story + 1)
    return elapsed, peak


def measure(folder: str, size: int) -> tuple[float, float]:
    rng = np.random.default_rng(size)
    with empty_store(folder, f"window-{size}.db") as store:
        started = time.perf_counter()
        stories = _seed(store, size, rng)
        with store.session() as session:
            band_rows = session.scalar(select(func.count()).select_from(ArticleBandRow))
        seeding = time.perf_counter() - started
        print(f"{size:,} articles in the window ({band_rows:,} band keys), seeded in {seeding:.0f} s")
        runs = []
        for run in range(RUNS):
            story = run * (PLANTED // RUNS)
            text = _words(rng, 30) + " " + stories[story]  # another re-run, with its own intro
            runs.append(_cluster_one(store, size + 1 + run, text, story))
    seconds = statistics.median(elapsed for elapsed, _ in runs)
    peak = max(peak for _, peak in runs)
    print(f"  one new article: median {seconds * 1000:.1f} ms of {RUNS}, peak {peak:.1f} MiB allocated")
    return seconds, peak


def main() -> None:
    sizes = tuple(int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else SIZES
    with tempfile.TemporaryDirectory() as folder:
        (small_s, small_mb), (large_s, large_mb) = (measure(folder, size) for size in sizes)
    growth = sizes[1] / sizes[0]
    print(
        f"window {growth:.0f}x larger ({sizes[0]:,} -> {sizes[1]:,}): time x{large_s / small_s:.2f}, "
        f"peak memory x{large_mb / small_mb:.2f} (flat: close to 1; reading the window: close to {growth:.0f})"
    )
    print("(figures from a shared, busy 2-core machine: indicative only)")


if __name__ == "__main__":
    main()
