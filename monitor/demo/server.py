"""The demo newsroom on 127.0.0.1 (a free port), publishing over simulated time.

Feeds and pages show only what was published before the newsroom's simulated clock; feeds answer conditional
GET (ETag, Last-Modified, 304) the way each outlet's CMS does, so the crawler's real code paths run.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from monitor.demo.newsroom import FEED_ITEMS, DemoOutlet, Newsroom
from monitor.demo.pages import PAGE_BYTES, render_feed, render_home, render_page

log = logging.getLogger(__name__)

ROBOTS = b"User-agent: *\nDisallow: /admin/\nAllow: /\n"


class NewsroomServer:
    """Serves a Newsroom; set `now` to move the simulated clock (feeds and pages follow it)."""

    def __init__(
        self, newsroom: Newsroom, *, now: datetime, page_bytes: int = PAGE_BYTES, feed_items: int = FEED_ITEMS
    ) -> None:
        self.newsroom = newsroom
        self.page_bytes = page_bytes
        self.feed_items = feed_items
        self._now = now
        self._lock = threading.Lock()
        self.statuses: Counter[int] = Counter()  # HTTP statuses answered, for the demo's summary
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._feeds = {outlet.feed_url_path: outlet for outlet in newsroom.outlets}
        self._homes = {f"/{outlet.id}/": outlet for outlet in newsroom.outlets}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def now(self) -> datetime:
        with self._lock:
            return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError("the newsroom's clock needs an aware datetime")
        with self._lock:
            self._now = value

    def count(self, status: int) -> None:
        with self._lock:
            self.statuses[status] += 1

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="newsroom", daemon=True)
        self._thread.start()
        log.info("demo newsroom serving %d outlets at %s", len(self.newsroom.outlets), self.base_url)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

    def respond(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The answer to GET `path` at the simulated now: status, headers, body."""
        now = self.now
        route = path.split("?", 1)[0]
        if route == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, ROBOTS
        outlet = self._feeds.get(route)
        if outlet is not None:
            return self._feed(outlet, now, headers)
        outlet = self._homes.get(route)
        if outlet is not None:
            return (
                200,
                {"Content-Type": f"text/html; charset={outlet.charset}"},
                render_home(self.newsroom, outlet, now),
            )
        article = self.newsroom.article_at(route)
        if article is None or article.published_at > now:
            return 404, {"Content-Type": "text/plain"}, b"Pagina nu exista.\n"
        outlet = self.newsroom.outlet(article.outlet_id)
        body = render_page(self.newsroom, article, size=self.page_bytes)
        return (
            200,
            {"Content-Type": f"text/html; charset={outlet.charset}", **_validators(outlet, body, article.published_at)},
            body,
        )

    def _feed(self, outlet: DemoOutlet, now: datetime, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        body, newest = render_feed(self.newsroom, outlet, now, self.base_url, items=self.feed_items)
        kind = "application/atom+xml" if outlet.feed == "atom" else "application/rss+xml"
        validators = _validators(outlet, body, newest or self.newsroom.start)
        if _not_modified(validators, headers):
            return 304, validators, b""
        return 200, {"Content-Type": f"{kind}; charset={outlet.charset}", **validators}, body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                status, headers, body = server.respond(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.count(status)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


def _validators(outlet: DemoOutlet, body: bytes, modified: datetime) -> dict[str, str]:
    """ETag and/or Last-Modified, as this outlet's CMS sends them."""
    headers = {}
    if outlet.caching in ("etag", "both"):
        headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    if outlet.caching in ("last-modified", "both"):
        headers["Last-Modified"] = format_datetime(modified.replace(microsecond=0), usegmt=True)
    return headers


def _not_modified(validators: dict[str, str], request: dict[str, str]) -> bool:
    etag = validators.get("ETag")
    if etag and "if-none-match" in request:
        return etag in (tag.strip() for tag in request["if-none-match"].split(","))
    modified = validators.get("Last-Modified")
    since = request.get("if-modified-since")
    if modified and since:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


@contextmanager
def serve(
    newsroom: Newsroom, *, now: datetime, page_bytes: int = PAGE_BYTES, feed_items: int = FEED_ITEMS
) -> Iterator[NewsroomServer]:
    """A started NewsroomServer, stopped on exit (benchmarks: a large `feed_items` lists a whole month at once)."""
    server = NewsroomServer(newsroom, now=now, page_bytes=page_bytes, feed_items=feed_items)
    server.start()
    try:
        yield server
    finally:
        server.stop()
