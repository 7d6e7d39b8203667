"""`monitor demo`: the whole job, offline, on a generated newsroom (the README's main-job command)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
from rich.console import Console

from monitor.accounts import add_user
from monitor.cli.common import Month, cli, settings_of
from monitor.record import Role
from monitor.store import Store

# The demo database's one account (fictional data, a database made for the demonstration only).
DEMO_LOGIN, DEMO_PASSWORD = "birou", "presa-demo-2026"


@cli.command("demo")
@click.option(
    "--scale",
    type=click.FloatRange(min=0.05, max=20),
    default=1.0,
    show_default=True,
    help="Volumul lunii generate (1: ~750 articole; 0,2 pentru o probă rapidă).",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Dosarul demonstrației (implicit: DATA/demo). Rezultatele unei rulări anterioare sunt înlocuite.",
)
@click.option("--seed", type=int, default=2026, show_default=True, help="Sămânța generatorului de știri.")
@click.option(
    "--month", type=Month(), default=None, help="Luna simulată, ll.aaaa sau aaaa-ll (implicit: luna trecută)."
)
@click.option("--verbose", is_flag=True, help="Afișează jurnalul complet al rulării.")
@click.pass_context
def demo_command(
    ctx: click.Context, scale: float, output: Path | None, seed: int, month: date | None, verbose: bool
) -> None:
    """Rulează toată munca pe o redacție fictivă locală: colectare, analiză, alerte, sinteză, raport lunar."""
    from monitor.demo.run import run_demo
    from monitor.demo.summary import print_summary

    folder = output if output is not None else settings_of(ctx).data_dir / "demo"
    if not verbose:
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-subsetting notices, not about the user's data
    console = Console()
    with console.status("Pornesc redacția demo…") as status:
        result = run_demo(folder, seed=seed, scale=scale, month=month, say=console.print, status=status.update)
    print_summary(result, console)
    add_user(
        Store(f"sqlite:///{result.database}"), DEMO_LOGIN, DEMO_PASSWORD, Role.OFFICE, ["alba"], by="demo",
        now=datetime.now(UTC),
    )  # fmt: skip
    last_digest = (result.month.replace(day=28) + timedelta(days=4)).replace(day=1)  # the morning after the month
    console.print(
        "Spațiul de lucru web pe datele demonstrației: [bold].venv/bin/monitor web --demo"
        + (f" {folder}" if output is not None else "")
        + f"[/bold], apoi deschideți http://127.0.0.1:8080/p/alba/azi?zi={last_digest:%d.%m.%Y} "
        f"(utilizator «{DEMO_LOGIN}», parola «{DEMO_PASSWORD}»)."
    )
