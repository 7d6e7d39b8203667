"""The click group and the helpers every command shares (settings, store, profile loading)."""

from __future__ import annotations

import importlib
import logging
from datetime import date
from importlib.metadata import version as _installed_version
from pathlib import Path
from typing import Any

import click

from monitor.cli.romanian import speak_romanian
from monitor.config import Profile, Sources, load_profile, load_sources
from monitor.days import parse_day, parse_month
from monitor.errors import ConfigError, PresaError, StoreError
from monitor.settings import Settings
from monitor.store import Store

log = logging.getLogger(__name__)
speak_romanian()  # the command line's own messages too (usage, errors, help headings)


def version() -> str:
    """The installed package's version."""
    return _installed_version("presa-monitor")


class RomanianCommand(click.Command):
    """A command whose usage line is Romanian ("[OPȚIUNI]")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPȚIUNI]")
        super().__init__(*args, **kwargs)


class RomanianGroup(click.Group):
    """A group whose usage line, commands and subgroups are Romanian."""

    command_class = RomanianCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPȚIUNI]")
        kwargs.setdefault("subcommand_metavar", "COMANDĂ [ARGUMENTE]...")
        super().__init__(*args, **kwargs)


RomanianGroup.group_class = RomanianGroup


class LazyGroup(RomanianGroup):
    """A group that imports a command's module only when that command is needed, so `monitor crawl`
    does not pay for loading spaCy and WeasyPrint; the modules register their commands on import."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules: dict[str, str] = {}  # command name -> module that defines it

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.modules})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.modules:
            importlib.import_module(self.modules[cmd_name])
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """The one edge where the library's errors become the command line's (exit code 1, or 2 for storage)."""
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            raise click.ClickException("Configurație invalidă:\n" + "\n".join(exc.problems)) from exc
        except StoreError as exc:
            raise UsageStop(str(exc)) from exc
        except PresaError as exc:
            raise click.ClickException(str(exc)) from exc


class UsageStop(click.ClickException):
    """An error the operator must fix before anything can run (storage): exit code 2."""

    exit_code = 2


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class Day(click.ParamType):
    """A calendar day as the office writes it, zz.ll.aaaa (01.11.2026), or as ISO, aaaa-ll-zz."""

    name = "zi"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        day = parse_day(text)
        if day is not None:
            return day
        self.fail(f"dată invalidă «{text}»: scrieți zz.ll.aaaa (de exemplu 01.11.2026) sau aaaa-ll-zz", param, ctx)


class Month(click.ParamType):
    """A month, ll.aaaa (11.2026) or aaaa-ll (2026-11): its first day."""

    name = "lună"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value.replace(day=1)
        text = str(value).strip()
        month = parse_month(text)
        if month is not None:
            return month
        self.fail(f"lună invalidă «{text}»: scrieți ll.aaaa (de exemplu 10.2026) sau aaaa-ll", param, ctx)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    version(), "--version", prog_name="monitor", message="%(prog)s (Presa) %(version)s", help="Arată versiunea și iese."
)
@click.option(
    "--config",
    "config_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Dosarul de configurare (sources.yaml, pipelines/, reports/templates/); implicit: MONITOR_HOME, "
    "dosarul curent, apoi dosarul utilizatorului.",
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    envvar="MONITOR_LOG_LEVEL",
    default="INFO",
    show_default=True,
    help="Cât de detaliat e jurnalul (și MONITOR_LOG_LEVEL).",
)
@click.pass_context
def cli(ctx: click.Context, config_dir: Path | None, log_level: str) -> None:
    """Presa: monitorizarea presei pentru Instituția Prefectului."""
    logging.getLogger().setLevel(log_level.upper())
    ctx.obj = Settings.from_env(config_dir=config_dir)
    log.info("folosesc %s", ctx.obj.config.describe)


profile_option = click.option(
    "--profile",
    "profile_ref",
    metavar="P",
    help="Profilul (id sau fișier YAML; implicit: singurul profil din pipelines/).",
)


def settings_of(ctx: click.Context) -> Settings:
    settings = ctx.find_object(Settings)
    return settings if settings is not None else Settings.from_env()


def open_store(settings: Settings) -> Store:
    return Store(settings.database_url)


def load_config(settings: Settings, profile_path: Path | None = None) -> tuple[Sources, Profile | None]:
    """Load sources.yaml and, when given, one profile; a bad config stops here with every problem listed."""
    sources = load_sources(settings.sources_path)
    profile = load_profile(profile_path, sources) if profile_path is not None else None
    return sources, profile


def resolve_profile(settings: Settings, value: str | None) -> tuple[Sources, Profile]:
    """--profile as a profile id (pipelines/ID.yaml) or a file; omitted, the only profile in pipelines/."""
    if value is None:
        paths = sorted(settings.pipelines_dir.glob("*.yaml"))
        if len(paths) != 1:
            names = ", ".join(path.stem for path in paths) or "niciunul"
            raise click.ClickException(
                f"Alegeți profilul cu --profile (profiluri în {settings.pipelines_dir}: {names})"
            )
        path = paths[0]
    else:
        path = Path(value)
        if not path.is_file():
            path = settings.pipelines_dir / f"{value}.yaml"
        if not path.is_file():
            raise click.ClickException(f"Profil negăsit: {value} (nici fișier, nici {path})")
    sources, profile = load_config(settings, path)
    if profile is None:
        raise click.ClickException(f"Profil negăsit: {value}")
    return sources, profile
