"""Export keeps every outlet that ran a story; `monitor tag` corrections win over re-analysis and can be exported."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from rows import Month, seed_month

from monitor.analysis import analyze_pending
from monitor.archive.export import ExportError, ExportFilter, write_export
from monitor.cli import cli
from monitor.config import Profile, load_sources
from monitor.settings import Settings
from monitor.store import Store


@pytest.fixture
def month(store: Store) -> Month:
    with store.session() as session:
        return seed_month(session)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    return {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_OUTPUT_DIR": str(settings.output_dir),
        "MONITOR_SOURCES": str(REPO / "sources.yaml"),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
        "USER": "ana.pop",
    }


def test_jsonl_rows_keep_every_outlet(store: Store, month: Month, profile: Profile) -> None:
    out = io.StringIO()
    assert write_export(store, profile, out, "jsonl", ExportFilter()) == 10  # 9 in October, 1 in September
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows[0]["published"].startswith("2026-09-15")  # oldest first
    copy = next(row for row in rows if row["article_id"] == month.hospital_copy)
    assert copy == {
        "article_id": month.hospital_copy,
        "cluster_id": month.hospital,
        "outlet_id": "alba24",
        "outlet": "Alba24",
        "outlet_kind": "local",
        "url": copy["url"],
        "title": "Prefectul, acuzat în cazul spitalului județean",
        "published": "2026-10-06T14:00+03:00",
        "date_guessed": False,
        "target_id": "prefect",
        "target": "Horia Vlădescu",
        "tone": "negative",
        "auto_tone": "negative",
        "corrected": False,
        "confidence": 1.0,
        "to_review": False,
        "prominence": "title",
        "mentions": 1,
        "topics": ["sanatate"],
        "also_in": ["Pagina de Alba", "Ziarul Unirea"],
    }
    assert copy["url"].startswith("https://alba24.example.ro/")


def test_filters_and_unknown_outlet(store: Store, month: Month, profile: Profile) -> None:
    out = io.StringIO()
    october = ExportFilter(start=datetime(2026, 9, 30, 21, tzinfo=UTC), end=datetime(2026, 10, 31, 22, tzinfo=UTC))
    assert write_export(store, profile, out, "jsonl", october) == 9
    out = io.StringIO()
    assert write_export(store, profile, out, "jsonl", ExportFilter(tone="negative", target_id="prefect")) == 2
    out = io.StringIO()
    # the story Pagina de Alba also ran: both copies of it
    assert write_export(store, profile, out, "jsonl", ExportFilter(outlet_id="pagina-de-alba")) == 2
    with pytest.raises(ExportError, match="nu există"):
        write_export(store, profile, io.StringIO(), "jsonl", ExportFilter(outlet_id="nimeni"))


def test_csv_command(store: Store, month: Month, env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "aparitii.csv"
    args = ["export", "--format", "csv", "--output", str(target), "--from", "2026-10-01", "--to", "2026-10-31"]
    result = CliRunner().invoke(cli, [*args, "--tone", "negativ"], env=env)
    assert result.exit_code == 0, result.output
    assert "3 rânduri exportate" in result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read the diacritics right
    assert raw.decode("utf-8-sig").splitlines()[0].count(";") == 19  # semicolons: one column each in a Romanian Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [row["Publicație"] for row in rows] == ["Ziarul Unirea", "Alba24", "Hotnews"]
    assert rows[1]["Preluat și de"] == "Pagina de Alba; Ziarul Unirea"
    assert rows[1]["Ton"] == "negativ" and rows[1]["Corectat de biroul de presă"] == "nu"
    assert rows[2]["Țintă"] == "Ioana Câmpeanu"

    bad = CliRunner().invoke(cli, [*args, "--outlet", "nimeni"], env=env)
    assert bad.exit_code == 1 and "Publicația «nimeni» nu există în sources.yaml" in bad.output
    assert target.read_bytes() == raw  # the earlier file is untouched, no partial file
    assert not list(tmp_path.glob("*.part"))


def test_xlsx_has_the_appearances_and_the_stories(
    store: Store, month: Month, env: dict[str, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "aparitii.xlsx"
    args = ["export", "--format", "xlsx", "--output", str(target), "--from", "01.10.2026", "--to", "31.10.2026"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == ["Apariții", "Subiecte"]
    appearances = list(book["Apariții"].iter_rows(values_only=True))
    header = appearances[0]
    assert header[:4] == ("Articol", "Subiect (grup de preluări)", "Publicație (id)", "Publicație")
    assert len(appearances) == 1 + 9  # the nine mentions of October
    published = appearances[1][header.index("Data publicării")]
    assert isinstance(published, datetime)  # a real date, sortable in Excel
    stories = list(book["Subiecte"].iter_rows(values_only=True))
    assert stories[0][0] == "Subiect (id)" and len(stories) - 1 == len({row[1] for row in appearances[1:]})
    assert any("Horia Vlădescu: negativ" in (row[5] or "") for row in stories[1:])
    no_file = CliRunner().invoke(cli, ["export", "--format", "xlsx"], env=env)
    assert no_file.exit_code == 2 and "adăugați --output" in no_file.output


def test_tag_survives_reanalysis_and_is_exported(
    store: Store, month: Month, env: dict[str, str], profile: Profile
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["tag", str(month.hospital_copy), "--target", "prefect", "--tone", "pozitiv", "--reason", "dezmințit oficial"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "Corecție înregistrată (ton pozitiv)" in result.output and "autor: ana.pop" in result.output

    analysed = analyze_pending(
        store, profile, load_sources(REPO / "sources.yaml"), now=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert analysed >= 2  # the stored test analyses are stale: re-analysed for real

    out = io.StringIO()
    write_export(store, profile, out, "jsonl", ExportFilter(target_id="prefect"))
    hospital = [json.loads(line) for line in out.getvalue().splitlines()]
    hospital = [row for row in hospital if row["cluster_id"] == month.hospital]
    assert {row["article_id"] for row in hospital} == {month.hospital, month.hospital_copy}
    assert all(row["tone"] == "positive" and row["corrected"] for row in hospital)  # the whole story, still

    result = runner.invoke(cli, ["corrections", "export"], env=env)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 1
    assert (
        lines[0]["tone"] == "positive" and lines[0]["author"] == "ana.pop" and lines[0]["reason"] == "dezmințit oficial"
    )

    result = runner.invoke(cli, ["tag", str(month.hospital), "--target", "nimeni", "--tone", "negativ"], env=env)
    assert result.exit_code == 1 and "Ținta «nimeni» nu există" in result.output
