"""Edit sources.yaml and the profiles in place: what the settings page changes, validated by the same loader as
`monitor check-config` and written back atomically with the files' comments, order and quoting kept.

A change is a function of the round-trip document (ruamel.yaml) that says what it changed (before, after). The
edited text is checked with `load_all` on a copy of the whole configuration (removing an outlet a profile
names is refused like any other problem); only a valid text replaces the file (temporary file in the same folder,
fsync, os.replace), and the audit line is written in the same step.
"""

from __future__ import annotations

import enum
import io
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from monitor.accounts import audit
from monitor.config import load_all
from monitor.counties import all_counties
from monitor.days import parse_day
from monitor.errors import ConfigError, RequestError
from monitor.record import OutletKind, TargetKind, TargetRole
from monitor.settings import DEFAULTS, Settings
from monitor.store.db import Store


class Kind(enum.Enum):
    """How a field is typed in a form and written in YAML."""

    TEXT = "text"
    OPTIONAL = "optional"  # text, or null when left empty
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    LINES = "lines"  # a list, one item per line
    EMAILS = "emails"  # a list of addresses, separated by lines, commas or spaces
    DATE = "date"  # zz.ll.aaaa (or AAAA-LL-ZZ); empty: null
    CLOCK = "clock"  # HH:MM
    DURATION = "duration"  # 30s, 10m, 2h, 1d


@dataclass(frozen=True)
class Field:
    """One editable value: its dotted key inside the entry ("burst.window"), its kind, its Romanian label."""

    key: str
    kind: Kind
    label: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) for a list to choose from
    block: bool = False  # a new list written one item per line rather than [a, b]
    plain: bool = False  # a new word written unquoted (ids, kinds, counties), as the files do

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


def _choices(values: Sequence[enum.StrEnum]) -> tuple[tuple[str, str], ...]:
    return tuple((value.value, getattr(value, "label", value.value)) for value in values)


TARGET = (
    Field("name", Kind.TEXT, "Numele"),
    Field("aliases", Kind.LINES, "Alte forme ale numelui (una pe rând)"),
    Field("from", Kind.DATE, "În funcție de la (zz.ll.aaaa; gol: dintotdeauna)"),
    Field("to", Kind.DATE, "În funcție până la (zz.ll.aaaa; gol: în prezent)"),
)
NEW_TARGET = (
    Field("id", Kind.TEXT, "Identificator (litere mici, cifre, - și _)", plain=True),
    Field("kind", Kind.TEXT, "Tipul", choices=_choices(tuple(TargetKind)), plain=True),
    TARGET[0],
    Field("role", Kind.TEXT, "Funcția", choices=_choices(tuple(TargetRole)), plain=True),
    *TARGET[1:],
)
DIGEST = (
    Field("enabled", Kind.BOOL, "Sinteza zilnică se trimite"),
    Field("time", Kind.CLOCK, "Ora trimiterii (HH:MM)"),
    Field("recipients", Kind.EMAILS, "Destinatari (câte o adresă pe rând)"),
    Field("approval", Kind.BOOL, "Biroul de presă aprobă sinteza înainte să plece"),
    Field("approve_until", Kind.CLOCK, "Neaprobată, pleacă așa cum este la (HH:MM)"),
)
REPORT = (
    Field("enabled", Kind.BOOL, "Raportul lunar se trimite"),
    Field("day", Kind.INT, "Ziua lunii (1–28)"),
    Field("time", Kind.CLOCK, "Ora trimiterii (HH:MM)"),
    Field("recipients", Kind.EMAILS, "Destinatari (câte o adresă pe rând)"),
)
ALERTS = (
    Field("enabled", Kind.BOOL, "Alertele se trimit"),
    Field("recipients", Kind.EMAILS, "Destinatari (câte o adresă pe rând)"),
    Field("cooldown", Kind.DURATION, "Pauză între două alerte pentru aceeași țintă (de exemplu 12h)"),
    Field("update_every", Kind.DURATION, "Actualizări ale unei alerte deschise cel mult o dată la (de exemplu 1h)"),
    Field("high_reach", Kind.INT, "Audiență mare: de la câți cititori pe lună"),
    Field("keywords", Kind.LINES, "Cuvinte de criză (unul pe rând)"),
    Field("burst.window", Kind.DURATION, "Creștere bruscă: fereastra (de exemplu 6h)"),
    Field("burst.baseline_days", Kind.INT, "Creștere bruscă: zile de comparație (1–90)"),
    Field("burst.alpha", Kind.FLOAT, "Creștere bruscă: prag statistic (între 0 și 1, de exemplu 0.01)"),
    Field("burst.min_mentions", Kind.INT, "Creștere bruscă: cel puțin atâtea mențiuni negative"),
    Field("burst.min_outlets", Kind.INT, "Creștere bruscă: în cel puțin atâtea publicații"),
)
OUTLET = (
    Field("name", Kind.TEXT, "Numele"),
    Field("kind", Kind.TEXT, "Tipul", choices=_choices(tuple(OutletKind)), plain=True),
    Field(
        "county",
        Kind.OPTIONAL,
        "Județul (obligatoriu pentru o publicație locală)",
        choices=(("", "—"), *((c.name, c.name) for c in all_counties())),
        plain=True,
    ),
    Field("feeds", Kind.LINES, "Fluxuri RSS sau Atom (câte o adresă pe rând)", block=True),
    Field("homepage", Kind.OPTIONAL, "Pagina principală"),
    Field("reach", Kind.INT, "Audiența lunară estimată"),
    Field("poll", Kind.DURATION, "Interogată o dată la (între 5s și 1d, de exemplu 10m)"),
    Field("contact", Kind.OPTIONAL, "E-mailul redacției (pentru dreptul la replică)"),
    Field("enabled", Kind.BOOL, "Colectată"),
)
NEW_OUTLET = (NEW_TARGET[0], *OUTLET)

Form = Mapping[str, str]


@dataclass(frozen=True)
class Edited:
    """What a change did to one entry: the values before and after, for the audit log."""

    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before != self.after


Change = Callable[[CommentedMap], Edited]
_UNITS = ((86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


# --- values: the model's, the form's, the file's ------------------------------------------------------


def text_of(value: Any) -> str:
    """A validated value as a form shows it (durations as 10m, dates as zz.ll.aaaa)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        size, unit = next((size, unit) for size, unit in _UNITS if seconds % size == 0)
        return f"{seconds // size}{unit}"
    if isinstance(value, tuple | list):
        return "\n".join(str(item) for item in value)
    return str(value)


def shown(model: BaseModel, fields: Sequence[Field]) -> dict[str, str]:
    """The form's values for `fields` of a validated entry (defaults included)."""
    values = {}
    for item in fields:
        value: Any = model
        for part in item.path:
            value = getattr(value, "from_" if part == "from" else part)
        values[item.key] = text_of(value)
    return values


def _items(raw: str, kind: Kind) -> list[str]:
    pattern = r"[\s,;]+" if kind == Kind.EMAILS else r"\r?\n"
    return [part.strip() for part in re.split(pattern, raw) if part.strip()]


def _normal(raw: str, kind: Kind) -> Any:
    """A form value as compared and audited: lists as lists, everything else stripped."""
    if kind in (Kind.LINES, Kind.EMAILS):
        return _items(raw, kind)
    if kind == Kind.BOOL:
        return raw == "true"
    return raw.strip()


_PLAIN_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _string(text: str, old: Any, plain: bool) -> str:
    """`text` quoted like the value it replaces; a new value double-quoted unless it is a plain word."""
    if isinstance(old, ScalarString):
        return type(old)(text)
    safe = _PLAIN_SAFE.match(text) is not None and text.lower() not in _YAML11_WORDS
    if safe and (plain or isinstance(old, str)):
        return text
    return DoubleQuotedScalarString(text)


def _number(text: str, convert: Callable[[str], Any], old: Any) -> Any:
    """A number when it reads as one; otherwise the text, for the validation to name the problem."""
    try:
        return convert(text)
    except ValueError:
        return _string(text, old, plain=False)


def _list(items: list[str], old: Any, block: bool) -> CommentedSeq:
    """The items, in the list object they replace when there is one (its flow or block style kept)."""
    sample = old[0] if isinstance(old, CommentedSeq) and len(old) else None
    values = [_string(item, sample, plain=False) for item in items]
    if isinstance(old, CommentedSeq):
        del old[:]
        old.extend(values)
        return old
    seq = CommentedSeq(values)
    if not block:
        seq.fa.set_flow_style()
    return seq


def _yaml_value(raw: str, item: Field, old: Any) -> Any:
    """What the form's `raw` text becomes in the file; a value the model will refuse is written as text."""
    text = raw.strip()
    match item.kind:
        case Kind.BOOL:
            return raw == "true"
        case Kind.INT:
            return _number(text, lambda value: int(value, 10), old)
        case Kind.FLOAT:
            return _number(text.replace(",", "."), float, old)
        case Kind.LINES | Kind.EMAILS:
            return _list(_items(raw, item.kind), old, item.block)
        case Kind.DATE:
            if not text:
                return None
            return parse_day(text) or _string(text, None, plain=False)
        case Kind.OPTIONAL if not text:
            return None
        case Kind.DURATION:
            return text if re.fullmatch(r"\d+[smhd]", text) else _string(text, old, plain=False)
        case Kind.CLOCK:  # always quoted: unquoted, YAML 1.1 reads 08:60 as a number of minutes
            return _string(text, old, plain=False)
        case _:
            return _string(text, old, plain=item.plain)


def plain(value: Any) -> Any:
    """A file value as JSON for the audit log."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


# --- changes ------------------------------------------------------------------------------------------


def _entry(doc: CommentedMap, list_key: str, entry_id: str) -> CommentedMap:
    entries = doc.get(list_key)
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, CommentedMap) and str(entry.get("id")) == entry_id:
            return entry
    raise RequestError(f"«{entry_id}» nu mai este în fișier (a fost șters între timp?)")


def _section(doc: CommentedMap, path: Sequence[str]) -> CommentedMap:
    """The mapping at `path`, made when missing."""
    node = doc
    for key in path:
        if not isinstance(node.get(key), CommentedMap):
            node[key] = CommentedMap()
        node = node[key]
    return node


def _move_trailing_comment(source: CommentedMap, target: CommentedMap) -> None:
    """What follows the last entry of a list (blank lines, the next section's comment) stays at the list's end."""
    if not source or not target:
        return
    comment = source.ca.items.pop(list(source)[-1], None)
    if comment is not None and not isinstance(target[list(target)[-1]], CommentedMap | CommentedSeq):
        target.ca.items[list(target)[-1]] = comment


def _apply(target: CommentedMap, fields: Sequence[Field], form: Form, before: Mapping[str, str]) -> Edited:
    """Write the fields the user changed (compared with what the form showed) into `target`."""
    was: dict[str, Any] = {}
    now: dict[str, Any] = {}
    for item in fields:
        if item.key not in form and item.kind != Kind.BOOL:  # not in the form (an unticked box is never sent)
            continue
        raw = form.get(item.key, "")
        if _normal(raw, item.kind) == _normal(before.get(item.key, ""), item.kind):
            continue
        was[item.key] = _normal(before.get(item.key, ""), item.kind)
        now[item.key] = _normal(raw, item.kind)
        node = _section(target, item.path[:-1])
        node[item.path[-1]] = _yaml_value(raw, item, node.get(item.path[-1]))
    return Edited(was, now)


def update_section(key: str, fields: Sequence[Field], form: Form, before: Mapping[str, str]) -> Change:
    """Change a profile's section (digest, report, alerts): only the values that differ from `before`."""
    return lambda doc: _apply(_section(doc, (key,)), fields, form, before)


def update_entry(
    list_key: str, entry_id: str, fields: Sequence[Field], form: Form, before: Mapping[str, str]
) -> Change:
    """Change one target or outlet, found by its id in the list under `list_key`."""
    return lambda doc: _apply(_entry(doc, list_key, entry_id), fields, form, before)


def add_entry(list_key: str, fields: Sequence[Field], form: Form) -> Change:
    """Append a target or an outlet made of the form's values (an empty optional value is left out)."""

    def change(doc: CommentedMap) -> Edited:
        entry = CommentedMap()
        for item in fields:
            value = _yaml_value(form.get(item.key, ""), item, None)
            if value is not None or item.kind == Kind.DATE:
                entry[item.key] = value
        entries = doc.get(list_key)
        if not isinstance(entries, CommentedSeq):
            entries = doc[list_key] = CommentedSeq()
        if entries and isinstance(entries[-1], CommentedMap):
            _move_trailing_comment(entries[-1], entry)
        entries.append(entry)
        return Edited({}, plain(entry))

    return change


def remove_entry(list_key: str, entry_id: str) -> Change:
    def change(doc: CommentedMap) -> Edited:
        entry = _entry(doc, list_key, entry_id)
        entries = doc[list_key]
        if entry is entries[-1] and len(entries) > 1 and isinstance(entries[-2], CommentedMap):
            _move_trailing_comment(entry, entries[-2])
        entries.remove(entry)
        return Edited(plain(entry), {})

    return change


# --- reading, checking and writing a file --------------------------------------------------------------


def _indentation(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel.yaml wants them, read from the first key and the first list item
    nested under a key (offset: where its dash is; sequence: where its content starts)."""
    mapping = offset = sequence = None
    parent: tuple[int, str] | None = None
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        under_key = parent is not None and parent[1].endswith(":") and not parent[1].startswith("- ")
        if under_key and parent is not None and indent >= parent[0]:
            if stripped.startswith("- "):
                if offset is None:  # a list may start at its key's own indentation
                    offset = indent - parent[0]
                    sequence = offset + len(stripped) - len(stripped[1:].lstrip(" "))
            elif mapping is None and indent > parent[0]:
                mapping = indent - parent[0]
        parent = indent, stripped.split(" #")[0].rstrip()
    if offset is None or sequence is None:
        return mapping or 2, 4, 2
    return mapping or 2, sequence, offset


def _null(representer: RoundTripRepresenter, _value: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")  # the files say null, not nothing


def _round_trip(text: str) -> YAML:
    yaml = YAML()  # round-trip: comments, key order and quoting survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    mapping, sequence, offset = _indentation(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.representer.add_representer(type(None), _null)
    return yaml


def check(settings: Settings, path: Path, text: str) -> None:
    """ConfigError with every problem `monitor check-config` would report if `path` held `text`."""
    with tempfile.TemporaryDirectory(prefix="presa-setari-") as folder:
        copy = Path(folder)
        pipelines = copy / "pipelines"
        pipelines.mkdir()
        files = {settings.sources_path: copy / "sources.yaml"}
        files |= {profile: pipelines / profile.name for profile in settings.pipelines_dir.glob("*.yaml")}
        for original, duplicate in files.items():
            if original == path:
                duplicate.write_text(text, encoding="utf-8")
            elif original.exists():
                shutil.copyfile(original, duplicate)
        try:
            load_all(copy / "sources.yaml", pipelines)
        except ConfigError as error:
            names = {str(copied): str(real) for real, copied in files.items()}
            names[str(pipelines)] = str(settings.pipelines_dir)
            longest_first = sorted(names.items(), key=lambda pair: -len(pair[0]))
            problems = []
            for problem in error.problems:  # named by the real files, as check-config names them
                for copied_name, real_name in longest_first:
                    problem = problem.replace(copied_name, real_name)
                problems.append(problem)
            raise ConfigError(problems) from None


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a reader sees the old file or the new one, never half of it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


_WRITING = threading.Lock()  # one edit at a time: each reads the file the previous one wrote


@dataclass(frozen=True)
class Audit:
    """Who makes the change, when, and how the audit log names it."""

    by: str
    now: datetime
    action: str
    subject: str
    profile_id: str | None = None


def edit_file(settings: Settings, store: Store, path: Path, change: Change, audited: Audit) -> Edited:
    """Apply `change` to the file at `path`, check the result like check-config, write it, audit it.

    Nothing is written when nothing changed; ConfigError (every problem, in Romanian) when the result is invalid,
    and the file is then left as it was."""
    if DEFAULTS.absolute() in path.absolute().parents or DEFAULTS.resolve() in path.resolve().parents:
        raise RequestError(
            "Configurația în uz este cea implicită a programului și nu se modifică de aici; creați un dosar de "
            "configurare cu «monitor init DOSAR» și porniți serverul cu el."
        )
    with _WRITING:
        text = path.read_text(encoding="utf-8")
        yaml = _round_trip(text)
        try:
            doc = yaml.load(text)
        except YAMLError as error:
            raise ConfigError([f"{path}: YAML invalid: {error}"]) from None
        if not isinstance(doc, CommentedMap):
            raise ConfigError([f"{path}:1: se aștepta un dicționar YAML"])
        edited = change(doc)
        if not edited.changed:
            return edited
        out = io.StringIO()
        yaml.dump(doc, out)
        check(settings, path, out.getvalue())
        with store.session() as session:  # the audit line commits only if the file was written
            audit(
                session, audited.by, audited.action, now=audited.now, profile_id=audited.profile_id,
                subject=audited.subject, before=edited.before or None, after=edited.after or None,
            )  # fmt: skip
            try:
                write_atomically(path, out.getvalue())
            except OSError as error:
                raise RequestError(f"{path} nu poate fi scris: {error.strerror or error}") from None
        return edited
