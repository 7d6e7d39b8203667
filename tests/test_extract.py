"""Extraction: golden pages (a served fixture page + the JSON it must produce), summary fallback, and the date rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.crawl.extract import Page, complete_article, extract_page, first_paragraph
from monitor.record import Article, DateSource, Extraction

GOLDEN = Path(__file__).parent / "fixtures" / "golden"  # the extraction JSON each served page must produce
PAGES = Path(__file__).parent / "fixtures" / "site" / "articles"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def entry(**fields: object) -> Article:
    base: dict[str, object] = {
        "url": "https://alba24.ro/a",
        "outlet_id": "alba24",
        "feed_url": "https://alba24.ro/rss",
        "fetched_at": NOW,
        "title": "Titlu din flux",
        "link": "https://alba24.ro/a",
        "summary": "Rezumatul din flux. Al doilea rând.",
    }
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(path.stem for path in GOLDEN.glob("*.json")))
def test_golden_extraction(name: str) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    page = extract_page((PAGES / f"{name}.html").read_bytes(), f"https://example.ro/{name}")
    assert page is not None
    got = {
        "title": page.title,
        "author": page.author,
        "published_at": page.published_at.isoformat() if page.published_at else None,
        "lead": page.lead,
        "text": page.text,
    }
    assert got == expected


def test_golden_pages_leave_out_menus_sidebars_and_comments() -> None:
    page = extract_page((PAGES / "prefect-scoala.html").read_bytes(), "https://alba24.ro/a")
    assert page is not None
    for noise in ("Acasă", "Cele mai citite", "Felicitări", "drepturile rezervate", "dataLayer"):
        assert noise not in page.text


def test_page_without_main_text_extracts_to_nothing() -> None:
    assert extract_page(b"<html><head><script>var a = 1;</script></head><body></body></html>", "https://x.ro/") is None
    assert extract_page(b"", "https://x.ro/") is None


def test_page_text_wins_and_feed_title_is_kept() -> None:
    page = Page(
        text="Primul paragraf.\nAl doilea.", title="Titlu de pe pagină", author="Ion Pop", lead="Primul paragraf."
    )
    article = complete_article(entry(published_at=NOW - timedelta(hours=2), summary="Scurt."), page, NOW)
    assert (article.text, article.lead, article.extraction) == (
        "Primul paragraf.\nAl doilea.",
        "Primul paragraf.",
        Extraction.PAGE,
    )
    assert (article.title, article.author) == ("Titlu din flux", "Ion Pop")
    assert (article.published_at, article.date_source) == (NOW - timedelta(hours=2), DateSource.FEED)


def test_failed_page_keeps_the_feed_summary_and_says_so() -> None:
    article = complete_article(entry(), None, NOW)
    assert article.extraction is Extraction.SUMMARY
    assert article.text == "Rezumatul din flux. Al doilea rând."
    assert article.lead == "Rezumatul din flux. Al doilea rând."


def test_page_shorter_than_the_summary_counts_as_failed() -> None:
    paywall = Page(text="Abonează-te pentru a citi.", title="Titlu", lead="Abonează-te pentru a citi.")
    article = complete_article(
        entry(summary="Un rezumat din flux mai lung decât zidul de plată al paginii."), paywall, NOW
    )
    assert (article.extraction, article.text) == (
        Extraction.SUMMARY,
        "Un rezumat din flux mai lung decât zidul de plată al paginii.",
    )


def test_nothing_at_all_is_marked_empty() -> None:
    article = complete_article(entry(summary=""), None, NOW)
    assert (article.text, article.extraction) == ("", Extraction.EMPTY)


def test_missing_date_is_the_fetch_time_flagged() -> None:
    article = complete_article(entry(), None, NOW)
    assert (article.published_at, article.date_source, article.date_guessed) == (NOW, DateSource.FETCHED, True)


def test_page_date_is_used_when_the_feed_has_none() -> None:
    page = Page(text="Text.", published_at=NOW - timedelta(days=1))
    article = complete_article(entry(), page, NOW)
    assert (article.published_at, article.date_source, article.date_guessed) == (
        NOW - timedelta(days=1),
        DateSource.PAGE,
        False,
    )


@pytest.mark.parametrize(
    ("offset", "source"),
    [(timedelta(minutes=59), DateSource.FEED), (timedelta(hours=1, minutes=1), DateSource.CLAMPED)],
)
def test_dates_more_than_an_hour_ahead_are_clamped(offset: timedelta, source: DateSource) -> None:
    article = complete_article(entry(published_at=NOW + offset), None, NOW)
    assert article.date_source is source
    assert article.published_at == (NOW + offset if source is DateSource.FEED else NOW)


def test_first_paragraph_skips_blank_lines_and_the_title() -> None:
    assert first_paragraph("\n  Titlu\n\nPrimul.\nAl doilea.", "Titlu") == "Primul."
    assert first_paragraph("") == ""
