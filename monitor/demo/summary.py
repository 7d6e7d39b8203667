"""The demo's closing screen: what ran, what was found against what was written, and where the documents are."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from monitor.deliver.render import count_ro, month_ro, number_ro
from monitor.demo.run import DemoResult


def _shown(path: Path) -> str:
    """A path relative to the current folder when it is inside it (shorter on screen), else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def summary_panel(result: DemoResult) -> Panel:
    """One screen, in Romanian."""
    newsroom = result.newsroom
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row(
        "Redacția demo",
        f"{count_ro(len(newsroom.outlets), 'publicație fictivă', 'publicații fictive')}, "
        f"{count_ro(len(newsroom.articles), 'articol', 'articole')} în {month_ro(result.month)}; "
        f"criza: {newsroom.crisis_day:%d.%m.%Y}",
    )
    http = result.http
    facts.add_row(
        "Colectare",
        f"{count_ro(result.articles_stored, 'articol stocat', 'articole stocate')}; "
        f"{count_ro(sum(http.values()), 'cerere HTTP', 'cereri HTTP')}, dintre care "
        f"{count_ro(http.get(304, 0), 'răspuns 304', 'răspunsuri 304')} (nemodificat)",
    )
    facts.add_row("Articole despre", "găsite de analiză / scrise de generator")
    for target in newsroom.profile.targets:
        found, written = result.mentions_stored.get(target.id, 0), result.truth.mentions.get(target.id, 0)
        facts.add_row("", f"{found:>4} / {written:<4} {target.name}")
    facts.add_row(
        "Alerte și e-mail",
        f"{count_ro(result.alerts, 'alertă de criză', 'alerte de criză')}; "
        f"{count_ro(len(result.mail), 'mesaj primit', 'mesaje primite')} de serverul SMTP local",
    )
    facts.add_row("Durată", f"{number_ro(result.seconds, 1)} s")
    files = Table.grid(padding=(0, 2))
    files.add_column(style="bold")
    files.add_column(no_wrap=True)
    files.add_row("Sinteza presei (HTML)", _shown(result.digest_html))
    files.add_row("Alerta de criză (.eml)", _shown(result.alert_eml) if result.alert_eml else "nicio alertă primită")
    files.add_row("Raportul lunar (HTML)", _shown(result.report_html))
    files.add_row("Raportul lunar (PDF)", _shown(result.report_pdf))
    files.add_row("E-mailurile (.eml)", _shown(result.output / "mail"))
    files.add_row("Baza de date (SQLite)", _shown(result.database))
    return Panel(
        Group(facts, "", files),
        title="Presa – demonstrație încheiată",
        subtitle="oameni și publicații fictive",
        expand=False,
    )


def print_summary(result: DemoResult, console: Console | None = None) -> None:
    (console or Console()).print(summary_panel(result))
