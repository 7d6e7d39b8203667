"""Where a text points: Romanian counties, their seats and demonyms, found among its tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from monitor.counties import all_counties
from monitor.nlp.language import Parsed, Token, key_of

_MASCULINE = ("", "ul", "ului", "lui")  # "Clujului", "Sibiului"
_DEMONYM_ENDING = 5  # "clujean" covers "clujeni", "clujeanca"...


@dataclass(frozen=True, slots=True)
class Place:
    """A county named in a text: by name, seat or demonym ("albaiulian"); character offsets."""

    county: str
    start: int
    end: int


def _inflections(key: str) -> tuple[str, ...]:
    """Genitive/dative forms of a place name key: "prahova" -> "prahovei", "valcea" -> "valcii"."""
    if key.endswith("ea"):
        return key, key[:-2] + "ei", key[:-2] + "ii"
    if key.endswith("a"):
        return key, key[:-1] + "ei", key[:-1] + "ii"
    return tuple(key + ending for ending in _MASCULINE)


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    names: dict[tuple[str, ...], str]  # words of a (possibly inflected) name or seat -> county
    first_words: frozenset[str]
    longest: int
    demonyms: dict[str, str]  # demonym stem -> county
    demonym_heads: frozenset[str]  # first three letters of every stem: a cheap test before the lookups


@cache
def _gazetteer() -> _Gazetteer:
    names: dict[tuple[str, ...], str] = {}
    demonyms: dict[str, str] = {}
    for county in all_counties():
        for name in (county.name, county.seat):
            words = key_of(name).replace("-", " ").split()
            for last in _inflections(words[-1]):
                names[(*words[:-1], last)] = county.name
                names[("-".join([*words[:-1], last]),)] = county.name  # "Alba-Iulia", "Cluj-Napoca"
        demonyms[key_of(county.adjective)[:-2]] = county.name
    names[("capitalei",)] = "București"
    names[("sucevei",)] = "Suceava"
    return _Gazetteer(
        names,
        frozenset(words[0] for words in names),
        max(len(words) for words in names),
        demonyms,
        frozenset(stem[:3] for stem in demonyms),
    )


def find_places(parsed: Parsed) -> list[Place]:
    """Counties named in `parsed`: capitalised names and seats ("Clujului"), demonyms in any case."""
    gazetteer = _gazetteer()
    tokens = parsed.tokens
    found: list[Place] = []
    heads = gazetteer.demonym_heads
    firsts = gazetteer.first_words
    candidates = [i for i, key in enumerate(parsed.keys) if key in firsts or key[:3] in heads]
    skip_to = 0
    for index in candidates:
        if index < skip_to:
            continue
        token = tokens[index]
        if (
            token.key in firsts
            and token.text[0].isupper()
            and not (index > 0 and tokens[index - 1].key == "casa")  # "Casa Albă"
        ):
            named = _name_at(gazetteer, tokens, index)
            if named is not None:
                found.append(named[0])
                skip_to = index + named[1]
                continue
        if token.is_word and token.key[:3] in heads:
            county = _demonym(gazetteer.demonyms, token.key)
            if county is not None:
                found.append(Place(county, token.start, token.end))
    return found


def _name_at(gazetteer: _Gazetteer, tokens: Sequence[Token], index: int) -> tuple[Place, int] | None:
    """The longest county or seat name at `index` and its length in tokens, unless a historical county."""
    for size in range(min(gazetteer.longest, len(tokens) - index), 0, -1):
        county = gazetteer.names.get(tuple(tokens[index + k].key for k in range(size)))
        after = tuple(tokens[k].key for k in range(index + size, min(index + size + 2, len(tokens))))
        if county is not None and after not in (("de", "jos"), ("de", "sus")):
            return Place(county, tokens[index].start, tokens[index + size - 1].end), size
    return None


def _demonym(stems: dict[str, str], key: str) -> str | None:
    for size in range(max(3, len(key) - _DEMONYM_ENDING), len(key) + 1):
        county = stems.get(key[:size])
        if county is not None:
            return county
    return None
