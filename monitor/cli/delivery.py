"""Commands that deliver: `monitor digest`, `monitor alerts`, `monitor send`, `monitor run`."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import click

from monitor.cli.common import Day, cli, open_store, profile_option, resolve_profile, settings_of
from monitor.config import Profile, load_all
from monitor.deliver.alerts import AlertNotice, check_alerts
from monitor.deliver.digest import run_digest
from monitor.deliver.mail import SendSummary, send_pending
from monitor.deliver.render import count_ro, date_ro, datetime_ro, names_ro
from monitor.scheduler import run_daemon, run_due
from monitor.settings import Settings
from monitor.store import Store


def describe_send(summary: SendSummary) -> str:
    """The outcome of a pass of the mail sender, for people."""
    if summary.eml_dir is not None:
        written = count_ro(len(summary.saved), "mesaj scris", "mesaje scrise")
        text = f"SMTP nu este configurat (MONITOR_SMTP_URL): {written} ca .eml în {summary.eml_dir}."
    else:
        sent = count_ro(summary.sent, "mesaj trimis", "mesaje trimise")
        text = f"E-mail: {sent}, {summary.retried} amânate (se reîncearcă automat), {summary.failed} eșuate."
    if summary.pending:
        text += f" În așteptare: {summary.pending}."
    return text


def _flush(store: Store, settings: Settings) -> None:
    summary = send_pending(store, settings, now=datetime.now(UTC))
    click.echo(describe_send(summary))
    for error in summary.errors:
        click.echo(f"  {error}", err=True)


@cli.command("digest")
@profile_option
@click.option("--date", "day", type=Day(), help="Ziua sintezei, zz.ll.aaaa sau aaaa-ll-zz (implicit: azi).")
@click.option("--send", is_flag=True, help="Trimite sinteza destinatarilor din profil (o singură dată pe zi).")
@click.pass_context
def digest_command(ctx: click.Context, profile_ref: str | None, day: date | None, send: bool) -> None:
    """Sinteza zilnică a presei: HTML în dosarul de ieșire și, cu --send, e-mail."""
    settings = settings_of(ctx)
    _, profile = resolve_profile(settings, profile_ref)
    now = datetime.now(UTC)
    chosen: date = day if day is not None else now.astimezone(profile.zone).date()
    store = open_store(settings)
    try:
        with store.session() as session:
            result = run_digest(session, profile, settings, day=chosen, now=now, send=send)
        mentions = count_ro(result.digest.mentions, "mențiune", "mențiuni")
        click.echo(f"Sinteza presei pentru {date_ro(chosen)}: {mentions}. Copie: {result.path}")
        if send:
            if not profile.digest.recipients:
                click.echo("Profilul nu are destinatari pentru sinteză (digest.recipients): nimic de trimis.")
            if result.queued:
                click.echo("Pusă în coada de trimitere pentru: " + ", ".join(result.queued))
            if result.already:
                click.echo("Trimisă deja pentru această zi (nu se retrimite): " + ", ".join(result.already))
            _flush(store, settings)
    finally:
        store.close()


def _describe_notice(notice: AlertNotice, profile: Profile) -> str:
    what = f"actualizarea {notice.number}" if notice.kind == "update" else "alertă nouă"
    names = names_ro([target.name for target in notice.targets])
    lines = [f"{what}: {names} – {notice.rule_label} ({count_ro(len(notice.articles), 'articol', 'articole')})"]
    for view in notice.articles:
        lines.append(
            f"  [{view.tone}] {view.outlet_name}, {datetime_ro(view.published_at, profile.zone)}: {view.title}"
        )
        lines.append(f"      {view.url}")
    return "\n".join(lines)


@cli.command("alerts")
@profile_option
@click.option("--dry-run", is_flag=True, help="Arată ce alerte s-ar trimite, fără a le înregistra sau trimite.")
@click.pass_context
def alerts_command(ctx: click.Context, profile_ref: str | None, dry_run: bool) -> None:
    """Verifică regulile de alertă (criză mediatică) acum și trimite alertele noi."""
    settings = settings_of(ctx)
    _, profile = resolve_profile(settings, profile_ref)
    store = open_store(settings)
    try:
        with store.session() as session:
            notices = check_alerts(session, profile, settings, now=datetime.now(UTC), dry_run=dry_run)
        if not notices:
            click.echo("Nicio alertă: nicio regulă nu este îndeplinită acum.")
        for notice in notices:
            click.echo(_describe_notice(notice, profile))
        if dry_run:
            click.echo("Simulare (--dry-run): nimic nu a fost înregistrat sau trimis.")
        elif notices:
            _flush(store, settings)
    finally:
        store.close()


@cli.command("send")
@click.pass_context
def send_command(ctx: click.Context) -> None:
    """Trimite mesajele din coada de e-mail (cele amânate se reîncearcă la timpul lor)."""
    settings = settings_of(ctx)
    store = open_store(settings)
    try:
        _flush(store, settings)
    finally:
        store.close()


@cli.command("run")
@click.option("--profile", "profile_ref", metavar="P", help="Doar acest profil (implicit: toate din pipelines/).")
@click.option("--once", is_flag=True, help="Face o dată tot ce este scadent acum, apoi iese.")
@click.option(
    "--health",
    metavar="GAZDĂ:PORT",
    help="Servește /health (JSON; 200 dacă totul e în regulă, 503 altfel) la adresa dată (și MONITOR_HEALTH).",
)
@click.option(
    "--web",
    metavar="GAZDĂ:PORT",
    help="Servește și spațiul de lucru web la adresa dată (și MONITOR_WEB_ADDRESS).",
)
@click.pass_context
def run_command(ctx: click.Context, profile_ref: str | None, once: bool, health: str | None, web: str | None) -> None:
    """Serviciul de monitorizare: colectare, analiză, alerte, sinteze, rapoarte și e-mail, după program.

    Cu MONITOR_ANALYSIS=workers serviciul nu mai analizează articolele noi: le lasă proceselor «monitor worker»
    (unul sau mai multe, pe PostgreSQL în paralel) și verifică alertele pe ce au analizat ele.
    """
    settings = settings_of(ctx)
    if health is not None:
        settings = replace(settings, health_address=health)
    if web is not None:
        settings = replace(settings, web_address=web)
    if profile_ref is not None:
        sources, profile = resolve_profile(settings, profile_ref)
        profiles = [profile]
    else:
        sources, profiles = load_all(settings.sources_path, settings.pipelines_dir)
    store = open_store(settings)
    try:
        if once:
            report = run_due(store, sources, profiles, settings, datetime.now(UTC))
            click.echo(
                f"Articole noi: {report.new_articles}, analizate: {report.analyzed}, alerte: {len(report.alerts)}, "
                f"sinteze: {len(report.digests)}, rapoarte: {len(report.reports)}."
            )
            click.echo(describe_send(report.mail))
            return
        click.echo(
            f"Serviciul pornește pentru: {', '.join(p.id for p in profiles)} (SIGTERM sau Ctrl+C pentru oprire)."
        )
        run_daemon(store, sources, profiles, settings)
        click.echo("Serviciul s-a oprit.")
    finally:
        store.close()
