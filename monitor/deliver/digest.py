"""The daily digest ("Sinteza presei"): build its context from stored mentions, render it, write it and queue it."""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from monitor.config import Profile, Target
from monitor.deliver.county import CountyStory, county_stories
from monitor.deliver.editing import arrange, digest_edit, flagged, kept
from monitor.deliver.mail import enqueue_each
from monitor.deliver.render import count_ro, date_ro, datetime_ro, environment, last_ro, number_ro
from monitor.nlp import topic_labels
from monitor.record import MentionView, Prominence, Tone
from monitor.settings import Settings
from monitor.status import CollectionHealth, collection_health
from monitor.store.queries import count_mentions, mentions_between
from monitor.text import fold, strip_diacritics

log = logging.getLogger(__name__)

AVERAGE_DAYS = 7
TOP = 5
TONE_RANK = {Tone.NEGATIVE: 0, Tone.NEUTRAL: 1, Tone.POSITIVE: 2}
PROMINENCE_RANK = {"title": 0, "lead": 1, "body": 2}
ROLE_RANK = {"prefect": 0, "subprefect": 1, "institution": 2, "other": 3}
ROLE_WORDS = {
    "prefect": ("prefect",),
    "subprefect": ("subprefect",),
    "institution": ("prefectur", "institutia prefect"),
}
MARK_STYLE = "background:#fff3b0;color:#111111;font-weight:bold;padding:0 1px"
_LETTER_VARIANTS = {"a": "aăâ", "i": "iî", "s": "sșş", "t": "tțţ"}


# --- Romanian wording shared with the alerts ---------------------------------------------------


@cache
def name_pattern(target: Target) -> re.Pattern[str]:
    """Every way the digest highlights a target: name, aliases, surname, role words; diacritics optional."""
    terms = [target.name, *target.aliases]
    if target.kind == "person":
        terms += [name.split()[-1] for name in (target.name, *target.aliases) if len(name.split()) > 1]
    terms += ROLE_WORDS.get(target.role, ())
    alternatives = sorted({_loose(term) for term in terms if term.strip()}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)


def _loose(term: str) -> str:
    """A regex for `term` that matches it with or without diacritics (or with cedilla letters), any spacing."""
    parts: list[str] = []
    for char in strip_diacritics(fold(term)):
        if char.isspace():
            if parts and parts[-1] != r"\s+":
                parts.append(r"\s+")
        elif char in "-–—":
            parts.append(r"[-–—]")
        elif char.lower() in _LETTER_VARIANTS:
            parts.append(f"[{_LETTER_VARIANTS[char.lower()]}]")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def highlight(sentence: str, target: Target) -> Markup:
    """The sentence as safe HTML with the target's names marked: every piece is escaped, then wrapped."""
    pieces: list[str] = []
    position = 0
    for match in name_pattern(target).finditer(sentence):
        pieces.append(str(escape(sentence[position : match.start()])))
        pieces.append(f'<mark style="{MARK_STYLE}">{escape(match.group(0))}</mark>')
        position = match.end()
    pieces.append(str(escape(sentence[position:])))
    return Markup("".join(pieces))


def importance(view: MentionView) -> tuple[int, int, int, float]:
    """Sort key: negative first, then prominence (title, lead, body), then reach, then the newest."""
    return (
        0 if view.tone == Tone.NEGATIVE else 1,
        PROMINENCE_RANK.get(view.prominence, 2),
        -view.outlet_reach,
        -view.published_at.timestamp(),
    )


# --- context -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetTone:
    """How one story presents one target."""

    target: Target
    tone: Tone
    corrected: bool
    to_review: bool  # «de verificat»: the automatic tone is unsure


@dataclass(frozen=True)
class StoryItem:
    """One story, once: its most important copy, every target it names with its tone, the other outlets."""

    cluster_id: int
    article_id: int
    title: str
    url: str
    outlet: str
    published_at: datetime
    prominence: str
    targets: tuple[TargetTone, ...]
    topics: tuple[str, ...]  # Romanian labels
    evidence: str
    evidence_html: Markup
    also_in: tuple[str, ...]
    reaction: str | None  # why it needs a reaction («De reacționat»), or None
    reach: int = 0  # the lead copy's outlet audience (sources.yaml reach: readers or viewers a month)

    @property
    def to_review(self) -> bool:
        return any(t.to_review for t in self.targets)

    @property
    def tones_text(self) -> str:
        """'Horia Vlădescu: negativ; Instituția Prefectului: neutru (de verificat)'."""
        return "; ".join(
            f"{t.target.name}: {t.tone.label}"
            + (" (corectat)" if t.corrected else "")
            + (" (de verificat)" if t.to_review else "")
            for t in self.targets
        )


@dataclass(frozen=True)
class TargetCount:
    target: Target
    mentions: int
    tones: dict[str, int]


@dataclass(frozen=True)
class Digest:
    """Everything the digest templates show, computed from stored mentions only."""

    profile: Profile
    day: date
    start: datetime  # UTC
    end: datetime  # UTC, the digest time
    mentions: int  # article-target appearances
    articles: int
    average: float  # appearances per day over the previous AVERAGE_DAYS days
    tones: dict[str, int]
    top_topics: tuple[tuple[str, int], ...]
    top_outlets: tuple[tuple[str, int], ...]
    react: tuple[StoryItem, ...]  # «De reacționat», most important first
    stories: tuple[StoryItem, ...]  # the rest, most important first
    county: tuple[CountyStory, ...]  # «Județul azi»: the county's stories that name no target, most outlets first
    targets: tuple[TargetCount, ...]
    health: CollectionHealth
    summary: str
    comment: str = ""  # «Comentariul biroului de presă», written in the workspace
    left_out: int = 0  # stories the office left out

    @property
    def empty(self) -> bool:
        return self.mentions == 0

    @property
    def story_count(self) -> int:
        return len(self.react) + len(self.stories)

    @property
    def to_review(self) -> int:
        """Stories with a tone «de verificat»."""
        return sum(story.to_review for story in (*self.react, *self.stories))

    @property
    def subject(self) -> str:
        when = date_ro(self.day)
        if self.empty:
            return f"Sinteza presei, {when}: " + (
                "nicio mențiune" if self.health.working else "colectarea nu a funcționat"
            )
        negative = self.tones.get(Tone.NEGATIVE, 0)
        mentions = count_ro(self.mentions, "mențiune", "mențiuni")
        subject = f"Sinteza presei, {when}: {mentions}, {count_ro(negative, 'negativă', 'negative')}"
        return subject + (f"; {len(self.react)} de reacționat" if self.react else "")


def digest_window(profile: Profile, day: date) -> tuple[datetime, datetime]:
    """The 24 hours up to the digest time of `day` (local time of the profile), in UTC."""
    end = datetime.combine(day, profile.digest.time, tzinfo=profile.zone).astimezone(UTC)
    return end - timedelta(hours=24), end


def build_digest(session: Session, profile: Profile, day: date) -> Digest:
    """Read the mentions in articles first collected in the day's window (a late feed or a back-dated item is in
    the first digest after it arrived, with its publication date shown) and the week before."""
    start, end = digest_window(profile, day)
    edit = digest_edit(session, profile.id, day)
    everything = mentions_between(session, profile.id, start, end, by_seen=True)
    views = kept(everything, edit)
    previous = count_mentions(session, profile.id, start - timedelta(days=AVERAGE_DAYS), start, by_seen=True)
    labels = topic_labels(profile)
    articles = {view.article_id: view for view in views}
    topics = Counter(labels.get(topic, topic) for view in articles.values() for topic in dict.fromkeys(view.topics))
    outlets = Counter(view.outlet_name for view in articles.values())
    tones = Counter(view.tone for view in views)
    items = arrange(_stories(profile, views, labels, flagged(edit)), edit)
    digest = Digest(
        profile=profile,
        day=day,
        start=start,
        end=end,
        mentions=len(views),
        articles=len(articles),
        average=previous / AVERAGE_DAYS,
        tones={tone: tones.get(tone, 0) for tone in TONE_RANK},
        top_topics=tuple(topics.most_common(TOP)),
        top_outlets=tuple(outlets.most_common(TOP)),
        react=tuple(item for item in items if item.reaction),
        stories=tuple(item for item in items if not item.reaction),
        county=county_stories(session, profile, start, end, labels),
        targets=tuple(_target_counts(profile, views)),
        health=collection_health(session, end),
        summary="",
        comment=edit.comment if edit is not None else "",
        left_out=len({view.cluster_id for view in everything}) - len({view.cluster_id for view in views}),
    )
    return _with_summary(digest)


def _target_counts(profile: Profile, views: Sequence[MentionView]) -> Iterable[TargetCount]:
    by_target: dict[str, list[MentionView]] = defaultdict(list)
    for view in views:
        by_target[view.target_id].append(view)
    order = sorted(enumerate(profile.targets), key=lambda pair: (ROLE_RANK[pair[1].role], pair[0]))
    for _, target in order:
        mine = by_target.get(target.id)
        if mine:
            yield TargetCount(target, len(mine), dict(Counter(view.tone for view in mine)))


def _stories(
    profile: Profile, views: Sequence[MentionView], labels: dict[str, str], flagged: frozenset[int] = frozenset()
) -> list[StoryItem]:
    """One item per story (cluster), the most important first; `flagged`: the stories the office marked «de
    reacționat»."""
    clusters: dict[int, list[MentionView]] = defaultdict(list)
    for view in views:
        clusters[view.cluster_id].append(view)
    ranked = sorted(clusters.values(), key=lambda copies: importance(min(copies, key=importance)))
    return [_story(sorted(copies, key=importance), profile, labels, flagged) for copies in ranked]


def _reaction(view: MentionView, profile: Profile) -> str | None:
    """Why a mention needs the office to react: negative toward a target in the title or lead, or in a high-reach
    outlet."""
    if view.tone != Tone.NEGATIVE:
        return None
    if view.prominence == Prominence.TITLE:
        return "negativ în titlu"
    if view.prominence == Prominence.LEAD:
        return "negativ în introducere"
    if view.outlet_reach >= profile.alerts.high_reach:
        return "negativ, publicație cu audiență mare"
    return None


def _story(
    copies: list[MentionView], profile: Profile, labels: dict[str, str], flagged: frozenset[int] = frozenset()
) -> StoryItem:
    lead = copies[0]
    by_target: dict[str, MentionView] = {}
    for view in copies:  # the most important copy speaks for each target
        by_target.setdefault(view.target_id, view)
    order = {target.id: index for index, target in enumerate(profile.targets)}
    targets = tuple(
        TargetTone(profile.target(view.target_id), view.tone, view.corrected, view.to_review)
        for view in sorted(by_target.values(), key=lambda v: order.get(v.target_id, len(order)))
    )
    others = {view.outlet_name for view in copies} | {name for view in copies for name in view.also_in}
    others.discard(lead.outlet_name)
    evidence_view = next((view for view in copies if any(s.strip() for s in view.evidence)), lead)
    evidence = next((s for s in evidence_view.evidence if s.strip()), "")
    reasons = ["semnalat de biroul de presă"] * (lead.cluster_id in flagged)
    reasons += [reason for view in copies if (reason := _reaction(view, profile))]
    return StoryItem(
        cluster_id=lead.cluster_id,
        article_id=lead.article_id,
        title=lead.title or lead.url,
        url=lead.url,
        outlet=lead.outlet_name,
        published_at=lead.published_at,
        prominence=lead.prominence,
        targets=targets,
        topics=tuple(labels.get(topic, topic) for topic in dict.fromkeys(t for v in copies for t in v.topics)),
        evidence=evidence,
        evidence_html=highlight(evidence, profile.target(evidence_view.target_id)),
        also_in=tuple(sorted(others, key=str.casefold)),
        reaction=reasons[0] if reasons else None,
        reach=lead.outlet_reach,
    )


def _with_summary(digest: Digest) -> Digest:
    """A short factual paragraph written only from the digest's figures."""
    when = datetime_ro(digest.end, digest.profile.zone)
    average = number_ro(digest.average, 1)
    if digest.empty and not digest.health.working:  # never "nothing was published" when nothing was collected
        text = (
            f"În cele 24 de ore până la {when} nu a fost colectat niciun articol care să menționeze "
            f"{digest.profile.institution} sau conducerea instituției, dar colectarea nu a funcționat: nu se poate "
            "spune ce a publicat presa. " + digest.health.line()
        )
        return replace(digest, summary=text)
    if digest.empty:
        text = (
            f"În cele 24 de ore până la {when}, presa monitorizată nu a publicat niciun articol care să menționeze "
            f"{digest.profile.institution} sau conducerea instituției. Media pe {last_ro(AVERAGE_DAYS, 'zi', 'zile')}: "
            f"{average} pe zi."
        )
        return replace(digest, summary=text)
    sentences = [
        f"În cele 24 de ore până la {when} au apărut {count_ro(digest.mentions, 'mențiune', 'mențiuni')} "
        f"în {count_ro(digest.articles, 'articol', 'articole')}, "
        f"despre {count_ro(digest.story_count, 'subiect', 'subiecte')}; "
        f"{_against_average(digest.mentions, digest.average)}.",
        "Tonul mențiunilor: "
        + ", ".join(
            [
                count_ro(digest.tones[Tone.NEGATIVE], "negativă", "negative"),
                count_ro(digest.tones["neutral"], "neutră", "neutre"),
                count_ro(digest.tones[Tone.POSITIVE], "pozitivă", "pozitive"),
            ]
        )
        + ".",
    ]
    if digest.to_review:
        sentences.append(f"Ton nesigur, de verificat: {count_ro(digest.to_review, 'subiect', 'subiecte')}.")
    if digest.react:
        sentences.append(f"De reacționat: {count_ro(len(digest.react), 'subiect', 'subiecte')}.")
    busiest = max(digest.targets, key=lambda count: count.mentions)
    sentences.append(f"Cele mai multe mențiuni: {busiest.target.name} ({busiest.mentions}).")
    if digest.top_topics:
        sentences.append("Teme principale: " + ", ".join(f"{label} ({n})" for label, n in digest.top_topics[:3]) + ".")
    sentences.append(
        "Cele mai active publicații: " + ", ".join(f"{name} ({n})" for name, n in digest.top_outlets[:3]) + "."
    )
    return replace(digest, summary=" ".join(sentences))


def _against_average(today: int, average: float) -> str:
    if average == 0:
        return f"în {last_ro(AVERAGE_DAYS, 'zi', 'zile')} nu a apărut nicio mențiune"
    change = (today - average) / average
    base = f"media pe {last_ro(AVERAGE_DAYS, 'zi', 'zile')} ({number_ro(average, 1)} pe zi)"
    if abs(change) < 0.05:
        return f"la nivelul mediei pe {last_ro(AVERAGE_DAYS, 'zi', 'zile')} ({number_ro(average, 1)} pe zi)"
    direction = "peste" if change > 0 else "sub"
    return f"cu {number_ro(abs(change) * 100)}% {direction} {base}"


# --- render and deliver ------------------------------------------------------------------------


def render_digest(digest: Digest, templates: Path | None = None, workspace: str | None = None) -> tuple[str, str]:
    """(HTML, plain text) of the digest, from reports/templates/digest.*.j2; `workspace`: the web workspace's
    address (MONITOR_WEB_URL), so each story links to its page there."""
    env = environment(templates)
    context = {"d": digest, "zone": digest.profile.zone, "count_ro": count_ro, "workspace": workspace}
    return env.get_template("digest.html.j2").render(context), env.get_template("digest.txt.j2").render(context)


def digest_path(settings: Settings, profile_id: str, day: date) -> Path:
    return settings.output_dir / f"digest-{profile_id}-{day.isoformat()}.html"


def digest_key(profile_id: str, day: date) -> str:
    """The outbox key of a day's digest, less the recipient."""
    return f"digest:{profile_id}:{day.isoformat()}"


@dataclass(frozen=True)
class DigestResult:
    digest: Digest
    path: Path
    queued: tuple[str, ...]  # recipients queued now
    already: tuple[str, ...]  # recipients for whom this day's digest was queued before (never twice)


def run_digest(
    session: Session,
    profile: Profile,
    settings: Settings,
    *,
    day: date,
    now: datetime,
    send: bool,
    resend: bool = False,
) -> DigestResult:
    """Build and render the digest of `day`, write its HTML copy, and (with `send`) queue it in `session`;
    `resend`: once more, on purpose (the office's «Retrimite»), under keys of its own."""
    digest = build_digest(session, profile, day)
    html, text = render_digest(digest, settings.templates_dir, settings.web_url)
    path = digest_path(settings, profile.id, day)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    queued: list[str] = []
    already: list[str] = []
    if send:
        queued, already = enqueue_each(
            session,
            profile.digest.recipients,
            key_prefix=digest_key(profile.id, day) + (f":retrimisa-{now:%Y%m%dT%H%M%S}" if resend else ""),
            kind="digest",
            profile_id=profile.id,
            subject=digest.subject,
            html=html,
            text=text,
            settings=settings,
            now=now,
        )
    log.info("digest %s for %s: %s mentions, written to %s", profile.id, day, digest.mentions, path)
    return DigestResult(digest=digest, path=path, queued=tuple(queued), already=tuple(already))


def story_of(views: Sequence[MentionView], profile: Profile) -> StoryItem:
    """One story's item from its mentions (the workspace's card for an article outside the digest's window)."""
    return _story(sorted(views, key=importance), profile, topic_labels(profile))
