"""The daemon's analysis stage for one new article: 1 profile against 42, and an archive of two sizes, side by side.

Drives the daemon's own path: the article is written by `store.articles.save_article` (what the crawl runs, which
queues it for analysis), then `analysis.analyze_queue` runs as `scheduler.analyze_and_check` calls it after every
crawl job: clustering, the queue, one parse of the article shared by every profile, each profile's matcher, tone
and topics, the rows written. The 42 profiles are generated from /work/shared/data/ro_counties.tsv (each county's
prefecture, its prefect and subprefect, its seat named in the institution's aliases), Alba's is pipelines/alba.yaml.

Each archive is a temp SQLite file (or MONITOR_BENCH_DATABASE_URL, emptied first) in the steady state the daemon
keeps: every stored article analysed by every profile that watches its outlet, its cluster given. A tenth of the
articles come from a national outlet every profile watches, the rest from the 42 counties' local outlets. The new
article is bench.analysis's ~600-word flood story, on the national outlet: every profile analyses it.

Issue 13's goals: one new article for 42 profiles <= 3 x for one profile, and a cycle whose cost does not grow with
the archive (the larger archive's time close to the smaller's).

Run: .venv/bin/python -m bench.analysis_stage [SMALL LARGE]   (default 10000 100000: about a minute here, most of
it seeding the analyses rows)

Measured here (2 cores, shared), median CPU per new article: 10,000 stored -> 21 ms for 1 profile, 39 ms for 42
(x1.9); 100,000 stored -> 19 ms and 36 ms (x1.9); the archive 10 times larger: x0.9. Before the queue and the
shared parse, the same bench over the per-profile anti-join and one parse per profile: 25 ms and 587 ms (x24) at
10,000, 67 ms and 2,440 ms (x37) at 100,000, growing x2.7 and x4.2 with the archive.
"""

from __future__ import annotations

import csv
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import cast

from sqlalchemy import Table, insert, select, text

from bench.analysis import TEXT, TITLE
from bench.stores import empty_store
from monitor.analysis import analyze_queue
from monitor.archive.search import search_form
from monitor.config import Profile, Sources, load_profile
from monitor.nlp import profile_fingerprint
from monitor.nlp.language import language
from monitor.store import Store
from monitor.store.articles import ArticleWrite, save_article
from monitor.store.feeds import sync_outlets
from monitor.store.models import AnalysisRow, ArticleRow, ArticleSourceRow, FeedRow

REPO = Path(__file__).resolve().parent.parent
COUNTIES = Path("/work/shared/data/ro_counties.tsv")
SIZES = (10_000, 100_000)
RUNS = 7  # new articles analysed per setting: the median is printed
NATIONAL_SHARE = 10  # one stored article in this many is the national outlet's
BATCH = 10_000  # rows written per transaction while seeding
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
_FIRST = ("Andrei", "Ioana", "Mihai", "Elena", "Radu", "Ana", "Cristian", "Maria", "Bogdan", "Irina", "Sorin")
_LAST = ("Mureșan", "Pop", "Țurcanu", "Ștefănescu", "Bălan", "Dobre", "Neagu", "Costache", "Lungu", "Matei")
_ARTICLES, _SOURCES, _ANALYSES = (cast(Table, row.__table__) for row in (ArticleRow, ArticleSourceRow, AnalysisRow))


def _person(index: int) -> str:
    return f"{_FIRST[index % len(_FIRST)]} {_LAST[(index * 7 + 3) % len(_LAST)]}"


def profile_fields(index: int, code: str, county: str, seat: str) -> dict[str, object]:
    """A prefecture's profile shaped like pipelines/alba.yaml (its prefect, subprefect and institution), as the
    fields a profile file holds."""
    place = "Municipiul București" if county == "București" else f"Județul {county}"
    institution = f"Instituția Prefectului – {place}"
    targets = [
        {"id": "prefect", "kind": "person", "name": _person(2 * index), "role": "prefect"},
        {"id": "subprefect", "kind": "person", "name": _person(2 * index + 1), "role": "subprefect"},
        {
            "id": "institutia",
            "kind": "institution",
            "name": institution,
            "role": "institution",
            "aliases": sorted({f"Prefectura {county}", f"Prefectura {seat}"}),
        },
    ]
    return {"id": code.lower(), "institution": institution, "county": county, "targets": targets}


def generated_profile_fields(skip: str = "Alba") -> list[dict[str, object]]:
    """A generated profile's fields for each county and Bucharest but `skip`, from ro_counties.tsv."""
    with COUNTIES.open(encoding="utf-8") as file:
        rows = [row for row in csv.DictReader((line for line in file if not line.startswith("#")), delimiter="\t")]
    return [
        profile_fields(index, row["code"], row["county"], row["seat"])
        for index, row in enumerate(rows)
        if row["county"] != skip
    ]


def national_profiles() -> list[Profile]:
    """Alba's profile from pipelines/ and one generated for each of the other counties and Bucharest (42)."""
    alba = load_profile(REPO / "pipelines" / "alba.yaml")
    return [alba] + [Profile.model_validate(fields) for fields in generated_profile_fields(alba.county or "")]


def national_sources(profiles: Sequence[Profile]) -> Sources:
    """One national outlet every profile watches and one local outlet per county."""
    outlets = [{"id": "national", "name": "Știri Naționale", "kind": "national", "feeds": ["https://n.example.ro/rss"]}]
    outlets += [
        {
            "id": f"local-{profile.id}",
            "name": f"Ziarul {profile.county}",
            "kind": "local",
            "county": profile.county,
            "feeds": [f"https://{profile.id}.example.ro/rss"],
        }
        for profile in profiles
    ]
    return Sources.model_validate({"outlets": outlets})


def _seed(store: Store, size: int, profiles: Sequence[Profile], sources: Sources) -> None:
    """`size` stored articles of the month before NOW, each analysed by every profile watching its outlet."""
    sync_outlets(store, sources)
    with store.session() as session:
        feeds = {outlet: feed for outlet, feed in session.execute(select(FeedRow.outlet_id, FeedRow.id))}
    fingerprints = {profile.id: profile_fingerprint(profile) for profile in profiles}
    readers = {outlet.id: [profile.id for profile in profiles if profile.watches(outlet)] for outlet in sources.outlets}
    locals_ = [outlet.id for outlet in sources.outlets if outlet.id != "national"]
    for start in range(0, size, BATCH):
        articles, links, analyses = [], [], []
        for article_id in range(start + 1, min(start + BATCH, size) + 1):
            outlet = "national" if article_id % NATIONAL_SHARE == 0 else locals_[article_id % len(locals_)]
            published = NOW - timedelta(days=30) * (article_id / size)
            articles.append(
                {
                    "id": article_id, "url": f"https://{outlet}.example.ro/{article_id}", "outlet_id": outlet,
                    "title": f"Titlul {article_id}", "published_at": published, "date_source": "feed",
                    "fetched_at": published, "text": "", "lead": "", "summary": "", "content_hash": str(article_id),
                    "extraction": "page", "cluster_id": article_id,
                }
            )  # fmt: skip
            links.append({"article_id": article_id, "feed_id": feeds[outlet], "outlet_id": outlet,
                          "first_seen_at": published})  # fmt: skip
            analyses += [
                {"article_id": article_id, "profile_id": reader, "profile_hash": fingerprints[reader],
                 "analyzed_at": published, "topics": []}
                for reader in readers[outlet]
            ]  # fmt: skip
        with store.session() as session:  # Core inserts: the ORM's bulk path costs more than SQLite here
            connection = session.connection()
            connection.execute(insert(_ARTICLES), articles)
            connection.execute(insert(_SOURCES), links)
            connection.execute(insert(_ANALYSES), analyses)
    after_explicit_ids(store)


def after_explicit_ids(store: Store) -> None:
    """On PostgreSQL, the articles' id sequence moved past the ids a seed wrote itself (the crawl's next article
    takes the next one); SQLite needs nothing."""
    if store.dialect == "postgresql":
        with store.session() as session:
            session.execute(text("SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"))


def _new_article(store: Store, number: int) -> None:
    """The flood story as the crawl writes it (save_article: the article, its source, its search form)."""
    url = f"https://national.example.ro/stiri/inundatii-{number}"
    values = {
        "url": url, "link": url, "outlet_id": "national", "title": TITLE, "author": None, "published_at": NOW,
        "date_source": "page", "fetched_at": NOW, "text": f"{TEXT}\n\nActualizare {number}.", "lead": "",
        "summary": "", "language": "ro", "content_hash": f"flood-{number}", "extraction": "page",
    }  # fmt: skip
    with store.session() as session:
        feed_id = session.scalar(select(FeedRow.id).where(FeedRow.outlet_id == "national"))
    assert feed_id is not None
    write = ArticleWrite(values, frozenset({url}), None, None, lambda: search_form(TITLE, "", TEXT))
    save_article(store, write, feed_id=feed_id, outlet_id="national", now=NOW)


def _stage(store: Store, profiles: Sequence[Profile], sources: Sources) -> int:
    """The daemon's analysis stage, as scheduler.analyze_and_check runs it after a crawl job."""
    return sum(analyze_queue(store, profiles, sources, now=NOW).values())


def _timed(run: Callable[[], int]) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    done = run()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, done


def measure(folder: str, size: int, profiles: list[Profile], sources: Sources) -> dict[int, tuple[float, float]]:
    """Median wall and CPU ms of the stage for one new article, with 1 profile and with all of them."""
    with empty_store(folder, f"analysis-{size}.db") as store:
        started = time.perf_counter()
        _seed(store, size, profiles, sources)
        print(f"{size:,} stored articles, seeded in {time.perf_counter() - started:.0f} s")
        _stage(store, profiles, sources)  # the daemon's first cycle after start-up (nothing new: nothing analysed)
        figures = {}
        for count in (len(profiles), 1):  # all first: the single profile's runs leave the others nothing pending
            runs = []
            for run in range(RUNS):
                _new_article(store, count * 100 + run)
                wall, cpu, done = _timed(partial(_stage, store, profiles[:count], sources))
                assert done == count, (done, count)
                runs.append((wall, cpu))
            figures[count] = (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
            print(f"  {count:>2} profile(s): median {figures[count][0]:.1f} ms wall, {figures[count][1]:.1f} ms CPU")
    return figures


def main() -> None:
    sizes = tuple(int(arg) for arg in sys.argv[1:3]) if len(sys.argv) >= 3 else SIZES
    profiles = national_profiles()
    sources = national_sources(profiles)
    language()  # loaded once per process, before any timing
    with tempfile.TemporaryDirectory() as folder:
        small, large = (measure(folder, size, profiles, sources) for size in sizes)
    many = len(profiles)
    for size, figures in zip(sizes, (small, large), strict=True):
        print(
            f"{size:,} stored: {many} profiles / 1 profile = x{figures[many][0] / figures[1][0]:.2f} wall, "
            f"x{figures[many][1] / figures[1][1]:.2f} CPU (goal <= 3)"
        )
    for count in (1, many):
        print(
            f"{count:>2} profile(s): archive {sizes[1] // sizes[0]}x larger -> x{large[count][0] / small[count][0]:.2f}"
            f" wall, x{large[count][1] / small[count][1]:.2f} CPU (flat: close to 1)"
        )
    print("(figures from a shared, busy 2-core machine: indicative only)")


if __name__ == "__main__":
    main()
