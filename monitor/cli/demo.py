"""`monitor demo`: the whole job, offline, on a generated newsroom (the README's main-job command)."""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console

from monitor.cli.common import cli, settings_of


def _month(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise click.BadParameter(f"luna trebuie scrisă AAAA-LL, nu {value!r}") from exc


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
@click.option("--month", "month_text", metavar="AAAA-LL", default=None, help="Luna simulată (implicit: luna trecută).")
@click.option("--verbose", is_flag=True, help="Afișează jurnalul complet al rulării.")
@click.pass_context
def demo_command(
    ctx: click.Context, scale: float, output: Path | None, seed: int, month_text: str | None, verbose: bool
) -> None:
    """Rulează toată munca pe o redacție fictivă locală: colectare, analiză, alerte, sinteză, raport lunar."""
    from monitor.demo.run import run_demo
    from monitor.demo.summary import print_summary

    month = _month(month_text)
    folder = output if output is not None else settings_of(ctx).data_dir / "demo"
    if not verbose:
        logging.getLogger().setLevel(logging.WARNING)
        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-subsetting notices, not about the user's data
    console = Console()
    with console.status("Pornesc redacția demo…") as status:
        result = run_demo(folder, seed=seed, scale=scale, month=month, say=console.print, status=status.update)
    print_summary(result, console)
