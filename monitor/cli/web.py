"""`monitor web` (the workspace in the browser) and `monitor user …` (its accounts)."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.accounts import add_user, list_users, set_active, set_password
from monitor.cli.common import cli, open_store, settings_of
from monitor.config import load_all
from monitor.deliver.render import datetime_ro
from monitor.record import Role
from monitor.settings import Settings


def _operator() -> str:
    """Who runs the command, for the audit log."""
    return "cli:" + (os.environ.get("USER") or getpass.getuser() or "necunoscut")


def _read_password() -> str:
    """The password from standard input: typed twice at a terminal, one line when piped (never an option: it would
    stay in the shell history and the process list)."""
    if sys.stdin.isatty():
        first = getpass.getpass("Parola: ")
        if getpass.getpass("Parola, din nou: ") != first:
            raise click.ClickException("Parolele nu coincid.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


@cli.group("user")
def user_group() -> None:
    """Conturile spațiului de lucru web (parola se citește de la intrarea standard)."""


@user_group.command("add")
@click.argument("login")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help="birou (biroul de presă), purtator (purtătorul de cuvânt), conducere (doar citire și rapoarte), admin.",
)
@click.option("--profile", "profiles", multiple=True, metavar="P", help="Profilul văzut (se poate repeta).")
@click.pass_context
def user_add(ctx: click.Context, login: str, role: str, profiles: tuple[str, ...]) -> None:
    """Adaugă un cont."""
    settings = settings_of(ctx)
    _, known = load_all(settings.sources_path, settings.pipelines_dir)
    unknown = sorted(set(profiles) - {profile.id for profile in known})
    if unknown:
        names = ", ".join(profile.id for profile in known)
        raise click.ClickException(f"Profil necunoscut: {', '.join(unknown)} (profiluri: {names})")
    user = add_user(
        open_store(settings), login, _read_password(), Role(role), profiles, by=_operator(), now=datetime.now(UTC)
    )
    seen = ", ".join(user.profiles) if user.profiles else "toate profilurile"
    click.echo(f"Contul «{user.login}» ({user.role.label}) a fost creat; vede: {seen}.")


@user_group.command("password")
@click.argument("login")
@click.pass_context
def user_password(ctx: click.Context, login: str) -> None:
    """Schimbă parola unui cont (sesiunile lui deschise se închid)."""
    set_password(open_store(settings_of(ctx)), login, _read_password(), by=_operator(), now=datetime.now(UTC))
    click.echo(f"Parola contului «{login}» a fost schimbată.")


@user_group.command("disable")
@click.argument("login")
@click.pass_context
def user_disable(ctx: click.Context, login: str) -> None:
    """Dezactivează un cont (sesiunile lui se închid)."""
    set_active(open_store(settings_of(ctx)), login, False, by=_operator(), now=datetime.now(UTC))
    click.echo(f"Contul «{login}» a fost dezactivat.")


@user_group.command("enable")
@click.argument("login")
@click.pass_context
def user_enable(ctx: click.Context, login: str) -> None:
    """Reactivează un cont."""
    set_active(open_store(settings_of(ctx)), login, True, by=_operator(), now=datetime.now(UTC))
    click.echo(f"Contul «{login}» a fost reactivat.")


@user_group.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """Arată conturile."""
    users = list_users(open_store(settings_of(ctx)))
    if not users:
        click.echo("Niciun cont. Creați unul cu «monitor user add LOGIN --role birou --profile P».")
    for user, active, last in users:
        seen = ", ".join(user.profiles) if user.profiles else "toate profilurile"
        state = "activ" if active else "dezactivat"
        when = f"ultima autentificare {datetime_ro(last)}" if last else "nu s-a autentificat încă"
        click.echo(f"{user.login}: {user.role.label}; {seen}; {state}; {when}")


@cli.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresa de ascultare.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(0, 65535), help="Portul (0: oricare liber)."
)
@click.option("--https", "https", is_flag=True, help="Serverul e în spatele unui proxy HTTPS: cookie-uri «Secure».")
@click.option(
    "--demo",
    "demo",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DOSAR]",
    help="Pe datele ultimei demonstrații (implicit DATA/demo, unde o scrie «monitor demo»).",
)
@click.pass_context
def web_command(ctx: click.Context, host: str, port: int, https: bool, demo: str | None) -> None:
    """Spațiul de lucru web al biroului de presă."""
    import uvicorn

    from monitor.web import create_app

    settings = settings_of(ctx)
    if demo is not None:
        folder = Path(demo) if demo else settings.data_dir / "demo"
        if not (folder / "presa-demo.db").is_file():
            raise click.ClickException(f"Nicio demonstrație în {folder}: rulați întâi «monitor demo».")
        settings = Settings.from_env(
            config_dir=folder, database_url=f"sqlite:///{folder / 'presa-demo.db'}", data_dir=folder / "data"
        )
    app = create_app(settings, open_store(settings), https=https or None)
    click.echo(f"Spațiul de lucru: http://{host}:{port}/ (Ctrl+C pentru oprire)")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=https)
