"""Storage failures (bad URL, read-only database, full disk, unreachable server): one Romanian message naming the
file or server, exit code 2, no traceback, never the password, and no partial rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from rows import add_mention, add_outlets, add_story
from sqlalchemy import event, func, select

from monitor.cli import cli
from monitor.errors import StoreError
from monitor.store import Store
from monitor.store.models import OutletRow

T0 = datetime(2026, 5, 4, 9, tzinfo=UTC)


def _run(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--log-level", "warning", *args], env={"MONITOR_DATABASE_URL": url})
    return result.exit_code, result.output


def test_a_bad_database_url() -> None:
    code, output = _run("nonsense://x", "db", "upgrade")
    assert code == 2 and "MONITOR_DATABASE_URL nu este o adresă de bază de date validă" in output
    assert "Traceback" not in output


def test_an_unreachable_server_is_named_and_its_password_never_shown() -> None:
    code, output = _run("postgresql://presa:t0p-s3cret@127.0.0.1:1/presa", "db", "upgrade")
    assert code == 2
    assert "serverul PostgreSQL 127.0.0.1:1, baza «presa»" in output and "nu răspunde" in output
    assert "t0p-s3cret" not in output and "Traceback" not in output


def test_a_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "presa.db"
    with Store(f"sqlite:///{path}").session() as session:
        add_outlets(session)
        article = add_story(session, "alba24", "Prefectul, criticat", "Prefectul Horia Vlădescu, criticat.", T0)
        add_mention(session, article, "prefect", "negative")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    code, output = _run(read_only, "tag", str(article.id), "--target", "prefect", "--tone", "negativ")
    assert code == 2, output
    assert "Baza de date (fișierul bazei de date" in output and str(path) in output
    assert "nu poate fi scrisă" in output and "Traceback" not in output


def test_a_full_disk_loses_no_row_and_says_so(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'presa.db'}")
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _small(dbapi_connection: object, _record: object) -> None:  # a disk with room for a few pages only
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + 2}")
        cursor.close()

    with pytest.raises(StoreError, match="discul este plin"), store.session() as session:
        for n in range(2000):
            session.add(OutletRow(id=f"o{n}", name="x" * 200, kind="local", county="Alba", reach=1))
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(OutletRow)) == 0  # all or nothing
