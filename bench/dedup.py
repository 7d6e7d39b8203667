"""Near-duplicate clustering speed: signature cost per article, and one crawl cycle's clustering against a full
two-week window (12,000 stored articles), on a temp SQLite file; then chains of follow-ups (each repeating
half of the day before's story and the outlet's footer): the largest cluster they make, next to what single
linkage over the same matches would make. Run: .venv/bin/python -m bench.dedup"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import distinct, func, insert, select

from monitor.dedup import WINDOW, Signature, assign_clusters, compute_signature, is_same_story
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
CHAINS = 100  # chains of follow-ups, CHAIN_DAYS stories each
CHAIN_DAYS = 6


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words))


def _rows(rng: random.Random, count: int, start: datetime, span: timedelta, offset: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(count):
        published = start + span * rng.random()
        if i % 5 == 4 and rows:  # one in five re-runs an earlier story with another intro
            base = rows[rng.randrange(len(rows))]
            text = _text(rng, 30) + " " + str(base["text"])
            first = base["published_at"]
            assert isinstance(first, datetime)
            published = first + timedelta(hours=rng.uniform(0, 24))
        else:
            text = _text(rng, rng.randint(250, 700))
        rows.append(
            _article(
                f"https://o{i % OUTLETS}.example.ro/{offset + i}", f"o{i % OUTLETS}", _text(rng, 12), published, text
            )
        )
    return rows


def _article(url: str, outlet_id: str, title: str, published: datetime, text: str) -> dict[str, object]:
    """The columns of one stored, extracted article."""
    return {
        "url": url,
        "outlet_id": outlet_id,
        "title": title,
        "published_at": published,
        "date_source": "feed",
        "fetched_at": published,
        "text": text,
        "lead": "",
        "summary": "",
        "content_hash": url,
        "extraction": "page",
    }


def _chain_rows(rng: random.Random, start: datetime) -> list[dict[str, object]]:
    """CHAINS chains of follow-ups: each day's news, the day before's news again, the outlet's footer (J 0.43)."""
    rows: list[dict[str, object]] = []
    for chain in range(CHAINS):
        footer, previous = _text(rng, 60), _text(rng, 120)
        for day in range(CHAIN_DAYS):
            news = _text(rng, 120)
            published = start + timedelta(days=day, minutes=chain)
            text = " ".join([news, previous, footer])
            previous = news
            rows.append(
                _article(
                    f"https://chain{chain}.example.ro/{day}", f"o{chain % OUTLETS}", _text(rng, 12), published, text
                )
            )
    return rows


def _single_linkage_largest(signatures: list[tuple[datetime, Signature]]) -> int:
    """The largest cluster that joining every matching pair (within WINDOW) would give: the old behaviour."""
    parent = list(range(len(signatures)))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, (when_a, sig_a) in enumerate(signatures):
        for b in range(a + 1, len(signatures)):
            when_b, sig_b = signatures[b]
            if abs(when_a - when_b) <= WINDOW and is_same_story(sig_a, sig_b):
                parent[find(b)] = find(a)
    sizes: dict[int, int] = {}
    for node in range(len(signatures)):
        sizes[find(node)] = sizes.get(find(node), 0) + 1
    return max(sizes.values())


def _chains(rng: random.Random, now: datetime, folder: str) -> None:
    store = Store(f"sqlite:///{Path(folder) / 'chains.db'}")
    rows = _chain_rows(rng, now - timedelta(days=CHAIN_DAYS))
    with store.session() as session:
        session.execute(
            insert(OutletRow),
            [{"id": f"o{i}", "name": f"Publicația {i}", "kind": "national", "reach": 1000} for i in range(OUTLETS)],
        )
        session.execute(insert(ArticleRow), rows)
    for day in range(CHAIN_DAYS):  # one day's stories per run, as the crawler would bring them
        with store.session() as session:
            ids = list(session.scalars(select(ArticleRow.id).where(ArticleRow.url.like(f"%/{day}"))))
        assign_clusters(store, ids, now=now)
    with store.session() as session:
        largest = session.scalar(
            select(func.count()).select_from(ArticleRow).group_by(ArticleRow.cluster_id).order_by(func.count().desc())
        )
    store.close()
    signatures = []
    for row in rows:
        signature = compute_signature(str(row["title"]), str(row["text"]))
        published = row["published_at"]
        assert signature is not None and isinstance(published, datetime)
        signatures.append((published, signature))
    print(
        f"{CHAINS} chains of {CHAIN_DAYS} follow-ups: largest cluster {largest} articles "
        f"(single linkage over the same matches: {_single_linkage_largest(signatures)})"
    )


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
        _chains(rng, now, folder)
    print("(figures from a shared, busy 2-core machine: indicative only)")


if __name__ == "__main__":
    main()
