"""«Testează»: fetch an outlet's feeds once, as the crawler would, and say what they hold, without storing
anything (the office checks a new or failing outlet before relying on it)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from monitor.config import Outlet
from monitor.crawl.feeds import parse_feed
from monitor.crawl.fetch import Fetcher
from monitor.errors import FeedError
from monitor.record import Article, FetchStatus
from monitor.settings import Settings


@dataclass(frozen=True)
class FeedProbe:
    url: str
    entries: tuple[Article, ...] = ()
    error: str | None = None  # in Romanian: why the feed gave nothing


async def _probe(settings: Settings, outlet: Outlet, now: datetime) -> list[FeedProbe]:
    found = []
    async with Fetcher(settings) as fetcher:
        for url in outlet.feeds:
            outcome = await fetcher.fetch(url)
            if outcome.status != FetchStatus.OK:
                found.append(FeedProbe(url, error=outcome.error or f"răspuns HTTP {outcome.http_status}"))
                continue
            try:
                entries = parse_feed(
                    outcome.body, outlet_id=outlet.id, feed_url=url, fetched_at=now, charset=outcome.charset
                )
            except FeedError as error:
                found.append(FeedProbe(url, error=str(error)))
                continue
            found.append(FeedProbe(url, tuple(entries)))
    return found


def probe_outlet(settings: Settings, outlet: Outlet, *, now: datetime) -> list[FeedProbe]:
    """Each feed of the outlet: its entries, or the reason it gave none (the crawler's fetch and parser)."""
    return asyncio.run(_probe(settings, outlet, now))
