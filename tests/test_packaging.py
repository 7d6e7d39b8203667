"""What an operator installs and runs: the packaged defaults, `monitor init`, where the configuration is found,
the office's own templates, `--version`, `--log-level`, and a command line that speaks Romanian."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from monitor.cli import cli
from monitor.cli.common import version
from monitor.config import load_all
from monitor.deliver.render import environment
from monitor.settings import DEFAULTS, Settings, find_config
from monitor.store import Store


def test_the_package_carries_sources_the_example_profile_and_the_templates() -> None:
    sources, profiles = load_all(DEFAULTS / "sources.yaml", DEFAULTS / "pipelines")
    assert len(sources.outlets) > 40 and [p.id for p in profiles] == ["alba"]
    names = {path.name for path in (DEFAULTS / "templates").iterdir()}
    assert {"digest.html.j2", "alert.txt.j2", "monthly.html.j2", "reply.html.j2"} <= names


def test_init_writes_a_config_folder_that_checks_and_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "presa"
    runner = CliRunner()
    result = runner.invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    for name in ("sources.yaml", "pipelines/alba.yaml", "presa.env.example"):
        assert (folder / name).is_file(), name
    assert "MONITOR_SMTP_URL" in (folder / "presa.env.example").read_text(encoding="utf-8")
    checked = runner.invoke(cli, ["--config", str(folder), "check-config"])
    assert checked.exit_code == 0 and "Configurație corectă" in checked.output
    again = runner.invoke(cli, ["init", str(folder)])
    assert again.exit_code == 1 and "Nu suprascriu fișiere existente" in again.output
    assert str(folder / "sources.yaml") in again.output


def test_the_config_folder_is_found_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit, home, cwd, user = (tmp_path / name for name in ("explicit", "home", "cwd", "user"))
    for folder in (explicit, home, cwd):
        folder.mkdir()
    (user / "presa").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user))
    assert find_config(explicit, {"MONITOR_HOME": str(home)}, cwd).path == explicit
    assert find_config(None, {"MONITOR_HOME": str(home)}, cwd).reason == "MONITOR_HOME"
    (cwd / "sources.yaml").write_text("outlets: []\n", encoding="utf-8")
    assert find_config(None, {}, cwd).path == cwd
    assert find_config(None, {}, tmp_path).path == user / "presa"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nowhere"))
    packaged = find_config(None, {}, tmp_path)
    assert packaged.path is None and "monitor init" in packaged.describe
    settings = Settings.from_env({}, config_dir=home)
    assert settings.sources_path == home / "sources.yaml" and settings.pipelines_dir == home / "pipelines"
    assert settings.database_url == f"sqlite:///{home / 'data' / 'presa.db'}"


def test_a_template_in_the_config_folder_replaces_the_packaged_one(tmp_path: Path) -> None:
    folder = tmp_path / "reports" / "templates"
    folder.mkdir(parents=True)
    (folder / "reply.txt.j2").write_text("ANTETUL PREFECTURII {{ 1 + 1 }}\n", encoding="utf-8")
    settings = Settings.from_env({}, config_dir=tmp_path)
    assert settings.templates_dir == folder
    env = environment(settings.templates_dir)
    assert env.get_template("reply.txt.j2").render() == "ANTETUL PREFECTURII 2\n"
    assert env.get_template("digest.txt.j2").filename == str(DEFAULTS / "templates" / "digest.txt.j2")


def test_version_and_log_level() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"monitor (Presa) {version()}"
    bad = runner.invoke(cli, ["--log-level", "chatty", "check-config"])
    assert bad.exit_code == 2 and "Valoare invalidă pentru '--log-level'" in bad.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope"], ["Utilizare: cli [OPȚIUNI] COMANDĂ [ARGUMENTE]...", "Eroare: Nu există comanda 'nope'."]),
        (["init"], ["Utilizare: cli init [OPȚIUNI] DOSAR", "Eroare: Lipsește argumentul 'DOSAR'."]),
        (["search", "x", "--from", "1 noiembrie"], ["dată invalidă «1 noiembrie»: scrieți zz.ll.aaaa"]),
        (["report", "--month", "noiembrie"], ["lună invalidă «noiembrie»: scrieți ll.aaaa"]),
    ],
)
def test_usage_errors_are_romanian(args: list[str], words: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.output
    assert "Usage:" not in result.output and "Error:" not in result.output


def test_days_are_read_as_the_office_writes_them() -> None:
    from datetime import date

    from monitor.cli.common import Day, Month

    assert Day().convert("01.11.2026", None, None) == date(2026, 11, 1)
    assert Day().convert("2026-11-01", None, None) == date(2026, 11, 1)
    assert Month().convert("10.2026", None, None) == Month().convert("2026-10", None, None) == date(2026, 10, 1)


def test_bad_environment_values_are_named_in_romanian() -> None:
    result = CliRunner().invoke(
        cli, ["status"], env={"MONITOR_EXTRACTION_WORKERS": "doi", "MONITOR_DATABASE_URL": "sqlite://"}
    )
    assert result.exit_code == 1 and "MONITOR_EXTRACTION_WORKERS: «doi» trebuie să fie un număr întreg" in result.output


def test_targets_by_name_topics_and_outlets_are_checked(store: Store, settings: Settings, tmp_path: Path) -> None:
    """--target by name or surname; a topic outside the taxonomy, a target the story does not mention and an
    unknown outlet are refused, saying what was not done."""
    from rows import add_mention, add_story, at, seed_month

    with store.session() as session:
        seed_month(session)
        article = add_story(session, "alba24", "Prefectul, criticat", "Prefectul Horia Vlădescu, criticat.", at(10, 9))
        add_mention(session, article, "prefect", "negative")
        article_id = article.id
    env = {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_SOURCES": str(REPO / "sources.yaml"),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
    }
    runner = CliRunner()
    ok = runner.invoke(cli, ["tag", str(article_id), "--target", "Vladescu", "--tone", "neutru"], env=env)
    assert ok.exit_code == 0 and "Corecție înregistrată (ton neutru) pentru Horia Vlădescu" in ok.output
    topic = runner.invoke(cli, ["tag", str(article_id), "--target", "prefect", "--topic", "fotbal"], env=env)
    assert topic.exit_code == 1 and "tema «fotbal» nu există în taxonomia profilului" in topic.output
    other = runner.invoke(cli, ["tag", str(article_id), "--target", "Ioana Câmpeanu", "--tone", "pozitiv"], env=env)
    assert other.exit_code == 1 and "nu menționează ținta «subprefect»" in other.output
    unknown = runner.invoke(cli, ["tag", str(article_id), "--target", "Popescu", "--tone", "pozitiv"], env=env)
    assert unknown.exit_code == 1 and "Ținta «Popescu» nu există în profilul alba" in unknown.output
    outlet = runner.invoke(cli, ["search", "prefect", "--outlet", "nope"], env=env)
    assert outlet.exit_code == 1 and "Publicația «nope» nu există în sources.yaml" in outlet.output
