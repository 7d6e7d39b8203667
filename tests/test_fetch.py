"""The hardened fetch against a real HTTP server on 127.0.0.1: limits, redirects, politeness, outcomes."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from collections.abc import Coroutine
from dataclasses import replace
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from monitor.crawl.fetch import Fetcher
from monitor.errors import ConfigError
from monitor.record import FetchOutcome, FetchStatus
from monitor.settings import Settings
from tests.conftest import Site


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


async def fetch(settings: Settings, url: str, **options: Any) -> FetchOutcome:
    """One fetch by a new Fetcher with a robots.txt memory of its own (the process-wide one outlives a test)."""
    async with Fetcher(settings, robots={}) as fetcher:
        return await fetcher.fetch(url, **options)


def redirect(site: Site, path: str, location: str) -> str:
    return site.serve_bytes(path, b"", status=302, headers={"Location": location})


def test_ok_carries_body_validators_and_charset(site: Site, settings: Settings) -> None:
    url = site.serve_bytes(
        "/feed.xml",
        "<rss>știri</rss>".encode(),
        "application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Sat, 21 Nov 2026 10:00:00 GMT"},
    )
    outcome = run(fetch(settings, url))
    assert outcome.status is FetchStatus.OK
    assert (outcome.body, outcome.http_status, outcome.final_url) == ("<rss>știri</rss>".encode(), 200, url)
    assert (outcome.etag, outcome.last_modified, outcome.charset) == ('"v1"', "Sat, 21 Nov 2026 10:00:00 GMT", "utf-8")
    assert site.requests[0][1]["user-agent"] == settings.user_agent


def test_conditional_get_gives_not_modified(site: Site, settings: Settings) -> None:
    def handler(request: BaseHTTPRequestHandler) -> None:
        fresh = request.headers.get("If-None-Match") == '"v1"'
        request.send_response(304 if fresh else 200)
        request.send_header("ETag", '"v1"')
        request.send_header("Content-Length", "0" if fresh else "5")
        request.end_headers()
        if not fresh:
            request.wfile.write(b"<rss>")

    url = site.add("/feed.xml", handler)
    outcome = run(fetch(settings, url, etag='"v1"', last_modified="Sat, 21 Nov 2026 10:00:00 GMT"))
    assert (outcome.status, outcome.http_status, outcome.body) == (FetchStatus.NOT_MODIFIED, 304, b"")
    headers = site.requests[0][1]
    assert (headers["if-none-match"], headers["if-modified-since"]) == ('"v1"', "Sat, 21 Nov 2026 10:00:00 GMT")


def test_gzip_body_is_decoded(site: Site, settings: Settings) -> None:
    url = site.serve_bytes("/z", gzip.compress("Știri comprimate".encode()), headers={"Content-Encoding": "gzip"})
    outcome = run(fetch(settings, url))
    assert (outcome.status, outcome.body) == (FetchStatus.OK, "Știri comprimate".encode())
    assert site.requests[0][1]["accept-encoding"] == "gzip, deflate"


def test_redirects_are_followed_hop_by_hop(site: Site, settings: Settings) -> None:
    final = site.serve_bytes("/final", b"ok")
    redirect(site, "/two", "/final")
    first = redirect(site, "/one", site.url("/two"))
    outcome = run(fetch(settings, first))
    assert (outcome.status, outcome.url, outcome.final_url, outcome.body) == (FetchStatus.OK, first, final, b"ok")
    assert [path for path, _ in site.requests] == ["/one", "/two", "/final"]


def test_redirect_loop_stops(site: Site, settings: Settings) -> None:
    url = redirect(site, "/loop", "/loop")
    outcome = run(fetch(settings, url))
    assert outcome.status is FetchStatus.FAILED and "prea multe redirecționări" in (outcome.error or "")
    assert site.hits("/loop") == 6


@pytest.mark.parametrize(
    ("location", "refused"),
    [
        ("http://10.0.0.1:9/admin", "10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://192.168.1.1/", "192.168.1.1"),
        ("http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1"),
        ("http://0.0.0.0:9/", "0.0.0.0"),
    ],
)
def test_redirect_to_a_private_address_is_refused_before_connecting(
    site: Site, settings: Settings, location: str, refused: str
) -> None:
    # A connection attempt to these addresses would hang until the deadline; the refusal comes first.
    url = redirect(site, "/go", location)
    outcome = run(fetch(replace(settings, request_deadline=5.0), url))
    assert outcome.status is FetchStatus.FAILED
    assert outcome.error == f"adresă nepublică refuzată: {refused}"


def test_loopback_is_refused_without_the_allow_list(site: Site, settings: Settings) -> None:
    url = site.serve_bytes("/feed.xml", b"<rss/>")
    outcome = run(fetch(replace(settings, allow_hosts=frozenset()), url))
    assert (outcome.status, outcome.error) == (FetchStatus.FAILED, "adresă nepublică refuzată: 127.0.0.1")
    assert site.requests == []  # never connected


def test_the_allow_list_names_host_and_port(site: Site, settings: Settings) -> None:
    """With the site's 127.0.0.1:PORT allowed, a redirect to another local port, or a name that resolves to the
    same address, is still refused."""
    port = int(site.base.rpartition(":")[2])
    elsewhere = redirect(site, "/to-another-port", f"http://127.0.0.1:{port + 1}/admin")
    outcome = run(fetch(settings, elsewhere))
    assert (outcome.status, outcome.error) == (FetchStatus.FAILED, "adresă nepublică refuzată: 127.0.0.1")
    by_name = site.serve_bytes("/feed.xml", b"<rss/>").replace("127.0.0.1", "localhost")
    outcome = run(fetch(settings, by_name))
    assert outcome.status is FetchStatus.FAILED and outcome.error.startswith("adresă nepublică refuzată: localhost")
    assert site.hits("/feed.xml") == 0  # refused before connecting


def test_an_allow_list_entry_without_a_port_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"MONITOR_ALLOW_HOSTS: «127\.0\.0\.1» trebuie să numească gazda și portul"):
        Settings.from_env({"MONITOR_ALLOW_HOSTS": "127.0.0.1"})


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/feed", "file:///etc/passwd"])
def test_only_http_and_https(settings: Settings, url: str) -> None:
    outcome = run(fetch(settings, url))
    assert outcome.status is FetchStatus.FAILED and (outcome.error or "").startswith("schemă nepermisă")


def test_redirect_to_another_scheme_is_refused(site: Site, settings: Settings) -> None:
    outcome = run(fetch(settings, redirect(site, "/go", "file:///etc/passwd")))
    assert outcome.status is FetchStatus.FAILED and (outcome.error or "").startswith("schemă nepermisă: file")


def test_a_trickling_server_hits_the_total_deadline(site: Site, settings: Settings) -> None:
    url = site.serve_trickle("/slow")  # each read is quick, the whole never ends in time
    outcome = run(fetch(replace(settings, request_deadline=0.5), url))
    assert outcome.status is FetchStatus.FAILED
    assert outcome.error == "termen depășit: răspunsul nu s-a încheiat în 0.5 s"


def test_declared_oversized_body_is_refused(site: Site, settings: Settings) -> None:
    url = site.serve_bytes("/big", b"x" * 50_000)
    outcome = run(fetch(replace(settings, max_body_bytes=10_000), url))
    assert outcome.status is FetchStatus.FAILED and "depășește limita de mărime" in (outcome.error or "")


def test_undeclared_oversized_body_stops_at_the_cap(site: Site, settings: Settings) -> None:
    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Connection", "close")
        request.end_headers()
        for _ in range(100):
            try:
                request.wfile.write(b"y" * 4096)
            except OSError:
                return

    url = site.add("/stream", endless)
    outcome = run(fetch(replace(settings, max_body_bytes=20_000), url))
    assert outcome.status is FetchStatus.FAILED and "depășește limita de mărime" in (outcome.error or "")


def test_gzip_bomb_stops_at_the_cap(site: Site, settings: Settings) -> None:
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    url = site.serve_bytes("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    outcome = run(fetch(replace(settings, max_body_bytes=1024 * 1024), url))
    assert (outcome.status, outcome.error) == (FetchStatus.FAILED, "răspunsul depășește limita de mărime")


@pytest.mark.parametrize(
    ("status", "retry_after", "expected", "seconds"),
    [
        (429, "120", FetchStatus.RETRY_LATER, 120.0),
        (429, None, FetchStatus.RETRY_LATER, None),
        (503, "30", FetchStatus.RETRY_LATER, 30.0),
        (503, None, FetchStatus.FAILED, None),
        (500, "30", FetchStatus.FAILED, None),
    ],
)
def test_retry_after(
    site: Site, settings: Settings, status: int, retry_after: str | None, expected: FetchStatus, seconds: float | None
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    url = site.serve_bytes("/busy", b"", status=status, headers=headers)
    outcome = run(fetch(settings, url))
    assert (outcome.status, outcome.http_status, outcome.retry_after) == (expected, status, seconds)


def test_retry_after_as_an_http_date(site: Site, settings: Settings) -> None:
    url = site.serve_bytes("/busy", b"", status=503, headers={"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"})
    outcome = run(fetch(settings, url))
    assert outcome.status is FetchStatus.RETRY_LATER and (outcome.retry_after or 0) > 3600


def test_robots_txt_is_honoured_for_pages_and_read_once(site: Site, settings: Settings) -> None:
    site.serve_bytes("/robots.txt", b"User-agent: PresaMonitor\nDisallow: /privat/\n", "text/plain")
    site.serve_bytes("/privat/a", b"secret")
    allowed = [site.serve_bytes(f"/stiri/{n}", b"ok") for n in range(3)]

    async def go() -> list[FetchOutcome]:
        async with Fetcher(settings, robots={}) as fetcher:
            pages = [fetcher.fetch(url, check_robots=True) for url in [site.url("/privat/a"), *allowed]]
            return list(await asyncio.gather(*pages))

    refused, *fetched = run(go())
    assert (refused.status, refused.error) == (FetchStatus.FAILED, "robots.txt nu permite această pagină")
    assert all(outcome.status is FetchStatus.OK for outcome in fetched)
    assert (site.hits("/robots.txt"), site.hits("/privat/a")) == (1, 0)


def test_unreachable_robots_txt_disallows_pages_but_a_missing_one_allows(site: Site, settings: Settings) -> None:
    page = site.serve_bytes("/a", b"ok")
    assert run(fetch(settings, page, check_robots=True)).status is FetchStatus.OK  # robots.txt is 404
    site.serve_bytes("/robots.txt", b"", status=500)
    assert run(fetch(settings, page, check_robots=True)).status is FetchStatus.FAILED
    assert run(fetch(settings, page)).status is FetchStatus.OK  # feeds do not ask robots.txt


def test_a_hanging_robots_txt_is_asked_once_and_its_pages_wait_with_backoff(site: Site, settings: Settings) -> None:
    def hang(request: BaseHTTPRequestHandler) -> None:
        site.closing.wait(10)  # never answers within the deadline

    site.add("/robots.txt", hang)
    pages = [site.serve_bytes(f"/stiri/{n}", b"ok") for n in range(30)]
    settings = replace(settings, request_deadline=1.0)
    memory: dict[str, Any] = {}

    async def crawl() -> list[FetchOutcome]:
        async with Fetcher(settings, robots=memory) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(url, check_robots=True) for url in pages)))

    started = time.monotonic()
    first = run(crawl())
    assert time.monotonic() - started < 5  # one robots deadline, not one per page (30 s)
    assert all(o.status is FetchStatus.FAILED and "robots.txt nu a răspuns în 1 s" in (o.error or "") for o in first)
    second = run(crawl())  # the next cycle, within the backoff: robots.txt is not asked again
    assert all(o.status is FetchStatus.FAILED for o in second)
    assert site.hits("/robots.txt") == 1 and all(site.hits(f"/stiri/{n}") == 0 for n in range(30))


def test_per_host_concurrency_limit(site: Site, settings: Settings) -> None:
    lock = threading.Lock()
    active = {"now": 0, "max": 0}
    release = threading.Event()

    def slow(request: BaseHTTPRequestHandler) -> None:
        with lock:
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
        release.wait(0.2)  # hold the slot a little so that overlapping requests would show
        with lock:
            active["now"] -= 1
        request.send_response(200)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")

    site.add("/p", slow)

    async def go() -> list[FetchOutcome]:
        async with Fetcher(replace(settings, per_host_limit=2)) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch(site.url(f"/p?n={n}")) for n in range(6))))

    outcomes = run(go())
    assert all(outcome.status is FetchStatus.OK for outcome in outcomes)
    assert active["max"] == 2


@pytest.mark.parametrize("url", ["http://[::1/feed", "http:///feed"])
def test_malformed_urls_are_a_failed_outcome(settings: Settings, url: str) -> None:
    outcome = run(fetch(settings, url))
    assert outcome.status is FetchStatus.FAILED and (outcome.error or "").startswith("adresă invalidă")
