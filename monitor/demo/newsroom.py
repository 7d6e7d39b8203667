"""A month of fictional Romanian news, generated from the templates in monitor/demo/data, with its ground truth.

Deterministic for a seed: the same seed, month, profile and scale give the same articles. The generator knows
which watched targets every article mentions and its tone toward them (`Newsroom.truth`), so tests can check
what the pipeline found against what was written.
"""

from __future__ import annotations

import itertools
import random
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from monitor.config import Profile, Sources, Target, load_profile
from monitor.text import strip_diacritics

BUCHAREST = ZoneInfo("Europe/Bucharest")
FEED_ITEMS = 30  # items a feed shows, newest first
DEFAULT_PROFILE = Path(__file__).resolve().parents[2] / "pipelines" / "alba.yaml"
DEFAULT_MONTH = date(2026, 10, 1)  # for benchmarks and tests; the demo itself simulates last month
ROLES = ("prefect", "subprefect", "institution", "former")
_SLOT_ROLE = {"P": "prefect", "S": "subprefect", "I": "institution", "F": "former"}
_SLOT = re.compile(r"\{(\w+)\}")


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


@cache
def load_data(name: str) -> Any:
    text = resources.files("monitor.demo").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


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


def _forms(role: str, target: Target, county: str) -> dict[str, tuple[str, ...]]:
    """Every way our stories name one target: first mention and later ones, nominative and genitive."""
    name = target.name
    surname = name.split()[-1]
    if role == "institution":
        genitive = name.replace("Instituția", "Instituției", 1) if name.startswith("Instituția") else name
        return {
            "I": (name, f"Prefectura {county}", name),
            "Ig": (genitive, f"Prefecturii {county}", genitive),
            "Ir": ("Prefectura", "instituția prefectului"),
        }
    if role == "former":
        return {"F": (name,)}
    if role == "prefect":
        return {
            "P": (
                f"prefectul {name}",
                f"prefectul județului {county}, {name},",
                f"{name}, prefectul județului {county},",
                f"prefectul de {county}, {name},",
            ),
            "Pg": (f"prefectului {name}", f"prefectului județului {county}, {name},", f"lui {name}"),
            "Pr": ("prefectul", f"dl {surname}", surname, f"domnul {surname}"),
            "Prg": ("prefectului", f"lui {surname}"),
        }
    female = name.split()[0].endswith("a")
    nom, gen, title = ("subprefecta", "subprefectei", "doamna") if female else ("subprefectul", "subprefectului", "dl")
    return {
        "S": (f"{nom} {name}", f"{name}, subprefect al județului {county},", f"subprefectul {name}"),
        "Sg": (f"{gen} {name}", f"{gen} județului {county}, {name},"),
        "Sr": (nom, f"{title} {surname}", surname),
        "Srg": (gen, f"{'doamnei' if female else 'lui'} {surname}"),
    }


# --- text --------------------------------------------------------------------------------------

_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})
_DANGLING_COMMA = re.compile(r",(?=\s*(?:[.;:!?”)]|,|$))")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+|„)([a-zăâîșț])")


def styled(text: str, style: str) -> str:
    """Spell `text` the way an outlet does: with diacritics, without them, or with legacy cedilla letters."""
    if style == "plain":
        return strip_diacritics(text)
    if style == "cedilla":
        return text.translate(_CEDILLA)
    return text


_NUMBER_DE = re.compile(r"\b(\d+) de (?=\w)")


def _de(match: re.Match[str]) -> str:
    """Romanian puts "de" after 20, 100, 1.000 ... but not after 1 to 19 (or 101 to 119): "14 formații"."""
    number = int(match.group(1))
    return match.group(0) if number % 100 == 0 or number % 100 >= 20 else f"{match.group(1)} "


def _tidy(text: str) -> str:
    text = _NUMBER_DE.sub(_de, _DANGLING_COMMA.sub("", text))
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")[:80].rstrip("-")


class _Writer:
    """Fills story templates for one article with names, places and numbers drawn from a seeded RNG."""

    def __init__(
        self, rng: random.Random, forms: dict[str, tuple[str, ...]], county: str, home: str, distractor: bool
    ) -> None:
        self.rng = rng
        self.forms = forms
        self.names = load_data("names.yaml")
        self.county = county
        self.used: set[str] = set()
        other = rng.choice(self.names["other_prefects"])
        # A story about another county's prefect is set in that county; any other in its outlet's county.
        self.places: list[str] = self.names["places"][other["county"] if distractor else home]
        self.values: dict[str, str] = {
            "county": county,
            "city": rng.choice(self.places),
            "city2": rng.choice(self.places),
            "n": str(rng.randint(4, 60)),
            "n2": str(rng.randint(2, 9)),
            "sum": f"{rng.randint(2, 48)},{rng.randint(1, 9)} milioane de lei",
            "person": self.person(),
            "mayor": self.person(),
            "minister": rng.choice(self.names["ministers"]),
            "company": rng.choice(self.names["companies"]),
            "road": rng.choice(self.names["roads"]),
            "ocounty": other["county"],
            "ocity": other["seat"],
            "OPname": other["name"],
            "OP": rng.choice(
                (
                    f"prefectul județului {other['county']}, {other['name']},",
                    f"{other['name']}, prefectul județului {other['county']},",
                    f"prefectul de {other['county']}, {other['name']},",
                )
            ),
        }

    def person(self) -> str:
        return f"{self.rng.choice(self.names['first_names'])} {self.rng.choice(self.names['last_names'])}"

    def _fresh(self, key: str) -> str | None:
        """A new value at each use, for the filler's slots (numbers, streets, people)."""
        rng, stories = self.rng, load_data("stories.yaml")
        ranges = {"n3": (2, 12), "n4": (12, 95), "n5": (1, 28), "n6": (150, 9800), "n7": (1, 3), "pct": (8, 93)}
        if key in ranges:
            return str(rng.randint(*ranges[key]))
        makers = {
            "city3": lambda: rng.choice(self.places),
            "person2": self.person,
            "mayor2": self.person,
            "street": lambda: rng.choice(stories["streets"]),
            "assoc": lambda: rng.choice(stories["associations"]),
            "country": lambda: rng.choice(stories["countries"]),
            "company2": lambda: rng.choice(self.names["companies"]),
            "year": lambda: str(rng.randint(2019, 2025)),
            "year2": lambda: str(rng.randint(2008, 2018)),
            "money2": lambda: f"{rng.randint(120, 990)}.000 de lei",
            "money3": lambda: f"{rng.randint(48, 135)}.{rng.randint(1, 9)}00",
            "money4": lambda: f"{rng.randint(250, 480)} de lei",
            "speed": lambda: str(rng.choice((30, 40, 50, 60, 70))),
            "hour2": lambda: f"{rng.randint(8, 19)}:{rng.choice(('00', '30'))}",
            "month_name": lambda: rng.choice(_MONTHS),
            "weekday": lambda: rng.choice(("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică")),
        }
        maker = makers.get(key)
        return maker() if maker is not None else None

    def fill(self, template: str) -> str:
        def slot(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in self.forms:
                self.used.add(_SLOT_ROLE[key[0]])
                return self.rng.choice(self.forms[key])
            if key in self.values:
                return self.values[key]
            fresh = self._fresh(key)
            if fresh is None:
                raise KeyError(f"story slot {{{key}}}: no such slot, or a role this profile does not have")
            return fresh

        return _tidy(_SLOT.sub(slot, template))

    def details(self) -> list[str]:
        """Two or three paragraphs of local detail, 7 to 10 sentences from the filler templates."""
        sentences = [
            self.fill(t) for t in self.rng.sample(load_data("stories.yaml")["filler"], k=self.rng.randint(7, 10))
        ]
        cut = sorted(self.rng.sample(range(2, len(sentences) - 1), k=self.rng.randint(1, 2)))
        bounds = [0, *cut, len(sentences)]
        return [" ".join(sentences[a:b]) for a, b in itertools.pairwise(bounds)]


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
        forms.update(_forms(role, target, county))
    distractor = draft.story in load_data("stories.yaml")["distractor_stories"]
    writer = _Writer(rng, forms, county, outlet.county or county, distractor)
    story = draft.story
    title = writer.fill(story["title"] if "title" in story else rng.choice(story["titles"]))
    title_roles = set(writer.used)
    lead = writer.fill(story["lead"])
    body = [writer.fill(paragraph) for paragraph in story["body"]] + writer.details()
    local = draft.at.astimezone(BUCHAREST)
    edit = random.Random(article_id)
    if outlet.kind == "agency":
        lead = f"{local.day} {_MONTHS[local.month - 1]} /Carpatica/ – {lead}"
    if draft.rerun_of is not None:
        title, body = _edit_rerun(edit, title, body, county if story.get("tone") else None)
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


_MONTHS = ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
           "octombrie", "noiembrie", "decembrie")  # fmt: skip


def _edit_rerun(rng: random.Random, title: str, body: list[str], county: str | None) -> tuple[str, list[str]]:
    """The small edits of a site re-running an agency story: a title tag (the county's name on a story about
    the county), a dropped paragraph, a credit line."""
    tags = (title, f"{title} (foto)", f"{county}: {title}" if county else f"Actualizare: {title}", f"{title} | UPDATE")
    title = rng.choice(tags)
    if len(body) > 3 and rng.random() < 0.5:
        body = body[:-1]
    return title, [*body, "Sursa: Agenția Carpatica de Presă."]
