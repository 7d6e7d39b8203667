"""«Arhivă»: search the profile's archive (diacritics and inflections folded), filters by period (zz.ll.aaaa),
target, tone, outlet and tones «de verificat», results grouped by story, and the results exported as XLSX or CSV."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from monitor.accounts import User, audit
from monitor.archive.export import write_export, write_xlsx
from monitor.archive.finding import LIMIT, Query, find
from monitor.archive.saved import delete_search, save_search, saved_searches
from monitor.archive.search import SearchHit
from monitor.errors import SearchError
from monitor.nlp import topic_labels
from monitor.record import OutletKind
from monitor.web.security import current_user, editor
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()


def query_of(request: Request) -> Query:
    return Query.of(dict(request.query_params))


@dataclass(frozen=True)
class StoryHits:
    """The articles of one story among the results."""

    hits: tuple[SearchHit, ...]

    @property
    def lead(self) -> SearchHit:
        return self.hits[0]


def by_story(hits: Sequence[SearchHit]) -> list[StoryHits]:
    groups: dict[int, list[SearchHit]] = {}
    for hit in hits:
        key = hit.mentions[0].cluster_id if hit.mentions else hit.article_id
        groups.setdefault(key, []).append(hit)
    return [StoryHits(tuple(group)) for group in groups.values()]


@router.get("/p/{profile_id}/arhiva")
def archive_page(
    request: Request, profile_id: str, user: User = Depends(current_user), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    query = query_of(request)
    with ws.store.session() as session:
        saved = list(saved_searches(session, profile.id))
    try:
        hits, error = (find(ws.store, profile, query) if query.asked else []), ""
    except SearchError as refused:  # the form again, with what to write differently
        hits, error = [], str(refused)
    return ws.page(
        request,
        "archive.html.j2",
        status_code=400 if error else 200,
        error=error,
        profile=profile,
        query=query,
        hits=hits,
        stories=by_story(hits),
        outlets=ws.outlets_of(profile),
        kinds=tuple(OutletKind),
        topics=topic_labels(profile),
        limit=LIMIT,
        export_query=request.url.query,
        saved=saved,
        saved_query=lambda row: urlencode(row.query),
        title="Arhivă",
    )


@router.get("/p/{profile_id}/arhiva/export.{fmt}")
def archive_export(
    request: Request,
    profile_id: str,
    fmt: str,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    """The results as the office opens them: XLSX (appearances and stories), or CSV for a Romanian Excel."""
    profile = ws.profile(user, profile_id)
    query = query_of(request)
    if fmt not in ("xlsx", "csv"):
        raise SearchError(f"format necunoscut «{fmt}»: xlsx sau csv")
    where = query.where(profile)
    asked_more = query.q or query.narrowed  # words, or filters the export's own reading does not know
    views = [view for hit in find(ws.store, profile, query) for view in hit.mentions] if asked_more else None
    stem = f"arhiva-{profile.id}-{datetime.now(UTC).astimezone(profile.zone):%Y%m%d-%H%M}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # the BOM: a Romanian Excel reads UTF-8 then
        write_export(ws.store, profile, out, "csv", where, views=views)
        return Response(
            out.getvalue().encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    folder = Path(tempfile.mkdtemp(prefix="presa-export-"))
    path = folder / f"{stem}.xlsx"
    write_xlsx(ws.store, profile, path, where, views=views)

    def remove() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=path.name,
        background=BackgroundTask(remove),
    )


@router.post("/p/{profile_id}/cautari")
def save(
    profile_id: str,
    nume: str = Form(...),
    email: str = Form(""),
    q: str = Form(""),
    de_la: str = Form(""),
    pana_la: str = Form(""),
    tinta: str = Form(""),
    ton: str = Form(""),
    publicatia: str = Form(""),
    tip: str = Form(""),
    tema: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """Keep the search the page shows (its fields come with the form) under a name, e-mailed daily if asked."""
    profile = ws.profile(user, profile_id)
    query = Query.of(
        {"q": q, "de_la": de_la, "pana_la": pana_la, "tinta": tinta, "ton": ton, "publicatia": publicatia, "tip": tip,
         "tema": tema}
    )  # fmt: skip
    now = datetime.now(UTC)
    with ws.store.session() as session:
        row = save_search(session, profile, nume, query, email, owner=user.login, now=now)
        audit(
            session, user.login, "search.save", now=now, profile_id=profile.id, subject=f"căutarea «{row.name}»",
            after={"căutare": row.query, "e-mail": row.email},
        )  # fmt: skip
    return RedirectResponse(f"/p/{profile.id}/arhiva?{urlencode(query.fields())}", status_code=303)


@router.post("/p/{profile_id}/cautari/{search_id}/sterge")
def forget(
    profile_id: str, search_id: int, user: User = Depends(editor), ws: Workspace = Depends(workspace)
) -> Response:
    profile = ws.profile(user, profile_id)
    now = datetime.now(UTC)
    with ws.store.session() as session:
        row = delete_search(session, profile.id, search_id)
        if row is None:
            raise NotFound()
        audit(
            session, user.login, "search.delete", now=now, profile_id=profile.id, subject=f"căutarea «{row.name}»",
            before={"căutare": row.query, "e-mail": row.email},
        )  # fmt: skip
    return RedirectResponse(f"/p/{profile.id}/arhiva", status_code=303)
