"""Commands about configuration, the database schema and the deployment's state."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.common import cli, open_store, settings_of
from monitor.config import ConfigError, load_all, write_config_folder
from monitor.deliver.render import count_ro
from monitor.status import describe_status, read_status
from monitor.store.db import current_revision, upgrade


@cli.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Verifică sources.yaml și profilurile din pipelines/; ieșire 2 la erori."""
    settings = settings_of(ctx)
    try:
        sources, profiles = load_all(settings.sources_path, settings.pipelines_dir)
    except ConfigError as exc:
        count = len(exc.problems)
        noun = "o problemă" if count == 1 else count_ro(count, "problemă", "probleme")
        click.echo(f"Configurația are {noun}:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(2)
    feeds = sum(len(outlet.feeds) for outlet in sources.outlets)
    click.echo(
        f"Configurație corectă: {count_ro(len(sources.outlets), 'publicație', 'publicații')}, "
        f"{count_ro(feeds, 'flux', 'fluxuri')}."
    )
    for profile in profiles:
        watched = sum(1 for outlet in sources.outlets if profile.watches(outlet))
        click.echo(
            f"  profil {profile.id}: {profile.institution}, {count_ro(len(profile.targets), 'țintă', 'ținte')}, "
            f"{count_ro(watched, 'publicație urmărită', 'publicații urmărite')}"
        )


@cli.group("db")
def db() -> None:
    """Baza de date: migrări."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Aduce schema bazei de date la ultima versiune."""
    store = open_store(settings_of(ctx))
    upgrade(store.engine)
    click.echo(f"Baza de date este la versiunea {current_revision(store.engine)}.")


@cli.command("init")
@click.argument("folder", metavar="DOSAR", type=click.Path(file_okay=False, path_type=Path))
def init_command(folder: Path) -> None:
    """Creează un dosar de configurare: sources.yaml, pipelines/ cu profilul exemplu, un exemplu de mediu."""
    written = write_config_folder(folder)
    click.echo(f"Dosarul de configurare {folder} a fost creat:")
    for path in written:
        click.echo(f"  {path}")
    click.echo(
        "Pașii următori: completați profilul din pipelines/ (persoanele, destinatarii), verificați cu "
        f"«monitor --config {folder} check-config», apoi porniți «monitor --config {folder} run»."
    )


@cli.command("status")
@click.pass_context
def status_command(ctx: click.Context) -> None:
    """Starea instalării: colectarea, fiecare publicație, coada de e-mail, serviciul, baza de date; ieșire 1 la
    probleme."""
    settings = settings_of(ctx)
    now = datetime.now(UTC)
    status = read_status(open_store(settings), settings, now=now)
    for line in describe_status(status, settings):
        click.echo(line)
    if not status.healthy:
        sys.exit(1)
