"""Full-text search of the archive, folding diacritics and inflections.

Each article gets a search form in `article_search.body`: the diacritic-free lemmas of its title, lead and text,
followed by the diacritic-free surface words whose lemma differs (so an exact word the lemmatizer does not
know is still found). A query is folded the same way, word by word, and every query word must match its
lemma or its surface form. SQLite answers through the FTS5 table `article_search_fts`; PostgreSQL through the
stored column `vector`, to_tsvector('romanian', body) (its Romanian stemmer on top of our folding; GIN index,
migration 0012) beside each search row's publication time, so that a frequent word stops at the newest matches
instead of visiting every one. Only the hits returned read their article rows.

The crawl writes an article's search form with the article (store.articles.save_article), so a search only
reads the index: it never looks for unindexed articles (that anti-join over the whole archive made every search
grow with it). `index_missing` indexes what was stored otherwise (an archive from before, a bulk import); the
daemon runs it after its alerts. The candidates are read without their text; only the hits shown read theirs,
for the snippet.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextualSelect,
    column,
    delete,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from monitor.archive.query import ParsedQuery, QueryWord, fts5_expression, parse_query, tsquery_expression
from monitor.errors import SearchError
from monitor.nlp import lemmas
from monitor.record import MentionView
from monitor.store import Store
from monitor.store.db import chunks
from monitor.store.models import ArticleRow, ArticleSearchRow, ArticleSourceRow, MentionRow, OutletRow
from monitor.store.queries import mentions_in
from monitor.text import search_key

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")
_ROMANIAN: ColumnElement[Any] = literal_column("'romanian'::regconfig")
_VECTOR: ColumnElement[Any] = literal_column("article_search.vector")  # PostgreSQL's stored tsvector (0012)
INDEX_BATCH = 200
MAX_CANDIDATES = 5000  # read with a tone filter, which is checked on the effective tone (corrections applied)


@dataclass(frozen=True)
class SearchHit:
    """One article found, with its outlet, the outlets of its copies, and the profile's mentions in it."""

    article_id: int
    url: str
    title: str
    outlet_id: str
    outlet_name: str
    published_at: datetime
    snippet: str
    mentions: tuple[MentionView, ...]

    @property
    def also_in(self) -> tuple[str, ...]:
        return self.mentions[0].also_in if self.mentions else ()


def _keys(words: Iterable[str]) -> list[str]:
    return [part for word in words for part in _WORD.findall(search_key(word))]


def search_form(title: str, lead: str, body: str) -> str:
    """The folded text stored for search: lemma keys, then the surface keys that are not lemma keys."""
    content = "\n".join(part for part in (title, lead, body) if part)
    lemma_keys = _keys(lemmas(content))
    known = set(lemma_keys)
    surface = [key for key in dict.fromkeys(_keys(_WORD.findall(content))) if key not in known]
    return " ".join(lemma_keys + surface)


def fold_query(query: str) -> list[QueryWord]:
    """The query's words, each with its folded surface form and lemma."""
    words = []
    for word in _WORD.findall(query):
        surface = _keys([word])
        lemma = _keys(lemmas(word)) or surface
        for index, key in enumerate(surface):
            words.append(QueryWord(key, lemma[index] if index < len(lemma) else key))
    return words


def index_articles(session: Session, article_ids: Iterable[int], *, now: datetime) -> int:
    """(Re)write the search form of these articles in the caller's transaction; returns how many."""
    ids = sorted(set(article_ids))
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = ids[start : start + INDEX_BATCH]
        rows = session.execute(
            select(
                ArticleRow.id,
                ArticleRow.title,
                ArticleRow.lead,
                ArticleRow.text,
                ArticleRow.summary,
                ArticleRow.published_at,
            ).where(ArticleRow.id.in_(chunk))
        ).all()
        session.execute(delete(ArticleSearchRow).where(ArticleSearchRow.article_id.in_([row.id for row in rows])))
        session.add_all(
            ArticleSearchRow(
                article_id=row.id,
                body=search_form(row.title, row.lead, row.text or row.summary),
                published_at=row.published_at,
                indexed_at=now,
            )
            for row in rows
        )
        session.flush()
        written += len(rows)
    return written


def index_missing(store: Store, *, now: datetime) -> int:
    """Index every article that has no search form yet, a batch per transaction; returns how many."""
    missing = (
        select(ArticleRow.id)
        .where(~select(ArticleSearchRow.article_id).where(ArticleSearchRow.article_id == ArticleRow.id).exists())
        .order_by(ArticleRow.id)
        .limit(INDEX_BATCH)
    )
    total = store.in_batches(missing, lambda session, ids: index_articles(session, ids, now=now))
    if total:
        log.info("search index: %s articles indexed", total)
    return total


@dataclass(frozen=True)
class _Ask:
    """What one search reads: the query and the filters; `profile_id` set: only the articles that name one of the
    profile's targets (`target_id` if given)."""

    parsed: ParsedQuery
    start: datetime | None
    end: datetime | None
    outlet_id: str | None
    profile_id: str | None
    target_id: str | None

    def named(self, article_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """The article names the profile's targets (or the one asked)."""
        where = [MentionRow.article_id == article_id, MentionRow.profile_id == self.profile_id]
        return exists().where(*where, *([MentionRow.target_id == self.target_id] if self.target_id else []))

    def in_outlet(self, article_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
        """Published by the outlet or run by it as a copy."""
        ran = select(ArticleSourceRow.article_id).where(ArticleSourceRow.outlet_id == self.outlet_id)
        own = select(ArticleRow.id).where(ArticleRow.outlet_id == self.outlet_id)
        return or_(article_id.in_(own), article_id.in_(ran))

    def newest(
        self,
        stmt: Select[*tuple[Any, ...]],
        article_id: InstrumentedAttribute[int],
        published_at: InstrumentedAttribute[datetime],
        limit: int,
    ) -> Select[*tuple[Any, ...]]:
        """`stmt` within the dates and the outlet asked, its newest `limit` rows first."""
        if self.start is not None:
            stmt = stmt.where(published_at >= self.start)
        if self.end is not None:
            stmt = stmt.where(published_at < self.end)
        if self.outlet_id is not None:
            stmt = stmt.where(self.in_outlet(article_id))
        return stmt.order_by(published_at.desc(), article_id.desc()).limit(limit)


def _sqlite_ids(ask: _Ask, limit: int) -> Select[*tuple[Any, ...]]:
    """FTS5 gives every match at once (a frequent word: 176,000 of 2,000,000 in 50 ms); the profile's mentions
    are asked among them before any article row is read, and only those rows are sorted by date."""
    ids: Select[Any] | TextualSelect = (
        text("SELECT rowid FROM article_search_fts WHERE article_search_fts MATCH :query")
        .bindparams(query=fts5_expression(ask.parsed))
        .columns(column("rowid", Integer))
    )
    if ask.profile_id is not None:
        named = [MentionRow.profile_id == ask.profile_id, MentionRow.article_id.in_(ids)]
        ids = select(MentionRow.article_id).where(
            *named, *([MentionRow.target_id == ask.target_id] * bool(ask.target_id))
        )
    stmt = select(ArticleRow.id, ArticleRow.published_at).where(ArticleRow.id.in_(ids))
    return ask.newest(stmt, ArticleRow.id, ArticleRow.published_at, limit)


def _postgres_ids(ask: _Ask, limit: int) -> Select[*tuple[Any, ...]]:
    """The stored vector's GIN index and the search rows' own publication time: PostgreSQL's planner either
    walks the newest search rows back and stops at `limit` matches (a frequent word) or reads the few matches
    through the index and sorts them (a rare one); the article rows are read only for what is returned."""
    query = func.to_tsquery(_ROMANIAN, tsquery_expression(ask.parsed))
    row = ArticleSearchRow
    stmt = select(row.article_id.label("id"), row.published_at).where(_VECTOR.op("@@")(query))
    if ask.profile_id is not None:
        stmt = stmt.where(ask.named(row.article_id))
    return ask.newest(stmt, row.article_id, row.published_at, limit)


def _candidates(dialect: str, ask: _Ask, limit: int) -> Select[*tuple[Any, ...]]:
    """The newest `limit` matches with what a hit shows but its text, newest first."""
    found = (_sqlite_ids if dialect == "sqlite" else _postgres_ids)(ask, limit).subquery()
    return (
        select(
            ArticleRow.id,
            ArticleRow.url,
            ArticleRow.link,
            ArticleRow.title,
            ArticleRow.outlet_id,
            OutletRow.name,
            ArticleRow.published_at,
        )
        .join(found, found.c.id == ArticleRow.id)
        .join(OutletRow, OutletRow.id == ArticleRow.outlet_id)
        .order_by(found.c.published_at.desc(), ArticleRow.id.desc())
    )


def snippet(words: Sequence[QueryWord], *texts: str, width: int = 220) -> str:
    """The first sentence that contains a query word (folded), shortened to about `width` characters."""
    keys = [key for word in words for key in (word.surface, word.lemma)]
    sentences = [s.strip() for part in texts if part for s in _SENTENCE.split(part) if s.strip()]
    chosen = next(
        (s for s in sentences if any(key in search_key(s) for key in keys)), sentences[0] if sentences else ""
    )
    return chosen if len(chosen) <= width else chosen[: width - 1].rsplit(" ", 1)[0] + "…"


def search_articles(
    store: Store,
    query: str,
    *,
    now: datetime,
    profile_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    target_id: str | None = None,
    tone: str | None = None,
    outlet_id: str | None = None,
    limit: int = 50,
    mentioned_only: bool = False,
) -> list[SearchHit]:
    """Articles matching `query` (monitor.archive.query: words, "phrases", OR, NOT; inflections and diacritics
    folded), newest first. `mentioned_only`: only the articles that name one of the profile's targets (the
    workspace: one prefecture never sees the rest of a shared archive)."""
    parsed = parse_query(query, fold_query)
    words = parsed.words
    if (target_id or tone or mentioned_only) and profile_id is None:
        raise SearchError("filtrele --target și --tone cer un profil (--profile)")
    named = profile_id is not None and bool(target_id or tone or mentioned_only)
    ask = _Ask(parsed, start, end, outlet_id, profile_id if named else None, target_id)
    wanted = MAX_CANDIDATES if tone is not None else limit  # a tone is the effective one: checked on the views
    with store.session() as session:
        rows = list(session.execute(_candidates(store.dialect, ask, wanted)).all())
        by_article: dict[int, list[MentionView]] = defaultdict(list)
        if profile_id is not None:
            shown = rows if tone is not None else rows[:limit]  # a tone is the effective one: known from the views
            for view in mentions_in(session, profile_id, [row.id for row in shown], target_id=target_id):
                if tone is None or view.tone == tone:
                    by_article[view.article_id].append(view)
            if tone is not None:
                rows = [row for row in rows if row.id in by_article]
        rows = rows[:limit]
        texts = _texts(session, [row.id for row in rows])
    return [
        SearchHit(
            article_id=row.id,
            url=row.link or row.url,  # the address as published: the canonical one may not open (https folded)
            title=row.title,
            outlet_id=row.outlet_id,
            outlet_name=row.name,
            published_at=row.published_at,
            snippet=snippet(words, *texts[row.id]),
            mentions=tuple(by_article.get(row.id, ())),
        )
        for row in rows
    ]


def _texts(session: Session, article_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """{article id: (lead, text or summary)} of the hits shown: the only rows whose text a search reads."""
    columns = (ArticleRow.id, ArticleRow.lead, ArticleRow.text, ArticleRow.summary)
    return {
        row.id: (row.lead, row.text or row.summary)
        for chunk in chunks(article_ids)
        for row in session.execute(select(*columns).where(ArticleRow.id.in_(chunk)))
    }
