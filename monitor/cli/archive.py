"""Commands over the archive: monthly report, search, export, tone corrections, right-of-reply letters."""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

import click

from monitor.archive.corrections import export_corrections, record_correction
from monitor.archive.export import ExportFilter, write_export, write_xlsx
from monitor.archive.learning import learn
from monitor.archive.search import SearchHit, search_articles
from monitor.cli.common import Day, Month, cli, open_store, profile_option, resolve_profile, settings_of
from monitor.config import Profile
from monitor.days import local_span
from monitor.deliver.imagology import previous_month
from monitor.deliver.render import count_ro, date_ro, month_ro, tone_ro
from monitor.deliver.reply import draft_reply, set_reply_status
from monitor.deliver.report import run_monthly
from monitor.nlp import topic_labels
from monitor.record import LetterStatus, Tone
from monitor.settings import Settings

_TONE = click.Choice(sorted([*(tone.value for tone in Tone), *(tone.label for tone in Tone)]), case_sensitive=False)


def _tone(value: str | None) -> Tone | None:
    return None if value is None else Tone.parse(value)


@dataclass(frozen=True)
class _Selection:
    """What an archive command's filters ask for: its settings, the profile and the filter."""

    settings: Settings
    profile: Profile
    where: ExportFilter


def _with_filters(target_help: str, tone_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--from, --to, --target, --tone, --outlet and --profile for a command over the archive (search, export),
    which gets them checked and resolved as one `_Selection`, its first argument."""
    options = (
        click.option("--from", "start", type=Day(), help="De la data (zz.ll.aaaa sau aaaa-ll-zz, inclusiv)."),
        click.option("--to", "end", type=Day(), help="Până la data (zz.ll.aaaa sau aaaa-ll-zz, inclusiv)."),
        click.option("--target", metavar="T", help=target_help),
        click.option("--tone", type=_TONE, help=tone_help),
        click.option("--outlet", metavar="O", help="Doar articolele publicate sau preluate de publicația O (id)."),
        profile_option,
    )

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def run(
            ctx: click.Context,
            start: date | None,
            end: date | None,
            target: str | None,
            tone: str | None,
            outlet: str | None,
            profile_ref: str | None,
            **rest: Any,
        ) -> None:
            settings = settings_of(ctx)
            sources, profile = resolve_profile(settings, profile_ref)
            if outlet is not None and outlet not in {o.id for o in sources.outlets}:
                close = [o.id for o in sources.outlets if outlet.lower() in (o.id + " " + o.name).lower()][:5]
                hint = f"; poate: {', '.join(close)}" if close else ""
                raise click.ClickException(f"Publicația «{outlet}» nu există în sources.yaml{hint}")
            first, after = local_span(start, end, profile.zone)
            where = ExportFilter(first, after, _target(profile, target), _tone(tone), outlet)
            command(_Selection(settings, profile, where), **rest)

        for option in reversed(options):
            run = option(run)
        return click.pass_context(run)

    return decorate


def _target(profile: Profile, ref: str | None) -> str | None:
    """--target as an id, a name, an alias or a surname; the target's id."""
    if ref is None:
        return None
    target = profile.find_target(ref)
    if target is None:
        known = "; ".join(f"{t.name} ({t.id})" for t in profile.targets)
        raise click.ClickException(f"Ținta «{ref}» nu există în profilul {profile.id} (ținte: {known})")
    return target.id


@contextlib.contextmanager
def _output(path: Path | None, *, bom: bool = False) -> Iterator[TextIO]:
    """Standard output, or a file written beside its final name and moved into place only when complete."""
    if path is None:
        yield sys.stdout
        return
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            yield handle
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


@cli.command("report")
@profile_option
@click.option("--month", type=Month(), help="Luna raportului, ll.aaaa sau aaaa-ll (implicit: luna trecută).")
@click.option("--send", is_flag=True, help="Trimite raportul (PDF atașat) destinatarilor din profil.")
@click.option(
    "--comment",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Un fișier text cu comentariul biroului de presă (secțiunea lui din raport).",
)
@click.option(
    "--conclusions",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Un fișier text cu concluziile și recomandările biroului de presă (secțiunea lor din raport).",
)
@click.pass_context
def report_command(
    ctx: click.Context,
    profile_ref: str | None,
    month: date | None,
    send: bool,
    comment: Path | None,
    conclusions: Path | None,
) -> None:
    """Raportul lunar de imagologie: HTML și PDF cu grafice, și DOCX de editat."""
    settings = settings_of(ctx)
    sources, profile = resolve_profile(settings, profile_ref)
    now = datetime.now(UTC)
    chosen = month or previous_month(now.astimezone(profile.zone).date())
    texts = [path.read_text(encoding="utf-8") if path is not None else "" for path in (comment, conclusions)]
    result = run_monthly(
        open_store(settings), profile, sources, settings, chosen, now=now, send=send, comment=texts[0],
        conclusions=texts[1],
    )  # fmt: skip
    click.echo(f"Raportul lunar pentru {month_ro(chosen)} ({profile.id}):")
    click.echo(f"  {result.html_path}")
    click.echo(f"  {result.pdf_path}")
    click.echo(f"  {result.docx_path} (de editat în Word)")
    for line in result.summary:
        click.echo(f"  {line}")
    if send:
        click.echo(f"Mesaje puse la coadă: {result.queued} (cele trimise deja pentru această lună nu se repetă).")


def _describe_hit(hit: SearchHit, profile: Profile) -> str:
    lines = [f"[{hit.article_id}] {date_ro(hit.published_at, profile.zone)} · {hit.outlet_name} · {hit.title}"]
    lines.append(f"    {hit.url}")
    if hit.snippet:
        lines.append(f"    {hit.snippet}")
    if hit.mentions:
        described = []
        for view in hit.mentions:
            tone = tone_ro(view.tone) + (", corectat" if view.corrected else "")
            described.append(f"{view.target_id} ({tone})")
        lines.append("    ținte: " + "; ".join(described))
    if hit.also_in:
        lines.append("    preluat și de: " + ", ".join(hit.also_in))
    return "\n".join(lines)


@cli.command("search")
@click.argument("query")
@_with_filters(
    target_help="Doar articolele care menționează ținta T.",
    tone_help="Doar tonul dat față de țintă (pozitiv, neutru, negativ).",
)
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="Numărul maxim de rezultate."
)
def search_command(selection: _Selection, query: str, limit: int) -> None:
    """Caută în arhivă (fără diacritice și fără grija formei flexionare)."""
    where = selection.where
    hits = search_articles(
        open_store(selection.settings),
        query,
        now=datetime.now(UTC),
        profile_id=selection.profile.id,
        start=where.start,
        end=where.end,
        target_id=where.target_id,
        tone=where.tone,
        outlet_id=where.outlet_id,
        limit=limit,
    )
    if not hits:
        click.echo(f"Niciun articol găsit pentru «{query}».")
        return
    click.echo(
        f"{count_ro(len(hits), 'articol găsit', 'articole găsite')} pentru «{query}» (cele mai noi întâi):"
        if len(hits) > 1
        else "Un articol găsit:"
    )
    for hit in hits:
        click.echo(_describe_hit(hit, selection.profile))


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "jsonl"]),
    required=True,
    help="csv (Excel în română: «;» și BOM), xlsx (foile Apariții și Subiecte; cere --output) sau jsonl.",
)
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Fișierul (implicit: ieșirea standard)."
)
@_with_filters(target_help="Doar ținta T.", tone_help="Doar tonul dat (pozitiv, neutru, negativ).")
def export_command(selection: _Selection, fmt: str, output: Path | None) -> None:
    """Exportă aparițiile (o linie pe articol și țintă, cu toate publicațiile care l-au preluat)."""
    store = open_store(selection.settings)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("XLSX se scrie într-un fișier: adăugați --output FIȘIER.xlsx")
        count = write_xlsx(store, selection.profile, output, selection.where)
        click.echo(f"{_exported(count)} în {output} (foile Apariții și Subiecte).", err=True)
        return
    with _output(output, bom=fmt == "csv") as out:
        count = write_export(store, selection.profile, out, "csv" if fmt == "csv" else "jsonl", selection.where)
    if output is not None:
        click.echo(f"{_exported(count)} în {output}.", err=True)


def _exported(count: int) -> str:
    return count_ro(count, "rând exportat", "rânduri exportate")


@cli.command("tag")
@click.argument("article", type=int)
@click.option("--target", required=True, metavar="T", help="Ținta a cărei apreciere se corectează.")
@click.option(
    "--tone",
    type=click.Choice([*_TONE.choices, "irelevant"], case_sensitive=False),
    help="Tonul corect (pozitiv, neutru, negativ), sau «irelevant»: subiectul nu este despre țintă.",
)
@click.option("--topic", metavar="X", help="O temă de adăugat (id din taxonomie).")
@click.option("--reason", default="", help="De ce (rămâne în istoric).")
@click.option("--author", help="Cine corectează (implicit: utilizatorul curent, $USER).")
@profile_option
@click.pass_context
def tag_command(
    ctx: click.Context,
    article: int,
    target: str,
    tone: str | None,
    topic: str | None,
    reason: str,
    author: str | None,
    profile_ref: str | None,
) -> None:
    """Corectează tonul sau tema unui articol; se aplică tuturor preluărilor aceluiași subiect."""
    settings = settings_of(ctx)
    _, profile = resolve_profile(settings, profile_ref)
    who = author or os.environ.get("USER") or getpass.getuser()
    row = record_correction(
        open_store(settings),
        profile.id,
        article,
        _target(profile, target) or target,
        tone=_tone(tone),
        topic=topic,
        author=who,
        reason=reason,
        now=datetime.now(UTC),
        topics=topic_labels(profile),
    )
    what = []
    if row.tone is not None:
        what.append(f"ton {tone_ro(row.tone)}")
    if row.topic is not None:
        what.append(f"tema {row.topic}")
    click.echo(
        f"Corecție înregistrată ({', '.join(what)}) pentru {profile.target(row.target_id).name}, articolul {article} "
        f"și toate preluările subiectului {row.cluster_id}; autor: {row.author}."
    )


@cli.group("corrections")
def corrections_group() -> None:
    """Corecțiile biroului de presă."""


@corrections_group.command("export")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), help="Fișierul (implicit: ieșirea standard)."
)
@profile_option
@click.pass_context
def corrections_export(ctx: click.Context, output: Path | None, profile_ref: str | None) -> None:
    """Exportă corecțiile ca linii JSON (pentru evaluarea și îmbunătățirea analizei automate)."""
    settings = settings_of(ctx)
    _, profile = resolve_profile(settings, profile_ref)
    with _output(output) as out:
        count = export_corrections(open_store(settings), profile.id, out, zone=profile.zone)
    click.echo(f"{count} corecții exportate.", err=True)


@cli.command("learn")
@profile_option
@click.pass_context
def learn_command(ctx: click.Context, profile_ref: str | None) -> None:
    """Reantrenează analiza tonului cu corecțiile biroului de presă (doar pentru profilul dat)."""
    settings = settings_of(ctx)
    sources, profile = resolve_profile(settings, profile_ref)
    result = learn(open_store(settings), profile, sources, now=datetime.now(UTC))
    if not result.corrections:
        click.echo(f"Profilul {profile.id} nu are corecții de ton: analiza rămâne cea implicită.")
        return
    click.echo(
        f"Analiza tonului pentru {profile.id} a fost reantrenată cu {result.examples} din "
        f"{result.corrections} corecții de ton; se aplică articolelor analizate de acum înainte."
    )
    if result.examples < result.corrections:
        click.echo(
            f"Atenție: la {result.corrections - result.examples} corecții ținta nu mai este găsită în articol, "
            "deci nu pot învăța tonul.",
            err=True,
        )


@cli.command("reply")
@click.argument("article", type=int)
@click.option("--target", required=True, metavar="T", help="Ținta care cere dreptul la replică.")
@click.option("--nr", "registration", metavar="NR", help="Numărul de înregistrare al scrisorii, dacă există deja.")
@click.option(
    "--passage",
    "passages",
    multiple=True,
    metavar="TEXT",
    help="Un pasaj contestat, citat în scrisoare (se poate repeta; implicit: frazele care judecă ținta).",
)
@profile_option
@click.pass_context
def reply_command(
    ctx: click.Context,
    article: int,
    target: str,
    registration: str | None,
    passages: tuple[str, ...],
    profile_ref: str | None,
) -> None:
    """Redactează o scrisoare de drept la replică (text, HTML și DOCX pe antetul biroului) pentru un articol."""
    settings = settings_of(ctx)
    sources, profile = resolve_profile(settings, profile_ref)
    draft = draft_reply(
        open_store(settings),
        profile,
        sources,
        settings,
        article,
        target,
        now=datetime.now(UTC),
        registration=registration,
        passages=passages or None,
    )
    click.echo(f"Scrisoarea de replică nr. {draft.reply_id} către {draft.outlet} a fost redactată:")
    click.echo(f"  {draft.text_path}")
    click.echo(f"  {draft.html_path}")
    click.echo(f"  {draft.docx_path} (de editat în Word)")
    click.echo(f"  pasaje contestate citate: {len(draft.passages)}")
    for warning in draft.warnings:
        click.echo(f"Atenție: {warning}", err=True)
    click.echo(f"După trimitere: monitor reply-status {draft.reply_id} sent")


@cli.command("reply-status")
@click.argument("reply_id", type=int)
@click.argument("status", type=click.Choice([LetterStatus.SENT.value, LetterStatus.PUBLISHED.value]))
@click.pass_context
def reply_status_command(ctx: click.Context, reply_id: int, status: str) -> None:
    """Marchează o scrisoare de replică drept trimisă (sent) sau publicată (published)."""
    settings = settings_of(ctx)
    old, new = set_reply_status(open_store(settings), reply_id, LetterStatus(status), now=datetime.now(UTC))
    click.echo(f"Scrisoarea de replică {reply_id}: {old.label} → {new.label}.")
