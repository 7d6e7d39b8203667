"""Feed bytes -> Article records (feedparser), with Romanian charsets decoded right and the spelling kept.

A response that is not a feed (HTML, JSON, empty, unparseable) raises FeedError: it is recorded on the feed,
never taken for "no news".
"""

from __future__ import annotations

import logging
import re
from contextlib import suppress
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml.etree import ParserError

from monitor.crawl.fetch import decode_text
from monitor.crawl.urls import canonical_url
from monitor.errors import FeedError
from monitor.record import Article, DateSource
from monitor.text import nfc

log = logging.getLogger(__name__)

_XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)["'][^"']*["']""")
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_SPACES = re.compile(r"\s+")


def clean_text(value: str) -> str:
    """Markup to plain text: tags dropped, entities decoded, whitespace collapsed; the spelling kept."""
    if "<" in value or "&" in value:
        with suppress(ParserError):  # not markup after all (e.g. only whitespace): keep the string as it is
            value = lxml.html.fragment_fromstring(value, create_parent="div").text_content()
    return nfc(_SPACES.sub(" ", value).strip())


def _utc(value: struct_time | None) -> datetime | None:
    """feedparser's *_parsed fields are UTC struct_times; out-of-range ones are treated as missing."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _check_is_feed(text: str, parsed: Any) -> None:
    stripped = text.lstrip()
    if not stripped:
        raise FeedError("flux gol: răspunsul nu are conținut")
    if stripped[0] in "{[":
        raise FeedError("răspunsul este JSON, nu un flux RSS/Atom")
    if not parsed.get("version"):
        if _HTML_START.match(stripped):
            raise FeedError("răspunsul este o pagină HTML, nu un flux RSS/Atom")
        reason = parsed.get("bozo_exception") or "format necunoscut"
        raise FeedError(f"flux de neînțeles: {reason}")


def parse_feed(
    body: bytes,
    *,
    outlet_id: str,
    feed_url: str,
    fetched_at: datetime,
    charset: str | None = None,
    language: str = "ro",
) -> list[Article]:
    """The entries of one feed response as Articles (not yet extracted), one per canonical URL."""
    text = decode_text(body, charset)
    # feedparser trusts the XML declaration: after decoding ourselves, say UTF-8 and hand it UTF-8.
    utf8 = _XML_ENCODING.sub(r'\1"utf-8"', text, count=1).encode("utf-8")
    parsed = feedparser.parse(utf8, response_headers={"content-type": "application/xml; charset=utf-8"})
    _check_is_feed(text, parsed)
    if parsed.get("bozo") and parsed.entries:
        log.warning(
            "feed %s of %s is not well-formed, kept what parsed: %s", feed_url, outlet_id, parsed.bozo_exception
        )
    articles: dict[str, Article] = {}
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            log.warning("entry without a link in feed %s of %s: %r", feed_url, outlet_id, entry.get("title"))
            continue
        link = urljoin(feed_url, link)
        try:
            url = canonical_url(link)
        except ValueError:
            log.warning("entry with a non-http link in feed %s of %s: %s", feed_url, outlet_id, link)
            continue
        if url in articles:
            continue
        published = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
        articles[url] = Article(
            url=url,
            outlet_id=outlet_id,
            feed_url=feed_url,
            fetched_at=fetched_at,
            title=clean_text(entry.get("title") or ""),
            link=link,
            summary=clean_text(entry.get("summary") or ""),
            author=clean_text(entry.get("author") or "") or None,
            published_at=published,
            date_source=DateSource.FEED if published else DateSource.FETCHED,
            language=language,
            urls_seen=(link,),
        )
    if parsed.get("bozo") and not articles:  # broken XML that yielded nothing usable is not "no news"
        raise FeedError(f"flux de neînțeles: {parsed.get('bozo_exception')}")
    return list(articles.values())
