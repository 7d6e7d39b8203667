"""The repo's own configuration loads, and bad configuration is reported whole, with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import ConfigError, load_all, load_profile, load_sources, parse_duration

REPO = Path(__file__).resolve().parent.parent


def test_repo_sources_and_every_profile_load() -> None:
    sources, profiles = load_all(REPO / "sources.yaml", REPO / "pipelines")
    assert len(sources.outlets) >= 50
    kinds = {outlet.kind for outlet in sources.outlets}
    assert {"national", "local", "agency", "institution"} <= kinds
    assert {path.stem for path in (REPO / "pipelines").glob("*.yaml")} == {p.id for p in profiles}
    alba = next(p for p in profiles if p.id == "alba")
    assert alba.county == "Alba"
    assert {t.role for t in alba.targets} >= {"prefect", "subprefect", "institution"}
    watched = {o.id for o in sources.outlets if alba.watches(o)}
    assert "alba24" in watched and "digi24" in watched and "monitorul-cj" not in watched


def test_bad_sources_lists_every_problem_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(
        "outlets:\n"
        "  - id: a\n"
        "    name: A\n"
        "    kind: local\n"
        "    county: Atlantida\n"
        "    feeds: ['ftp://a.ro/feed']\n"
        "    poll: 5 minutes\n"
        "    colour: red\n"
        "  - id: a\n"
        "    name: B\n"
        "    name: C\n"
        "    kind: national\n"
        "    feeds: ['https://b.ro/feed']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    text = str(caught.value)
    assert f"{path}:11: cheie duplicată «name»" in text
    assert f"{path}:9: id duplicat «a»" in text
    assert f"{path}:5: outlets.0.county: județ necunoscut" in text
    assert f"{path}:6: outlets.0.feeds.0: adresă URL invalidă" in text
    assert f"{path}:7: outlets.0.poll: durată invalidă" in text
    assert f"{path}:8: outlets.0.colour: cheie necunoscută" in text


def test_bad_profile_reports_targets_and_unknown_outlets(tmp_path: Path) -> None:
    sources = load_sources(REPO / "sources.yaml")
    path = tmp_path / "x.yaml"
    path.write_text(
        "institution: P\ncounty: Alba\n"
        "targets:\n"
        "  - {id: p, kind: person, name: Ion, role: prefect, aliases: [], from: 2025-01-01, to: null}\n"
        "  - {id: p, kind: robot, name: X, role: prefect, aliases: [], from: null, to: null}\n"
        "sources:\n  include: [nu-exista]\n"
        "digest:\n  time: '25:00'\n  recipients: ['not-an-email']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_profile(path, sources)
    text = str(caught.value)
    assert f"{path}:5: id duplicat «p»" in text
    assert "targets.1.kind" in text
    assert "digest.time: oră invalidă" in text
    assert "adresă de e-mail invalidă" in text


def test_check_config_exits_2_and_prints_problems(tmp_path: Path) -> None:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "sources.yaml").write_text("outlets: []\nfoo: 1\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["check-config"],
        env={"MONITOR_SOURCES": str(tmp_path / "sources.yaml"), "MONITOR_PIPELINES": str(tmp_path / "pipelines")},
    )
    assert result.exit_code == 2
    assert "foo: cheie necunoscută" in result.output
    assert "niciun profil" in result.output


def test_durations() -> None:
    assert parse_duration("10m").total_seconds() == 600
    assert parse_duration(90).total_seconds() == 90
    with pytest.raises(ValueError):
        parse_duration("soon")
