"""Days and months as the office writes them (zz.ll.aaaa, ll.aaaa; ISO accepted), and local days as UTC spans:
one reading for the command line and the workspace."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.errors import RequestError


def parse_day(text: str) -> date | None:
    """'01.11.2026' or '2026-11-01' -> the day; None when it is neither."""
    for layout in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    return None


def parse_month(text: str) -> date | None:
    """'11.2026' or '2026-11' -> its first day; None when it is neither."""
    for layout in ("%m.%Y", "%Y-%m"):
        try:
            return datetime.strptime(text.strip(), layout).date()
        except ValueError:
            continue
    return None


def local_span(start: date | None, end: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """Local calendar days `start` to `end`, both included, as [first, after) instants; open ends stay None."""
    if start is not None and end is not None and end < start:
        raise RequestError(f"perioada se termină ({end:%d.%m.%Y}) înainte să înceapă ({start:%d.%m.%Y})")
    first = datetime.combine(start, time.min, zone) if start is not None else None
    after = datetime.combine(end + timedelta(days=1), time.min, zone) if end is not None else None
    return first, after
