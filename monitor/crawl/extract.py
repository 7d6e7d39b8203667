"""Article page -> text, title, author, date, lead (trafilatura); the feed's summary when the page gives nothing.

`extract_page` is a plain top-level function of bytes so that it can run in a process pool.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from monitor.crawl.fetch import decode_text
from monitor.record import Article, DateSource, Extraction
from monitor.text import nfc

log = logging.getLogger(__name__)

# The same options in the pipeline and in bench/ingest.py's baseline: fast mode (no fallback extractors),
# no comments, metadata on, dates from markup only (no extensive text search), time and zone kept.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "fast": True,
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
    "date_extraction_params": {
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        "original_date": True,
        "extensive_search": False,
    },
}
FUTURE_TOLERANCE = timedelta(hours=1)
_PAGE_ZONE = ZoneInfo("Europe/Bucharest")  # a page date without zone is local time on a Romanian site


@dataclass(frozen=True, slots=True)
class Page:
    """What trafilatura found on an article page (spelling as published; matching folds it)."""

    text: str
    title: str = ""
    author: str | None = None
    published_at: datetime | None = None
    lead: str = ""


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for layout in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, layout)
        except ValueError:
            continue
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=_PAGE_ZONE)).astimezone(UTC)
    return None


def first_paragraph(text: str, title: str = "") -> str:
    """The lead: the first non-empty paragraph that is not the title repeated."""
    for line in text.splitlines():
        line = line.strip()
        if line and line != title.strip():
            return line
    return ""


def extract_page(html: bytes, url: str, charset: str | None = None) -> Page | None:
    """Extract one page; None when trafilatura finds no main text."""
    import trafilatura  # here: the daemon extracts in worker processes and never needs its 30 MB itself

    document = trafilatura.bare_extraction(decode_text(html, charset), url=url, **TRAFILATURA_OPTIONS)
    if document is None or isinstance(document, dict) or not (document.text or "").strip():
        return None
    title = nfc(document.title or "")
    text = nfc(document.text or "").strip()
    heading, _, rest = text.partition("\n")
    if heading.strip() == title.strip() and rest.strip():  # the headline is the title, not body text
        text = rest.strip()
    return Page(
        text=text,
        title=title,
        author=nfc(document.author) if document.author else None,
        published_at=_parse_date(document.date),
        lead=first_paragraph(text, title),
    )


def complete_article(article: Article, page: Page | None, now: datetime, *, failed: bool = False) -> Article:
    """Merge the feed entry with its page: text or the summary as fallback, and a published date always set.

    A page that extracts to less than the feed's summary (a paywall, a cookie wall, a menu) counts as failed.
    `failed`: the page was fetched but its extraction crashed or ran out of time (Extraction.FAILED, summary kept).

    Dates: the feed's, else the page's, else the fetch time (flagged FETCHED); a date more than an hour
    after `now` is clamped to `now` (flagged CLAMPED).
    """
    if page is not None and len(page.text) >= len(article.summary):
        text, lead, extraction = page.text, page.lead, Extraction.PAGE
    elif failed:
        text, lead, extraction = article.summary, first_paragraph(article.summary), Extraction.FAILED
    elif article.summary:
        text, lead, extraction = article.summary, first_paragraph(article.summary), Extraction.SUMMARY
    else:
        text, lead, extraction = "", "", Extraction.EMPTY
    if article.published_at is not None:
        published, source = article.published_at, DateSource.FEED
    elif page is not None and page.published_at is not None:
        published, source = page.published_at, DateSource.PAGE
    else:
        published, source = now, DateSource.FETCHED
    if published > now + FUTURE_TOLERANCE:
        log.info("date in the future for %s (%s): clamped to %s", article.url, published.isoformat(), now.isoformat())
        published, source = now, DateSource.CLAMPED
    return replace(
        article,
        title=article.title or (page.title if page else ""),
        author=article.author or (page.author if page else None),
        published_at=published,
        date_source=source,
        text=text,
        lead=lead,
        extraction=extraction,
    )
