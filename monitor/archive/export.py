"""Export the archive's mentions as CSV or JSON lines: one row per article and target, every outlet kept.

Each row carries the article's outlet, URL, publication date (local time, and whether it was guessed), the
target and its effective tone (the automatic tone beside it), prominence, topics, the story cluster and every
other outlet that ran the same story. The CSV has Romanian column headings (it is opened in a spreadsheet);
the JSON lines use the field names below (they are read by programs).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from sqlalchemy import func, select

from monitor.config import Profile
from monitor.deliver.imagology import month_bounds
from monitor.deliver.render import number_ro, tone_ro
from monitor.errors import ExportError
from monitor.record import MentionView
from monitor.store import Store
from monitor.store.models import ArticleRow, OutletRow
from monitor.store.queries import mentions_between

Format = Literal["csv", "jsonl"]

FIELDS = (
    ("article_id", "Articol"),
    ("cluster_id", "Subiect (grup de preluări)"),
    ("outlet_id", "Publicație (id)"),
    ("outlet", "Publicație"),
    ("outlet_kind", "Tip publicație"),
    ("url", "URL"),
    ("title", "Titlu"),
    ("published", "Data publicării"),
    ("date_guessed", "Dată estimată"),
    ("target_id", "Țintă (id)"),
    ("target", "Țintă"),
    ("tone", "Ton"),
    ("auto_tone", "Ton automat"),
    ("corrected", "Corectat de biroul de presă"),
    ("confidence", "Încredere ton"),
    ("to_review", "De verificat"),
    ("prominence", "Proeminență"),
    ("mentions", "Mențiuni"),
    ("topics", "Teme"),
    ("also_in", "Preluat și de"),
)


@dataclass(frozen=True)
class ExportFilter:
    start: datetime | None = None
    end: datetime | None = None
    target_id: str | None = None
    tone: str | None = None
    outlet_id: str | None = None


def export_record(view: MentionView, profile: Profile) -> dict[str, Any]:
    """One exported row (lists stay lists; the CSV writer joins them)."""
    try:
        target = profile.target(view.target_id).name
    except KeyError:
        target = view.target_id
    return {
        "article_id": view.article_id,
        "cluster_id": view.cluster_id,
        "outlet_id": view.outlet_id,
        "outlet": view.outlet_name,
        "outlet_kind": view.outlet_kind,
        "url": view.url,
        "title": view.title,
        "published": view.published_at.astimezone(profile.zone).isoformat(timespec="minutes"),
        "date_guessed": view.date_guessed,
        "target_id": view.target_id,
        "target": target,
        "tone": view.tone,
        "auto_tone": view.auto_tone,
        "corrected": view.corrected,
        "confidence": view.confidence,
        "to_review": view.to_review,
        "prominence": view.prominence,
        "mentions": view.count,
        "topics": list(view.topics),
        "also_in": list(view.also_in),
    }


def _months(start: datetime, end: datetime, profile: Profile) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut at local month boundaries, so each read holds at most a month of mentions."""
    cursor = start
    while cursor < end:
        _, month_end = month_bounds(cursor.astimezone(profile.zone).date(), profile.zone)
        yield cursor, min(month_end, end)
        cursor = month_end


def iter_mentions(store: Store, profile: Profile, where: ExportFilter) -> Iterator[MentionView]:
    """The profile's mentions that pass the filter, oldest first, a month at a time (the filter is checked now)."""
    with store.session() as session:
        first, last = session.execute(
            select(func.min(ArticleRow.published_at), func.max(ArticleRow.published_at))
        ).one()
        outlet_name = None
        if where.outlet_id is not None:
            outlet_name = session.scalar(select(OutletRow.name).where(OutletRow.id == where.outlet_id))
            if outlet_name is None:
                raise ExportError(f"publicația «{where.outlet_id}» nu există în baza de date")
    if first is None:
        return iter(())
    start = (where.start or first).astimezone(UTC)
    end = (where.end or (last + timedelta(microseconds=1))).astimezone(UTC)

    def generate() -> Iterator[MentionView]:
        for chunk_start, chunk_end in _months(start, end, profile):
            with store.session() as session:
                views = mentions_between(session, profile.id, chunk_start, chunk_end, target_id=where.target_id)
            for view in views:
                if where.tone is not None and view.tone != where.tone:
                    continue
                if outlet_name is not None and view.outlet_id != where.outlet_id and outlet_name not in view.also_in:
                    continue
                yield view

    return generate()


def _for_people(record: dict[str, Any]) -> dict[str, Any]:
    """Tones in Romanian, yes/no as «da»/«nu», lists joined: a row as a spreadsheet shows it."""
    record = dict(record)
    record["tone"] = tone_ro(record["tone"])
    record["auto_tone"] = tone_ro(record["auto_tone"])
    for key in ("date_guessed", "corrected", "to_review"):
        record[key] = "da" if record[key] else "nu"
    for key in ("topics", "also_in"):
        record[key] = "; ".join(record[key])
    return record


STORY_FIELDS = (
    ("cluster_id", "Subiect (id)"),
    ("first_seen", "Prima apariție"),
    ("title", "Titlu"),
    ("outlets", "Publicații"),
    ("appearances", "Apariții"),
    ("targets", "Ținte și ton"),
    ("url", "URL"),
)


def write_xlsx(
    store: Store, profile: Profile, path: Path, where: ExportFilter, *, views: Iterable[MentionView] | None = None
) -> int:
    """An Excel workbook: the appearances (one row per article and target), and the stories (one row per story,
    every target with its tone); written beside `path` and moved into place when complete. Returns the rows.
    `views`: these mentions (a search's results) instead of the filter's."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Apariții"
    sheet.append([label for _, label in FIELDS])
    stories: dict[int, dict[str, Any]] = {}
    written = 0
    for view in iter_mentions(store, profile, where) if views is None else views:
        record = _for_people(export_record(view, profile))
        record["published"] = view.published_at.astimezone(profile.zone).replace(tzinfo=None)  # a real Excel date
        sheet.append([record[key] for key, _ in FIELDS])
        written += 1
        story = stories.setdefault(
            view.cluster_id,
            {
                "cluster_id": view.cluster_id,
                "first_seen": record["published"],
                "title": view.title,
                "url": view.url,
                "outlets": {view.outlet_name, *view.also_in},
                "appearances": 0,
                "targets": {},
            },
        )
        story["appearances"] += 1
        story["outlets"] |= {view.outlet_name, *view.also_in}
        story["targets"][record["target"]] = record["tone"]
    stories_sheet = book.create_sheet("Subiecte")
    stories_sheet.append([label for _, label in STORY_FIELDS])
    for story in sorted(stories.values(), key=lambda s: (-len(s["outlets"]), s["first_seen"])):
        story = {
            **story,
            "outlets": len(story["outlets"]),
            "targets": "; ".join(f"{name}: {tone}" for name, tone in sorted(story["targets"].items())),
        }
        stories_sheet.append([story[key] for key, _ in STORY_FIELDS])
    for each in (sheet, stories_sheet):
        each.freeze_panes = "A2"
        for index, column in enumerate(each.iter_cols(max_row=min(each.max_row, 200)), start=1):
            width = max(len(str(cell.value or "")) for cell in column)
            each.column_dimensions[get_column_letter(index)].width = min(max(10, width + 2), 60)
    when = [key for key, _ in FIELDS].index("published") + 1
    for row in sheet.iter_rows(min_row=2, min_col=when, max_col=when):
        for cell in row:
            cell.number_format = "dd.mm.yyyy hh:mm"
    partial = path.with_name(path.name + ".part")
    try:
        book.save(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return written


def write_export(
    store: Store,
    profile: Profile,
    out: TextIO,
    fmt: Format,
    where: ExportFilter,
    *,
    views: Iterable[MentionView] | None = None,
) -> int:
    """Write the filtered mentions (or `views`, a search's results) to `out` as CSV or JSON lines; returns the
    number of rows."""
    if fmt not in ("csv", "jsonl"):
        raise ExportError(f"format necunoscut «{fmt}»: csv sau jsonl")
    if views is None:
        views = iter_mentions(store, profile, where)
    written = 0
    if fmt == "csv":
        writer = csv.writer(out, delimiter=";")  # what a Romanian Excel splits into columns (with the UTF-8 BOM)
        writer.writerow([label for _, label in FIELDS])
        for view in views:
            record = _for_people(export_record(view, profile))
            record["confidence"] = number_ro(record["confidence"], 2)
            writer.writerow([record[key] for key, _ in FIELDS])
            written += 1
    else:
        for view in views:
            out.write(json.dumps(export_record(view, profile), ensure_ascii=False) + "\n")
            written += 1
    return written
