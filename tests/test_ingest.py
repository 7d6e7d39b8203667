"""The crawl cycle end to end against a real HTTP site on 127.0.0.1: what is stored, and each feed's state."""

from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from monitor.archive.search import search_articles
from monitor.cli import cli
from monitor.config import Outlet, Sources, load_sources
from monitor.crawl.ingest import CrawlSummary, backoff_delay, crawl_sync, sync_outlets
from monitor.crawl.workers import ExtractionPool
from monitor.deliver.render import count_ro
from monitor.record import DateSource, Extraction
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow, ArticleSearchRow, ArticleSourceRow, ArticleUrlRow, FeedRow, OutletRow
from monitor.text import fold
from tests.conftest import REPO, Site
from tests.rows import add_article

SITE_DIR = Path(__file__).parent / "fixtures" / "site"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
RSS = "application/rss+xml; charset=utf-8"
CEDILLAS = set("şţŞŢ")


def serve_file(site: Site, name: str, content_type: str) -> str:
    body = (SITE_DIR / name).read_bytes().replace(b"{base}", site.base.encode())
    return site.serve_bytes("/" + name, body, content_type)


def newsroom(site: Site) -> None:
    """Every fixture feed and page; one page answers 500; the windows-1250 feed claims UTF-8."""
    serve_file(site, "feeds/alba24.xml", RSS)
    serve_file(site, "feeds/unirea.xml", "application/atom+xml")
    serve_file(site, "feeds/cedilla.xml", RSS)
    serve_file(site, "feeds/radio-cp1250.xml", RSS)
    for page in ("prefect-scoala", "drum-judetean", "spital-cedilla"):
        serve_file(site, f"articles/{page}.html", "text/html; charset=utf-8")
    serve_file(site, "articles/iarna-8859-16.html", "text/html")
    site.serve_bytes("/articles/missing-500.html", b"", status=500)


def outlet(outlet_id: str, *feeds: str, poll: timedelta = timedelta(minutes=10)) -> Outlet:
    return Outlet(id=outlet_id, name=outlet_id.title(), kind="local", county="Alba", feeds=feeds, poll=poll)


def crawl_once(
    store: Store, settings: Settings, *outlets: Outlet, now: datetime = NOW, **options: object
) -> CrawlSummary:
    return crawl_sync(store, Sources(outlets=outlets), settings, now=now, **options)  # type: ignore[arg-type]


def hits(site: Site, path: str) -> int:
    """Requests for `path`, whatever query string they carried."""
    return sum(1 for seen, _ in site.requests if seen.split("?", 1)[0] == path)


def count(store: Store, model: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def feed_row(store: Store, url: str) -> FeedRow:
    with store.session() as session:
        row = session.scalars(select(FeedRow).where(FeedRow.url == url)).one()
        session.expunge(row)
        return row


def articles(store: Store) -> dict[str, ArticleRow]:
    """Stored articles by their page path."""
    with store.session() as session:
        rows = list(session.scalars(select(ArticleRow)))
        session.expunge_all()
    return {row.url.split("/", 3)[3]: row for row in rows}


def rss(site: Site, items: list[tuple[str, str, str | None]]) -> bytes:
    """A small RSS feed: (title, path, pubDate or None) per item."""
    body = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + f"<description>Rezumat: {title}.</description></item>"
        for title, path, date in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


# --- the normal case and idempotency ---------------------------------------------------------------


def test_same_story_in_two_feeds_is_one_article_and_a_second_crawl_adds_nothing(
    site: Site, any_store: Store, settings: Settings
) -> None:
    newsroom(site)
    alba24 = outlet("alba24", site.url("/feeds/alba24.xml"))
    unirea = outlet("unirea", site.url("/feeds/unirea.xml"), poll=timedelta(minutes=30))

    first = crawl_once(any_store, settings, alba24, unirea)

    assert (first.feeds_ok, first.not_modified, first.failed) == (2, 0, 0)
    assert (first.new_articles, first.duplicates, len(first.new_article_ids)) == (4, 1, 4)
    stored = articles(any_store)
    assert sorted(stored) == [
        "articles/drum-judetean.html",
        "articles/missing-500.html",
        "articles/prefect-scoala.html",
        "articles/spital-cedilla.html",
    ]
    shared = stored["articles/prefect-scoala.html"]
    assert shared.extraction == Extraction.PAGE.value
    assert shared.lead.startswith("Prefectul județului Alba, Andrei Vlădescu, a participat")
    assert "Felicitări" not in shared.text  # comments are not the article
    assert shared.date_source == DateSource.FEED.value
    with any_store.session() as session:
        sources = sorted(
            session.scalars(select(ArticleSourceRow.outlet_id).where(ArticleSourceRow.article_id == shared.id))
        )
        urls = set(session.scalars(select(ArticleUrlRow.url).where(ArticleUrlRow.article_id == shared.id)))
    assert sources == ["alba24", "unirea"]
    assert {
        site.url("/articles/prefect-scoala.html?utm_source=rss&utm_medium=feed"),
        site.url("/articles/prefect-scoala.html?fbclid=IwAR0abc123&gclid=xyz#comentarii"),
        shared.url,
    } <= urls
    assert shared.link in urls
    assert hits(site, "/articles/prefect-scoala.html") == 1  # fetched once for both feeds

    failed_page = stored["articles/missing-500.html"]
    assert failed_page.extraction == Extraction.SUMMARY.value
    assert (
        failed_page.text
        == failed_page.summary
        == ("Consilierii județeni se reunesc luni în ședință extraordinară pentru rectificarea bugetului.")
    )
    undated = stored["articles/drum-judetean.html"]
    assert (undated.date_source, undated.published_at) == (DateSource.FETCHED.value, NOW)

    state = feed_row(any_store, site.url("/feeds/unirea.xml"))
    assert (state.error_count, state.last_error, state.last_status) == (0, None, "ok")
    assert (state.last_success_at, state.next_check_at) == (NOW, NOW + timedelta(minutes=30))

    tables = (ArticleRow, ArticleUrlRow, ArticleSourceRow)
    before = [count(any_store, table) for table in tables]
    page_hits = len(site.requests)
    second = crawl_once(any_store, settings, alba24, unirea, now=NOW + timedelta(hours=1))
    assert (second.feeds_ok, second.new_articles, second.duplicates, second.new_article_ids) == (2, 0, 0, ())
    assert [count(any_store, table) for table in tables] == before
    assert len(site.requests) == page_hits + 2  # only the two feeds


def test_a_crawled_article_is_searchable_at_once(site: Site, any_store: Store, settings: Settings) -> None:
    """Each new article is written with its search form: a search finds it with no indexing pass (a search never
    looks for unindexed articles), and a story seen in a second feed gets no second form."""
    newsroom(site)
    crawl_once(
        any_store,
        settings,
        outlet("alba24", site.url("/feeds/alba24.xml")),
        outlet("unirea", site.url("/feeds/unirea.xml")),
    )
    assert count(any_store, ArticleSearchRow) == count(any_store, ArticleRow) == 4
    stored = articles(any_store)
    assert {hit.article_id for hit in search_articles(any_store, "Vladescu", now=NOW)} == {
        stored["articles/prefect-scoala.html"].id
    }
    assert {hit.article_id for hit in search_articles(any_store, "consilierii judeteni", now=NOW)} == {
        stored["articles/missing-500.html"].id  # the feed summary, when the page fails
    }


def test_etag_is_saved_and_the_next_crawl_is_conditional(site: Site, any_store: Store, settings: Settings) -> None:
    serve_file(site, "articles/prefect-scoala.html", "text/html; charset=utf-8")
    body = rss(site, [("Școala din Sebeș", "/articles/prefect-scoala.html", "Fri, 20 Nov 2026 07:15:00 GMT")])

    def feed(request: BaseHTTPRequestHandler) -> None:
        fresh = request.headers.get("If-None-Match") == '"rev-7"'
        request.send_response(304 if fresh else 200)
        request.send_header("ETag", '"rev-7"')
        request.send_header("Last-Modified", "Sat, 21 Nov 2026 10:00:00 GMT")
        request.send_header("Content-Type", RSS)
        request.send_header("Content-Length", "0" if fresh else str(len(body)))
        request.end_headers()
        if not fresh:
            request.wfile.write(body)

    alba24 = outlet("alba24", site.add("/rss", feed))
    assert crawl_once(any_store, settings, alba24).new_articles == 1
    state = feed_row(any_store, site.url("/rss"))
    assert (state.etag, state.last_modified) == ('"rev-7"', "Sat, 21 Nov 2026 10:00:00 GMT")

    later = NOW + timedelta(minutes=10)
    summary = crawl_once(any_store, settings, alba24, now=later)
    assert (summary.feeds_ok, summary.not_modified, summary.new_articles) == (0, 1, 0)
    assert site.requests[-1][1]["if-none-match"] == '"rev-7"'
    assert site.requests[-1][1]["if-modified-since"] == "Sat, 21 Nov 2026 10:00:00 GMT"
    state = feed_row(any_store, site.url("/rss"))
    assert (state.last_status, state.last_http_status, state.etag) == ("not_modified", 304, '"rev-7"')
    assert (state.last_success_at, state.next_check_at) == (later, later + timedelta(minutes=10))
    assert count(any_store, ArticleRow) == 1


def test_a_304_never_erases_a_validator_and_no_store_drops_them(
    site: Site, any_store: Store, settings: Settings
) -> None:
    body = rss(site, [])
    answers = [
        (200, {"ETag": '"a"', "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"}),
        (304, {"ETag": '"a"'}),  # only one validator repeated: the other stays
        (200, {"ETag": '"b"', "Expires": "0"}),  # expired at once: keep none
        (200, {"ETag": '"c"', "Cache-Control": "private, no-store"}),
    ]

    def feed(request: BaseHTTPRequestHandler) -> None:
        status, headers = answers.pop(0)
        request.send_response(status)
        for name, value in {**headers, "Content-Type": RSS}.items():
            request.send_header(name, value)
        payload = body if status == 200 else b""
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    alba24 = outlet("alba24", site.add("/rss", feed))
    seen = []
    for step in range(4):
        crawl_once(any_store, settings, alba24, now=NOW + timedelta(hours=step))
        state = feed_row(any_store, site.url("/rss"))
        seen.append((state.etag, state.last_modified))
    assert seen == [
        ('"a"', "Sat, 21 Nov 2026 10:00:00 GMT"),
        ('"a"', "Sat, 21 Nov 2026 10:00:00 GMT"),
        (None, None),
        (None, None),
    ]
    assert "if-none-match" not in site.requests[-1][1]  # after Expires: 0 the request was unconditional


def _article_html(title: str, paragraph: str) -> bytes:
    body = "".join(f"<p>{paragraph} Paragraful {n} spune mai multe despre subiect.</p>" for n in range(6))
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><article><h1>{title}</h1>{body}</article></body></html>".encode()


def test_a_trailing_slash_twin_with_the_same_text_is_one_article(site: Site, store: Store, settings: Settings) -> None:
    same = _article_html("Prefectul la Aiud", "Prefectul Horia Vlădescu a vizitat șantierul de la Aiud.")
    site.serve_bytes("/stiri/aiud", same)
    site.serve_bytes("/stiri/aiud/", same)
    site.serve_bytes("/rubrica", _article_html("Rubrica", "O pagină de rubrică, cu alt conținut decât știrea."))
    site.serve_bytes("/rubrica/", _article_html("Rubrica nouă", "Altă pagină: pe acest site slash-ul contează."))
    day = "Fri, 20 Nov 2026 07:15:00 GMT"
    items = [
        ("Aiud", "/stiri/aiud", day),
        ("Aiud", "/stiri/aiud/", day),
        ("R1", "/rubrica", day),
        ("R2", "/rubrica/", day),
    ]
    alba24 = outlet("alba24", site.serve_bytes("/rss", rss(site, items), RSS))
    summary = crawl_once(store, settings, alba24)
    with store.session() as session:
        urls = sorted(session.scalars(select(ArticleRow.url)))
    assert summary.new_articles == 3
    assert len(urls) == 3 and sum(url.endswith("/stiri/aiud") or url.endswith("/stiri/aiud/") for url in urls) == 1


# --- feed failures and their state ----------------------------------------------------------------


def test_retry_after_defers_the_feed_without_counting_an_error(
    site: Site, any_store: Store, settings: Settings
) -> None:
    url = site.serve_bytes("/rss", b"", status=429, headers={"Retry-After": "120"})
    alba24 = outlet("alba24", url)
    summary = crawl_once(any_store, settings, alba24)
    assert (summary.deferred, summary.failed, summary.feeds_ok) == (1, 0, 0)
    state = feed_row(any_store, url)
    assert (state.error_count, state.last_error, state.last_status, state.last_http_status) == (
        0,
        None,
        "retry_later",
        429,
    )
    assert state.next_check_at == NOW + timedelta(seconds=120)
    crawl_once(any_store, settings, alba24, now=NOW + timedelta(seconds=60), due_only=True)
    assert site.hits("/rss") == 1  # not due yet
    crawl_once(any_store, settings, alba24, now=NOW + timedelta(seconds=121), due_only=True)
    assert site.hits("/rss") == 2


def test_a_manual_crawl_honours_retry_after_and_backoff_unless_forced(
    site: Site, store: Store, settings: Settings
) -> None:
    deferring = outlet("alba24", site.serve_bytes("/rss", b"", status=429, headers={"Retry-After": "3600"}))
    failing = outlet("unirea", site.serve_bytes("/broken", b"", status=500))
    crawl_once(store, settings, deferring, failing)
    later = NOW + timedelta(minutes=1)
    manual = crawl_once(store, settings, deferring, failing, now=later)  # `monitor crawl --once`: not due_only
    assert (site.hits("/rss"), site.hits("/broken")) == (1, 1)  # neither was asked again
    assert manual.deferred == 2 and manual.failed == 0
    forced = crawl_once(store, settings, deferring, failing, now=later, force=True)
    assert (site.hits("/rss"), site.hits("/broken")) == (2, 2) and forced.failed == 1


def test_failures_back_off_geometrically_up_to_the_cap_and_the_feed_is_never_disabled(
    site: Site, store: Store, settings: Settings
) -> None:
    url = site.serve_bytes("/rss", b"", status=500)
    alba24 = outlet("alba24", url)
    now, delays = NOW, []
    for attempt in range(1, 10):
        summary = crawl_once(store, settings, alba24, now=now, due_only=True)
        assert summary.failed == 1 and site.hits("/rss") == attempt
        state = feed_row(store, url)
        assert (state.error_count, state.last_error, state.last_status) == (attempt, "HTTP 500", "failed")
        assert state.next_check_at is not None
        delays.append(state.next_check_at - now)
        now = state.next_check_at
    base, cap = settings.backoff_base, settings.backoff_cap
    assert base * 0.8 <= delays[0] <= base * 1.2
    assert base * 1.6 <= delays[1] <= base * 2.4
    assert all(delay <= cap for delay in delays) and delays[-1] == cap

    serve_file(site, "articles/prefect-scoala.html", "text/html; charset=utf-8")
    site.serve_bytes("/rss", rss(site, [("Școala", "/articles/prefect-scoala.html", None)]), RSS)
    assert crawl_once(store, settings, alba24, now=now, due_only=True).new_articles == 1
    state = feed_row(store, url)
    assert (state.error_count, state.last_error, state.last_status) == (0, None, "ok")


def test_backoff_never_exceeds_the_cap_however_many_failures(settings: Settings) -> None:
    rng = random.Random(7)
    assert backoff_delay(settings, 10_000, rng) == settings.backoff_cap
    assert all(backoff_delay(settings, n, rng) <= settings.backoff_cap for n in range(1, 40))


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("slow", "termen depășit: răspunsul nu s-a încheiat în 0.5 s"),
        ("oversized", "răspunsul depășește limita de mărime (300000 > 100000 octeți)"),
        ("gzip-bomb", "răspunsul depășește limita de mărime"),
        ("private-redirect", "adresă nepublică refuzată: 10.0.0.1"),
        ("server-error", "HTTP 500"),
        ("html", "răspunsul este o pagină HTML, nu un flux RSS/Atom"),
        ("json", "răspunsul este JSON, nu un flux RSS/Atom"),
        ("empty", "flux gol: răspunsul nu are conținut"),
    ],
)
def test_a_failing_feed_stores_nothing_and_records_why(
    site: Site, store: Store, settings: Settings, case: str, error: str
) -> None:
    routes: dict[str, Callable[[], str]] = {
        "slow": lambda: site.serve_trickle("/rss", RSS),
        "oversized": lambda: site.serve_bytes("/rss", b"<rss>" + b" " * 299_995, RSS),
        "gzip-bomb": lambda: site.serve_bytes(
            "/rss", gzip.compress(b" " * 8_000_000), RSS, headers={"Content-Encoding": "gzip"}
        ),
        "private-redirect": lambda: site.serve_bytes("/rss", b"", status=302, headers={"Location": "http://10.0.0.1/"}),
        "server-error": lambda: site.serve_bytes("/rss", b"", status=500),
        "html": lambda: site.serve_bytes("/rss", b"<!DOCTYPE html><html><body><h1>Alba24</h1></body></html>"),
        "json": lambda: site.serve_bytes(
            "/rss", b'{"version": "https://jsonfeed.org/version/1.1"}', "application/json"
        ),
        "empty": lambda: site.serve_bytes("/rss", b"", RSS),
    }
    url = routes[case]()
    limited = replace(settings, request_deadline=0.5, max_body_bytes=100_000)
    summary = crawl_once(store, limited, outlet("alba24", url))
    assert (summary.failed, summary.feeds_ok, summary.new_articles) == (1, 0, 0)
    assert count(store, ArticleRow) == 0
    state = feed_row(store, url)
    assert (state.error_count, state.last_error, state.last_status, state.etag) == (1, error, "failed", None)
    assert state.last_success_at is None and state.next_check_at is not None and state.next_check_at > NOW


# --- text: charsets, cedillas, fallbacks, dates -------------------------------------------------------


def test_romanian_charsets_and_cedillas_are_stored_right(site: Site, any_store: Store, settings: Settings) -> None:
    newsroom(site)
    radio = outlet("radio-alba", site.url("/feeds/radio-cp1250.xml"))
    stiri = outlet("stiri-alba", site.url("/feeds/cedilla.xml"))
    summary = crawl_once(any_store, settings, radio, stiri)
    assert (summary.feeds_ok, summary.new_articles) == (2, 2)
    stored = articles(any_store)
    winter = stored["articles/iarna-8859-16.html"]  # windows-1250 feed sent as "UTF-8"; ISO-8859-16 page, no charset
    assert fold(winter.title) == "Ședință la Prefectură: pregătiri pentru sezonul de iarnă"  # the feed is cp1250
    assert winter.extraction == Extraction.PAGE.value
    assert winter.lead == (
        "Comitetul Județean pentru Situații de Urgență Alba s-a întrunit joi la sediul Prefecturii "
        "pentru a analiza pregătirile pentru sezonul rece."
    )
    hospital = stored["articles/spital-cedilla.html"]  # UTF-8 with cedilla letters
    assert CEDILLAS & set(hospital.title + hospital.text)  # shown as the outlet wrote it
    assert fold(hospital.title) == "Spitalul Județean primește aparatură nouă"
    assert "Spitalul Județean de Urgență Alba Iulia" in fold(hospital.text)


def test_page_redirected_to_a_private_address_keeps_the_summary(site: Site, store: Store, settings: Settings) -> None:
    site.serve_bytes("/articles/moved", b"", status=301, headers={"Location": "http://169.254.169.254/latest/"})
    url = site.serve_bytes("/rss", rss(site, [("Mutat", "/articles/moved", "Sat, 21 Nov 2026 08:00:00 GMT")]), RSS)
    summary = crawl_once(store, settings, outlet("alba24", url))
    assert (summary.feeds_ok, summary.new_articles) == (1, 1)
    (row,) = articles(store).values()
    assert (row.extraction, row.text) == (Extraction.SUMMARY.value, "Rezumat: Mutat.")


def test_robots_txt_keeps_pages_unfetched(site: Site, store: Store, settings: Settings) -> None:
    site.serve_bytes("/robots.txt", b"User-agent: *\nDisallow: /articles/\n", "text/plain")
    serve_file(site, "articles/prefect-scoala.html", "text/html; charset=utf-8")
    url = site.serve_bytes("/rss", rss(site, [("Școala", "/articles/prefect-scoala.html", None)]), RSS)
    assert crawl_once(store, settings, outlet("alba24", url)).new_articles == 1
    (row,) = articles(store).values()
    assert row.extraction == Extraction.SUMMARY.value
    assert hits(site, "/articles/prefect-scoala.html") == 0 and site.hits("/rss") == 1  # feeds ignore robots.txt


def test_dates_in_the_future_are_clamped(site: Site, store: Store, settings: Settings) -> None:
    items = [
        ("Viitor", "/a/viitor", "Fri, 01 Jan 2027 10:00:00 GMT"),
        ("Curând", "/a/curand", "Sun, 22 Nov 2026 10:30:00 GMT"),
    ]
    url = site.serve_bytes("/rss", rss(site, items), RSS)
    crawl_once(store, settings, outlet("alba24", url))
    stored = articles(store)
    assert (stored["a/viitor"].date_source, stored["a/viitor"].published_at) == (DateSource.CLAMPED.value, NOW)
    assert (stored["a/curand"].date_source, stored["a/curand"].published_at) == (
        DateSource.FEED.value,
        NOW + timedelta(minutes=30),
    )


# --- configuration sync, selection and the command -------------------------------------------------------


def test_sync_outlets_upserts_and_keeps_feed_state(store: Store) -> None:
    sync_outlets(store, Sources(outlets=(outlet("alba24", "https://alba24.ro/rss"),)))
    with store.session() as session:
        session.scalars(select(FeedRow)).one().etag = '"kept"'
    changed = Outlet(
        id="alba24", name="Alba24.ro", kind="local", county="Alba", feeds=("https://alba24.ro/rss",), enabled=False
    )
    sync_outlets(store, Sources(outlets=(changed,)))
    with store.session() as session:
        row = session.get_one(OutletRow, "alba24")
        assert (row.name, row.enabled, row.county) == ("Alba24.ro", False, "Alba")
        assert session.scalars(select(FeedRow.etag)).one() == '"kept"'


def test_only_and_disabled_outlets_select_the_feeds(site: Site, store: Store, settings: Settings) -> None:
    newsroom(site)
    alba24 = outlet("alba24", site.url("/feeds/alba24.xml"))
    unirea = outlet("unirea", site.url("/feeds/unirea.xml"))
    assert crawl_once(store, settings, alba24, unirea, only={"unirea"}).feeds_ok == 1
    assert site.hits("/feeds/alba24.xml") == 0
    assert crawl_once(store, settings, alba24.model_copy(update={"enabled": False}), unirea).feeds_ok == 1
    assert site.hits("/feeds/alba24.xml") == 0
    with pytest.raises(KeyError, match="nu-exista"):
        crawl_once(store, settings, alba24, only={"nu-exista"})


def write_sources(path: Path, site: Site) -> Path:
    alba24, unirea = site.url("/feeds/alba24.xml"), site.url("/feeds/unirea.xml")
    path.write_text(
        "outlets:\n"
        f"  - {{id: alba24, name: Alba24, kind: local, county: Alba, feeds: ['{alba24}']}}\n"
        f"  - {{id: unirea, name: Unirea, kind: local, county: Alba, feeds: ['{unirea}']}}\n",
        encoding="utf-8",
    )
    return path


def test_crawl_command_prints_a_romanian_summary(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newsroom(site)
    monkeypatch.setenv("MONITOR_SOURCES", str(write_sources(tmp_path / "sources.yaml", site)))
    monkeypatch.setenv("MONITOR_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("MONITOR_ALLOW_HOSTS", site.base.removeprefix("http://"))
    runner = CliRunner()
    result = runner.invoke(cli, ["crawl", "--once", "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "Fluxuri: 2 ok, 0 nemodificate, 0 eșuate. Articole noi: 4. Duplicate: 1." in result.output
    # which feed meets the shared story first depends on timing: it is new in one, a duplicate in the other
    lines = {
        line.partition(".xml: ")[2] for line in result.output.splitlines() if line.startswith(("alba24 ", "unirea "))
    }
    assert lines in (
        {"ok, 3 articole noi, 0 duplicate", "ok, 1 articol nou, 1 duplicat"},
        {"ok, 2 articole noi, 1 duplicat", "ok, 2 articole noi, 0 duplicate"},
    )
    assert "Profilul alba: 4 articole analizate." in result.output  # the stage after the crawl
    assert "Arhiva de căutare" not in result.output  # indexed as they were written: nothing left to index
    again = runner.invoke(cli, ["crawl", "--once", "--workers", "0", "--source", "unirea"])
    assert "Fluxuri: 1 ok, 0 nemodificate, 0 eșuate. Articole noi: 0. Duplicate: 0." in again.output
    unknown = runner.invoke(cli, ["crawl", "--once", "--source", "nu-exista"])
    assert unknown.exit_code == 1 and "Publicație necunoscută în sources.yaml: nu-exista" in unknown.output


def test_crawl_command_indexes_an_older_archive_once_before_crawling(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article stored without its search form (an archive from an older version, an import) is indexed when the
    command starts; the crawl writes each new article's form with it, so no cycle looks for missing ones."""
    newsroom(site)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MONITOR_SOURCES", str(write_sources(tmp_path / "sources.yaml", site)))
    monkeypatch.setenv("MONITOR_DATABASE_URL", url)
    monkeypatch.setenv("MONITOR_ALLOW_HOSTS", site.base.removeprefix("http://"))
    store = Store(url)
    with store.session() as session:
        session.add(OutletRow(id="arhiva", name="Arhiva veche", kind="local", county="Alba", reach=1000))
        session.flush()
        old = add_article(session, "arhiva", "Podul de la Blaj, redeschis", "Podul a fost redeschis azi.", NOW).id
    runner = CliRunner()
    first = runner.invoke(cli, ["crawl", "--once", "--workers", "0", "--no-analyze"])
    assert first.exit_code == 0, first.output
    assert "Arhiva de căutare: 1 articol indexat." in first.output
    with store.session() as session:
        indexed = set(session.scalars(select(ArticleSearchRow.article_id)))
        stored = set(session.scalars(select(ArticleRow.id)))
    assert old in indexed and indexed == stored  # the old article, and every crawled one as it was written
    again = runner.invoke(cli, ["crawl", "--once", "--workers", "0", "--no-analyze"])
    assert again.exit_code == 0 and "Arhiva de căutare" not in again.output
    store.close()


# --- killed mid-run ---------------------------------------------------------------------------------


def _run_crawl(tmp_path: Path, sources: Path, database_url: str, site: Site) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MONITOR_SOURCES": str(sources),
        "MONITOR_DATABASE_URL": database_url,
        "MONITOR_DATA_DIR": str(tmp_path / "data"),
        "MONITOR_ALLOW_HOSTS": site.base.removeprefix("http://"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "crawl", "--once"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill reaches the extraction workers too
    )


def _snapshot(store: Store) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]], list[str]]:
    with store.session() as session:
        rows = [
            (a.url, a.title, a.text, a.extraction) for a in session.scalars(select(ArticleRow).order_by(ArticleRow.url))
        ]
        links = sorted(
            (url, feed)
            for url, feed in session.execute(
                select(ArticleRow.url, FeedRow.url)
                .join(ArticleSourceRow, ArticleSourceRow.article_id == ArticleRow.id)
                .join(FeedRow, FeedRow.id == ArticleSourceRow.feed_id)
            )
        )
        urls = sorted(session.scalars(select(ArticleUrlRow.url)))
    return rows, links, urls


def test_a_crawl_killed_mid_run_resumes_without_duplicates_or_losses(
    site: Site, any_store: Store, settings: Settings, tmp_path: Path
) -> None:
    """`monitor crawl --once` SIGKILLed while pages are in flight; a rerun completes it, equal to a clean run."""
    newsroom(site)
    page = (SITE_DIR / "articles/prefect-scoala.html").read_text(encoding="utf-8")
    release, blocked = threading.Event(), threading.Semaphore(0)

    def story(n: int) -> Callable[[BaseHTTPRequestHandler], None]:
        body = page.replace("Sebeș", f"Sebeș ({n})").encode()

        def handler(request: BaseHTTPRequestHandler) -> None:
            if n > 4 and not release.is_set():
                blocked.release()
                release.wait(60)  # a slow newsroom: these pages hang until the test lets them go
            with suppress(BrokenPipeError, ConnectionResetError):  # the killed crawler has hung up
                request.send_response(200)
                request.send_header("Content-Type", "text/html; charset=utf-8")
                request.send_header("Content-Length", str(len(body)))
                request.end_headers()
                request.wfile.write(body)

        return handler

    items = [(f"Știrea {n}", f"/stiri/{n}?utm_source=rss", None) for n in range(1, 11)]
    for n in range(1, 11):
        site.add(f"/stiri/{n}", story(n))
    site.serve_bytes("/feeds/alba24.xml", rss(site, items), RSS, headers={"ETag": '"v1"'})
    sources = write_sources(tmp_path / "sources.yaml", site)

    killed = _run_crawl(tmp_path, sources, any_store.url, site)
    try:
        for _ in range(2):  # two pages are hanging: the first four are fetched and being stored
            assert blocked.acquire(timeout=60), "the crawl never reached the slow pages"
    finally:
        os.killpg(killed.pid, signal.SIGKILL)
        killed.wait(30)
    assert killed.returncode == -signal.SIGKILL

    feed = feed_row(any_store, site.url("/feeds/alba24.xml"))
    assert (feed.etag, feed.last_success_at) == (None, None)  # the feed is not done: its ETag is not saved
    rows, links, _ = _snapshot(any_store)
    assert len(rows) < 12  # 10 stories + 2 from unirea; some are missing
    assert {url for url, *_ in rows} == {url for url, _ in links}  # every stored article has its source row

    release.set()
    config = load_sources(sources)
    rerun = crawl_sync(any_store, config, settings)
    assert (rerun.feeds_ok, rerun.failed) == (2, 0)
    clean_store = Store(f"sqlite:///{tmp_path / 'clean.db'}")
    try:
        crawl_sync(clean_store, config, settings)
        assert _snapshot(any_store) == _snapshot(clean_store)
    finally:
        clean_store.close()
    rows, links, _ = _snapshot(any_store)
    assert len(rows) == len(links) == 12
    assert feed_row(any_store, site.url("/feeds/alba24.xml")).etag == '"v1"'


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 articole noi"),
        (1, "1 articol nou"),
        (7, "7 articole noi"),
        (20, "20 de articole noi"),
        (101, "101 articole noi"),
    ],
)
def test_feed_lines_count_in_romanian(count: int, text: str) -> None:
    assert count_ro(count, "articol nou", "articole noi") == text


def test_a_page_past_its_extraction_time_limit_costs_its_own_text_only(
    site: Site, store: Store, settings: Settings
) -> None:
    """A 3 MB table page in a worker process with a 0.5 s limit: that article keeps its feed summary and is marked
    failed; the other pages of the cycle are extracted; the feed is not in error."""
    cells = "".join(f"<td>celula {n} din tabelul primăriei</td>" for n in range(40))
    table = f"<html><body><table>{f'<tr>{cells}</tr>' * 3000}</table></body></html>".encode()
    site.serve_bytes("/tabel", table)
    normal = _article_html("Prefectul la Aiud", "Prefectul Horia Vlădescu a vizitat șantierul de la Aiud.")
    site.serve_bytes("/stiri/aiud", normal)
    day = "Fri, 20 Nov 2026 07:15:00 GMT"
    feed = site.serve_bytes("/rss", rss(site, [("Tabel", "/tabel", day), ("Aiud", "/stiri/aiud", day)]), RSS)
    with ExtractionPool(1, timeout=0.5) as pool:
        summary = crawl_once(store, settings, outlet("alba24", feed), pool=pool)
    assert (summary.failed, summary.new_articles) == (0, 2)
    stored = {row.title: row for row in articles(store).values()}
    assert stored["Tabel"].extraction == Extraction.FAILED.value and stored["Tabel"].text == "Rezumat: Tabel."
    assert stored["Aiud"].extraction == Extraction.PAGE.value and "șantierul" in stored["Aiud"].text
    assert feed_row(store, feed).error_count == 0


def test_extraction_workers_die_with_a_killed_crawl(site: Site, tmp_path: Path) -> None:
    """SIGKILL to `monitor crawl` alone (not its process group) while a worker is busy on a big page: the workers
    go with it at once, none is left to finish on its own."""
    cells = "".join(f"<td>celula {n} din tabelul primăriei</td>" for n in range(40))
    site.serve_bytes("/tabel", f"<html><body><table>{f'<tr>{cells}</tr>' * 6000}</table></body></html>".encode())
    feed = site.serve_bytes("/feeds/alba24.xml", rss(site, [("Tabel", "/tabel", None)]), RSS)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"outlets:\n  - id: alba24\n    name: Alba24\n    kind: local\n    county: Alba\n    feeds: ['{feed}']\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "MONITOR_SOURCES": str(sources),
        "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'kill.db'}",
        "MONITOR_ALLOW_HOSTS": site.base.removeprefix("http://"),
    }
    crawl = subprocess.Popen([sys.executable, "-m", "monitor", "crawl", "--once", "--workers", "1"], cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 60
        busy: list[int] = []
        while time.monotonic() < deadline and not busy:
            busy = [pid for pid in _children(crawl.pid) if _cpu_ticks(pid) > 20]  # a worker extracting the table
            time.sleep(0.05)
        assert busy, f"no worker got busy: {_children(crawl.pid)}"
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.wait(10)
        time.sleep(1.0)  # the table takes seconds more to extract: a worker still alive now was orphaned
        assert not [pid for pid in busy if _alive(pid)], "an extraction worker outlived the crawl"
    finally:
        if crawl.poll() is None:
            crawl.kill()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
