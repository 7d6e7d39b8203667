"""The `worker` command: analyse the queue of new articles beside the daemon (monitor.worker)."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from monitor.analysis import BATCH
from monitor.cli.common import cli, open_store, settings_of
from monitor.config import load_all
from monitor.worker import IDLE, run_worker


@cli.command("worker")
@click.option("--once", is_flag=True, help="Analizează până nu mai rămâne nimic în coadă, apoi iese.")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    metavar="N",
    default=BATCH,
    show_default=True,
    help="Câte articole din coadă analizează într-o tranzacție.",
)
@click.option(
    "--idle",
    type=click.FloatRange(min=0.1),
    metavar="SECUNDE",
    default=IDLE,
    show_default=True,
    help="Câte secunde așteaptă, când coada e goală, până se uită din nou.",
)
@click.pass_context
def worker_command(ctx: click.Context, once: bool, batch: int, idle: float) -> None:
    """Analizează articolele din coadă pentru toate profilurile, alături de serviciu.

    Pe PostgreSQL pot lucra oricâte procese «monitor worker», pe una sau mai multe mașini: fiecare ia alte articole,
    iar ale unui proces oprit brusc sunt reluate o singură dată de altul. Pe SQLite analizează un singur proces odată.
    Cu MONITOR_ANALYSIS=workers, «monitor run» lasă analiza acestor procese. SIGTERM sau Ctrl+C: se oprește după
    tranzacția în curs.
    """
    settings = settings_of(ctx)
    sources, profiles = load_all(settings.sources_path, settings.pipelines_dir)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    store = open_store(settings)
    try:
        written = run_worker(store, sources, profiles, settings, stop=stop, once=once, batch=batch, idle=idle)
    finally:
        store.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"Analize scrise: {written}.")
