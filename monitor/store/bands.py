"""The LSH band index of story clustering: write an article's band keys, find the articles sharing a key within
a date window, and read the signatures of only those articles and of the clusters they belong to."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from monitor.store.db import chunks
from monitor.store.models import ArticleBandRow, ArticleRow

_BANDS = cast(Table, ArticleBandRow.__table__)


class StoredSignature(NamedTuple):
    """A clustered article of the window: its id, publication time, signature bytes and cluster."""

    id: int
    published_at: datetime
    signature: bytes
    cluster_id: int


def epoch_seconds(when: datetime) -> int:
    """Whole seconds since 1970 (UTC) of an aware time, as the band index keeps publication times."""
    return math.floor(when.timestamp())


def replace_bands(session: Session, entries: Sequence[tuple[int, datetime, Sequence[int]]]) -> None:
    """Write the band keys of these articles ((id, published_at, keys)), replacing any they had."""
    for ids in chunks([article_id for article_id, _, _ in entries]):
        session.execute(delete(ArticleBandRow).where(ArticleBandRow.article_id.in_(ids)))
    values = sorted(
        (
            {"key": key, "published": epoch_seconds(published_at), "article_id": article_id}
            for article_id, published_at, keys in entries
            for key in keys
        ),
        key=lambda row: row["key"],
    )  # in the index's order: a batch's inserts touch each page once, not once per article
    if values:  # Core, not the ORM's bulk insert: about 106 rows an article, the ORM's overhead would double the cost
        session.connection().execute(_BANDS.insert(), values)


def sharing_a_band(session: Session, keys: Sequence[int], start: datetime, end: datetime) -> list[StoredSignature]:
    """The clustered articles published in [start, end] that share at least one of `keys`."""
    ids: set[int] = set()
    first, last = epoch_seconds(start), epoch_seconds(end)
    for chunk in chunks(sorted(set(keys))):
        ids.update(
            session.scalars(
                select(ArticleBandRow.article_id)
                .where(
                    ArticleBandRow.key.in_(chunk),
                    ArticleBandRow.published >= first,
                    ArticleBandRow.published <= last,
                )
                .distinct()
            )
        )
    return _signatures(session, ArticleRow.id, sorted(ids), start, end)


def cluster_signatures(
    session: Session, clusters: Iterable[int], start: datetime, end: datetime
) -> list[StoredSignature]:
    """Every member of these clusters published in [start, end] that has a signature."""
    return _signatures(session, ArticleRow.cluster_id, sorted(set(clusters)), start, end)


def _signatures(
    session: Session, by: Any, values: Sequence[int], start: datetime, end: datetime
) -> list[StoredSignature]:
    found: list[StoredSignature] = []
    for chunk in chunks(values):
        rows = session.execute(
            select(ArticleRow.id, ArticleRow.published_at, ArticleRow.signature, ArticleRow.cluster_id).where(
                by.in_(chunk),
                ArticleRow.published_at >= start,
                ArticleRow.published_at <= end,
                ArticleRow.cluster_id.is_not(None),
                ArticleRow.signature.is_not(None),
            )
        )
        # not null: the WHERE above says so
        found.extend(
            StoredSignature(row.id, row.published_at, cast(bytes, row.signature), cast(int, row.cluster_id))
            for row in rows
        )
    return found
