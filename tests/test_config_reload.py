"""The daemon follows its configuration: a profile or an outlet edited on disk (here through the settings library,
as «Setări» does) is taken up without a restart, its jobs rescheduled; an invalid edit keeps what runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from web_setup import config_folder

from monitor import config_edit as edit
from monitor.config import load_all
from monitor.scheduler import Daemon
from monitor.settings import Settings
from monitor.store import Store


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    """A daemon with its jobs scheduled on a paused scheduler: the jobs are there, none runs (nothing is fetched)."""
    settings = Settings.from_env(
        {}, config_dir=config_folder(tmp_path), database_url=f"sqlite:///{tmp_path / 'presa.db'}",
        data_dir=tmp_path / "data", output_dir=tmp_path / "out",
    )  # fmt: skip
    store = Store(settings.database_url)
    sources, profiles = load_all(settings.sources_path, settings.pipelines_dir)
    daemon = Daemon(store, sources, profiles, settings)
    daemon._schedule()
    daemon.scheduler.start(paused=True)
    yield daemon
    daemon.scheduler.shutdown(wait=False)
    store.close()


def _edit(daemon: Daemon, path: Path, change: edit.Change) -> None:
    audited = edit.Audit("root", datetime.now(UTC), "settings.test", "test")
    assert edit.edit_file(daemon.settings, daemon.store, path, change, audited).changed


def test_the_daemon_takes_up_an_edited_profile_without_restart(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    settings = daemon.settings
    alba_path = settings.pipelines_dir / "alba.yaml"
    assert daemon.reload_config() is False  # nothing changed
    assert str(daemon.scheduler.get_job("digest:alba").trigger) == "cron[hour='7', minute='30']"
    assert daemon.scheduler.get_job("crawl:stiri-de-cluj") is not None

    alba = next(profile for profile in daemon.profiles if profile.id == "alba")
    digest = edit.shown(alba.digest, edit.DIGEST)
    _edit(daemon, alba_path, edit.update_section("digest", edit.DIGEST, digest | {"time": "06:15"}, digest))
    report = edit.shown(alba.report, edit.REPORT)
    _edit(daemon, alba_path, edit.update_section("report", edit.REPORT, report | {"day": "3"}, report))
    target = edit.shown(alba.target("prefect"), edit.TARGET)
    aliases = target | {"aliases": "Horia Vladescu\nPrefectul Vlădescu"}
    _edit(daemon, alba_path, edit.update_entry("targets", "prefect", edit.TARGET, aliases, target))
    outlet = edit.shown(daemon.sources.outlet("alba24"), edit.OUTLET)
    _edit(
        daemon,
        settings.sources_path,
        edit.update_entry("outlets", "alba24", edit.OUTLET, outlet | {"poll": "5m"}, outlet),
    )
    _edit(daemon, settings.sources_path, edit.remove_entry("outlets", "stiri-de-cluj"))
    new = {"id": "gazeta-alba", "name": "Gazeta de Alba", "kind": "local", "county": "Alba", "reach": "1000",
           "feeds": "https://gazeta-alba.example.ro/rss", "poll": "10m", "enabled": "true"}  # fmt: skip
    _edit(daemon, settings.sources_path, edit.add_entry("outlets", edit.NEW_OUTLET, new))

    assert daemon.reload_config() is True
    alba = next(profile for profile in daemon.profiles if profile.id == "alba")
    assert alba.digest.time == time(6, 15) and alba.target("prefect").aliases[-1] == "Prefectul Vlădescu"
    assert str(daemon.scheduler.get_job("digest:alba").trigger) == "cron[hour='6', minute='15']"
    assert str(daemon.scheduler.get_job("report:alba").trigger) == "cron[day='3', hour='8', minute='0']"
    assert daemon.scheduler.get_job("crawl:alba24").trigger.interval == timedelta(minutes=5)
    assert daemon.scheduler.get_job("crawl:stiri-de-cluj") is None
    assert daemon.scheduler.get_job("crawl:gazeta-alba") is not None
    assert daemon.crawl_outlet("stiri-de-cluj") is None  # a run that waited for a removed outlet does nothing

    # an invalid edit (by hand) is logged with its problems; the daemon keeps the configuration it runs
    alba_path.write_text(alba_path.read_text(encoding="utf-8").replace('time: "06:15"', 'time: "26:15"'), "utf-8")
    with caplog.at_level(logging.ERROR, logger="monitor.config_watch"):
        assert daemon.reload_config() is False
    assert "keeping the previous one" in caplog.text and f"{alba_path}:" in caplog.text and "26:15" in caplog.text
    assert next(profile for profile in daemon.profiles if profile.id == "alba").digest.time == time(6, 15)
    assert str(daemon.scheduler.get_job("digest:alba").trigger) == "cron[hour='6', minute='15']"
