"""Feed bytes -> Articles: RSS and Atom, Romanian charsets right or wrong, cedilla folding, non-feeds as errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.crawl.feeds import FeedError, clean_text, parse_feed
from monitor.crawl.fetch import decode_text
from monitor.record import DateSource
from monitor.text import fold, search_key

SITE = Path(__file__).parent / "fixtures" / "site"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:8000"


def fixture_feed(name: str) -> bytes:
    return (SITE / "feeds" / name).read_bytes().replace(b"{base}", BASE.encode())


def parse(body: bytes, charset: str | None = None, feed_url: str = f"{BASE}/feed.xml"):  # type: ignore[no-untyped-def]
    return parse_feed(body, outlet_id="alba24", feed_url=feed_url, fetched_at=NOW, charset=charset)


def rss(items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{declaration}\n<rss version="2.0"><channel><title>T</title><link>{BASE}/</link>{items}</channel></rss>'


def test_rss_entries_become_articles() -> None:
    articles = parse(fixture_feed("alba24.xml"))
    assert [a.title for a in articles] == [
        "Prefectul județului Alba a inaugurat școala din Sebeș",
        "Drumul județean spre Arieșeni, închis pentru lucrări",
        "Ședință extraordinară a Consiliului Județean",
    ]
    first = articles[0]
    assert first.url == "https://127.0.0.1:8000/articles/prefect-scoala.html"
    assert first.link == f"{BASE}/articles/prefect-scoala.html?utm_source=rss&utm_medium=feed"
    assert first.summary == "Prefectul județului Alba a participat la inaugurarea noii clădiri a școlii din Sebeș."
    assert first.author == "Ioana Mureșan"
    assert first.published_at == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert first.date_source is DateSource.FEED
    assert (first.outlet_id, first.fetched_at, first.urls_seen) == ("alba24", NOW, (first.link,))
    assert articles[1].published_at is None and articles[1].date_source is DateSource.FETCHED
    assert articles[2].published_at == datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # +0200 -> UTC


def test_atom_entries_drop_tracking_and_fragment() -> None:
    articles = parse(fixture_feed("unirea.xml"))
    assert articles[0].url == "https://127.0.0.1:8000/articles/prefect-scoala.html"
    assert "fbclid" in articles[0].link
    assert articles[0].published_at == datetime(2026, 11, 20, 7, 40, tzinfo=UTC)


def test_windows_1250_feed_without_declared_charset_is_decoded() -> None:
    body = fixture_feed("radio-cp1250.xml")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    (article,) = parse(body, charset="utf-8")  # the server lies too
    # windows-1250 has only the cedilla letters: that is how it was written, and matching folds them
    assert article.title == "Şedinţă la Prefectură: pregătiri pentru sezonul de iarnă"
    assert fold(article.summary).startswith("Comitetul județean pentru situații de urgență")
    assert "„Suntem pregătiți”" in fold(article.summary)


@pytest.mark.parametrize("charset", ["iso-8859-2", "iso-8859-16", "windows-1250"])
@pytest.mark.parametrize("declared", [None, "iso-8859-1", "utf-8"])
def test_romanian_single_byte_charsets_with_wrong_or_missing_declaration(charset: str, declared: str | None) -> None:
    title = "Școala din Câmpeni își așteaptă elevii"
    source = title if charset == "iso-8859-16" else title.replace("ș", "ş").replace("Ș", "Ş")
    body = rss(f"<item><title>{source}</title><link>{BASE}/a</link></item>", '<?xml version="1.0"?>')
    (article,) = parse(body.encode(charset), charset=declared)
    assert article.title == title


def test_declared_xml_encoding_is_used_when_right() -> None:
    body = rss(
        f"<item><title>Țară și munți</title><link>{BASE}/a</link></item>",
        '<?xml version="1.0" encoding="ISO-8859-16"?>',
    )
    (article,) = parse(body.encode("iso-8859-16"))
    assert article.title == "Țară și munți"


def test_cedilla_letters_are_kept_for_display_and_folded_for_matching() -> None:
    (article,) = parse(fixture_feed("cedilla.xml"))
    assert set("şţŞŢ") & set(article.title + article.summary)  # as the outlet wrote them
    assert fold(article.title) == "Spitalul Județean primește aparatură nouă"
    assert fold(article.summary) == (
        "Investiție de 4 milioane de lei la Spitalul Județean de Urgență; "
        "Ștefan Țurcanu, directorul unității, este mulțumit."
    )
    assert search_key(article.title) == search_key("Spitalul Județean primește aparatură nouă")


def test_relative_links_duplicates_and_linkless_entries() -> None:
    body = rss(
        "<item><title>A</title><link>/stiri/a?utm_source=x</link></item>"
        "<item><title>A again</title><link>/stiri/a</link></item>"
        "<item><title>No link</title></item>"
        "<item><title>Mail</title><link>mailto:x@y.ro</link></item>"
    )
    articles = parse(body.encode())
    assert [(a.title, a.link) for a in articles] == [("A", f"{BASE}/stiri/a?utm_source=x")]


def test_feed_without_entries_is_no_news() -> None:
    assert parse(rss("").encode()) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "flux gol"),
        (b"  \n\t ", "flux gol"),
        (b'{"items": [{"title": "x"}]}', "JSON"),
        (b"<!DOCTYPE html><html><head><title>Alba24</title></head><body><p>Acasa</p></body></html>", "HTML"),
        (b"<!-- cache --><html><body>Eroare</body></html>", "HTML"),
        (b"\x00\x01garbage bytes \xff\xfe", "de neînțeles"),
        (b"<rss version='2.0'><channel><title>x</title><item><title>broken", "de neînțeles"),
    ],
)
def test_non_feeds_are_errors_not_empty_news(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        parse(body)


def test_clean_text_strips_markup_and_entities() -> None:
    assert clean_text("<p>Ana &amp; <b>Ion</b>\n  la   Sebeş</p>") == "Ana & Ion la Sebeş"  # spelling kept
    assert clean_text("   ") == ""


def test_decode_text_prefers_valid_utf8_and_handles_boms() -> None:
    assert decode_text("Știri".encode(), "windows-1250") == "Știri"
    assert decode_text("\ufeffȘtiri".encode()) == "Știri"
    assert decode_text("Știri".encode("utf-16")) == "Știri"
    # windows-1250 quotes are C1 control codes in ISO-8859-2: the heuristic picks windows-1250
    assert decode_text("„Aşa”".encode("cp1250"), "iso-8859-2") == "„Aşa”"
