"""«Raport lunar»: choose a month, see its figures and summary, preview the report, add the press office's
comment, make the PDF and DOCX, send it to the prefect; the same builder as the monthly job."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.responses import FileResponse

from monitor.accounts import User, audit
from monitor.config import Profile
from monitor.days import parse_month
from monitor.deliver.imagology import previous_month
from monitor.deliver.report import render_html, report_context, report_paths, run_monthly
from monitor.errors import ReportError
from monitor.store.workspace import data_version
from monitor.web.digest import PREVIEW_CSP
from monitor.web.security import current_user, editor
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()


def chosen_month(profile: Profile, luna: str | None) -> date:
    """?luna=ll.aaaa, else the last complete month."""
    if luna:
        month = parse_month(luna)
        if month is None:
            raise ReportError(f"luna «{luna}» nu poate fi citită: scrieți ll.aaaa, de exemplu 11.2026")
        return month
    return previous_month(datetime.now(UTC).astimezone(profile.zone).date().replace(day=1))


@router.get("/p/{profile_id}/raport")
def report_page(
    request: Request,
    profile_id: str,
    luna: str | None = None,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    month = chosen_month(profile, luna)
    with ws.store.session() as session:
        version = data_version(session, profile.id)
    context = ws.remembered(
        ("raport", profile.id, month),
        version,
        lambda: report_context(ws.store, profile, month, now=datetime.now(UTC), charts=False),
    )
    _, pdf = report_paths(ws.settings, profile, month)
    return ws.page(
        request,
        "report.html.j2",
        profile=profile,
        month=month,
        luna=f"{month:%m.%Y}",
        m=context["m"],
        summary=context["summary"],
        former=context["former"],
        made=pdf.is_file(),
        past=past_reports(ws, profile),
        title="Raport lunar",
    )


def past_reports(ws: Workspace, profile: Profile) -> list[date]:
    """The months whose report was made (its PDF is in the output folder), newest first."""
    months = []
    for path in ws.settings.output_dir.glob(f"raport-{profile.id}-*.pdf"):
        month = parse_month(path.stem.removeprefix(f"raport-{profile.id}-"))
        if month is not None:
            months.append(month)
    return sorted(months, reverse=True)


@router.get("/p/{profile_id}/raport/previzualizare")
def report_preview(
    profile_id: str, luna: str | None = None, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    context = report_context(ws.store, profile, chosen_month(profile, luna), now=datetime.now(UTC))
    html = render_html(context, ws.settings.templates_dir)
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"})


@router.post("/p/{profile_id}/raport")
def make_report(
    profile_id: str,
    luna: str = Form(...),
    comentariu: str = Form(""),
    concluzii: str = Form(""),
    rezumat: str = Form(""),
    trimite: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Make the PDF and DOCX with the office's comment and conclusions; with «trimite», queue it to the report's
    recipients."""
    profile = ws.profile(user, profile_id)
    month = chosen_month(profile, luna)
    now = datetime.now(UTC)
    result = run_monthly(
        ws.store,
        profile,
        ws.config()[0],
        ws.settings,
        month,
        now=now,
        send=bool(trimite),
        comment=comentariu.replace("\r\n", "\n"),
        conclusions=concluzii.replace("\r\n", "\n"),
        summary=rezumat.replace("\r\n", "\n").split("\n\n") if rezumat.strip() else None,
    )
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "report.send" if trimite else "report.make",
            now=now,
            profile_id=profile.id,
            subject=f"raportul pe {month:%m.%Y}",
            after={
                "comentariu": comentariu.strip(),
                "concluzii": concluzii.strip(),
                "rezumat": list(result.summary),
                "trimis_la": result.queued,
            },
        )
    return RedirectResponse(f"/p/{profile.id}/raport?luna={month:%m.%Y}", status_code=303)


@router.get("/p/{profile_id}/raport/raport-{luna}.{fmt}")
def report_file(
    profile_id: str, luna: str, fmt: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    month = chosen_month(profile, luna)
    _, pdf = report_paths(ws.settings, profile, month)
    path = {"pdf": pdf, "docx": pdf.with_suffix(".docx")}.get(fmt)
    if path is None or not path.is_file():
        raise NotFound("Raportul acestei luni nu a fost încă generat.")
    media = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    return FileResponse(path, media_type=media[fmt], filename=path.name)
