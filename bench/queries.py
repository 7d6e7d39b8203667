"""Read-side speed: one month with 50,000 articles, 5,000 mentions and 200 corrections, loaded as MentionViews
from a temp SQLite file (or MONITOR_BENCH_DATABASE_URL). Run: .venv/bin/python -m bench.queries"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert

from monitor.store import Store
from monitor.store.models import AnalysisRow, ArticleRow, CorrectionRow, MentionRow, OutletRow
from monitor.store.queries import mentions_between

ARTICLES = 50_000
MENTIONS = 5_000
CORRECTIONS = 200
OUTLETS = 100
START = datetime(2026, 5, 1, tzinfo=UTC)
END = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(store: Store, rng: random.Random) -> None:
    span = END - START
    articles = []
    cluster = 0
    for i in range(1, ARTICLES + 1):
        if i == 1 or rng.random() < 0.7:  # a new story; otherwise a copy of the latest one
            cluster = i
        published = START + span * rng.random()
        articles.append(
            {
                "id": i,
                "url": f"https://o{i % OUTLETS}.example.ro/stire-{i}",
                "outlet_id": f"o{i % OUTLETS}",
                "title": f"Titlul știrii {i} despre prefectură",
                "published_at": published,
                "date_source": "feed",
                "fetched_at": published,
                "text": "Prefectul județului a convocat ședința. " * 40,
                "lead": "",
                "summary": "",
                "content_hash": str(i),
                "extraction": "page",
                "cluster_id": cluster,
            }
        )
    mentioned = rng.sample(range(1, ARTICLES + 1), MENTIONS)
    with store.session() as session:
        outlets = [{"id": f"o{i}", "name": f"Publicația {i}", "kind": "local", "reach": 1000} for i in range(OUTLETS)]
        session.execute(insert(OutletRow), outlets)
        session.execute(insert(ArticleRow), articles)
        session.execute(
            insert(AnalysisRow),
            [
                {"article_id": i, "profile_id": "alba", "profile_hash": "x", "analyzed_at": END, "topics": []}
                for i in range(1, ARTICLES + 1)
            ],
        )
        session.execute(
            insert(MentionRow),
            [
                {
                    "article_id": i,
                    "profile_id": "alba",
                    "target_id": rng.choice(["prefect", "institutia"]),
                    "count": 2,
                    "prominence": "lead",
                    "tone": rng.choice(["positive", "neutral", "negative"]),
                    "score": 0.1,
                    "evidence": ["Prefectul județului a convocat ședința."],
                    "spans": [],
                }
                for i in mentioned
            ],
        )
        session.execute(
            insert(CorrectionRow),
            [
                {
                    "profile_id": "alba",
                    "article_id": i,
                    "cluster_id": articles[i - 1]["cluster_id"],
                    "target_id": "prefect",
                    "tone": "negative",
                    "topic": None,
                    "author": "Ana Pop",
                    "reason": "",
                    "created_at": END,
                }
                for i in mentioned[:CORRECTIONS]
            ],
        )


def _median(run: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    timings = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def main() -> None:
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("MONITOR_BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store(url)
        _fill(store, rng)
        statements: list[str] = []
        event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        with store.session() as session:
            seconds, views = _median(lambda: mentions_between(session, "alba", START, END))
            print(
                f"mentions_between, one month ({ARTICLES} articles, {len(views)} mentions): "
                f"median {seconds * 1000:.0f} ms, {len(statements) // 5} SQL statements"
            )
            corrected = sum(view.corrected for view in views)
            shared = sum(bool(view.also_in) for view in views)
            print(f"{corrected} mentions with a corrected tone, {shared} with other outlets in their story")
        store.close()
    print("(figures from a shared, busy 2-core machine: indicative only)")


if __name__ == "__main__":
    main()
