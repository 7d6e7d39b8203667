"""Monthly report speed: a month of 50,000 stored articles and 5,000 mentions (plus the previous month for the
comparison), on a temp SQLite file; the whole run (reads, indicators, charts, HTML, PDF) and each stage side by side.

Run: .venv/bin/python -m bench.report   (target: the whole report in at most 20 s)
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert

from monitor.config import load_profile, load_sources
from monitor.deliver.charts import draw_charts
from monitor.deliver.imagology import compute_month, month_bounds, previous_month
from monitor.deliver.report import build_context, render_html, run_monthly, write_pdf
from monitor.nlp import topic_labels
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, AnalysisRow, ArticleRow, CorrectionRow, MentionRow, OutletRow
from monitor.store.queries import mentions_between

REPO = Path(__file__).resolve().parent.parent
MONTH = date(2026, 10, 1)
ARTICLES = 50_000
MENTIONS = 5_000
PREVIOUS_ARTICLES = 10_000
PREVIOUS_MENTIONS = 1_000
TOPICS = ("administratie", "sanatate", "educatie", "urgente", "infrastructura", "justitie", "agricultura")
T = TypeVar("T")


def timed(label: str, figures: dict[str, float], action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    figures[label] = time.perf_counter() - start
    return result


def seed(store: Store, rng: random.Random) -> None:
    """Outlets from sources.yaml, articles over the two months, mentions on a fraction of them, in clusters."""
    sources = load_sources(REPO / "sources.yaml")
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    outlets = [o for o in sources.outlets if profile.watches(o)] or list(sources.outlets)
    targets = [t.id for t in profile.targets if t.to is None]
    tones = ("positive", "neutral", "neutral", "neutral", "negative", "negative")
    next_id = 1
    with store.session() as session:
        session.execute(
            insert(OutletRow),
            [
                {"id": o.id, "name": o.name, "kind": o.kind, "county": o.county, "reach": o.reach}
                for o in sources.outlets
            ],
        )
        for month, count, mentioned in (
            (previous_month(MONTH), PREVIOUS_ARTICLES, PREVIOUS_MENTIONS),
            (MONTH, ARTICLES, MENTIONS),
        ):
            start, end = month_bounds(month, profile.zone)
            span = (end - start).total_seconds()
            articles, analyses, mentions = [], [], []
            cluster = None
            for index in range(count):
                published = start + timedelta(seconds=rng.random() * span)
                article_id = next_id
                next_id += 1
                if cluster is None or rng.random() > 0.3:
                    cluster = article_id  # a new story; else another copy of the previous one
                articles.append(
                    {
                        "id": article_id,
                        "url": f"https://presa.example/{article_id}",
                        "outlet_id": rng.choice(outlets).id,
                        "title": f"Știrea numărul {article_id} despre județul Alba",
                        "published_at": published,
                        "date_source": "feed" if rng.random() > 0.02 else "fetched",
                        "fetched_at": published,
                        "text": "Text de test. " * 40,
                        "lead": "Text de test.",
                        "summary": "",
                        "language": "ro",
                        "content_hash": f"{article_id:064x}",
                        "extraction": "page",
                        "cluster_id": cluster,
                    }
                )
                if index < mentioned:
                    topics = rng.sample(TOPICS, rng.randint(0, 2))
                    analyses.append(
                        {
                            "article_id": article_id,
                            "profile_id": profile.id,
                            "profile_hash": "bench",
                            "analyzed_at": published,
                            "topics": [{"topic": t, "terms": [t]} for t in topics],
                        }
                    )
                    for target in rng.sample(targets, 1 if rng.random() < 0.8 else 2):
                        mentions.append(
                            {
                                "article_id": article_id,
                                "profile_id": profile.id,
                                "target_id": target,
                                "count": rng.randint(1, 4),
                                "prominence": rng.choice(("title", "lead", "body", "body")),
                                "tone": rng.choice(tones),
                                "score": 0.0,
                                "evidence": ["O frază de test."],
                                "spans": [],
                            }
                        )
            session.execute(insert(ArticleRow), articles)
            session.execute(insert(AnalysisRow), analyses)
            session.execute(insert(MentionRow), mentions)
        first_day, _ = month_bounds(MONTH, profile.zone)
        session.execute(
            insert(CorrectionRow),
            [
                {
                    "profile_id": profile.id,
                    "article_id": a,
                    "cluster_id": a,
                    "target_id": targets[0],
                    "tone": "negative",
                    "topic": None,
                    "author": "bench",
                    "reason": "",
                    "created_at": first_day + timedelta(days=3),
                }
                for a in range(PREVIOUS_ARTICLES + 1, PREVIOUS_ARTICLES + 40)
            ],
        )
        session.execute(
            insert(AlertRow),
            [
                {
                    "profile_id": profile.id,
                    "target_id": targets[0],
                    "cluster_id": PREVIOUS_ARTICLES + 5 * n,
                    "rule": "burst",
                    "started_at": first_day + timedelta(days=4 + 7 * n),
                    "last_update_at": first_day + timedelta(days=4 + 7 * n, hours=1),
                    "updates": 1,
                    "article_ids": [PREVIOUS_ARTICLES + 5 * n],
                    "details": {},
                }
                for n in range(1, 4)
            ],
        )


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings = Settings.from_env(
            {},
            database_url=f"sqlite:///{root / 'presa.db'}",
            data_dir=root,
            output_dir=root / "out",
            sources_path=REPO / "sources.yaml",
            pipelines_dir=REPO / "pipelines",
        )
        store = Store(settings.database_url)
        figures: dict[str, float] = {}
        timed("seed (not part of the report)", figures, lambda: seed(store, rng))
        profile = load_profile(REPO / "pipelines" / "alba.yaml")
        sources = load_sources(REPO / "sources.yaml")
        now = datetime(2026, 11, 1, 8, tzinfo=UTC)

        # Warm imports and caches once (matplotlib fonts, WeasyPrint), as in a long-running service.
        run_monthly(store, profile, sources, settings, MONTH, now=now, send=False)

        result = timed(
            "whole report (run_monthly)",
            figures,
            lambda: run_monthly(store, profile, sources, settings, MONTH, now=now, send=False),
        )
        start, end = month_bounds(MONTH, profile.zone)
        previous_start, _ = month_bounds(previous_month(MONTH), profile.zone)

        def read() -> tuple[list[Any], list[Any]]:
            with store.session() as session:
                return (
                    mentions_between(session, profile.id, start, end),
                    mentions_between(session, profile.id, previous_start, start),
                )

        current, previous = timed("  read mentions (2 months)", figures, read)
        indicators = timed(
            "  indicators",
            figures,
            lambda: compute_month(
                current, previous, targets=profile.targets, month=MONTH, zone=profile.zone, rule=profile.alerts.burst
            ),
        )
        timed("  charts (4 PNG)", figures, lambda: draw_charts(indicators))
        context = build_context(indicators, profile, topics=topic_labels(profile), corrections_made=0, now=now)
        html = timed("  HTML render", figures, lambda: render_html(context))
        timed("  PDF (WeasyPrint)", figures, lambda: write_pdf(html, root / "bench.pdf"))
        store.close()

        print(f"monthly report: {ARTICLES:,} articles and {MENTIONS:,} mentions in the month (+ previous month)")
        print(
            f"  appearances {result.indicators.appearances:,}, stories {result.indicators.stories:,}, "
            f"outlets {len(result.indicators.outlets)}, PDF {result.pdf_path.stat().st_size / 1024:.0f} KiB"
        )
        for label, seconds in figures.items():
            print(f"  {label:<34} {seconds:7.2f} s")
        total = figures["whole report (run_monthly)"]
        print(f"  target <= 20 s: {'met' if total <= 20 else 'NOT met'} ({total / 20:.0%} of the budget)")
        print("  (shared, noisy machine: the lead re-runs this at the end)")


if __name__ == "__main__":
    main()
