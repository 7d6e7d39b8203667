"""The monthly imagology report: mentions -> indicators -> charts -> HTML -> PDF -> files (and mail)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from monitor.config import Profile, Sources
from monitor.deliver.alerts import alert_targets
from monitor.deliver.imagology import (
    MonthAlert,
    MonthlyIndicators,
    ToneCounts,
    compute_month,
    count_tones,
    month_bounds,
    previous_month,
)
from monitor.deliver.mail import Attachment, enqueue_each
from monitor.deliver.render import (
    TEMPLATES,
    count_ro,
    date_ro,
    datetime_ro,
    environment,
    month_ro,
    number_ro,
    percent_ro,
)
from monitor.errors import ReportError
from monitor.nlp import topic_labels
from monitor.record import REVIEW_BELOW, AlertRule, MentionView, OutletKind, Tone
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, ArticleRow, CorrectionRow
from monitor.store.queries import mentions_between

log = logging.getLogger(__name__)


FORMER_ROLE = {"prefect": "fost prefect", "subprefect": "fost subprefect"}


@dataclass(frozen=True)
class FormerHolder:
    """A former office holder's appearances this month, shown apart from the current holders' totals."""

    name: str
    label: str  # «fost prefect»
    tone: ToneCounts


@dataclass(frozen=True)
class ReportResult:
    """The files written for one profile and month, and how many e-mails were queued."""

    html_path: Path
    pdf_path: Path
    docx_path: Path
    indicators: MonthlyIndicators
    summary: tuple[str, ...]
    queued: int


def signed_ro(value: float | None, digits: int = 2) -> str:
    """'+0,25', '−0,12', '0,00', or '—' when undefined."""
    if value is None:
        return "—"
    text = number_ro(abs(value), digits)
    if round(value, digits) > 0:
        return "+" + text
    if round(value, digits) < 0:
        return "−" + text
    return text


def percent_or_dash(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else percent_ro(value, digits)


def _leaning(net: float | None) -> str:
    """The net tone in words, for the prefect (the index itself is on the specialist pages)."""
    if net is None or abs(net) < 0.1:
        return "mai degrabă echilibrat"
    return "mai degrabă favorabil" if net > 0 else "mai degrabă critic"


def _change_phrase(change: float | None) -> str:
    if change is None:
        return "fără termen de comparație (nicio apariție în luna anterioară)"
    if abs(change) < 0.005:
        return "la același nivel ca în luna anterioară"
    verb = "în creștere" if change > 0 else "în scădere"
    return f"{verb} cu {percent_ro(abs(change))} față de luna anterioară (media zilnică)"


def summarise(indicators: MonthlyIndicators, profile: Profile, corrections_made: int) -> list[str]:
    """A short factual summary in Romanian, every sentence read off the figures."""
    month = month_ro(indicators.month)
    if indicators.appearances == 0:
        return [f"În {month} nu a fost identificată nicio apariție în presă a țintelor monitorizate."]
    tone = indicators.tone
    overall_change = None
    if indicators.previous_appearances:
        current = indicators.appearances / len(indicators.days)
        previous = indicators.previous_appearances / len(indicators.previous_days)
        overall_change = (current - previous) / previous
    lines = [
        f"În {month} au fost identificate {count_ro(indicators.appearances, 'apariție', 'apariții')} în presă "
        f"ale țintelor monitorizate, în {count_ro(indicators.articles, 'articol', 'articole')} "
        f"({count_ro(indicators.stories, 'subiect distinct', 'subiecte distincte')}) din "
        f"{count_ro(len(indicators.outlets), 'publicație', 'publicații')}; volumul este "
        f"{_change_phrase(overall_change)}.",
        f"Tonul presei a fost {_leaning(tone.net)}: "
        f"{count_ro(tone.positive, 'apariție pozitivă', 'apariții pozitive')} "
        f"({percent_or_dash(tone.positive / tone.total)}), {count_ro(tone.neutral, 'neutră', 'neutre')} și "
        f"{count_ro(tone.negative, 'negativă', 'negative')} ({percent_or_dash(tone.negative / tone.total)}).",
    ]
    leader = max(indicators.targets, key=lambda t: t.appearances)
    lines.append(
        f"Cele mai multe apariții le-a avut {leader.name} ({count_ro(leader.appearances, 'apariție', 'apariții')}, "
        f"{percent_or_dash(leader.share_of_voice)} din total), cu tonul net {signed_ro(leader.tone.net)}."
    )
    if indicators.outlets:
        top = indicators.outlets[0]
        lines.append(
            f"Cea mai activă publicație a fost {top.name}, cu {count_ro(top.appearances, 'apariție', 'apariții')}."
        )
    if indicators.negative_stories:
        story = indicators.negative_stories[0]
        lines.append(
            f"Subiectul cu cel mai negativ ecou a fost „{story.title}”, preluat de "
            f"{count_ro(len(story.outlets), 'publicație', 'publicații')}."
        )
    bursts = (
        f"au fost identificate {count_ro(len(indicators.bursts), 'zi', 'zile')} cu explozie de apariții"
        if indicators.bursts
        else "nu au fost identificate explozii de apariții"
    )
    if not indicators.alerts:
        alerts = "Nu a fost emisă nicio alertă de criză."
    elif len(indicators.alerts) == 1:
        alerts = "A fost emisă o alertă de criză."
    else:
        alerts = f"Au fost emise {count_ro(len(indicators.alerts), 'alertă de criză', 'alerte de criză')}."
    lines.append(f"În cursul lunii {bursts}. {alerts}")
    if indicators.corrected == 0:
        lines.append("Biroul de presă nu a corectat nicio apreciere automată a aparițiilor din lună.")
    else:
        lines.append(
            f"Biroul de presă a corectat manual aprecierea {_of_appearances(indicators.corrected)} din lună "
            f"({count_ro(corrections_made, 'corecție înregistrată', 'corecții înregistrate')} în cursul lunii)."
        )
    if indicators.to_review:
        lines.append(
            f"Aprecierea automată {_of_appearances(indicators.to_review)} este nesigură și nu a fost încă verificată "
            "de biroul de presă («de verificat»)."
        )
    if indicators.date_guessed:
        lines.append(
            f"La {count_ro(indicators.date_guessed, 'apariție', 'apariții')} data publicării lipsea din sursă "
            "și a fost estimată după momentul preluării."
        )
    return lines


def _alerts(session: Session, profile: Profile, start: datetime, end: datetime) -> list[MonthAlert]:
    rows = session.scalars(
        select(AlertRow)
        .where(AlertRow.profile_id == profile.id, AlertRow.started_at >= start, AlertRow.started_at < end)
        .order_by(AlertRow.started_at)
    ).all()
    first_ids = [row.article_ids[0] for row in rows if row.article_ids]
    titles = dict(session.execute(select(ArticleRow.id, ArticleRow.title).where(ArticleRow.id.in_(first_ids))).all())
    return [
        MonthAlert(
            target_ids=tuple(alert_targets(row)),
            rule=row.rule,
            started_at=row.started_at,
            title=titles.get(row.article_ids[0], "") if row.article_ids else "",
            articles=len(row.article_ids),
            updates=row.updates,
        )
        for row in rows
    ]


def _corrections_made(session: Session, profile: Profile, start: datetime, end: datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(CorrectionRow)
            .where(CorrectionRow.profile_id == profile.id, CorrectionRow.created_at >= start)
            .where(CorrectionRow.created_at < end)
        )
        or 0
    )


def _of_appearances(count: int) -> str:
    """«unei apariții», «a 3 apariții», «a 20 de apariții»: the genitive after «aprecierea»."""
    return "unei apariții" if count == 1 else f"a {count_ro(count, 'apariție', 'apariții')}"


def build_context(
    indicators: MonthlyIndicators,
    profile: Profile,
    *,
    topics: dict[str, str],
    corrections_made: int,
    now: datetime,
    former: Sequence[FormerHolder] = (),
    appearances: Sequence[MentionView] = (),
    comment: str = "",
    conclusions: str = "",
    charts: bool = True,
) -> dict[str, Any]:
    """Everything the template shows, already in words and Romanian number formats where it matters; without
    `charts`, no figures are drawn (the workspace's page of figures needs none, and drawing costs most)."""
    return {
        "former": former,
        "appearances": sorted(appearances, key=lambda a: (a.published_at, a.article_id, a.target_id)),
        "comment": comment.strip(),
        "conclusions": conclusions.strip(),
        "profile": profile,
        "m": indicators,
        "month_name": month_ro(indicators.month),
        "previous_name": month_ro(indicators.previous_days[0]),
        "generated": now,
        "summary": summarise(indicators, profile, corrections_made),
        "charts": _charts(indicators) if charts else None,
        "topic_label": lambda topic: topics.get(topic, topic),
        "kind_label": lambda kind: OutletKind(kind).label,
        "rule_label": lambda rule: AlertRule(rule).label,
        "target_name": lambda target_id: next((t.name for t in profile.targets if t.id == target_id), target_id),
        "signed": signed_ro,
        "pct": percent_or_dash,
        "corrections_made": corrections_made,
        "review_percent": round(REVIEW_BELOW * 100),
        "active_targets": [t for t in indicators.targets if t.appearances],
    }


def render_html(context: dict[str, Any], templates: Path | None = None) -> str:
    return environment(templates).get_template("monthly.html.j2").render(**context)


def write_docx(context: dict[str, Any], path: Path) -> None:
    """The report as an editable Word document: the summary, the figures per target, former holders, the press
    office's comment (to complete) and the list of appearances; the charts stay in the PDF."""
    from docx import Document

    m: MonthlyIndicators = context["m"]
    document = Document()
    document.add_heading(f"Monitorizarea lunară a aparițiilor în presă – {context['month_name']}", level=0)
    document.add_paragraph(context["profile"].institution)
    document.add_heading("1. Rezumat", level=1)
    for line in context["summary"]:
        document.add_paragraph(line)
    for former in context["former"]:
        document.add_paragraph(
            f"{former.name}, {former.label}: {count_ro(former.tone.total, 'apariție', 'apariții')} "
            "(prezentat separat, nu intră în totaluri)."
        )
    document.add_heading("2. Aparițiile pe ținte", level=1)
    table = document.add_table(rows=1, cols=5)
    for cell, label in zip(table.rows[0].cells, ("Ținta", "Apariții", "Pozitive", "Neutre", "Negative"), strict=True):
        cell.text = label
    for target in m.targets:
        values = (target.name, target.appearances, target.tone.positive, target.tone.neutral, target.tone.negative)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = str(value)
    document.add_heading("3. Comentariul biroului de presă", level=1)
    for paragraph in context["comment"].split("\n\n") if context["comment"] else ["[Comentariul biroului de presă.]"]:
        document.add_paragraph(paragraph.strip())
    document.add_heading("4. Concluzii și recomandări", level=1)
    conclusions = context["conclusions"]
    for paragraph in conclusions.split("\n\n") if conclusions else ["[Concluziile și recomandările biroului.]"]:
        document.add_paragraph(paragraph.strip())
    document.add_heading("Anexa 1: lista aparițiilor", level=1)
    for a in context["appearances"]:  # one line each: a table of thousands of rows takes Word and python-docx long
        fields = (datetime_ro(a.published_at), a.outlet_name, a.title or a.url, context["target_name"](a.target_id))
        document.add_paragraph(" · ".join((*fields, Tone(a.tone).label)) + (" (corectat)" if a.corrected else ""))
    partial = path.with_name(path.name + ".part")
    document.save(str(partial))
    partial.replace(path)


def _charts(indicators: MonthlyIndicators) -> dict[str, str]:
    from monitor.deliver.charts import draw_charts  # matplotlib (50 MB) only in a process that draws

    return draw_charts(indicators)


def write_pdf(html: str, path: Path) -> None:
    """Render `html` to a PDF file with WeasyPrint (written next to a temp name, then moved into place)."""
    from weasyprint import HTML  # 40 MB: only in a process that makes a PDF (the daemon's reports run apart)

    partial = path.with_suffix(".pdf.part")
    HTML(string=html, base_url=str(TEMPLATES)).write_pdf(partial)
    partial.replace(path)


def report_paths(settings: Settings, profile: Profile, month: date) -> tuple[Path, Path]:
    stem = f"raport-{profile.id}-{month:%Y-%m}"
    return settings.output_dir / f"{stem}.html", settings.output_dir / f"{stem}.pdf"


def report_context(
    store: Store,
    profile: Profile,
    month: date,
    *,
    now: datetime,
    comment: str = "",
    conclusions: str = "",
    charts: bool = True,
) -> dict[str, Any]:
    """The month's figures and words, as the report shows them (the workspace previews the same)."""
    zone = profile.zone
    start, end = month_bounds(month, zone)
    previous_start, _ = month_bounds(previous_month(month), zone)
    with store.session() as session:
        current = mentions_between(session, profile.id, start, end)
        previous = mentions_between(session, profile.id, previous_start, start)
        alerts = _alerts(session, profile, start, end)
        corrections_made = _corrections_made(session, profile, start, end)
        began = session.scalar(select(func.min(ArticleRow.fetched_at)))  # when collection began
    # Former office holders (mandate over before the month) are reported apart, never in the current totals.
    former = [t for t in profile.targets if t.to is not None and t.to < month]
    gone = {t.id for t in former}
    former_rows = [
        FormerHolder(
            t.name, FORMER_ROLE.get(t.role, "fost titular"), count_tones(m for m in current if m.target_id == t.id)
        )
        for t in former
        if any(m.target_id == t.id for m in current)
    ]
    current = [m for m in current if m.target_id not in gone]
    previous = [m for m in previous if m.target_id not in gone]
    indicators = compute_month(
        current,
        previous,
        targets=[t for t in profile.targets if t.id not in gone],
        month=month,
        zone=zone,
        rule=profile.alerts.burst,
        alerts=alerts,
        since=began.astimezone(zone).date() if began is not None else None,
    )
    return build_context(
        indicators,
        profile,
        topics=topic_labels(profile),
        corrections_made=corrections_made,
        now=now,
        former=former_rows,
        appearances=current,
        comment=comment,
        conclusions=conclusions,
        charts=charts,
    )


def run_monthly(
    store: Store,
    profile: Profile,
    sources: Sources,
    settings: Settings,
    month: date,
    *,
    now: datetime,
    send: bool,
    comment: str = "",
    conclusions: str = "",
    summary: Sequence[str] | None = None,
) -> ReportResult:
    """Build, render and save the month's report (HTML, PDF and an editable DOCX); with `send`, queue it (PDF
    attached) to the report recipients. `comment`, `conclusions`: the press office's comment and its «Concluzii și
    recomandări», each in its own section;
    `summary`: page 1's paragraphs as the office edited them (default: written from the figures)."""
    if send and not profile.report.recipients:
        raise ReportError(f"profilul {profile.id} nu are destinatari pentru raportul lunar (report.recipients)")
    context = report_context(store, profile, month, now=now, comment=comment, conclusions=conclusions)
    if summary is not None and any(line.strip() for line in summary):
        context["summary"] = [line.strip() for line in summary if line.strip()]
    indicators: MonthlyIndicators = context["m"]
    html = render_html(context, settings.templates_dir)
    html_path, pdf_path = report_paths(settings, profile, month)
    settings.output_dir.mkdir(parents=True, exist_ok=True)
    html_path.write_text(html, encoding="utf-8")
    write_pdf(html, pdf_path)
    write_docx(context, pdf_path.with_suffix(".docx"))
    log.info("monthly report of %s for %s written to %s", profile.id, f"{month:%Y-%m}", pdf_path)
    summary = tuple(context["summary"])
    queued = _send_report(store, profile, settings, indicators.month, summary, pdf_path, now=now) if send else 0
    return ReportResult(html_path, pdf_path, pdf_path.with_suffix(".docx"), indicators, summary, queued)


def _send_report(
    store: Store,
    profile: Profile,
    settings: Settings,
    month: date,
    summary: Sequence[str],
    pdf_path: Path,
    *,
    now: datetime,
) -> int:
    """Queue the report to every recipient once (the outbox key makes a second run a no-op)."""
    month_name = month_ro(month)
    subject = f"Monitorizarea lunară a aparițiilor în presă – {month_name} – {profile.institution}"
    attachment = Attachment(pdf_path.name, pdf_path.read_bytes(), "application/pdf")
    text = (
        f"Bună ziua,\n\nAtașat găsiți raportul lunar de monitorizare a presei pentru {month_name}.\n\n"
        + "\n\n".join(summary)
        + f"\n\nRaport generat automat la {date_ro(now)}.\n"
    )
    html = (
        environment(settings.templates_dir)
        .get_template("monthly_mail.html.j2")
        .render(month_name=month_name, summary=summary, profile=profile, generated=now)
    )
    with store.session() as session:
        queued, _ = enqueue_each(
            session,
            profile.report.recipients,
            key_prefix=f"report:{profile.id}:{month:%Y-%m}",
            kind="report",
            profile_id=profile.id,
            subject=subject,
            html=html,
            text=text,
            settings=settings,
            now=now,
            attachments=(attachment,),
        )
    return len(queued)
