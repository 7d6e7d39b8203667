"""The Jinja2 environment for every user-facing document: autoescape, StrictUndefined, Romanian filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitor.record import Prominence, Tone
from monitor.settings import DEFAULTS

TEMPLATES = DEFAULTS / "templates"  # packaged; a configuration folder's reports/templates/ overrides them
BUCHAREST = ZoneInfo("Europe/Bucharest")

LOCALE = "ro"
MONTHS = tuple(get_month_names("wide", locale=LOCALE)[month] for month in range(1, 13))  # "ianuarie" ...
WEEKDAYS = tuple(get_day_names("wide", locale=LOCALE)[day] for day in range(7))  # "luni" ... "duminică"


def date_ro(value: date | datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'22 noiembrie 2026' (a datetime is shown in `zone`)."""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return format_date(value, "d MMMM y", locale=LOCALE)


def time_ro(value: datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'07:30' in local time."""
    return format_time(value.astimezone(zone), "HH:mm", locale=LOCALE)


def datetime_ro(value: datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'22 noiembrie 2026, 07:30' in local time."""
    return f"{date_ro(value, zone)}, {time_ro(value, zone)}"


def month_ro(value: date) -> str:
    """'noiembrie 2026'."""
    return format_date(value, "LLLL y", locale=LOCALE)


def number_ro(value: float, digits: int = 0) -> str:
    """Romanian number format: '1.234.567' and '0,42' (`digits` decimals, always shown)."""
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=LOCALE)


def p_value_ro(value: float) -> str:
    """A probability to two significant digits, '0,0034'; below 0,0001, '< 0,0001'."""
    if value < 0.0001:
        return "< " + number_ro(0.0001, 4)
    return format_decimal(value, format="@#", locale=LOCALE)


def percent_ro(value: float, digits: int = 0) -> str:
    """0.423 -> '42%'."""
    return number_ro(value * 100, digits) + "%"


def count_ro(count: int, one: str, many: str) -> str:
    """'1 mențiune', '3 mențiuni', '20 de mențiuni', '1.005 mențiuni' («de» after 20, 21 ... 100, 120 ...)."""
    if count == 1:
        return f"1 {one}"
    rest = count % 100
    joiner = " de " if count and (rest == 0 or rest >= 20) else " "
    return f"{number_ro(count)}{joiner}{many}"


def last_ro(count: int, one: str, many: str) -> str:
    """A feminine noun after «ultim-»: 'ultima oră', 'ultimele 6 ore', 'ultimele 24 de ore'."""
    return f"ultima {one}" if count == 1 else f"ultimele {count_ro(count, one, many)}"


def names_ro(names: Sequence[str]) -> str:
    """'A', 'A și B', 'A, B și C'."""
    return " și ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def tone_ro(value: str) -> str:
    return Tone(value).label


def prominence_ro(value: str) -> str:
    return Prominence(value).label


@cache
def environment(override: Path | None = None) -> Environment:
    """One environment per override folder (the office's letterhead and templates, then the packaged ones);
    HTML and XML templates autoescape, text ones do not."""
    folders = [str(override)] if override is not None else []
    env = Environment(
        loader=FileSystemLoader([*folders, str(TEMPLATES)]),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "xml", "xml.j2"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date_ro=date_ro,
        time_ro=time_ro,
        datetime_ro=datetime_ro,
        month_ro=month_ro,
        number_ro=number_ro,
        count_ro=count_ro,
        last_ro=last_ro,
        names_ro=names_ro,
        percent_ro=percent_ro,
        p_value_ro=p_value_ro,
        tone_ro=tone_ro,
        prominence_ro=prominence_ro,
    )
    return env
