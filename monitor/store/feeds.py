"""The crawl's feed SQL: outlets and feeds from the configuration, each feed's state, how its last fetch went."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from monitor.config import Sources
from monitor.record import FetchOutcome, FetchStatus
from monitor.store.db import Store, chunks
from monitor.store.models import FeedRow, OutletRow


@dataclass(frozen=True)
class StoredFeed:
    """A feed's row as the crawl reads it: its validators and how its last fetches went."""

    id: int
    url: str
    outlet_id: str
    etag: str | None
    last_modified: str | None
    error_count: int
    last_status: str | None
    last_http_status: int | None
    last_error: str | None
    next_check_at: datetime | None


def sync_outlets(store: Store, sources: Sources) -> None:
    """Create or update the outlets and feeds rows from the configuration (feed state is kept). Only the rows of
    these outlets are read: a crawl job of one outlet among 3,000 reads its own."""
    urls = [url for outlet in sources.outlets for url in outlet.feeds]
    with store.session() as session:
        feeds = {
            row.url: row
            for chunk in chunks(urls)
            for row in session.scalars(select(FeedRow).where(FeedRow.url.in_(chunk)))
        }
        for outlet in sources.outlets:
            row = session.get(OutletRow, outlet.id)
            if row is None:
                row = OutletRow(id=outlet.id)
                session.add(row)
            row.name, row.kind, row.county = outlet.name, outlet.kind, outlet.county
            row.homepage, row.reach, row.language = outlet.homepage, outlet.reach, outlet.language
            row.contact, row.enabled = outlet.contact, outlet.enabled
            session.flush()  # no relationship() links the models: write the outlet before its feeds
            for url in outlet.feeds:
                feed = feeds.get(url)
                if feed is None:
                    feed = FeedRow(url=url, error_count=0)
                    session.add(feed)
                feed.outlet_id = outlet.id
                feed.poll_seconds = int(outlet.poll.total_seconds())


def stored_feeds(store: Store, urls: Sequence[str]) -> list[StoredFeed]:
    """The stored feeds among `urls` (in id order within each chunk of the list)."""
    found = []
    with store.session() as session:
        for chunk in chunks(urls):
            for row in session.scalars(select(FeedRow).where(FeedRow.url.in_(chunk)).order_by(FeedRow.id)):
                found.append(
                    StoredFeed(
                        row.id,
                        row.url,
                        row.outlet_id,
                        row.etag,
                        row.last_modified,
                        row.error_count,
                        row.last_status,
                        row.last_http_status,
                        row.last_error,
                        row.next_check_at,
                    )
                )
    return found


def record_fetched(store: Store, feed_id: int, outcome: FetchOutcome, *, now: datetime, next_check: datetime) -> None:
    """A fetch that answered (200 or 304): the validators to send next time, and no errors in a row."""
    with store.session() as session:
        row = session.get_one(FeedRow, feed_id)
        if outcome.no_store:  # the server asks not to keep it: the next request is unconditional
            row.etag = row.last_modified = None
        elif outcome.status is FetchStatus.OK:  # a new representation: its validators, and only those
            row.etag, row.last_modified = outcome.etag, outcome.last_modified
        else:  # 304: it may refresh a validator, never erase one it does not repeat
            row.etag = outcome.etag or row.etag
            row.last_modified = outcome.last_modified or row.last_modified
        row.last_status, row.last_http_status = outcome.status.value, outcome.http_status
        row.last_checked_at = row.last_success_at = now
        row.error_count, row.last_error = 0, None
        row.next_check_at = next_check


def record_deferred(store: Store, feed_id: int, outcome: FetchOutcome, *, now: datetime, next_check: datetime) -> None:
    """A fetch the server asked to repeat later (429/503): not an error."""
    with store.session() as session:
        row = session.get_one(FeedRow, feed_id)
        row.last_status, row.last_http_status = outcome.status.value, outcome.http_status
        row.last_checked_at, row.next_check_at = now, next_check


def record_failure(
    store: Store,
    feed_id: int,
    error: str,
    http_status: int | None,
    *,
    now: datetime,
    delay: Callable[[int], timedelta],
) -> tuple[int, timedelta]:
    """A failed fetch: one more error in a row, next try after `delay(errors in a row)`; returns both."""
    with store.session() as session:
        row = session.get_one(FeedRow, feed_id)
        row.error_count += 1
        wait = delay(row.error_count)
        row.last_status, row.last_http_status, row.last_error = FetchStatus.FAILED.value, http_status, error
        row.last_checked_at, row.next_check_at = now, now + wait
        return row.error_count, wait


MANUAL_FEED = "manual:"  # + outlet id: where the articles the office adds by hand come from (never fetched)


def manual_feed(store: Store, outlet_id: str) -> int:
    """The id of the outlet's feed of hand-added articles, made on first use."""
    url = MANUAL_FEED + outlet_id
    with store.session() as session:
        feed_id = session.scalar(select(FeedRow.id).where(FeedRow.url == url))
        if feed_id is None:
            feed = FeedRow(url=url, outlet_id=outlet_id, error_count=0, poll_seconds=0)
            session.add(feed)
            session.flush()
            feed_id = feed.id
        return feed_id
