"""Operations: `monitor status`, the daemon's /health endpoint, and the operator's warning e-mail (a real aiosmtpd
server, real SQLite files, a real HTTP request)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from click.testing import CliRunner
from conftest import SmtpSink
from rows import add_outlets

from monitor.cli import cli
from monitor.settings import Settings
from monitor.status import _ago, read_status
from monitor.store import Store
from monitor.store.models import FeedRow
from monitor.watchdog import REPEAT, Watchdog, health_endpoint

NOW = datetime(2026, 12, 4, 10, tzinfo=UTC)


def _feeds(store: Store, *, last_success: datetime) -> None:
    with store.session() as session:
        add_outlets(session)
        session.add(
            FeedRow(
                outlet_id="alba24",
                url="https://alba24.example.ro/rss",
                last_success_at=last_success,
                last_checked_at=last_success,
                error_count=0,
                next_check_at=last_success,
            )
        )
        session.add(
            FeedRow(
                outlet_id="digi24",
                url="https://digi24.example.ro/rss",
                last_success_at=None,
                last_checked_at=last_success,
                error_count=3,
                last_error="HTTP 503",
                next_check_at=last_success,
            )
        )


def test_status_names_the_failing_outlet_and_a_stopped_collection(store: Store, settings: Settings) -> None:
    _feeds(store, last_success=NOW - timedelta(hours=9))
    status = read_status(store, settings, now=NOW)
    assert [o.outlet_id for o in status.failing] == ["digi24"]
    assert [p.kind for p in status.problems] == ["collection"]
    result = CliRunner().invoke(
        cli, ["--log-level", "warning", "status"], env={"MONITOR_DATABASE_URL": settings.database_url}
    )
    assert result.exit_code == 1, result.output
    assert "digi24 (Digi24): 3 erori la rând – HTTP 503" in result.output
    assert "Problemă: Colectarea s-a oprit" in result.output and "Serviciul: nu rulează" in result.output


def test_health_endpoint_answers_503_then_200(store: Store, settings: Settings) -> None:
    _feeds(store, last_success=NOW - timedelta(hours=9))
    clock = [NOW]
    with health_endpoint("127.0.0.1:0", store, settings, lambda: clock[0]) as address:
        sick = httpx.get(f"http://{address}/health")
        assert sick.status_code == 503 and sick.json()["problems"][0]["kind"] == "collection"
        assert sick.json()["outlets_failing"] == ["digi24"]
        clock[0] = NOW - timedelta(hours=8)  # the last success is an hour old
        well = httpx.get(f"http://{address}/health")
        assert well.status_code == 200 and well.json()["ok"] is True
        assert httpx.get(f"http://{address}/other").status_code == 404


def test_the_operator_is_warned_once_per_problem_and_told_when_it_is_solved(
    store: Store, settings: Settings, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url, operator_email="it@prefectura.example")
    _feeds(store, last_success=NOW - timedelta(hours=9))
    watchdog = Watchdog(store, settings)
    assert [p.kind for p in watchdog.check(NOW)] == ["collection"]
    watchdog.check(NOW + timedelta(minutes=5))  # the same problem: no second e-mail
    assert [m["Subject"] for m in smtp.messages] == ["Presa: problemă la monitorizare"]
    assert "Colectarea s-a oprit" in smtp.messages[0].get_body(("plain",)).get_content()
    watchdog.check(NOW + REPEAT)  # still broken after REPEAT: one reminder
    assert len(smtp.messages) == 2
    with store.session() as session:
        session.query(FeedRow).update({FeedRow.last_success_at: NOW + REPEAT})
    assert watchdog.check(NOW + REPEAT + timedelta(minutes=5)) == []
    assert smtp.messages[-1]["Subject"] == "Presa: monitorizarea funcționează din nou"


def test_a_database_that_cannot_be_read_is_a_storage_warning(
    tmp_path: Path, settings: Settings, smtp: SmtpSink
) -> None:
    path = tmp_path / "broken.db"
    store = Store(f"sqlite:///{path}")
    store.engine.dispose()
    path.write_bytes(b"this is not a database" * 100)
    settings = replace(settings, smtp_url=smtp.url, operator_email="it@prefectura.example")
    found = Watchdog(store, settings).check(NOW)
    assert [p.kind for p in found] == ["storage"] and "nu este o bază de date validă" in found[0].text
    assert str(path) in smtp.messages[0].get_body(("plain",)).get_content()


def test_analysis_falling_behind_is_a_problem(store: Store, settings: Settings) -> None:
    from rows import add_article
    from sqlalchemy import insert

    from monitor.store.models import AnalysisQueueRow
    from monitor.store.queue import EVERY_PROFILE

    _feeds(store, last_success=NOW - timedelta(minutes=5))
    with store.session() as session:
        waiting = [
            add_article(session, "alba24", f"Știrea {n}", f"Textul {n}.", NOW - timedelta(hours=3)) for n in range(3)
        ]
        session.execute(
            insert(AnalysisQueueRow),
            [{"article_id": a.id, "profile_id": EVERY_PROFILE, "queued_at": NOW - timedelta(hours=2)} for a in waiting],
        )
    status = read_status(store, settings, now=NOW)
    assert status.queued == 3 and [p.kind for p in status.problems] == ["analysis"]
    assert "Analiza rămâne în urmă: 3 articole noi în așteptare" in status.problems[0].text
    assert read_status(store, settings, now=NOW - timedelta(minutes=90)).problems == ()  # half an hour: not behind


def test_how_long_ago_agrees_in_romanian() -> None:
    """«acum 2 ore», «acum 24 de ore», «acum 30 de zile»: the status line's age of the last collection."""
    assert _ago(timedelta(seconds=20)) == "acum"
    assert _ago(timedelta(minutes=45)) == "acum 45 min"
    assert _ago(timedelta(hours=2)) == "acum 2 ore"
    assert _ago(timedelta(hours=24)) == "acum 24 de ore"
    assert _ago(timedelta(days=3)) == "acum 3 zile"
    assert _ago(timedelta(days=30)) == "acum 30 de zile"
