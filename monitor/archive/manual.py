"""Articles the press office adds by hand: a page by its address (fetched and extracted like a crawled one), a
pasted text (a social-media post, a TV or radio transcript), or an uploaded PDF or scanned print page. Each is
stored like a crawled article (its outlet's hand-added feed, its search form), then clustered and analysed for
the profile at once, so it counts in the archive, the digests and the monthly report."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from monitor.analysis import analyze_articles
from monitor.archive.documents import read_document
from monitor.config import Outlet, Profile, Sources
from monitor.crawl.extract import Page, complete_article, first_paragraph
from monitor.crawl.fetch import Fetcher
from monitor.crawl.ingest import article_write
from monitor.crawl.urls import canonical_url
from monitor.crawl.workers import ExtractionFailed, ExtractionPool
from monitor.errors import RequestError
from monitor.record import Article, DateSource, Extraction, FetchStatus
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.articles import save_article
from monitor.store.feeds import MANUAL_FEED, manual_feed, sync_outlets
from monitor.store.workspace import mention_count
from monitor.text import nfc

log = logging.getLogger(__name__)

MIN_WORDS = 5


class ManualError(RequestError):
    """An article that cannot be added as given."""


@dataclass(frozen=True)
class Added:
    article_id: int
    created: bool  # False: the archive had it already (same address, or the same text)
    mentions: int  # how many of the profile's targets it names


def _outlet(sources: Sources, outlet_id: str) -> Outlet:
    outlet = next((o for o in sources.outlets if o.id == outlet_id), None)
    if outlet is None:
        raise ManualError(f"publicația «{outlet_id}» nu există în sources.yaml")
    return outlet


def add_text(
    store: Store,
    profile: Profile,
    sources: Sources,
    *,
    outlet_id: str,
    title: str,
    text: str,
    published_at: datetime | None,
    now: datetime,
    link: str = "",
    how: Extraction = Extraction.TYPED,
    page: Page | None = None,
) -> Added:
    """Store the article and analyse it for the profile; ManualError when it has no title or no text."""
    outlet = _outlet(sources, outlet_id)
    title, text = nfc(title).strip(), nfc(text).strip()
    if page is not None:
        title, text = title or page.title, text or page.text
    if not title:
        raise ManualError("articolul are nevoie de un titlu")
    if len(text.split()) < MIN_WORDS:
        raise ManualError(f"textul are mai puțin de {MIN_WORDS} cuvinte: lipiți tot textul articolului")
    digest = hashlib.sha256(f"{outlet.id}\n{title}\n{text}".encode()).hexdigest()[:24]
    url = canonical_url(link) if link else f"{MANUAL_FEED}{outlet.id}/{digest}"
    article = Article(
        url=url,
        outlet_id=outlet.id,
        feed_url=MANUAL_FEED + outlet.id,
        fetched_at=now,
        title=title,
        link=link,
        published_at=published_at,
    )
    completed = complete_article(article, page or Page(text=text, title=title, lead=first_paragraph(text, title)), now)
    if published_at is not None:
        completed = replace(completed, date_source=DateSource.OFFICE)
    if page is None:
        completed = replace(completed, extraction=how)
    sync_outlets(store, sources)  # the outlet's row must exist (a fresh database, a newly configured outlet)
    feed_id = manual_feed(store, outlet.id)
    article_id, created, _ = save_article(
        store, article_write(completed, None), feed_id=feed_id, outlet_id=outlet.id, now=now
    )
    analyze_articles(store, profile, sources, [article_id], now=now)
    with store.session() as session:
        mentions = mention_count(session, profile.id, article_id)
    log.info("article %s added by hand for %s (%s, %s mentions)", article_id, profile.id, how, mentions)
    return Added(article_id, created, mentions)


async def _fetch_page(settings: Settings, url: str) -> tuple[Page, str]:
    async with Fetcher(settings) as fetcher:
        outcome = await fetcher.fetch(url)
    if outcome.status != FetchStatus.OK or not outcome.body:
        raise ManualError(f"pagina {url} nu a putut fi adusă: {outcome.error or outcome.status}")
    with ExtractionPool(1) as pool:  # a process with a time limit: a pathological page costs only itself
        try:
            page = await pool.extract(outcome.body, outcome.final_url or url, outcome.charset)
        except ExtractionFailed as error:
            raise ManualError(f"textul paginii {url} nu a putut fi extras: {error}") from error
    if page is None:
        raise ManualError(f"pagina {url} nu conține un articol (niciun text principal găsit)")
    return page, outcome.final_url or url


def add_url(
    store: Store,
    profile: Profile,
    sources: Sources,
    settings: Settings,
    *,
    outlet_id: str,
    url: str,
    published_at: datetime | None,
    now: datetime,
) -> Added:
    """Fetch the page through the crawler's hardened fetch (limits, private addresses refused) and add it."""
    if not url.startswith(("http://", "https://")):
        raise ManualError(f"adresa «{url}» trebuie să înceapă cu http:// sau https://")
    page, final = asyncio.run(_fetch_page(settings, url))
    return add_text(
        store, profile, sources, outlet_id=outlet_id, title="", text="", published_at=published_at, now=now,
        link=url if final == url else final, how=Extraction.PAGE, page=page,
    )  # fmt: skip


def add_document(
    store: Store,
    profile: Profile,
    sources: Sources,
    *,
    outlet_id: str,
    title: str,
    data: bytes,
    published_at: datetime | None,
    now: datetime,
) -> Added:
    """Read an uploaded PDF or scanned page (in separate processes with limits) and add its text."""
    document = read_document(data)
    return add_text(
        store, profile, sources, outlet_id=outlet_id, title=title or first_paragraph(document.text)[:200],
        text=document.text, published_at=published_at, now=now, how=Extraction.DOCUMENT,
    )  # fmt: skip
