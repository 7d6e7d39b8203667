"""Canonical URLs: one key per story, whatever tracking, scheme, case or fragment the link carries."""

from __future__ import annotations

import pytest

from monitor.crawl.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.alba24.ro/stire-1", "https://www.alba24.ro/stire-1"),
        ("HTTP://WWW.Alba24.RO/stire-1", "https://www.alba24.ro/stire-1"),
        ("http://alba24.ro:80/a", "https://alba24.ro/a"),
        ("https://alba24.ro:443/a", "https://alba24.ro/a"),
        ("http://127.0.0.1:8080/a", "https://127.0.0.1:8080/a"),
        ("https://alba24.ro/a#comentarii", "https://alba24.ro/a"),
        ("https://alba24.ro/a?utm_source=rss&utm_medium=feed", "https://alba24.ro/a"),
        ("https://alba24.ro/a?UTM_Campaign=x&id=7", "https://alba24.ro/a?id=7"),
        ("https://alba24.ro/a?fbclid=IwAR0&gclid=Cj0", "https://alba24.ro/a"),
        ("https://alba24.ro/a?z=2&a=1&m=", "https://alba24.ro/a?a=1&m=&z=2"),
        ("https://alba24.ro", "https://alba24.ro/"),
        ("https://alba24.ro./a", "https://alba24.ro/a"),
        ("  https://alba24.ro/a  ", "https://alba24.ro/a"),
        ("https://alba24.ro/știri/ședință", "https://alba24.ro/%C8%99tiri/%C8%99edin%C8%9B%C4%83"),
        ("https://alba24.ro/%c8%99tiri", "https://alba24.ro/%C8%99tiri"),
        ("https://user:secret@alba24.ro/a", "https://alba24.ro/a"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_same_story_with_tracking_in_two_feeds_has_one_key() -> None:
    first = "http://alba24.ro/articol?id=5&utm_source=rss#top"
    second = "https://ALBA24.ro/articol?fbclid=abc&id=5"
    assert canonical_url(first) == canonical_url(second) == "https://alba24.ro/articol?id=5"


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://Ex.ro:80/b/../a?y=2&x=1&utm_term=z#f")
    assert canonical_url(once) == once


@pytest.mark.parametrize("url", ["ftp://alba24.ro/a", "mailto:presa@alba24.ro", "javascript:alert(1)", "/relative"])
def test_non_http_urls_are_rejected(url: str) -> None:
    with pytest.raises(ValueError):
        canonical_url(url)
