"""The Jinja2 environment for every user-facing document: autoescape, StrictUndefined, Romanian filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitor.record import Prominence, Tone
from monitor.settings import DEFAULTS

TEMPLATES = DEFAULTS / "templates"  # packaged; a configuration folder's reports/templates/ overrides them
BUCHAREST = ZoneInfo("Europe/Bucharest")

MONTHS = (
    "ianuarie",
    "februarie",
    "martie",
    "aprilie",
    "mai",
    "iunie",
    "iulie",
    "august",
    "septembrie",
    "octombrie",
    "noiembrie",
    "decembrie",
)
WEEKDAYS = ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică")


def date_ro(value: date | datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'22 noiembrie 2026' (a datetime is shown in `zone`)."""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def time_ro(value: datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'07:30' in local time."""
    return value.astimezone(zone).strftime("%H:%M")


def datetime_ro(value: datetime, zone: ZoneInfo = BUCHAREST) -> str:
    """'22 noiembrie 2026, 07:30' in local time."""
    return f"{date_ro(value, zone)}, {time_ro(value, zone)}"


def month_ro(value: date) -> str:
    """'noiembrie 2026'."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def number_ro(value: float, digits: int = 0) -> str:
    """Romanian number format: '1.234.567' and '0,42'."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


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
        percent_ro=percent_ro,
        tone_ro=tone_ro,
        prominence_ro=prominence_ro,
    )
    return env
