"""The store: migrations on first use, aware UTC times, and the same behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from monitor.store import Store
from monitor.store.db import current_revision, head_revision
from monitor.store.models import ArticleRow, OutletRow


def _article(url: str, published: datetime) -> ArticleRow:
    return ArticleRow(
        url=url,
        outlet_id="alba24",
        title="Titlu",
        published_at=published,
        date_source="feed",
        fetched_at=published,
        content_hash="h",
        extraction="page",
    )


def test_migrated_to_head_on_first_use(any_store: Store) -> None:
    assert current_revision(any_store.engine) == head_revision(any_store.engine) is not None


def test_times_round_trip_as_aware_utc(any_store: Store) -> None:
    local = datetime(2026, 3, 29, 4, 30, tzinfo=timezone(timedelta(hours=3)))
    with any_store.session() as session:
        session.add(OutletRow(id="alba24", name="Alba24", kind="local", county="Alba", reach=1))
        session.flush()
        session.add(_article("https://alba24.ro/a", local))
    with any_store.session() as session:
        stored = session.scalars(select(ArticleRow)).one()
    assert stored.published_at == local
    assert stored.published_at.tzinfo is not None and stored.published_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"), store.session() as session:
        session.add(OutletRow(id="alba24", name="Alba24", kind="local", county="Alba", reach=1))
        session.flush()
        session.add(_article("https://alba24.ro/b", datetime(2026, 1, 1)))


def test_failed_transaction_leaves_nothing(any_store: Store) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with any_store.session() as session:
        session.add(OutletRow(id="alba24", name="Alba24", kind="local", county="Alba", reach=1))
    with pytest.raises(IntegrityError), any_store.session() as session:
        session.add(_article("https://alba24.ro/c", now))
        session.flush()
        session.add(_article("https://alba24.ro/c", now))
        session.flush()
    with any_store.session() as session:
        assert session.scalars(select(ArticleRow)).all() == []


def test_second_store_on_same_file_does_not_migrate_again(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    Store(url).close()
    again = Store(url, migrate=False)
    assert current_revision(again.engine) == head_revision(again.engine)
    again.close()
