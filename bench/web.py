"""Workspace page speed: every page of one prefecture's workspace, through HTTP to the real server (uvicorn, the
same app `monitor web` serves), on a SQLite file with a year of one prefecture's archive, at two sizes in one run
so growth shows. Goal (issue 12): every page within 300 ms at the 95th percentile with 600,000 articles and
60,000 mentions. Run: .venv/bin/python -m bench.web [--quick]   (the seeded files are kept in bench/out/)"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text

from monitor.accounts import add_user
from monitor.config import load_profile
from monitor.record import Role
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import (
    AlertRow,
    AnalysisRow,
    ArticleRow,
    ArticleSearchRow,
    ArticleSourceRow,
    FeedRow,
    MentionRow,
    OutletRow,
)
from monitor.web.server import serving

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
YEAR_START = datetime(2025, 11, 1, tzinfo=UTC)
DAYS = 365
OUTLETS = 120
TARGETS = ("prefect", "subprefect", "institutia")
TONES = ("negative", "neutral", "neutral", "neutral", "positive")
TOPICAL = (
    "prefect", "prefectura", "judet", "consiliu", "primar", "spital", "scoala", "drum", "inundatie", "pod",
    "autostrada", "ajutor", "ancheta", "protest", "sedinta", "hotarare", "ordin", "control", "amenda", "ministru",
    "guvern", "buget", "lucrari", "apa", "incendiu", "politie",
)  # fmt: skip
FILLER = [f"cuvant{n}" for n in range(5000)]
FILLER_WEIGHTS = [1 / (rank + 1) for rank in range(len(FILLER))]  # Zipf: a few words everywhere, most rare
PASSWORD = "parola-pentru-bench"
REPEATS = 20


def seed(store: Store, articles: int, mentions: int, rng: random.Random) -> None:
    """A year of articles (10% naming a target), clusters of copies, sources, search index, analyses, alerts."""
    with store.session() as session:
        session.execute(
            insert(OutletRow),
            [{"id": f"o{i}", "name": f"Publicația {i}", "kind": "local", "county": "Alba", "reach": 1000 * i}
             for i in range(OUTLETS)],
        )  # fmt: skip
        session.execute(insert(FeedRow), [{"id": i + 1, "outlet_id": f"o{i}", "url": f"https://o{i}.example.ro/rss",
                                            "error_count": 0, "poll_seconds": 600,
                                            "last_success_at": YEAR_START + timedelta(days=DAYS)}
                                           for i in range(OUTLETS)])  # fmt: skip
    mentioned = set(rng.sample(range(1, articles + 1), mentions))
    batch = 20_000
    cluster = 1
    for first in range(1, articles + 1, batch):
        rows, sources, search, analyses, mention_rows = [], [], [], [], []
        for i in range(first, min(first + batch, articles + 1)):
            if rng.random() < 0.7:
                cluster = i
            outlet = i % OUTLETS
            published = YEAR_START + timedelta(seconds=rng.random() * DAYS * 86400)
            filler = rng.choices(FILLER, FILLER_WEIGHTS, k=60)
            words = " ".join(rng.choice(TOPICAL) if rng.random() < 0.02 else word for word in filler)
            rows.append({"id": i, "url": f"https://o{outlet}.example.ro/stire-{i}", "outlet_id": f"o{outlet}",
                         "title": f"Știrea {i}: {words[:60]}", "published_at": published, "date_source": "feed",
                         "fetched_at": published, "text": words, "lead": words[:120], "summary": "",
                         "content_hash": str(i), "extraction": "page", "cluster_id": cluster})  # fmt: skip
            sources.append(
                {"article_id": i, "feed_id": outlet + 1, "outlet_id": f"o{outlet}", "first_seen_at": published}
            )
            search.append({"article_id": i, "body": words, "published_at": published, "indexed_at": published})
            if i in mentioned:
                topics = [{"topic": "urgente", "terms": ["inundatie"]}]
                analyses.append({"article_id": i, "profile_id": "alba", "profile_hash": "bench",
                                 "analyzed_at": published, "topics": topics})  # fmt: skip
                target = rng.choice(TARGETS)
                mention_rows.append({"article_id": i, "profile_id": "alba", "target_id": target, "count": 1,
                                     "prominence": rng.choice(("title", "lead", "body")), "tone": rng.choice(TONES),
                                     "score": 0.0, "confidence": rng.random(), "evidence": [words[:140]],
                                     "spans": []})  # fmt: skip
        with store.session() as session:
            session.execute(insert(ArticleRow), rows)
            session.execute(insert(ArticleSourceRow), sources)
            session.execute(insert(ArticleSearchRow), search)
            if analyses:
                session.execute(insert(AnalysisRow), analyses)
                session.execute(insert(MentionRow), mention_rows)
    with store.session() as session:
        session.execute(insert(AlertRow), [
            {"profile_id": "alba", "target_id": "prefect", "cluster_id": i, "rule": "burst",
             "started_at": YEAR_START + timedelta(days=i), "last_update_at": YEAR_START + timedelta(days=i),
             "updates": 0, "article_ids": [i], "details": {}} for i in sorted(mentioned)[:40]])  # fmt: skip
        session.execute(text("ANALYZE"))
    add_user(store, "birou", PASSWORD, Role.OFFICE, ["alba"], by="bench", now=datetime.now(UTC))


def database(articles: int, mentions: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"web-{articles}.db"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        store = Store(f"sqlite:///{partial}")
        seed(store, articles, mentions, random.Random(articles))
        store.close()
        shutil.move(partial, path)
        print(f"  seeded {articles:,} articles, {mentions:,} mentions in {time.perf_counter() - started:.0f} s")
    return path


def pages(client: httpx.Client, day: date, article_id: int, alert_id: int) -> dict[str, str]:
    zi, luna = f"{day:%d.%m.%Y}", f"{day:%m.%Y}"
    return {
        "Azi": f"/p/alba/azi?zi={zi}",
        "Sinteza": f"/p/alba/sinteza?zi={zi}",
        "Sinteza (previzualizare)": f"/p/alba/sinteza/previzualizare?zi={zi}",
        "Arhivă: cuvinte": "/p/alba/arhiva?q=spital+inundatie",
        "Arhivă: un cuvânt frecvent": "/p/alba/arhiva?q=prefectul",
        "Arhivă: expresie și excludere": '/p/alba/arhiva?q="prefect+judet"+-protest',
        "Arhivă: țintă și ton": f"/p/alba/arhiva?tinta=prefect&ton=negative&de_la=01.{luna}",
        "Alerte": "/p/alba/alerte",
        "Alertă": f"/p/alba/alerte/{alert_id}",
        "Raport lunar": f"/p/alba/raport?luna={luna}",
        "Articol": f"/p/alba/articole/{article_id}",
        "Drept la replică": "/p/alba/replici",
        "Surse": "/p/alba/surse",
    }


def measure(path: Path) -> dict[str, float]:
    """p95 in ms of each page, REPEATS requests each after one warm-up."""
    folder = OUT / f"{path.stem}-run"
    shutil.rmtree(folder, ignore_errors=True)
    settings = Settings.from_env(
        {}, config_dir=REPO, database_url=f"sqlite:///{path}", data_dir=folder, output_dir=folder / "out",
        pipelines_dir=REPO / "pipelines",
    )  # fmt: skip
    profile = load_profile(REPO / "pipelines" / "alba.yaml")
    store = Store(settings.database_url)
    with store.session() as session:
        article_id = session.execute(text("SELECT max(article_id) FROM mentions")).scalar_one()
        alert_id = session.execute(text("SELECT max(id) FROM alerts")).scalar_one()
    day = (YEAR_START + timedelta(days=DAYS - 20)).astimezone(profile.zone).date()
    results: dict[str, float] = {}
    with serving(settings, store, "127.0.0.1:0") as base, httpx.Client(base_url=base, timeout=60) as client:
        form = client.get("/autentificare").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        client.post("/autentificare", data={"utilizator": "birou", "parola": PASSWORD, "csrf_token": token})
        for name, url in pages(client, day, article_id, alert_id).items():
            answer = client.get(url)
            assert answer.status_code == 200, (name, answer.status_code, answer.text[:300])
            times = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            results[name] = statistics.quantiles(times, n=20)[18]
    store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="60,000 and 6,000 articles (a tenth of the goal)")
    args = parser.parse_args()
    sizes = [(6_000, 600), (60_000, 6_000)] if args.quick else [(60_000, 6_000), (600_000, 60_000)]
    print("bench.web: workspace pages over HTTP (uvicorn, the app of `monitor web`), SQLite, one prefecture's year")
    measured = [measure(database(*size)) for size in sizes]
    small, large = measured
    heads = [f"p95 ms @{size:,}" for size, _ in sizes]
    print(f"  {'page':32} {heads[0]:>16} {heads[1]:>16} {'ratio':>7}")
    for name in small:
        print(f"  {name:32} {small[name]:16.1f} {large[name]:16.1f} {large[name] / small[name]:7.2f}")
    worst = max(large.values())
    goal = 300.0
    verdict = ("PASS" if worst <= goal else "FAIL") + (" (quick: a tenth of the goal's size)" if args.quick else "")
    print(f"{verdict}: slowest page p95 {worst:.0f} ms at {sizes[1][0]:,} articles (goal ≤ {goal:.0f} ms at 600,000)")


if __name__ == "__main__":
    main()
