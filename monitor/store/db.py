"""Engine and sessions for SQLite (default, WAL) or PostgreSQL (MONITOR_DATABASE_URL); migrations on first use."""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Select, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.orm import Session, sessionmaker

from monitor.errors import StoreError

log = logging.getLogger(__name__)
_T = TypeVar("_T")

CHUNK = 400  # items per IN (...) list: well under every backend's parameter limit

# Failures of the storage itself, as opposed to the data (IntegrityError stays: callers rely on it). OSError only
# while opening (the SQLite file's folder): inside a session it may be any file the work writes.
_DRIVER_FAILURES = (OperationalError, InterfaceError, DatabaseError)
_NOT_STORAGE = (IntegrityError, ProgrammingError, DataError)  # the data or the code, not the storage
_OPEN_FAILURES = (*_DRIVER_FAILURES, ArgumentError, NoSuchModuleError, OSError)


def _normalise(url: str) -> str:
    """postgresql:// and postgres:// mean psycopg 3 here."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def chunks(items: Sequence[_T], size: int = CHUNK) -> Iterable[Sequence[_T]]:
    """`items` in slices of at most `size`, for IN (...) lists."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def as_utc(value: datetime) -> datetime:
    """An aggregate's datetime (SQLite gives min()/max() without a zone, unconverted) as aware UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout and foreign keys; parent dirs are made."""
    url = _normalise(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("monitor.store") / "migrations"))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    command.upgrade(_alembic_config(engine), "head")


def describe_place(url: str) -> str:
    """Where the data lives, for a person, never with a password: a file, or a server and a database."""
    try:
        parsed = make_url(_normalise(url))
    except ArgumentError:
        return "baza de date din MONITOR_DATABASE_URL"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"fișierul bazei de date {parsed.database or ':memory:'}"
    if backend != "postgresql":
        return f"adresa din MONITOR_DATABASE_URL, de tipul «{backend}»"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"serverul PostgreSQL {where}, baza «{parsed.database or ''}»"


# What the driver's message says, and what it means for the operator (checked in order, lower case).
_CAUSES = (
    (
        ("readonly database", "read-only", "permission denied", "attempt to write a readonly"),
        "nu poate fi scrisă (doar pentru citire sau fără drept de scriere)",
    ),
    (("database or disk is full", "no space left", "disk full"), "nu mai are loc: discul este plin"),
    (("unable to open database file",), "nu poate fi deschisă (dosarul lipsește sau nu are drepturi)"),
    (
        ("password authentication failed", "authentication failed", "role"),
        "refuză autentificarea (utilizator sau parolă greșite în MONITOR_DATABASE_URL)",
    ),
    (
        (
            "connection refused",
            "could not connect",
            "timeout expired",
            "timed out",
            "could not translate host name",
            "no route to host",
            "name or service not known",
        ),
        "nu răspunde (serverul e oprit sau adresa e greșită)",
    ),
    (("does not exist",), "nu există pe server"),
    (("database is locked",), "este blocată de alt proces peste limita de așteptare"),
    (("file is not a database", "malformed"), "nu este o bază de date validă (fișier deteriorat?)"),
)


def storage_error(exc: BaseException, url: str) -> StoreError:
    """The Romanian error for a storage failure: what, where, why; never the password."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    place = describe_place(url)
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return StoreError(f"MONITOR_DATABASE_URL nu este o adresă de bază de date validă ({place})")
    for needles, meaning in _CAUSES:
        if any(needle in text for needle in needles):
            return StoreError(f"Baza de date ({place}) {meaning}.")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return StoreError(f"Baza de date ({place}) nu mai are loc: discul este plin.")
    first = text.splitlines()[0] if text else type(exc).__name__
    return StoreError(f"Eroare la baza de date ({place}): {_without_secret(first, url)}")


def _without_secret(text: str, url: str) -> str:
    try:
        password = make_url(_normalise(url)).password
    except ArgumentError:
        return text
    return text.replace(str(password), "***") if password else text


class Store:
    """The database of one deployment: an engine, a session factory, migrations applied on first use.

    A failure of the storage itself (bad URL, read-only file, full disk, unreachable server) becomes a StoreError
    naming the file or server; a constraint violation stays what it is (callers rely on IntegrityError)."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = _normalise(url)
        try:
            self.engine = make_engine(self.url)
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
            if migrate and current_revision(self.engine) != head_revision(self.engine):
                log.info("migrating %s to %s", describe_place(self.url), head_revision(self.engine))
                upgrade(self.engine)
        except _NOT_STORAGE:
            raise
        except _OPEN_FAILURES as exc:
            raise storage_error(exc, self.url) from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except _NOT_STORAGE:
            raise
        except _DRIVER_FAILURES as exc:
            raise storage_error(exc, self.url) from exc

    def in_batches(self, pending: Select[int], work: Callable[[Session, Sequence[int]], int]) -> int:
        """Hand the ids `pending` selects (a limited batch) to `work`, one transaction a batch, until it selects
        none: `work` must take them out of `pending`. Returns the sum of what `work` returned."""
        done = 0
        while True:
            with self.session() as session:
                ids = session.scalars(pending).all()
                if not ids:
                    return done
                done += work(session, ids)

    def close(self) -> None:
        self.engine.dispose()
