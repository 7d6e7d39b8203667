"""The crawl's article SQL: which entries are already stored, and one article written with its URLs, the feed it
came from, its search form and its analysis queue item in one transaction, so it is searchable and queued from the
moment it exists: no search looks for unindexed articles, no analysis for unanalysed ones. Core statements: the
ORM's unit of work costs more than the SQL on this hot path."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from monitor.store.db import Store, chunks
from monitor.store.models import ArticleRow, ArticleSearchRow, ArticleSourceRow, ArticleUrlRow
from monitor.store.queue import enqueue

log = logging.getLogger(__name__)

# Built once: the hot path runs these for every article.
_ARTICLES, _URLS, _SOURCES, _SEARCH = (
    cast(Table, row.__table__) for row in (ArticleRow, ArticleUrlRow, ArticleSourceRow, ArticleSearchRow)
)
_OWNERS = select(_URLS.c.url, _URLS.c.article_id).where(_URLS.c.url.in_(bindparam("urls", expanding=True)))
_FIND = select(_ARTICLES.c.id).where(_ARTICLES.c.url == bindparam("url"))
_INSERT = _ARTICLES.insert().returning(_ARTICLES.c.id)
_SAME_TEXT = select(_ARTICLES.c.id).where(
    _ARTICLES.c.url == bindparam("url"), _ARTICLES.c.content_hash == bindparam("content_hash")
)
_LINKED = select(_SOURCES.c.article_id).where(
    _SOURCES.c.article_id == bindparam("article_id"), _SOURCES.c.feed_id == bindparam("feed_id")
)


@dataclass(frozen=True)
class ArticleWrite:
    """An article to store: its row, every address it was seen under, and its search form when it is new."""

    values: Mapping[str, Any]  # the articles row (url, link, content_hash, ...)
    urls: frozenset[str]  # canonical, as linked, as seen in feeds, where the page ended up
    final_url: str | None  # where fetching the page ended up (None: not fetched)
    twin: str | None  # the canonical address with its trailing slash toggled (None: no path to toggle)
    search_form: Callable[[], str]  # archive.search.search_form of the article: computed only when it is new

    @property
    def url(self) -> str:
        return str(self.values["url"])


def known_articles(store: Store, urls: Sequence[str], links: Mapping[str, str], feed_id: int) -> dict[str, bool]:
    """Canonical URL -> already linked to this feed, for the entries already stored (`links`: link -> its
    canonical URL)."""
    found: dict[str, int] = {}
    with store.session() as session:
        for chunk in chunks(urls):
            for url, article_id in session.execute(
                select(ArticleRow.url, ArticleRow.id).where(ArticleRow.url.in_(chunk))
            ):
                found[url] = article_id
        for chunk in chunks(list(links)):
            rows = session.execute(
                select(ArticleUrlRow.url, ArticleUrlRow.article_id).where(ArticleUrlRow.url.in_(chunk))
            )
            for link, article_id in rows:
                found.setdefault(links[link], article_id)
        linked: set[int] = set()
        for ids in chunks(list(found.values())):
            linked.update(
                session.scalars(
                    select(ArticleSourceRow.article_id).where(
                        ArticleSourceRow.feed_id == feed_id, ArticleSourceRow.article_id.in_(ids)
                    )
                )
            )
    return {url: article_id in linked for url, article_id in found.items()}


def save_article(
    store: Store, article: ArticleWrite, *, feed_id: int, outlet_id: str, now: datetime
) -> tuple[int, bool, bool]:
    """The article, its URLs, this feed's source row, when new its search form, and when new or newly linked its
    analysis queue item, in one transaction -> (id, created, newly linked to this feed). A twin written by another
    process meanwhile is linked to."""
    for attempt in (1, 2):
        try:
            with store.session() as session:
                return _write(session.connection(), article, feed_id, outlet_id, now)
        except IntegrityError:
            if attempt == 2:
                raise
            log.info("article %s was stored concurrently by another process: linking to it", article.url)
    raise AssertionError("unreachable")


def _write(
    connection: Connection, article: ArticleWrite, feed_id: int, outlet_id: str, now: datetime
) -> tuple[int, bool, bool]:
    owned: dict[str, int] = {url: owner for url, owner in connection.execute(_OWNERS, {"urls": list(article.urls)})}
    link, final_url = str(article.values["link"]), article.final_url
    article_id = (
        connection.execute(_FIND, {"url": article.url}).scalar()
        or owned.get(link)
        or (owned.get(final_url) if final_url else None)  # a page another address already led to
        or _slash_twin(connection, article)
    )
    created = article_id is None
    if article_id is None:
        article_id = connection.execute(_INSERT, dict(article.values)).scalar_one()
        connection.execute(
            _SEARCH.insert(),
            {
                "article_id": article_id,
                "body": article.search_form(),
                "published_at": article.values["published_at"],
                "indexed_at": now,
            },
        )
    fresh = sorted(article.urls - owned.keys())
    if fresh:
        connection.execute(_URLS.insert(), [{"url": url, "article_id": article_id} for url in fresh])
    linked = created or not connection.execute(_LINKED, {"article_id": article_id, "feed_id": feed_id}).first()
    if linked:
        source = {"article_id": article_id, "feed_id": feed_id, "outlet_id": outlet_id, "first_seen_at": now}
        connection.execute(_SOURCES.insert(), source)
        enqueue(connection, article_id, now=now)  # new, or seen by another feed: its outlet's profiles may be new
    return article_id, created, linked


def _slash_twin(connection: Connection, article: ArticleWrite) -> int | None:
    """The stored article at the twin address when its text is the same: one page."""
    if article.twin is None:
        return None
    values = {"url": article.twin, "content_hash": article.values["content_hash"]}
    found = connection.execute(_SAME_TEXT, values).scalar()
    if found is not None:
        log.info("%s is %s with a trailing slash toggled (same text): one article", article.url, article.twin)
    return found
