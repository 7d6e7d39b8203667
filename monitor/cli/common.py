"""The click group and the helpers every command shares (settings, store, profile loading)."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from monitor.config import Profile, Sources, load_profile, load_sources
from monitor.errors import ConfigError, PresaError, StoreError
from monitor.settings import Settings
from monitor.store import Store


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is needed, so `monitor crawl`
    does not pay for loading spaCy and WeasyPrint; the modules register their commands on import."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Presa: monitorizarea presei pentru Instituția Prefectului."""
    ctx.obj = Settings.from_env()


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
