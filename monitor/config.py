"""Load sources.yaml and pipelines/*.yaml into frozen, validated objects; report every problem at once."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.counties import find_county
from monitor.errors import ConfigError, RequestError
from monitor.record import OutletKind, TargetKind, TargetRole
from monitor.yamlsource import YamlDocument, load_yaml

_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_Model = TypeVar("_Model", bound=BaseModel)


def parse_duration(value: Any) -> timedelta:
    """'90s', '10m', '2h', '1d' or a number of seconds -> timedelta; errors in Romanian."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"durată invalidă: {value!r} (exemple: 30s, 10m, 2h, 1d)")
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"durată invalidă: {value!r} (exemple: 30s, 10m, 2h, 1d)")
    return timedelta(seconds=int(match.group(1)) * _UNIT[match.group(2)])


def _check_url(value: str) -> str:
    if not isinstance(value, str) or not _URL.match(value):
        raise ValueError(f"adresă URL invalidă: {value!r} (doar http sau https)")
    return value


def _check_email(value: str) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ValueError(f"adresă de e-mail invalidă: {value!r}")
    return value


def _check_slug(value: str) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ValueError(f"identificator invalid: {value!r} (litere mici, cifre, - și _)")
    return value


def _check_county(value: str | None) -> str | None:
    if value is None:
        return None
    county = find_county(str(value))
    if county is None:
        raise ValueError(f"județ necunoscut: {value!r}")
    return county.name


def _check_clock(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 07:30 as a sexagesimal int
        return time(value // 60, value % 60)
    match = re.match(r"^(\d{1,2}):(\d{2})$", str(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError(f"oră invalidă: {value!r} (format HH:MM)")
    return time(int(match.group(1)), int(match.group(2)))


Url = Annotated[str, BeforeValidator(_check_url)]
Email = Annotated[str, BeforeValidator(_check_email)]
Slug = Annotated[str, BeforeValidator(_check_slug)]
CountyName = Annotated[str | None, BeforeValidator(_check_county)]
Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Clock = Annotated[time, BeforeValidator(_check_clock)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Outlet(_Frozen):
    """One news outlet from sources.yaml."""

    id: Slug
    name: str = Field(min_length=1)
    kind: OutletKind
    county: CountyName = None
    feeds: tuple[Url, ...] = Field(min_length=1)
    homepage: Url | None = None
    reach: int = Field(default=10_000, ge=0)
    language: str = "ro"
    poll: Duration = timedelta(minutes=15)
    contact: Email | None = None
    enabled: bool = True

    @field_validator("poll")
    @classmethod
    def _poll_bounds(cls, value: timedelta) -> timedelta:
        if not timedelta(seconds=5) <= value <= timedelta(days=1):
            raise ValueError("intervalul de interogare trebuie să fie între 5s și 1d")
        return value

    @model_validator(mode="after")
    def _local_has_county(self) -> Outlet:
        if self.kind == "local" and self.county is None:
            raise ValueError("o publicație locală trebuie să aibă «county»")
        return self


class Target(_Frozen):
    """A watched person or institution; the shape is fixed (an evaluation harness relies on it)."""

    id: Slug
    kind: TargetKind
    name: str = Field(min_length=1)
    role: TargetRole
    aliases: tuple[str, ...] = ()
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def active_on(self, day: date | None) -> bool:
        """True when the term of office covers `day` (an unknown day counts as covered)."""
        if day is None:
            return True
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class SourceSelection(_Frozen):
    """Which outlets a profile watches: by default national, agency, tv, radio and its county's own."""

    include: tuple[Slug, ...] = ()
    exclude: tuple[Slug, ...] = ()


class DigestSchedule(_Frozen):
    enabled: bool = True
    # The office approves the digest in the workspace before it leaves; unapproved, it goes as it is at this time
    # (declared before `time`, which names the field below and no longer the type).
    approval: bool = False
    approve_until: Clock = time(9, 0)
    time: Clock = time(7, 30)
    recipients: tuple[Email, ...] = ()


class BurstRule(_Frozen):
    window: Duration = timedelta(hours=6)
    baseline_days: int = Field(default=14, ge=1, le=90)
    alpha: float = Field(default=0.01, gt=0, lt=1)
    min_mentions: int = Field(default=3, ge=1)
    min_outlets: int = Field(default=2, ge=1)


class AlertRules(_Frozen):
    enabled: bool = True
    recipients: tuple[Email, ...] = ()
    cooldown: Duration = timedelta(hours=12)
    update_every: Duration = timedelta(hours=1)
    burst: BurstRule = BurstRule()
    keywords: tuple[str, ...] = (
        "demisie",
        "DNA",
        "percheziții",
        "arestat",
        "anchetă",
        "scandal",
        "protest la prefectură",
    )
    high_reach: int = Field(default=1_000_000, ge=0)


class ReportSchedule(_Frozen):
    enabled: bool = True
    day: int = Field(default=1, ge=1, le=28)
    time: Clock = time(8, 0)
    recipients: tuple[Email, ...] = ()


class TopicOverride(_Frozen):
    """A topic added to, or replacing one of, the package taxonomy."""

    id: Slug
    label: str = Field(min_length=1)
    terms: tuple[str, ...] = Field(min_length=1)


class Profile(_Frozen):
    """One monitoring profile (one institution), from pipelines/<id>.yaml."""

    id: Slug
    institution: str = Field(min_length=1)
    county: CountyName
    timezone: str = "Europe/Bucharest"
    targets: tuple[Target, ...] = Field(min_length=1)
    sources: SourceSelection = SourceSelection()
    digest: DigestSchedule = DigestSchedule()
    alerts: AlertRules = AlertRules()
    report: ReportSchedule = ReportSchedule()
    topics: tuple[TopicOverride, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fus orar necunoscut: {value!r}") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def find_target(self, ref: str) -> Target | None:
        """A target by id, or by its name, an alias or (when only one target has it) its surname, in any case and
        with or without diacritics ("Vladescu", "Horia Vlădescu", "prefect")."""
        from monitor.text import search_key

        key = search_key(ref.strip())
        for target in self.targets:
            if ref.strip() == target.id or key in {search_key(n) for n in (target.name, *target.aliases)}:
                return target
        by_surname = [t for t in self.targets if t.kind == "person" and key == search_key(t.name.split()[-1])]
        return by_surname[0] if len(by_surname) == 1 else None

    def watches(self, outlet: Outlet) -> bool:
        """True when this profile follows `outlet`."""
        if outlet.id in self.sources.exclude:
            return False
        if outlet.id in self.sources.include:
            return True
        if outlet.kind in ("national", "agency", "tv", "radio"):
            return outlet.county is None or outlet.county == self.county
        return outlet.county == self.county


class Sources(_Frozen):
    outlets: tuple[Outlet, ...]

    def outlet(self, outlet_id: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        raise KeyError(outlet_id)


# pydantic's error types, in Romanian ({…} from the error's context); our own validators already speak Romanian.
_MESSAGES = {
    "extra_forbidden": "cheie necunoscută",
    "missing": "cheie obligatorie lipsă",
    "too_short": "prea puține elemente (cel puțin {min_length})",
    "too_long": "prea multe elemente (cel mult {max_length})",
    "string_too_short": "textul nu poate fi gol",
    "string_type": "trebuie să fie text",
    "int_type": "trebuie să fie un număr întreg",
    "int_parsing": "trebuie să fie un număr întreg",
    "float_type": "trebuie să fie un număr",
    "float_parsing": "trebuie să fie un număr",
    "bool_type": "trebuie să fie true sau false",
    "bool_parsing": "trebuie să fie true sau false",
    "date_type": "trebuie să fie o dată (AAAA-LL-ZZ)",
    "date_parsing": "dată invalidă (AAAA-LL-ZZ)",
    "date_from_datetime_parsing": "dată invalidă (AAAA-LL-ZZ)",
    "greater_than_equal": "trebuie să fie cel puțin {ge}",
    "greater_than": "trebuie să fie mai mare decât {gt}",
    "less_than_equal": "trebuie să fie cel mult {le}",
    "list_type": "trebuie să fie o listă",
    "tuple_type": "trebuie să fie o listă",
    "dict_type": "trebuie să fie un dicționar (cheie: valoare)",
    "model_type": "trebuie să fie un dicționar (cheie: valoare)",
}


def _romanian(item: Any) -> str:
    """One pydantic error in Romanian."""
    kind, context = item["type"], item.get("ctx") or {}
    if kind in ("enum", "literal_error"):
        allowed = str(context.get("expected", "")).replace(" or ", ", ")
        return f"valoare nepermisă «{item['input']}»; valori permise: {allowed}"
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(**context)
    return str(item["msg"]).removeprefix("Value error, ")


def _describe(doc: YamlDocument, error: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[str]:
    problems = []
    for item in error.errors():
        loc = (*prefix, *(part for part in item["loc"] if not str(part).startswith("function-")))
        path = ".".join(str(part) for part in loc) or "(rădăcină)"
        message = _romanian(item)
        problems.append(f"{doc.where(loc)}: {path}: {message}")
    return problems


def _duplicates(doc: YamlDocument, items: list[Any], key: str, base: tuple[str | int, ...]) -> list[str]:
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or key not in item:
            continue
        value = str(item[key])
        if value in seen:
            problems.append(
                f"{doc.where((*base, index, key))}: {key} duplicat «{value}» "
                f"(apare deja la linia {doc.line_of((*base, seen[value], key))})"
            )
        else:
            seen[value] = index
    return problems


def _read_mapping(path: Path, expected: str) -> tuple[YamlDocument, dict[str, Any], list[str]]:
    """The YAML file at `path`, its top-level mapping ({} if it has none) and the problems found so far."""
    doc = load_yaml(path)
    problems = list(doc.problems)
    if doc.data is not None and not isinstance(doc.data, dict):
        problems.append(f"{path}:1: se aștepta {expected}")
    return doc, doc.data if isinstance(doc.data, dict) else {}, problems


def _validated(doc: YamlDocument, model: type[_Model], data: dict[str, Any], problems: list[str]) -> _Model | None:
    """`data` as a `model`; None for an empty file, or with the reasons added to `problems`."""
    if doc.data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += _describe(doc, exc)
        return None


def load_sources(path: Path) -> Sources:
    """Load and validate sources.yaml; raises ConfigError listing every problem."""
    doc, data, problems = _read_mapping(path, "o listă «outlets:»")
    outlets_raw = data.get("outlets")
    if isinstance(outlets_raw, list):
        problems += _duplicates(doc, outlets_raw, "id", ("outlets",))
        seen_feeds: dict[str, int] = {}
        for index, item in enumerate(outlets_raw):
            feeds = item.get("feeds") if isinstance(item, dict) else None
            for feed_index, feed in enumerate(feeds if isinstance(feeds, list) else []):
                if feed in seen_feeds:
                    problems.append(
                        f"{doc.where(('outlets', index, 'feeds', feed_index))}: flux duplicat {feed} "
                        f"(apare deja la linia {doc.line_of(('outlets', seen_feeds[feed]))})"
                    )
                seen_feeds.setdefault(feed, index)
    result = _validated(doc, Sources, data, problems)
    if problems or result is None:
        raise ConfigError(problems or [f"{path}:1: configurație invalidă"])
    return result


def load_profile(path: Path, sources: Sources | None = None) -> Profile:
    """Load and validate one profile; checks its outlet ids against `sources` when given."""
    doc, data, problems = _read_mapping(path, "un profil (un dicționar YAML)")
    data = {"id": path.stem, **data}
    if isinstance(data.get("targets"), list):
        problems += _duplicates(doc, data["targets"], "id", ("targets",))
    if isinstance(data.get("topics"), list):
        problems += _duplicates(doc, data["topics"], "id", ("topics",))
    result = _validated(doc, Profile, data, problems)
    if result is not None and sources is not None:
        known = {outlet.id for outlet in sources.outlets}
        for part in ("include", "exclude"):
            for index, outlet_id in enumerate(getattr(result.sources, part)):
                if outlet_id not in known:
                    problems.append(
                        f"{doc.where(('sources', part, index))}: sources.{part}: "
                        f"publicație necunoscută «{outlet_id}» (nu este în sources.yaml)"
                    )
    if problems or result is None:
        raise ConfigError(problems or [f"{path}:1: configurație invalidă"])
    return result


def load_all(sources_path: Path, pipelines_dir: Path) -> tuple[Sources, list[Profile]]:
    """Load sources.yaml and every profile in `pipelines_dir`; one ConfigError for all problems."""
    problems: list[str] = []
    sources: Sources | None = None
    try:
        sources = load_sources(sources_path)
    except ConfigError as exc:
        problems += exc.problems
    profiles: list[Profile] = []
    for path in sorted(pipelines_dir.glob("*.yaml")):
        try:
            profiles.append(load_profile(path, sources))
        except ConfigError as exc:
            problems += exc.problems
    if not profiles and not any(str(pipelines_dir) in problem for problem in problems):
        problems.append(f"{pipelines_dir}: niciun profil de monitorizare (*.yaml)")
    if problems or sources is None:
        raise ConfigError(problems)
    return sources, profiles


def write_config_folder(folder: Path) -> list[Path]:
    """A new configuration folder from the packaged defaults; refuses to overwrite anything that exists."""
    from monitor.settings import DEFAULTS

    plan = {
        folder / "sources.yaml": DEFAULTS / "sources.yaml",
        folder / "pipelines" / "alba.yaml": DEFAULTS / "pipelines" / "alba.yaml",
        folder / "presa.env.example": DEFAULTS / "init" / "presa.env.example",
        folder / "reports" / "templates" / "CITIȚI.txt": DEFAULTS / "init" / "README.txt",
    }
    existing = [str(path) for path in plan if path.exists()]
    if existing:
        raise RequestError("Nu suprascriu fișiere existente: " + ", ".join(existing))
    for target, source in plan.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return list(plan)
