"""Near-duplicate clustering speed: signature cost per article, and one crawl cycle's clustering against a full
two-week window (12,000 stored articles), on a temp SQLite file. Run: .venv/bin/python -m bench.dedup"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import distinct, func, insert, select

from monitor.dedup import assign_clusters, compute_signature
from monitor.store import Store
from monitor.store.models import ArticleRow, OutletRow

_WORDS = (
    "prefectul județului alba a convocat comitetul pentru situații de urgență după ce hidrologii au emis cod roșu "
    "inundații râurile ampoi aiud arieș evacuate persoane gospodării drumul județean circulația instituția "
    "prefectului primarul consiliul local ședința extraordinară ministerul fonduri europene spitalul școala elevii "
    "profesorii pompierii jandarmii poliția ancheta dosarul penal procurorii percheziții protest sindicatele "
    "salariile pensiile ajutoarele sociale drumurile podurile autostrada lucrările investiția guvernul bugetul "
    "alegerile candidații campania secțiile de votare pașapoartele permisele înmatriculările cetățenii ghișeele "
    "cozile programările deșeurile poluarea apele pădurile agricultorii subvențiile recolta seceta fermierii"
)
VOCABULARY = _WORDS.split()
OUTLETS = 100
STORED = 12_000  # two weeks of a busy deployment (about 50,000 articles a month)
NEW = 100  # one crawl cycle


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def _rows(rng: random.Random, count: int, start: datetime, span: timedelta, offset: int) -> list[dict[str, object]]:
    rows = []
    for i in range(count):
        published = start + span * rng.random()
        if i % 5 == 4 and rows:  # one in five re-runs an earlier story with another intro
            base = rows[rng.randrange(len(rows))]
            text = _text(rng, 30) + " " + str(base["text"])
            published = base["published_at"] + timedelta(hours=rng.uniform(0, 24))  # type: ignore[operator]
        else:
            text = _text(rng, rng.randint(250, 700))
        rows.append(
            {
                "url": f"https://o{i % OUTLETS}.example.ro/{offset + i}",
                "outlet_id": f"o{i % OUTLETS}",
                "title": _text(rng, 12),
                "published_at": published,
                "date_source": "feed",
                "fetched_at": published,
                "text": text,
                "lead": "",
                "summary": "",
                "content_hash": str(offset + i),
                "extraction": "page",
            }
        )
    return rows


def main() -> None:
    rng = random.Random(7)
    now = datetime(2026, 5, 31, 12, tzinfo=UTC)
    sample = [_text(rng, 600) for _ in range(200)]
    timings = []
    for text in sample:
        started = time.perf_counter()
        compute_signature("Titlu de test pentru semnătură", text)
        timings.append(time.perf_counter() - started)
    print(f"signature of a 600-word article: median {statistics.median(timings) * 1000:.2f} ms")

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        with store.session() as session:
            session.execute(
                insert(OutletRow),
                [{"id": f"o{i}", "name": f"Publicația {i}", "kind": "national", "reach": 1000} for i in range(OUTLETS)],
            )
            session.execute(insert(ArticleRow), _rows(rng, STORED, now - timedelta(days=14), timedelta(days=14), 0))
        with store.session() as session:
            ids = list(session.scalars(ArticleRow.__table__.select().with_only_columns(ArticleRow.id)))
        started = time.perf_counter()
        for start in range(0, len(ids), 1000):
            assign_clusters(store, ids[start : start + 1000], now=now)
        backfill = time.perf_counter() - started
        with store.session() as session:
            clusters = session.scalar(select(func.count(distinct(ArticleRow.cluster_id))))
        print(
            f"{STORED} articles, {STORED // 5} of them planted re-runs: "
            f"{clusters} clusters ({STORED - STORED // 5} expected)"
        )
        print(
            f"backfill of {STORED} articles in batches of 1000: {backfill:.1f} s "
            f"({backfill / STORED * 1000:.2f} ms each)"
        )
        with store.session() as session:
            session.execute(insert(ArticleRow), _rows(rng, NEW, now - timedelta(hours=1), timedelta(hours=1), STORED))
        with store.session() as session:
            new_ids = list(
                session.scalars(
                    ArticleRow.__table__.select()
                    .with_only_columns(ArticleRow.id)
                    .where(ArticleRow.cluster_id.is_(None))
                )
            )
        started = time.perf_counter()
        assign_clusters(store, new_ids, now=now)
        cycle = time.perf_counter() - started
        print(f"one crawl cycle: {len(new_ids)} new articles against {STORED} stored: {cycle:.2f} s")
        store.close()
    print("(figures from a shared, busy 2-core machine: indicative only)")


if __name__ == "__main__":
    main()
