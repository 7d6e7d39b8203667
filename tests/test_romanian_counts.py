"""Romanian numbers, dates and count phrases: «0 articole», «1 articol», «20 de articole», «101 articole», for every
noun the templates and the delivery modules count, and no number written before a noun by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from monitor.deliver.render import (
    MONTHS,
    WEEKDAYS,
    count_ro,
    date_ro,
    datetime_ro,
    last_ro,
    month_ro,
    number_ro,
    percent_ro,
)

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((REPO / "reports" / "templates").glob("*.j2"))
MODULES = sorted((REPO / "monitor" / "deliver").glob("*.py"))
COUNTS = (0, 1, 2, 19, 20, 101)

# Every (singular, plural) counted in a template or a delivery module; a new one must be added here to be checked.
NOUNS = {
    ("alertă de criză", "alerte de criză"),
    ("apariție", "apariții"),
    ("apariție pozitivă", "apariții pozitive"),
    ("articol", "articole"),
    ("articol nou", "articole noi"),
    ("corecție înregistrată", "corecții înregistrate"),
    ("mențiune", "mențiuni"),
    ("mențiune negativă", "mențiuni negative"),
    ("minut", "minute"),
    ("negativă", "negative"),
    ("neutră", "neutre"),
    ("oră", "ore"),
    ("pozitivă", "pozitive"),
    ("publicație", "publicații"),
    ("publicație nouă", "publicații noi"),
    ("subiect", "subiecte"),
    ("subiect distinct", "subiecte distincte"),
    ("zi", "zile"),
    ("zi anterioară", "zile anterioare"),
}
# count_ro(expression, "one", "many") in Python or a template, or `value | count_ro("one", "many")` in a template
_LITERAL = r"""\s*(["'])([^"']*)\1\s*,\s*(["'])([^"']*)\3\s*\)"""
_CALL = re.compile(r"(?:count_ro|last_ro)\((?:[^()\"']|\([^()]*\))+?," + _LITERAL)
_FILTER = re.compile(r"\|\s*(?:count_ro|last_ro)\(" + _LITERAL)


def _counted(paths: list[Path]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        found |= {(m.group(2), m.group(4)) for pattern in (_CALL, _FILTER) for m in pattern.finditer(text)}
    return found


def test_the_scan_finds_the_count_phrases() -> None:
    """The scan below is what keeps NOUNS complete: it must see the phrases it is meant to see."""
    counted = _counted([*TEMPLATES, *MODULES])
    assert {("articol", "articole"), ("apariție", "apariții"), ("publicație", "publicații")} <= counted
    assert ("mențiune negativă", "mențiuni negative") in counted  # a template's call
    assert ("zi anterioară", "zile anterioare") in counted  # a template's filter


def test_every_counted_noun_is_checked() -> None:
    assert _counted([*TEMPLATES, *MODULES]) <= NOUNS


@pytest.mark.parametrize(("one", "many"), sorted(NOUNS))
def test_every_noun_at_every_hard_count(one: str, many: str) -> None:
    assert [count_ro(n, one, many) for n in COUNTS] == [
        f"0 {many}",
        f"1 {one}",
        f"2 {many}",
        f"19 {many}",
        f"20 de {many}",
        f"101 {many}",
    ]


def test_the_issue_s_examples() -> None:
    assert [count_ro(n, "articol", "articole") for n in COUNTS] == [
        "0 articole",
        "1 articol",
        "2 articole",
        "19 articole",
        "20 de articole",
        "101 articole",
    ]
    assert [count_ro(n, "apariție", "apariții") for n in (1, 20, 101)] == [
        "1 apariție",
        "20 de apariții",
        "101 apariții",
    ]
    assert [count_ro(n, "publicație", "publicații") for n in (1, 2, 120)] == [
        "1 publicație",
        "2 publicații",
        "120 de publicații",
    ]
    assert [count_ro(n, "articol", "articole") for n in (100, 1005, 1234)] == [
        "100 de articole",
        "1.005 articole",
        "1.234 de articole",
    ]
    assert [last_ro(n, "oră", "ore") for n in (1, 6, 24)] == ["ultima oră", "ultimele 6 ore", "ultimele 24 de ore"]


def test_no_number_is_written_before_a_noun_by_hand() -> None:
    """`{{ n }} apariții` is wrong at 1 and at 20: a count before a noun goes through count_ro."""
    plurals = "|".join(sorted({re.escape(many.split()[0]) for _, many in NOUNS}, key=len, reverse=True))
    in_template = re.compile(r"\}\}\s+(?:de\s+)?(?:" + plurals + r")\b")
    in_python = re.compile(r"""\{[^{}"']+\}\s+(?:de\s+)?(?:""" + plurals + r")\b")
    offences = [
        f"{path.name}: {match.group(0)}"
        for path, pattern in [*((p, in_template) for p in TEMPLATES), *((p, in_python) for p in MODULES)]
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_numbers_and_dates_in_romanian() -> None:
    assert (number_ro(1234), number_ro(1234567.891, 1), number_ro(0.42, 2), number_ro(-3.5, 1)) == (
        "1.234",
        "1.234.567,9",
        "0,42",
        "-3,5",
    )
    assert percent_ro(0.423) == "42%"
    assert date_ro(date(2026, 11, 22)) == "22 noiembrie 2026"
    assert datetime_ro(datetime(2026, 7, 1, 5, 3, tzinfo=UTC)) == "1 iulie 2026, 08:03"  # shown in Bucharest time
    assert month_ro(date(2026, 3, 1)) == "martie 2026"
    assert (MONTHS[0], MONTHS[11], WEEKDAYS[1], WEEKDAYS[5]) == ("ianuarie", "decembrie", "marți", "sâmbătă")
