"""«Arhivă»: search the profile's archive (diacritics and inflections folded), filters by period (zz.ll.aaaa),
target, tone and outlet, results grouped by story, and the results exported as XLSX or CSV."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from monitor.accounts import User
from monitor.archive.export import ExportFilter, write_export, write_xlsx
from monitor.archive.search import SearchHit, search_articles
from monitor.config import Profile
from monitor.days import local_span, parse_day
from monitor.errors import SearchError
from monitor.record import MentionView, Tone
from monitor.store.queries import mentions_in
from monitor.store.workspace import newest_mentioned
from monitor.web.security import current_user
from monitor.web.workspace import Workspace, workspace

router = APIRouter()
LIMIT = 100
TONE_OVERREAD = 3  # a tone filter is checked on the effective tone (corrections applied): read that many more


@dataclass(frozen=True)
class Query:
    """The archive form as the user filled it (the texts are kept to refill the form)."""

    q: str = ""
    de_la: str = ""
    pana_la: str = ""
    tinta: str = ""
    ton: str = ""
    publicatia: str = ""

    @property
    def asked(self) -> bool:
        return any((self.q, self.de_la, self.pana_la, self.tinta, self.ton, self.publicatia))

    def where(self, profile: Profile) -> ExportFilter:
        """The filter; SearchError naming the field that cannot be read."""
        days = []
        for label, text in (("de la", self.de_la), ("până la", self.pana_la)):
            day = parse_day(text) if text.strip() else None
            if text.strip() and day is None:
                raise SearchError(
                    f"data «{text}» ({label}) nu poate fi citită: scrieți zz.ll.aaaa, de exemplu 01.11.2026"
                )
            days.append(day)
        start, end = local_span(days[0], days[1], profile.zone)
        target = profile.find_target(self.tinta) if self.tinta else None
        if self.tinta and target is None:
            raise SearchError(f"ținta «{self.tinta}» nu există în profilul {profile.institution}")
        tone = Tone.parse(self.ton) if self.ton else None
        if self.ton and tone is None:
            raise SearchError(f"tonul «{self.ton}» nu există: pozitiv, neutru sau negativ")
        return ExportFilter(start, end, target.id if target else None, tone, self.publicatia or None)


def query_of(request: Request) -> Query:
    params = request.query_params
    return Query(**{name: params.get(name, "").strip() for name in Query.__dataclass_fields__})


@dataclass(frozen=True)
class StoryHits:
    """The articles of one story among the results."""

    hits: tuple[SearchHit, ...]

    @property
    def lead(self) -> SearchHit:
        return self.hits[0]


def _hits(ws: Workspace, profile: Profile, query: Query) -> list[SearchHit]:
    """The profile's articles that match: by the words when there are any, else by the filters alone."""
    where = query.where(profile)
    if query.q:
        hits = search_articles(
            ws.store,
            query.q,
            now=datetime.now(UTC),
            profile_id=profile.id,
            start=where.start,
            end=where.end,
            target_id=where.target_id,
            tone=where.tone,
            outlet_id=where.outlet_id,
            limit=LIMIT,
            mentioned_only=True,  # only what this profile monitors: never the rest of a shared archive
        )
        return hits
    with ws.store.session() as session:  # the newest first, a bounded read: never the whole period's mentions
        ids = newest_mentioned(
            session, profile.id, start=where.start, end=where.end, target_id=where.target_id,
            outlet_id=where.outlet_id, limit=LIMIT if where.tone is None else LIMIT * TONE_OVERREAD,
        )  # fmt: skip
        views = mentions_in(session, profile.id, ids, target_id=where.target_id)
    by_article: dict[int, list[MentionView]] = {}
    for view in reversed(views):  # newest first
        if where.tone is not None and view.tone != where.tone:  # the effective tone, corrections applied
            continue
        if view.article_id not in by_article and len(by_article) >= LIMIT:
            break
        by_article.setdefault(view.article_id, []).append(view)
    return [
        SearchHit(
            article_id=first.article_id,
            url=first.url,
            title=first.title,
            outlet_id=first.outlet_id,
            outlet_name=first.outlet_name,
            published_at=first.published_at,
            snippet=next((sentence for view in mine for sentence in view.evidence if sentence.strip()), ""),
            mentions=tuple(mine),
        )
        for first, mine in ((mine[0], mine) for mine in by_article.values())
    ]


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
    try:
        hits, error = (_hits(ws, profile, query) if query.asked else []), ""
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
        limit=LIMIT,
        export_query=request.url.query,
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
    views = [view for hit in _hits(ws, profile, query) for view in hit.mentions] if query.q else None
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
