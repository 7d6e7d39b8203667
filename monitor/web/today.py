"""«Azi»: the stories since the last digest, one card each, and the press office's corrections on them (tone per
target, an added topic, undo), which apply to every copy of the story."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from monitor.accounts import User, audit
from monitor.archive.corrections import record_correction
from monitor.config import Profile, Target
from monitor.days import parse_day
from monitor.deliver.digest import Digest, StoryItem, build_digest, digest_window, story_of
from monitor.deliver.render import count_ro
from monitor.errors import CorrectionError, RequestError
from monitor.nlp import topic_labels
from monitor.record import MentionView, Tone
from monitor.store.models import CorrectionRow
from monitor.store.queries import NOT_ABOUT, REMOVED, mentions_between
from monitor.store.workspace import (
    effective_tone,
    outlet_name,
    profile_article,
    story_corrections,
    withdraw_correction,
)
from monitor.web.security import current_user, editor
from monitor.web.workspace import NotFound, Workspace, workspace

router = APIRouter()


def next_digest_day(profile: Profile, now: datetime) -> date:
    """The day of the next digest: today's until its time has passed, then tomorrow's."""
    today = now.astimezone(profile.zone).date()
    return today if now < digest_window(profile, today)[1] else today + timedelta(days=1)


def chosen_day(profile: Profile, zi: str | None) -> date:
    """The digest day asked for (?zi=zz.ll.aaaa: a past digest, or the demo's month), else the next one."""
    if zi:
        day = parse_day(zi)
        if day is None:
            raise RequestError(f"data «{zi}» nu poate fi citită: scrieți zz.ll.aaaa, de exemplu 01.11.2026")
        return day
    return next_digest_day(profile, datetime.now(UTC))


def digest_of(ws: Workspace, profile: Profile, day: date) -> Digest:
    with ws.store.session() as session:
        return build_digest(session, profile, day)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


@router.get("/p/{profile_id}/azi")
def today_page(
    request: Request,
    profile_id: str,
    zi: str | None = None,
    corectate: int | None = None,
    sarite: int = 0,
    verificat: bool = False,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    """`verificat`: only the stories whose tone is «de verificat» (the office's daily check)."""
    profile = ws.profile(user, profile_id)
    digest = digest_of(ws, profile, chosen_day(profile, zi))
    shown = digest
    if verificat:
        shown = replace(
            digest,
            react=tuple(story for story in digest.react if story.to_review),
            stories=tuple(story for story in digest.stories if story.to_review),
        )
    return ws.page(
        request,
        "today.html.j2",
        profile=profile,
        d=shown,
        to_review=digest.to_review,
        only_to_review=verificat,
        zi=zi or "",
        topics=topic_labels(profile),
        title="Azi",
        corrected=corectate,
        skipped=sarite,
    )


def verdict(profile: Profile, tinta: str, ton: str) -> tuple[Target, str]:
    """The target (by id, name, alias or surname) and the tone the office chose, or «not about» it."""
    target = profile.find_target(tinta)
    tone = NOT_ABOUT if ton == NOT_ABOUT else Tone.parse(ton)
    if target is None or tone is None:
        raise CorrectionError(f"ținta «{tinta}» sau tonul «{ton}» nu există în profilul {profile.institution}")
    return target, tone


def _story_now(ws: Workspace, profile: Profile, day: date, cluster_id: int, article_id: int) -> StoryItem | None:
    """The story as «Azi» of `day` shows it, or, outside that digest's window, as the article's own card."""
    digest = digest_of(ws, profile, day)
    found = next((s for s in (*digest.react, *digest.stories) if s.cluster_id == cluster_id), None)
    if found is not None:
        return found
    with ws.store.session() as session:
        views = _article_views(session, profile, article_id)
    return story_of(views, profile) if views else None


def _article_views(session: Session, profile: Profile, article_id: int) -> list[MentionView]:
    article = profile_article(session, profile.id, article_id)
    if article is None:
        return []
    moment = article.published_at
    views = mentions_between(session, profile.id, moment, moment + timedelta(microseconds=1))
    return [view for view in views if view.article_id == article_id]


def _card(
    request: Request, ws: Workspace, profile: Profile, day: date, cluster_id: int, done: CorrectionRow
) -> Response:
    """The story's card again (htmx swaps it in place), or a confirmation when the story is not in «Azi»."""
    story = _story_now(ws, profile, day, cluster_id, done.article_id)
    if not _is_htmx(request):
        return RedirectResponse(request.headers.get("referer") or f"/p/{profile.id}/azi", status_code=303)
    return ws.page(request, "story_card.html.j2", profile=profile, story=story, done=done, topics=topic_labels(profile))


@router.post("/p/{profile_id}/articole/{article_id}/ton")
def correct_tone(
    request: Request,
    profile_id: str,
    article_id: int,
    tinta: str = Form(...),
    ton: str = Form(...),
    motiv: str = Form(""),
    zi: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    target, tone = verdict(profile, tinta, ton)
    now = datetime.now(UTC)
    article = ws.article(profile, article_id)
    with ws.store.session() as session:
        before = effective_tone(session, profile.id, article.cluster_id or article.id, article.id, target.id)
    row = record_correction(
        ws.store, profile.id, article_id, target.id, tone=tone, author=user.login, reason=motiv, now=now
    )
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "correction.tone",
            now=now,
            profile_id=profile.id,
            subject=f"articolul {article_id} (subiectul {row.cluster_id}), {target.name}",
            before={"ton": before},
            after={"ton": str(tone), "motiv": motiv.strip()},
        )
    return _card(request, ws, profile, chosen_day(profile, zi), row.cluster_id, row)


@router.post("/p/{profile_id}/articole/{article_id}/tema")
def add_topic(
    request: Request,
    profile_id: str,
    article_id: int,
    tema: str = Form(...),
    scoate: str = Form(""),
    zi: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    now = datetime.now(UTC)
    ws.article(profile, article_id)
    labels = topic_labels(profile)
    row = record_correction(
        ws.store,
        profile.id,
        article_id,
        profile.targets[0].id,
        topic=f"{REMOVED}{tema}" if scoate else tema,
        author=user.login,
        reason="",
        now=now,
        topics=labels,
    )
    with ws.store.session() as session:
        audit(
            session,
            user.login,
            "correction.topic",
            now=now,
            profile_id=profile.id,
            subject=f"articolul {article_id} (subiectul {row.cluster_id})",
            after={"tema": row.topic},
        )
    return _card(request, ws, profile, chosen_day(profile, zi), row.cluster_id, row)


@router.post("/p/{profile_id}/corectii/{correction_id}/anulare")
def undo_correction(
    request: Request,
    profile_id: str,
    correction_id: int,
    zi: str = Form(""),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    profile = ws.profile(user, profile_id)
    now = datetime.now(UTC)
    with ws.store.session() as session:
        row = withdraw_correction(session, profile.id, correction_id)
        if row is None:
            raise NotFound()
        audit(
            session,
            user.login,
            "correction.undo",
            now=now,
            profile_id=profile.id,
            subject=f"articolul {row.article_id} (subiectul {row.cluster_id}), ținta {row.target_id}",
            before={"ton": row.tone, "tema": row.topic, "autor": row.author},
            after=None,
        )
    story = _story_now(ws, profile, chosen_day(profile, zi), row.cluster_id, row.article_id)
    if not _is_htmx(request):
        return RedirectResponse(f"/p/{profile.id}/azi", status_code=303)
    return ws.page(
        request,
        "story_card.html.j2",
        profile=profile,
        story=story,
        done=None,
        undone=row,
        topics=topic_labels(profile),
    )


@router.get("/p/{profile_id}/articole/{article_id}")
def article_page(
    request: Request,
    profile_id: str,
    article_id: int,
    user: User = Depends(current_user),
    ws: Workspace = Depends(workspace),
) -> Response:
    """One article: its story card (tones, topics, actions), the corrections' history, its text."""
    profile = ws.profile(user, profile_id)
    article = ws.article(profile, article_id)
    with ws.store.session() as session:
        cluster_id = article.cluster_id if article.cluster_id is not None else article.id
        corrections = story_corrections(session, profile.id, cluster_id)
        outlet = outlet_name(session, article.outlet_id)
        views = _article_views(session, profile, article.id)
    story = story_of(views, profile) if views else None
    return ws.page(
        request,
        "article.html.j2",
        profile=profile,
        article=article,
        outlet=outlet,
        guessed=bool(views and views[0].date_guessed),
        story=story,
        corrections=corrections,
        target_ids={target.id for target in profile.targets},
        topics=topic_labels(profile),
        title=article.title,
    )


@router.post("/p/{profile_id}/in-masa")
def correct_many(
    profile_id: str,
    subiecte: list[int] = Form(default_factory=list),
    tinta: str = Form(...),
    ton: str = Form(...),
    motiv: str = Form(""),
    zi: str = Form(""),
    verificat: bool = Form(False),
    user: User = Depends(editor),
    ws: Workspace = Depends(workspace),
) -> Response:
    """One tone for one target on every story ticked in «Azi»; a story that does not name the target is left as
    it is (and counted in the answer). `verificat`: the office was working through the unsure tones, and goes
    back to them."""
    profile = ws.profile(user, profile_id)
    target, tone = verdict(profile, tinta, ton)
    if not subiecte:
        raise CorrectionError("bifați cel puțin un subiect")
    now = datetime.now(UTC)
    for article_id in subiecte:
        ws.article(profile, article_id)
    done, skipped = [], 0
    for article_id in dict.fromkeys(subiecte):
        try:
            row = record_correction(
                ws.store, profile.id, article_id, target.id, tone=tone, author=user.login, reason=motiv, now=now
            )
        except CorrectionError:  # the story does not name this target: nothing to change
            skipped += 1
            continue
        done.append(row.cluster_id)
    subject = f"{count_ro(len(done), 'subiect', 'subiecte')}, {target.name}"
    with ws.store.session() as session:
        audit(
            session, user.login, "correction.many", now=now, profile_id=profile.id,
            subject=subject, after={"ton": str(tone), "subiecte": done, "motiv": motiv},
        )  # fmt: skip
    query: dict[str, str | int] = {"zi": zi, "corectate": len(done), "sarite": skipped} if zi else {}
    if verificat:
        query["verificat"] = 1
    return RedirectResponse(f"/p/{profile.id}/azi" + (f"?{urlencode(query)}" if query else ""), status_code=303)
