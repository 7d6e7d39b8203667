"""`monitor crawl`: read the outlets' feeds and store new articles, once or on every feed's schedule."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from monitor.analysis import analyze_queue
from monitor.archive.search import index_missing
from monitor.cli.common import cli, load_config, open_store, settings_of
from monitor.config import Sources, load_all
from monitor.crawl.ingest import CrawlSummary, FeedResult, crawl_sync
from monitor.crawl.workers import ExtractionPool
from monitor.deliver.render import count_ro
from monitor.record import FetchStatus
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import FeedRow

log = logging.getLogger(__name__)

_STATUS = {
    FetchStatus.OK: "ok",
    FetchStatus.NOT_MODIFIED: "nemodificat",
    FetchStatus.RETRY_LATER: "amânat (serverul cere o pauză)",
    FetchStatus.FAILED: "eșuat",
}
_MIN_WAIT, _MAX_WAIT = 5.0, 300.0  # seconds between cycles when running continuously


def describe(result: FeedResult) -> str:
    """One line about one feed, for people."""
    line = f"{result.outlet_id} {result.feed_url}: {_STATUS[result.status]}"
    if result.status is FetchStatus.OK:
        line += f", {count_ro(len(result.new_articles), 'articol nou', 'articole noi')}"
        line += f", {count_ro(result.duplicates, 'duplicat', 'duplicate')}"
    if result.error and result.status is not FetchStatus.OK:
        line += f" ({result.error})"
    return line


def summarize(summary: CrawlSummary) -> str:
    """The closing summary of a cycle, in Romanian."""
    text = f"Fluxuri: {summary.feeds_ok} ok, {summary.not_modified} nemodificate, {summary.failed} eșuate"
    if summary.deferred:
        text += f", {summary.deferred} amânate (--force le citește acum)"
    return text + f". Articole noi: {summary.new_articles}. Duplicate: {summary.duplicates}."


@contextmanager
def _logs_above(bar: Progress) -> Iterator[None]:
    """On a terminal only errors are logged, printed above the bar; each failed feed gets its own line."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [RichHandler(console=bar.console, level=logging.ERROR, show_path=False)]
    try:
        yield
    finally:
        root.handlers = saved


def _run_cycle(
    store: Store,
    sources: Sources,
    settings: Settings,
    only: Collection[str] | None,
    due_only: bool,
    pool: ExtractionPool | None,
    *,
    force: bool = False,
) -> CrawlSummary:
    def run(progress: Callable[[FeedResult], None], on_start: Callable[[int], None] | None = None) -> CrawlSummary:
        return crawl_sync(
            store,
            sources,
            settings,
            only=only,
            due_only=due_only,
            force=force,
            pool=pool,
            progress=progress,
            on_start=on_start,
        )

    if not sys.stderr.isatty():
        return run(lambda result: click.echo(describe(result), err=True))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar, _logs_above(bar):
        task = bar.add_task("Fluxuri", total=None)

        def advance(result: FeedResult) -> None:
            bar.advance(task)
            if result.status is FetchStatus.FAILED:
                bar.console.print(describe(result))

        return run(advance, lambda total: bar.update(task, total=total))


def _seconds_to_next_check(store: Store, sources: Sources, only: Collection[str] | None) -> float:
    """Until the earliest next check among the feeds this command crawls (bounded both ways)."""
    urls = [url for o in sources.outlets if o.enabled and (only is None or o.id in only) for url in o.feeds]
    with store.session() as session:
        due = session.scalar(select(func.min(FeedRow.next_check_at)).where(FeedRow.url.in_(urls)))
    if due is None:
        return _MIN_WAIT
    return min(max((due - datetime.now(UTC)).total_seconds(), _MIN_WAIT), _MAX_WAIT)


def _analyse(store: Store, sources: Sources, settings: Settings, enabled: bool) -> None:
    """The stage after a crawl: each profile's analysis of the new articles."""
    if not enabled:
        return
    _, profiles = load_all(settings.sources_path, settings.pipelines_dir)
    done = analyze_queue(store, profiles, sources, now=datetime.now(UTC))
    for profile in profiles:
        click.echo(f"Profilul {profile.id}: {count_ro(done[profile.id], 'articol analizat', 'articole analizate')}.")


def _index_archive(store: Store) -> None:
    """Search forms for the articles stored without one (an older archive, an import): once, before crawling;
    the crawl writes each new article's form with it."""
    indexed = index_missing(store, now=datetime.now(UTC))
    if indexed:
        click.echo(f"Arhiva de căutare: {count_ro(indexed, 'articol indexat', 'articole indexate')}.")


@contextmanager
def _extraction_pool(workers: int) -> Iterator[ExtractionPool | None]:
    """Page extraction is the CPU cost of a crawl: spread it over worker processes, each page time-limited."""
    if workers <= 0:
        yield None
        return
    with ExtractionPool(workers) as pool:
        yield pool


@cli.command("crawl")
@click.option("--once", is_flag=True, help="Un singur ciclu peste toate fluxurile, apoi ieșire.")
@click.option(
    "--force",
    is_flag=True,
    help="Citește și fluxurile amânate (Retry-After al publicației sau pauza după erori); atenție: o publicație "
    "poate bloca accesul biroului.",
)
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Doar publicația ID (se poate repeta).")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=os.cpu_count() or 1,
    show_default=True,
    help="Procese pentru extragerea textului (0: în procesul principal).",
)
@click.option(
    "--analyze/--no-analyze",
    default=True,
    show_default=True,
    help="După colectare, analizează articolele noi pentru fiecare profil din pipelines/.",
)
@click.pass_context
def crawl_command(
    ctx: click.Context, once: bool, force: bool, source_ids: tuple[str, ...], workers: int, analyze: bool
) -> None:
    """Citește fluxurile publicațiilor și salvează articolele noi."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request is noise here
    settings = settings_of(ctx)
    sources, _ = load_config(settings)
    known = {outlet.id for outlet in sources.outlets}
    unknown = [source for source in source_ids if source not in known]
    if unknown:
        raise click.ClickException(f"Publicație necunoscută în sources.yaml: {', '.join(unknown)}")
    only = source_ids or None
    store = open_store(settings)
    try:
        _index_archive(store)
        with _extraction_pool(workers) as pool:
            if once:
                click.echo(summarize(_run_cycle(store, sources, settings, only, False, pool, force=force)))
                _analyse(store, sources, settings, analyze)
                return
            click.echo("Monitorizare continuă: fiecare flux la intervalul lui (Ctrl+C pentru oprire).")
            while True:
                click.echo(summarize(_run_cycle(store, sources, settings, only, True, pool, force=force)))
                _analyse(store, sources, settings, analyze)
                time.sleep(_seconds_to_next_check(store, sources, only))
    except KeyboardInterrupt:
        click.echo("Oprit.")
    finally:
        store.close()
