"""The store a benchmark runs on: a SQLite file in its folder, or MONITOR_BENCH_DATABASE_URL (PostgreSQL), emptied."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import delete, text

from monitor.store import Store
from monitor.store.models import Base


@contextmanager
def empty_store(folder: str, name: str) -> Iterator[Store]:
    url = os.environ.get("MONITOR_BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / name}"
    store = Store(url)
    with store.session() as session:  # a reused database starts empty
        if store.dialect == "postgresql":  # truncated: deleted rows would leave their dead tuples in every index
            names = ", ".join(table.name for table in Base.metadata.sorted_tables)
            session.execute(text(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                session.execute(delete(table))
    try:
        yield store
    finally:
        store.close()
