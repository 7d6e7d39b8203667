"""Romania's 41 counties and Bucharest: code, name, seat and demonym, from package data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from monitor.text import fold


@dataclass(frozen=True, slots=True)
class County:
    code: str
    name: str
    seat: str
    adjective: str


@cache
def all_counties() -> tuple[County, ...]:
    """Every county, in the order of the data file."""
    text = resources.files("monitor.data").joinpath("counties.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines(), delimiter="\t")
    return tuple(County(r["code"], r["county"], r["seat"], r["adjective"]) for r in rows)


def find_county(name: str) -> County | None:
    """The county named `name` (any case, with or without diacritics), or None."""
    key = fold(name).casefold()
    for county in all_counties():
        if fold(county.name).casefold() == key or county.code.casefold() == key:
            return county
    return None
