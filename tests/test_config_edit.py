"""monitor.config_edit on its own: a file's own indentation and quoting survive an edit, words YAML 1.1 would read
as something else stay text, and the packaged defaults are never written."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO

from monitor import config_edit as edit
from monitor.config import load_profile
from monitor.errors import RequestError
from monitor.settings import DEFAULTS, Settings
from monitor.store import Store

AUDIT = edit.Audit("root", datetime(2026, 12, 1, tzinfo=UTC), "settings.test", "test")
WIDE = """\
# A profile written with four spaces.
institution: 'Instituția Prefectului – Județul Alba'
county: Alba
targets:
    - id: prefect
      kind: person
      name: 'Horia Vlădescu'   # the current prefect
      role: prefect
      aliases:
          - 'Horia Vladescu'
      from: 2025-02-01
      to: null
digest:
    time: '07:30'
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pipelines").mkdir()
    shutil.copy(REPO / "sources.yaml", tmp_path / "sources.yaml")
    (tmp_path / "pipelines" / "alba.yaml").write_text(WIDE, encoding="utf-8")
    return tmp_path


def test_an_edit_keeps_the_files_own_layout_and_reads_back_as_text(folder: Path, store: Store) -> None:
    settings = Settings.from_env({}, config_dir=folder, database_url="sqlite://")
    path = folder / "pipelines" / "alba.yaml"
    before = edit.shown(load_profile(path).target("prefect"), edit.TARGET)
    form = before | {"aliases": "Horia Vladescu\nNO\nnull", "name": "Horia Vlădescu"}
    assert edit.edit_file(
        settings, store, path, edit.update_entry("targets", "prefect", edit.TARGET, form, before), AUDIT
    )
    digest = edit.shown(load_profile(path).digest, edit.DIGEST)
    change = edit.update_section("digest", edit.DIGEST, digest | {"time": "06:05"}, digest)
    edit.edit_file(settings, store, path, change, AUDIT)
    text = path.read_text(encoding="utf-8")
    aliases = "          - 'Horia Vladescu'\n"
    added = aliases + "          - 'NO'\n          - 'null'\n"
    assert text == WIDE.replace(aliases, added).replace("'07:30'", "'06:05'")
    profile = load_profile(path)
    assert profile.target("prefect").aliases == ("Horia Vladescu", "NO", "null")
    assert f"{profile.digest.time:%H:%M}" == "06:05"


def test_the_packaged_defaults_are_never_written(store: Store) -> None:
    settings = replace(
        Settings.from_env({}, database_url="sqlite://"),
        sources_path=DEFAULTS / "sources.yaml",
        pipelines_dir=DEFAULTS / "pipelines",
    )
    path = DEFAULTS / "pipelines" / "alba.yaml"
    before = path.read_bytes()
    with pytest.raises(RequestError, match="monitor init DOSAR"):
        edit.edit_file(settings, store, path, lambda doc: pytest.fail("the packaged file was read"), AUDIT)
    assert path.read_bytes() == before
