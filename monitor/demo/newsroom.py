"""A month of fictional Romanian news, generated from the templates in monitor/demo/data, with its ground truth.

Deterministic for a seed: the same seed, month, profile and scale give the same articles. The generator knows
which watched targets every article mentions and its tone toward them (`Newsroom.truth`), so tests can check
what the pipeline found against what was written.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config import Profile, Sources, Target, load_profile
from monitor.deliver.render import MONTHS
from monitor.demo.writer import Writer, edit_rerun, load_data, name_forms, slugify, styled
from monitor.settings import DEFAULTS

BUCHAREST = ZoneInfo("Europe/Bucharest")
FEED_ITEMS = 30  # items a feed shows, newest first
DEFAULT_PROFILE = DEFAULTS / "pipelines" / "alba.yaml"
DEFAULT_MONTH = date(2026, 10, 1)  # for benchmarks and tests; the demo itself simulates last month


@dataclass(frozen=True, slots=True)
class DemoOutlet:
    """One fictional outlet and how it publishes (feed format, spelling, caching headers)."""

    id: str
    name: str
    kind: str
    reach: int
    poll: str
    per_day: float
    feed: str  # rss | atom
    feed_path: str
    style: str  # diacritics | plain | cedilla
    target_share: float
    caching: str  # etag | last-modified | both | none
    sections: tuple[str, ...]
    county: str | None = None
    tracking: bool = False
    full_text: bool = False
    shouting: bool = False

    @property
    def feed_url_path(self) -> str:
        return f"/{self.id}/{self.feed_path}"

    @property
    def charset(self) -> str:
        return "iso-8859-2" if self.style == "cedilla" else "utf-8"


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One generated article and its ground truth (targets mentioned and the tone toward each)."""

    id: int
    outlet_id: str
    slug: str
    section: str
    title: str
    lead: str
    body: tuple[str, ...]
    author: str
    published_at: datetime  # UTC
    story: str  # shared by an agency story and its re-runs
    tones: dict[str, str]  # target id -> positive | neutral | negative
    title_targets: frozenset[str]
    topics: tuple[str, ...]
    crisis: bool = False
    rerun_of: str | None = None  # story key of the agency original

    @property
    def path(self) -> str:
        local = self.published_at.astimezone(BUCHAREST)
        return f"/{self.outlet_id}/{local:%Y/%m/%d}/{self.slug}-{self.id}.html"


@dataclass(frozen=True)
class GroundTruth:
    """What the month holds for the watched outlets of the profile."""

    articles: int  # articles in watched outlets
    mentions: dict[str, int]  # target id -> articles mentioning it
    tones: dict[str, dict[str, int]]  # target id -> tone -> articles
    crisis_paths: tuple[str, ...]  # in publication order
    crisis_titles: tuple[str, ...]


@dataclass(frozen=True)
class Newsroom:
    """The generated month: outlets, articles in publication order, and what the generator knows of them."""

    seed: int
    month: date  # first day of the month
    profile: Profile
    outlets: tuple[DemoOutlet, ...]
    articles: tuple[DemoArticle, ...]
    _by_outlet: dict[str, tuple[DemoArticle, ...]] = field(repr=False, compare=False)
    _by_path: dict[str, DemoArticle] = field(repr=False, compare=False)

    @property
    def start(self) -> datetime:
        """The month's first instant (local midnight), in UTC."""
        return datetime.combine(self.month, time(), BUCHAREST).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The next month's first instant (local midnight), in UTC."""
        return datetime.combine(_next_month(self.month), time(), BUCHAREST).astimezone(UTC)

    @property
    def crisis_day(self) -> date:
        return _next_month(self.month) - timedelta(days=1)

    def outlet(self, outlet_id: str) -> DemoOutlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        raise KeyError(outlet_id)

    def article_at(self, path: str) -> DemoArticle | None:
        return self._by_path.get(path)

    def published(self, outlet_id: str, now: datetime) -> tuple[DemoArticle, ...]:
        """The outlet's articles published at or before `now`, oldest first."""
        articles = self._by_outlet.get(outlet_id, ())
        index = bisect_right([a.published_at for a in articles], now)
        return articles[:index]

    def sources(self, base_url: str) -> Sources:
        """The newsroom's outlets as validated config, with feeds under `base_url`."""
        return Sources.model_validate({"outlets": self.sources_data(base_url)})

    def sources_data(self, base_url: str) -> list[dict[str, Any]]:
        """The outlets in sources.yaml shape (to write a demo sources.yaml)."""
        rows = []
        for outlet in self.outlets:
            row: dict[str, Any] = {
                "id": outlet.id,
                "name": outlet.name,
                "kind": outlet.kind,
                "feeds": [base_url + outlet.feed_url_path],
                "homepage": f"{base_url}/{outlet.id}/",
                "reach": outlet.reach,
                "poll": outlet.poll,
                "contact": f"redactie@{outlet.id}.example",
            }
            if outlet.county:
                row["county"] = outlet.county
            rows.append(row)
        return rows

    def watched(self) -> frozenset[str]:
        """Ids of the outlets the profile follows."""
        sources = self.sources("http://127.0.0.1")
        return frozenset(o.id for o in sources.outlets if self.profile.watches(o))

    def truth(self) -> GroundTruth:
        """Counts for the month over the outlets the profile watches."""
        watched = self.watched()
        mine = [a for a in self.articles if a.outlet_id in watched]
        mentions: Counter[str] = Counter()
        tones: dict[str, Counter[str]] = {}
        for article in mine:
            for target_id, tone in article.tones.items():
                mentions[target_id] += 1
                tones.setdefault(target_id, Counter())[tone] += 1
        crisis = [a for a in mine if a.crisis]
        return GroundTruth(
            articles=len(mine),
            mentions=dict(mentions),
            tones={target: dict(counts) for target, counts in tones.items()},
            crisis_paths=tuple(a.path for a in crisis),
            crisis_titles=tuple(a.title for a in crisis),
        )


# --- data --------------------------------------------------------------------------------------


def load_outlets() -> tuple[DemoOutlet, ...]:
    """The newsroom's outlets from monitor/demo/data/outlets.yaml."""
    rows = load_data("outlets.yaml")["outlets"]
    return tuple(DemoOutlet(**{**row, "sections": tuple(row["sections"])}) for row in rows)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


# --- how the watched targets are named ---------------------------------------------------------


def _active(profile: Profile, role: str, day: date) -> Target | None:
    for target in profile.targets:
        if target.role == role and target.kind == "person" and target.active_on(day):
            return target
    return None


def _cast(profile: Profile, month: date) -> dict[str, Target]:
    """Which profile target plays each role this month (prefect, subprefect, institution, former prefect)."""
    cast: dict[str, Target] = {}
    mid = month + timedelta(days=14)
    for role in ("prefect", "subprefect"):
        target = _active(profile, role, mid)
        if target is not None:
            cast[role] = target
    for target in profile.targets:
        if target.kind == "institution" and "institution" not in cast:
            cast["institution"] = target
        if target.role == "prefect" and target.kind == "person" and not target.active_on(mid):
            cast.setdefault("former", target)
    return cast


# --- generation --------------------------------------------------------------------------------


@dataclass
class _Draft:
    outlet: DemoOutlet
    at: datetime
    story: dict[str, Any]
    story_key: str
    crisis: bool = False
    rerun_of: str | None = None
    writer_seed: int = 0


def _count(rng: random.Random, per_day: float) -> int:
    whole = int(per_day)
    return whole + (1 if rng.random() < per_day - whole else 0)


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), BUCHAREST).astimezone(UTC)


def generate(
    seed: int = 2026,
    *,
    month: date = DEFAULT_MONTH,
    profile: Profile | None = None,
    scale: float = 1.0,
    articles: int | None = None,
) -> Newsroom:
    """A month of news for `profile`'s county (default: the repo's Alba profile); `articles` (about that many,
    crisis aside) overrides `scale`. Benchmarks: `generate(articles=2000)` and `pages.render_page(..., size=150_000)`.
    """
    profile = profile if profile is not None else load_profile(DEFAULT_PROFILE)
    outlets = load_outlets()
    stories = load_data("stories.yaml")
    month = month.replace(day=1)
    days = (_next_month(month) - month).days
    if articles is not None:
        scale = articles / (sum(o.per_day for o in outlets) * days * 1.1)
    county = profile.county or "Alba"
    if county not in load_data("names.yaml")["places"]:
        raise ValueError(f"the demo newsroom has no places of county {county!r} (monitor/demo/data/names.yaml)")
    cast = _cast(profile, month)
    sources = Sources.model_validate({"outlets": _config_rows(outlets)})
    watched = {o.id for o in sources.outlets if profile.watches(o)}
    rng = random.Random(seed)
    target_stories = [s for s in stories["target_stories"] if set(s["tone"]) <= set(cast)]
    gentle = [s for s in target_stories if "negative" not in s["tone"].values()]
    crisis_day = days - 1
    drafts: list[_Draft] = []
    for offset in range(days):
        day = month + timedelta(days=offset)
        last = offset == crisis_day
        for outlet in outlets:
            for _ in range(_count(rng, outlet.per_day * scale)):
                at = _local(day, rng.randint(6, 22), rng.randint(0, 59))
                mine = outlet.id in watched and rng.random() < outlet.target_share
                if mine:
                    pool = gentle if last or outlet.kind == "institution" else target_stories
                    story = rng.choice(pool)
                elif outlet.county is None and rng.random() < 0.12:
                    story = rng.choice(stories["distractor_stories"])
                else:
                    story = rng.choice(stories["other_stories"])
                key = f"{story['id']}:{offset}:{len(drafts)}"
                drafts.append(_Draft(outlet, at, story, key, writer_seed=rng.getrandbits(32)))
                if outlet.kind == "agency" and rng.random() < 0.35:
                    drafts += _reruns(rng, drafts[-1], outlets, watched, day)
    by_id = {s["id"]: s for s in stories["crisis"] if "rerun_of" not in s}
    crisis_date = month + timedelta(days=crisis_day)
    for entry in stories["crisis"]:
        hour, minute = (int(part) for part in entry["at"].split(":"))
        origin = by_id[entry.get("rerun_of", entry["id"])]
        drafts.append(
            _Draft(
                next(o for o in outlets if o.id == entry["outlet"]),
                _local(crisis_date, hour, minute),
                origin,
                f"criza:{origin['id']}",
                crisis=True,
                rerun_of=f"criza:{origin['id']}" if "rerun_of" in entry else None,
                writer_seed=seed * 7919 + hash_text(origin["id"]),
            )
        )
    drafts.sort(key=lambda d: (d.at, d.outlet.id, d.story_key))
    written = tuple(_write(index + 1, draft, cast, county) for index, draft in enumerate(drafts))
    by_outlet: dict[str, list[DemoArticle]] = {}
    for article in written:
        by_outlet.setdefault(article.outlet_id, []).append(article)
    return Newsroom(
        seed=seed,
        month=month,
        profile=profile,
        outlets=outlets,
        articles=written,
        _by_outlet={key: tuple(value) for key, value in by_outlet.items()},
        _by_path={article.path: article for article in written},
    )


def hash_text(text: str) -> int:
    """A stable small hash (Python's hash() of str changes between processes)."""
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % 1_000_003
    return value


def _config_rows(outlets: tuple[DemoOutlet, ...]) -> list[dict[str, Any]]:
    return [
        {"id": o.id, "name": o.name, "kind": o.kind, "county": o.county, "feeds": [f"http://x{o.feed_url_path}"]}
        for o in outlets
    ]


def _reruns(
    rng: random.Random, original: _Draft, outlets: tuple[DemoOutlet, ...], watched: set[str], day: date
) -> list[_Draft]:
    """Other outlets re-running an agency story a little later, with small edits."""
    takers = [o for o in outlets if o.id in watched and o.kind in ("local", "national", "radio")]
    chosen = rng.sample(takers, k=rng.randint(1, 2))
    reruns = []
    for outlet in chosen:
        at = original.at + timedelta(minutes=rng.randint(20, 180))
        if at.astimezone(BUCHAREST).date() != day:
            continue
        reruns.append(
            _Draft(
                outlet,
                at,
                original.story,
                original.story_key,
                rerun_of=original.story_key,
                writer_seed=original.writer_seed,
            )
        )
    return reruns


def _write(article_id: int, draft: _Draft, cast: dict[str, Target], county: str) -> DemoArticle:
    """Turn a draft into an article: fill the templates, apply the outlet's spelling, note the ground truth."""
    outlet = draft.outlet
    rng = random.Random(draft.writer_seed)
    forms: dict[str, tuple[str, ...]] = {}
    for role, target in cast.items():
        forms.update(name_forms(role, target, county))
    distractor = draft.story in load_data("stories.yaml")["distractor_stories"]
    writer = Writer(rng, forms, county, outlet.county or county, distractor)
    story = draft.story
    title = writer.fill(story["title"] if "title" in story else rng.choice(story["titles"]))
    title_roles = set(writer.used)
    lead = writer.fill(story["lead"])
    body = [writer.fill(paragraph) for paragraph in story["body"]] + writer.details()
    local = draft.at.astimezone(BUCHAREST)
    edit = random.Random(article_id)
    if outlet.kind == "agency":
        lead = f"{local.day} {MONTHS[local.month - 1]} /Carpatica/ – {lead}"
    if draft.rerun_of is not None:
        title, body = edit_rerun(edit, title, body, county if story.get("tone") else None)
    if outlet.shouting and (draft.crisis or edit.random() < 0.3):
        title = title.upper()
    tones = {cast[role].id: tone for role, tone in story.get("tone", {}).items() if role in cast}
    if set(tones) != {cast[role].id for role in writer.used}:
        raise ValueError(f"story {story['id']!r}: tone map {sorted(tones)} does not match the targets it names")
    author = "Redacția" if outlet.kind in ("agency", "institution") else writer.person()
    return DemoArticle(
        id=article_id,
        outlet_id=outlet.id,
        slug=slugify(title),
        section=styled(edit.choice(outlet.sections), outlet.style),
        title=styled(title, outlet.style),
        lead=styled(lead, outlet.style),
        body=tuple(styled(p, outlet.style) for p in body),
        author=styled(author, outlet.style),
        published_at=draft.at,
        story=draft.story_key,
        tones=tones,
        title_targets=frozenset(cast[role].id for role in title_roles),
        topics=tuple(story.get("topics", ())),
        crisis=draft.crisis,
        rerun_of=draft.rerun_of,
    )
