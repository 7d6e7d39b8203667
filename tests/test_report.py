"""The monthly report end to end: stored mentions -> HTML and PDF files (pdftotext reads them) -> queued mail."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from rows import PROFILE, add_mention, add_story, at, seed_month
from sqlalchemy import select, update

from monitor.archive.corrections import record_correction
from monitor.cli import cli
from monitor.config import Profile, load_sources
from monitor.deliver.render import count_ro
from monitor.deliver.report import ReportError, render_html, report_context, run_monthly, signed_ro
from monitor.scheduler import CycleReport, Daemon
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, MentionRow, OutboxRow

NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_romanian_wording() -> None:
    assert count_ro(1, "apariție", "apariții") == "1 apariție"
    assert count_ro(5, "apariție", "apariții") == "5 apariții"
    assert count_ro(20, "apariție", "apariții") == "20 de apariții"
    assert count_ro(1005, "apariție", "apariții") == "1.005 apariții"
    assert count_ro(0, "apariție", "apariții") == "0 apariții"
    assert signed_ro(-0.126) == "−0,13" and signed_ro(0.5) == "+0,50" and signed_ro(None) == "—"


def test_monthly_report_pdf_and_mail(store: Store, settings: Settings, profile: Profile) -> None:
    sources = load_sources(REPO / "sources.yaml")
    with store.session() as session:
        month = seed_month(session)
    record_correction(
        store,
        PROFILE,
        month.roads,
        "subprefect",
        tone="neutral",
        author="ana",
        reason="critica vizează consiliul",
        now=datetime(2026, 10, 21, tzinfo=UTC),
    )
    with store.session() as session:  # the floods story's tones are unsure and nobody has checked them
        session.execute(update(MentionRow).where(MentionRow.article_id == month.floods).values(confidence=0.5))

    result = run_monthly(store, profile, sources, settings, date(2026, 10, 1), now=NOW, send=True)

    assert result.html_path.name == "raport-alba-2026-10.html" and result.pdf_path.name == "raport-alba-2026-10.pdf"
    assert result.pdf_path.read_bytes().startswith(b"%PDF")
    indicators = result.indicators
    # 2 hospital copies (negative), floods (prefect + institution, positive), roads (corrected to neutral),
    # 4 routine neutral: 9 appearances in October; the September one is only the comparison.
    assert indicators.appearances == 9 and indicators.previous_appearances == 1
    assert (indicators.tone.positive, indicators.tone.neutral, indicators.tone.negative) == (2, 5, 2)
    assert indicators.corrected == 1 and indicators.to_review == 2
    assert [s.title for s in indicators.negative_stories] == ["Prefectul, acuzat în cazul spitalului"]
    assert len(indicators.alerts) == 1

    text = pdf_text(result.pdf_path)
    flat = " ".join(text.split())
    for heading in (
        "Monitorizarea lunară a aparițiilor în presă",
        "Octombrie 2026",
        "Rezumat",
        "Volumul aparițiilor",
        "Tonul aparițiilor",
        "Proeminența aparițiilor",
        "Ponderea în totalul aparițiilor",
        "Teme abordate",
        "Cele mai pozitive subiecte",
        "Cele mai negative subiecte",
        "Cele mai active publicații",
        "Alerte de criză",
        "Corecții operate de biroul de presă",
        "Comentariul biroului de presă",
        "Anexa 1: lista aparițiilor",
        "Anexa 2: metodologie și formule",
        "Janis–Fadner",
    ):
        assert heading in flat, heading
    assert "9 apariții în presă" in flat  # the summary, from the figures
    assert "Aprecierea automată a 2 apariții este nesigură și nu a fost încă verificată" in flat
    assert "sub 70% apariția este marcată «de verificat»" in flat
    assert "Tonul presei a fost" in flat and "iar au fost" not in flat and " a 0 apariții" not in flat
    summary = flat.split("Rezumat", 1)[1].split("Volumul aparițiilor", 1)[0]
    assert "Janis" not in summary  # the specialist index stays on the later pages and in the annex
    assert "+0,00" not in flat and "0,00" in flat  # net tone (2 - 2) / 9 is shown unsigned
    assert "Horia Vlădescu" in flat and "Ziarul Unirea" in flat
    assert "ton net" in flat.lower() and "(P − N) / (P + N + U)" in flat
    assert "AVE" in flat and "Principiile de la Barcelona" in flat  # only to say it is not computed
    assert "ş" not in text and "ţ" not in text  # comma-below letters only
    html = result.html_path.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 4

    assert result.queued == 2
    with store.session() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.recipient)).all()
    assert [row.recipient for row in rows] == sorted(profile.report.recipients)
    message = message_from_bytes(rows[0].message, policy=policy.default)
    assert "octombrie 2026" in str(message["Subject"])
    attachments = [part for part in message.iter_attachments()]
    assert [part.get_filename() for part in attachments] == ["raport-alba-2026-10.pdf"]
    assert attachments[0].get_content() == result.pdf_path.read_bytes()

    again = run_monthly(store, profile, sources, settings, date(2026, 10, 1), now=NOW, send=True)
    assert again.queued == 0  # one message per recipient and month, however often it runs


def test_empty_month_still_reports(store: Store, settings: Settings, profile: Profile) -> None:
    result = run_monthly(
        store, profile, load_sources(REPO / "sources.yaml"), settings, date(2026, 2, 1), now=NOW, send=False
    )
    flat = " ".join(pdf_text(result.pdf_path).split())
    assert "nu a fost identificată nicio apariție" in flat and "Februarie 2026" in flat
    assert result.queued == 0


def test_send_without_recipients_is_refused_before_any_work(store: Store, settings: Settings, profile: Profile) -> None:
    silent = profile.model_copy(update={"report": profile.report.model_copy(update={"recipients": ()})})
    with pytest.raises(ReportError, match=r"report\.recipients"):
        run_monthly(store, silent, load_sources(REPO / "sources.yaml"), settings, date(2026, 10, 1), now=NOW, send=True)
    assert not settings.output_dir.exists()


def test_report_command(store: Store, settings: Settings) -> None:
    with store.session() as session:
        seed_month(session)
    env = {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_OUTPUT_DIR": str(settings.output_dir),
        "MONITOR_SOURCES": str(REPO / "sources.yaml"),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
    }
    result = CliRunner().invoke(cli, ["report", "--profile", PROFILE, "--month", "2026-10"], env=env)
    assert result.exit_code == 0, result.output
    assert "Raportul lunar pentru octombrie 2026 (alba):" in result.output
    assert str(settings.output_dir / "raport-alba-2026-10.pdf") in result.output
    assert "9 apariții în presă" in result.output
    result = CliRunner().invoke(cli, ["report", "--month", "10/2026"], env=env)
    assert result.exit_code == 2 and "lună invalidă «10/2026»" in result.output


def test_a_former_holder_is_reported_apart_and_never_in_the_totals(
    store: Store, settings: Settings, profile: Profile
) -> None:
    sources = load_sources(REPO / "sources.yaml")
    with store.session() as session:
        seed_month(session)
        former = add_story(session, "alba24", "Fostul prefect Dorin Mărculescu, audiat", "Text.", at(10, 14))
        add_mention(session, former, "prefect-anterior", "negative", prominence="title")
    result = run_monthly(store, profile, sources, settings, date(2026, 10, 1), now=NOW, send=False)
    assert result.indicators.appearances == 9  # as without him
    assert "prefect-anterior" not in {t.target_id for t in result.indicators.targets}
    html = result.html_path.read_text(encoding="utf-8")
    assert "Dorin Mărculescu, fost prefect: 1 apariție" in " ".join(html.split())
    assert "nu intră în totalurile de mai sus" in html


def test_the_docx_the_comment_and_the_list_of_appearances(store: Store, settings: Settings, profile: Profile) -> None:
    from docx import Document

    sources = load_sources(REPO / "sources.yaml")
    with store.session() as session:
        seed_month(session)
    comment = "Luna a fost dominată de subiectul spitalului.\n\nRecomandăm o conferință de presă."
    conclusions = "Răspundem în scris la articolele despre spital.\n\nPrefectul să viziteze secția."
    result = run_monthly(
        store, profile, sources, settings, date(2026, 10, 1), now=NOW, send=False, comment=comment,
        conclusions=conclusions,
    )  # fmt: skip
    document = Document(str(result.docx_path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        "Monitorizarea lunară a aparițiilor în presă – octombrie 2026",
        "1. Rezumat",
        "2. Aparițiile pe ținte",
        "3. Comentariul biroului de presă",
        "4. Concluzii și recomandări",
        "Anexa 1: lista aparițiilor",
    ]
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("4. Concluzii și recomandări") + 1 :][:2] == conclusions.split("\n\n")
    listing = texts[texts.index("Anexa 1: lista aparițiilor") + 1 :]
    assert len(listing) == 9  # every appearance of October, one line each
    assert all(line.split(" · ")[-1].split(" (")[0] in ("pozitiv", "neutru", "negativ") for line in listing)
    html = " ".join(result.html_path.read_text(encoding="utf-8").split())
    assert "Comentariul biroului de presă" in html and "Recomandăm o conferință de presă." in html
    assert "12. Concluzii și recomandări</h2> <p>Răspundem în scris" in html and "monitor report" not in html
    annex = html.split("Anexa 1: lista aparițiilor", 1)[1].split("Anexa 2", 1)[0]
    assert annex.count("<p>") == 9 and "Ziarul Unirea" in annex


def test_a_crisis_is_listed_once_under_every_target_it_names(store: Store, profile: Profile) -> None:
    with store.session() as session:
        month = seed_month(session)  # its alert predates shared threads: the prefect alone
        session.add(
            AlertRow(
                profile_id=PROFILE,
                target_id="institutia",
                cluster_id=month.floods,
                rule="keyword",
                started_at=at(10, 10, 13),
                last_update_at=at(10, 10, 13),
                updates=0,
                article_ids=[month.floods],
                details={"targets": ["institutia", "prefect", "prefect-anterior"]},
            )
        )
    context = report_context(store, profile, date(2026, 10, 1), now=NOW)
    alerts = context["m"].alerts
    assert [a.target_ids for a in alerts] == [("prefect",), ("institutia", "prefect", "prefect-anterior")]
    html = " ".join(render_html(context).split())
    section = html.split("9. Alerte de criză", 1)[1].split("</table>", 1)[0]
    rows = section.split("<tr>")[2:]
    assert len(rows) == 2  # one row a crisis, not one a target
    assert "<td>Horia Vlădescu</td>" in rows[0]
    assert "<td>Instituția Prefectului – Județul Alba, Horia Vlădescu, Dorin Mărculescu</td>" in rows[1]
    assert "Intervenție rapidă după inundațiile din Alba" in rows[1]


def test_the_daemon_writes_the_months_reports_while_the_pipeline_is_busy(
    store: Store, settings: Settings, profile: Profile
) -> None:
    """On the 1st the reports run in their own thread, outside the lock that crawl jobs take for analysis and
    alerts: a long analysis (the lock held here) neither waits for them nor holds them up."""
    with store.session() as session:
        seed_month(session)
    daemon = Daemon(store, load_sources(REPO / "sources.yaml"), [profile], settings, clock=lambda: NOW)
    daemon._schedule()
    try:
        assert daemon.scheduler.get_job(f"report:{profile.id}").executor == "reports"
        assert daemon.scheduler.get_job("reports").executor == "reports"
        done: list[object] = []
        with daemon.pipeline:  # a crawl job's analysis in progress
            worker = threading.Thread(target=lambda: done.append(daemon.monthly_reports()))
            worker.start()
            worker.join(timeout=120)
            assert not worker.is_alive()
        (report,) = done
        assert isinstance(report, CycleReport)
        assert [path.name for path in report.reports] == ["raport-alba-2026-10.html"]
        assert report.mail.saved or report.mail.sent or report.mail.pending  # queued for the prefect
        assert daemon.monthly_reports().reports == []  # once a month
    finally:
        daemon.scheduler.remove_all_jobs()
