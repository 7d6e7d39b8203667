"""The crawl cycle: feeds -> entries -> pages -> extracted articles -> store, idempotent and safe to kill.

Each article is written with its URL and source rows in one transaction; a feed's ETag/Last-Modified are
saved only after all its entries are committed, so a run killed half-way re-reads the feed next time and
adds exactly what is missing. Feed failures back off geometrically (with jitter, capped) and are never
silently disabled; 429/503 with Retry-After defer the feed without counting an error.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import random
from collections.abc import Callable, Collection, Coroutine, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, ParamSpec, TypeVar
from urllib.parse import urlsplit, urlunsplit

from monitor.archive.search import search_form
from monitor.config import Outlet, Sources
from monitor.crawl.extract import Page, complete_article, extract_page
from monitor.crawl.feeds import FeedError, parse_feed
from monitor.crawl.fetch import Fetcher
from monitor.crawl.workers import ExtractionFailed, ExtractionPool
from monitor.deliver.render import BUCHAREST
from monitor.record import Article, FetchOutcome, FetchStatus
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.articles import ArticleWrite, known_articles, save_article
from monitor.store.feeds import (
    StoredFeed,
    record_deferred,
    record_failure,
    record_fetched,
    stored_feeds,
    sync_outlets,
)
from monitor.text import fold

log = logging.getLogger(__name__)
_P = ParamSpec("_P")
_R = TypeVar("_R")

_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FeedResult:
    """How one feed went in one cycle (for progress display and the summary)."""

    feed_url: str
    outlet_id: str
    status: FetchStatus
    new_articles: tuple[int, ...] = ()
    duplicates: int = 0
    error: str | None = None


@dataclass(frozen=True)
class CrawlSummary:
    """The totals of one crawl cycle."""

    feeds_ok: int = 0
    not_modified: int = 0
    failed: int = 0
    new_articles: int = 0
    duplicates: int = 0
    new_article_ids: tuple[int, ...] = ()
    deferred: int = 0  # 429/503 with Retry-After: not failures

    @classmethod
    def of(cls, results: Iterable[FeedResult]) -> CrawlSummary:
        results = list(results)
        ids = tuple(i for result in results for i in result.new_articles)
        return cls(
            feeds_ok=sum(r.status is FetchStatus.OK for r in results),
            not_modified=sum(r.status is FetchStatus.NOT_MODIFIED for r in results),
            failed=sum(r.status is FetchStatus.FAILED for r in results),
            new_articles=len(ids),
            duplicates=sum(r.duplicates for r in results),
            new_article_ids=ids,
            deferred=sum(r.status is FetchStatus.RETRY_LATER for r in results),
        )


@dataclass(frozen=True)
class _FeedState:
    id: int
    url: str
    outlet_id: str
    etag: str | None
    last_modified: str | None
    error_count: int
    poll: timedelta


def backoff_delay(settings: Settings, errors: int, rng: random.Random) -> timedelta:
    """Geometric backoff after `errors` consecutive failures, with ±20% jitter, capped."""
    raw = settings.backoff_base * (2 ** min(max(0, errors - 1), 30)) * rng.uniform(0.8, 1.2)
    return min(raw, settings.backoff_cap)


def content_hash(text: str) -> str:
    """The same text, whatever its spacing, case or cedilla spelling, hashes the same."""
    return hashlib.sha256(" ".join(fold(text).split()).casefold().encode("utf-8")).hexdigest()


def _slash_twin(url: str) -> str | None:
    """The address with its trailing slash toggled: the same page when the text is the same.
    (Not every slash is stripped: on some sites "/stiri" and "/stiri/" are different pages.)"""
    parts = urlsplit(url)
    if not parts.path or parts.path == "/":
        return None
    path = parts.path[:-1] if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit(parts._replace(path=path))


def _article_values(article: Article) -> dict[str, object]:
    assert article.published_at is not None, "complete_article sets the date"
    return {
        "url": article.url,
        "link": article.link,
        "outlet_id": article.outlet_id,
        "title": article.title,
        "author": article.author[:300] if article.author else None,
        "published_at": article.published_at,
        "date_source": article.date_source.value,
        "fetched_at": article.fetched_at,
        "text": article.text,
        "lead": article.lead,
        "summary": article.summary,
        "language": article.language,
        "content_hash": content_hash(article.text or article.title),
        "extraction": article.extraction.value,
    }


def article_write(article: Article, final_url: str | None) -> ArticleWrite:
    """What the store writes for a completed article: its row, every address it was seen under, its search form."""
    urls = frozenset({article.url, article.link, *article.urls_seen, *([final_url] if final_url else [])})
    return ArticleWrite(
        _article_values(article),
        urls,
        final_url,
        _slash_twin(article.url),
        lambda: search_form(article.title, article.lead, article.text or article.summary),
    )


class _Fetched(NamedTuple):
    """An article's page: its extracted text (None: none), where it ended up, and whether extraction failed."""

    page: Page | None
    final_url: str | None
    failed: bool = False


class _Cycle:
    """One crawl cycle: shared fetcher, clock, in-flight page extractions and store writes."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        fetcher: Fetcher,
        clock: Callable[[], datetime],
        pool: ExtractionPool | None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.fetcher = fetcher
        self.clock = clock
        self.pool = pool
        self.rng = random.Random()
        self._pages: dict[str, asyncio.Task[_Fetched]] = {}

    # --- one feed ---

    async def run_feed(self, feed: _FeedState, outlet: Outlet) -> FeedResult:
        fetched_at = self.clock()
        outcome = await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if outcome.status is FetchStatus.NOT_MODIFIED:
            self._record_success(feed, outcome)
            return FeedResult(feed.url, outlet.id, outcome.status)
        if outcome.status is FetchStatus.RETRY_LATER:
            return self._record_deferred(feed, outcome)
        if outcome.status is FetchStatus.FAILED:
            return self._record_failure(feed, outcome.error or "eroare necunoscută", outcome.http_status)
        try:
            entries = parse_feed(
                outcome.body,
                outlet_id=outlet.id,
                feed_url=feed.url,
                fetched_at=fetched_at,
                charset=outcome.charset,
                language=outlet.language,
            )
        except FeedError as exc:
            return self._record_failure(feed, str(exc), outcome.http_status)
        new_ids, duplicates = await self._ingest(feed, entries)
        self._record_success(feed, outcome)  # only now: every entry above is committed
        log.info(
            "feed %s of %s: %d entries, %d new, %d duplicates",
            feed.url,
            outlet.id,
            len(entries),
            len(new_ids),
            duplicates,
        )
        return FeedResult(feed.url, outlet.id, FetchStatus.OK, tuple(new_ids), duplicates)

    async def _ingest(self, feed: _FeedState, entries: list[Article]) -> tuple[list[int], int]:
        known = self._known(entries, feed.id)
        duplicates = 0
        fresh: list[Article] = []
        for article in entries:
            found = known.get(article.url)
            if found is None:
                fresh.append(article)
            elif not found:  # stored, but not yet seen in this feed
                _, created, linked = self._save(article, feed, None)
                duplicates += int(linked and not created)
        new_ids: list[int] = []
        pending = [self._with_page(article) for article in fresh]
        for next_done in asyncio.as_completed(pending):
            article, fetched = await next_done
            complete = complete_article(article, fetched.page, self.clock(), failed=fetched.failed)
            article_id, created, linked = self._save(complete, feed, fetched.final_url)
            if created:
                new_ids.append(article_id)
            else:
                duplicates += int(linked)
        return new_ids, duplicates

    def _known(self, entries: list[Article], feed_id: int) -> dict[str, bool]:
        """Canonical URL -> already linked to this feed, for the entries already stored."""
        links = {article.link: article.url for article in entries}
        return known_articles(self.store, [article.url for article in entries], links, feed_id)

    # --- pages ---

    async def _with_page(self, article: Article) -> tuple[Article, _Fetched]:
        task = self._pages.get(article.url)
        if task is None:  # the same story in two feeds of this cycle is fetched once
            task = self._pages[article.url] = asyncio.create_task(self._page(article))
        return article, await task

    async def _page(self, article: Article) -> _Fetched:
        outcome = await self.fetcher.fetch(article.link, check_robots=True)
        if outcome.status is not FetchStatus.OK:
            log.info(
                "page %s of %s not fetched (%s): keeping the feed summary",
                article.link,
                article.outlet_id,
                outcome.error,
            )
            return _Fetched(None, None)
        content_type = (outcome.content_type or "text/html").split(";")[0].strip().lower()
        if content_type not in _HTML_TYPES:
            log.info(
                "page %s of %s is %s, not HTML: keeping the feed summary", article.link, article.outlet_id, content_type
            )
            return _Fetched(None, outcome.final_url)
        try:
            if self.pool is None:
                page = extract_page(outcome.body, article.link, outcome.charset)
            else:
                page = await self.pool.extract(outcome.body, article.link, outcome.charset)
        except ExtractionFailed as exc:  # past the time limit, or the worker died: this page only
            log.warning(
                "extraction of %s of %s failed (%s): keeping the feed summary", article.link, article.outlet_id, exc
            )
            return _Fetched(None, outcome.final_url, failed=True)
        except (ValueError, TypeError, LookupError, RecursionError) as exc:  # trafilatura/lxml on hostile markup
            log.warning(
                "extraction failed for %s of %s: %s: keeping the feed summary", article.link, article.outlet_id, exc
            )
            return _Fetched(None, outcome.final_url, failed=True)
        if page is None:
            log.info("page %s of %s has no main text: keeping the feed summary", article.link, article.outlet_id)
        return _Fetched(page, outcome.final_url)

    # --- store writes ---

    def _save(self, article: Article, feed: _FeedState, final_url: str | None) -> tuple[int, bool, bool]:
        """Article, its URLs, this feed's source row and (when new) its search form in one transaction
        -> (id, created, newly linked)."""
        write = article_write(article, final_url)
        return save_article(self.store, write, feed_id=feed.id, outlet_id=feed.outlet_id, now=self.clock())

    def _record_success(self, feed: _FeedState, outcome: FetchOutcome) -> None:
        now = self.clock()
        record_fetched(self.store, feed.id, outcome, now=now, next_check=now + feed.poll)

    def _record_deferred(self, feed: _FeedState, outcome: FetchOutcome) -> FeedResult:
        now = self.clock()
        wait = timedelta(seconds=outcome.retry_after) if outcome.retry_after is not None else self.settings.backoff_base
        wait = min(max(wait, timedelta(seconds=1)), self.settings.backoff_cap)
        record_deferred(self.store, feed.id, outcome, now=now, next_check=now + wait)
        log.info(
            "feed %s of %s asks to wait (HTTP %s): next check in %s",
            feed.url,
            feed.outlet_id,
            outcome.http_status,
            wait,
        )
        return FeedResult(feed.url, feed.outlet_id, FetchStatus.RETRY_LATER, error=outcome.error)

    def _record_failure(self, feed: _FeedState, error: str, http_status: int | None) -> FeedResult:
        errors, delay = record_failure(
            self.store,
            feed.id,
            error,
            http_status,
            now=self.clock(),
            delay=lambda errors: backoff_delay(self.settings, errors, self.rng),
        )
        log.warning(
            "feed %s of %s failed (%d in a row, next try in %s): %s", feed.url, feed.outlet_id, errors, delay, error
        )
        return FeedResult(feed.url, feed.outlet_id, FetchStatus.FAILED, error=error)


def _feeds_to_crawl(
    store: Store, outlets: dict[str, Outlet], due_only: bool, force: bool, now: datetime
) -> tuple[list[tuple[_FeedState, Outlet]], list[FeedResult]]:
    """The feeds to fetch now, and those held back: not due (`due_only`), or deferred by the outlet's Retry-After
    or by the backoff after errors (unless `force`: an operator who polls by hand must not get the office
    blocked)."""
    configured = {url: outlet for outlet in outlets.values() for url in outlet.feeds}
    chosen: list[tuple[_FeedState, Outlet]] = []
    held: list[FeedResult] = []
    for row in stored_feeds(store, list(configured)):
        if _held_back(row, now, force):
            assert row.next_check_at is not None
            until = row.next_check_at.astimezone(BUCHAREST).strftime("%d.%m.%Y %H:%M")
            why = row.last_error or f"HTTP {row.last_http_status}"
            held.append(
                FeedResult(row.url, row.outlet_id, FetchStatus.RETRY_LATER, error=f"amânat până la {until} ({why})")
            )
            continue
        if due_only and row.next_check_at is not None and row.next_check_at > now:
            continue
        outlet = configured[row.url]
        state = _FeedState(row.id, row.url, outlet.id, row.etag, row.last_modified, row.error_count, outlet.poll)
        chosen.append((state, outlet))
    return chosen, held


def _held_back(row: StoredFeed, now: datetime, force: bool) -> bool:
    """Not yet time for a feed the outlet's Retry-After or the error backoff defers (unless `force`)."""
    waiting = row.next_check_at is not None and row.next_check_at > now
    deferred = row.error_count > 0 or row.last_status == FetchStatus.RETRY_LATER.value
    return waiting and deferred and not force


async def crawl(
    store: Store,
    sources: Sources,
    settings: Settings,
    *,
    now: datetime | None = None,
    only: Collection[str] | None = None,
    due_only: bool = False,
    force: bool = False,
    progress: Callable[[FeedResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    pool: ExtractionPool | None = None,
) -> CrawlSummary:
    """One cycle over the enabled outlets' feeds (`only`: outlet ids; `due_only`: feeds whose time has come;
    `force`: also the feeds an outlet's Retry-After or the error backoff holds back).

    `now` fixes the clock (the demo's simulated time); None means real time. `pool` extracts pages in worker
    processes with a time limit per page; None extracts in this thread.
    """
    if only is not None:
        unknown = sorted(set(only) - {outlet.id for outlet in sources.outlets})
        if unknown:
            raise KeyError(f"publicații necunoscute: {', '.join(unknown)}")
    sync_outlets(store, sources)

    def clock() -> datetime:
        return now if now is not None else datetime.now(UTC)

    outlets = {o.id: o for o in sources.outlets if o.enabled and (only is None or o.id in only)}
    feeds, held = _feeds_to_crawl(store, outlets, due_only, force, clock())
    for result in held:
        log.info("feed %s of %s held back: %s", result.feed_url, result.outlet_id, result.error)
        if progress is not None:
            progress(result)
    if on_start is not None:
        on_start(len(feeds))
    async with Fetcher(settings) as fetcher:
        cycle = _Cycle(store, settings, fetcher, clock, pool)

        async def one(feed: _FeedState, outlet: Outlet) -> FeedResult:
            result = await cycle.run_feed(feed, outlet)
            if progress is not None:
                progress(result)
            return result

        results = await asyncio.gather(*(one(feed, outlet) for feed, outlet in feeds))
    return CrawlSummary.of([*results, *held])


def _blocking(run: Callable[_P, Coroutine[Any, Any, _R]]) -> Callable[_P, _R]:
    """`run` for synchronous callers: the same arguments, run to completion in an event loop of its own."""

    @functools.wraps(run)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        return asyncio.run(run(*args, **kwargs))

    return call


crawl_sync = _blocking(crawl)  # `crawl` for synchronous callers: the CLI, scheduler jobs, the demo, tests
