"""The archive's query language, as the office types it: words (all must match), "exact phrases", OR (or SAU)
between alternatives, and -word, NOT word (or FĂRĂ word) to exclude. Every word is folded like the search form
(diacritics and inflections), so «spitalului» finds «spitale»; a phrase matches its words' lemmas side by side.

    spital judetean              both words
    "spitalul judetean"          the two side by side
    inundatii OR alunecari       either
    prefect -fostul              prefect, but not fostul
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from monitor.errors import SearchError

_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OR = {"OR", "SAU"}
_NOT = {"NOT", "FĂRĂ", "FARA"}


@dataclass(frozen=True)
class QueryWord:
    """One query word: its diacritic-free surface form and lemma."""

    surface: str
    lemma: str


Term = tuple[QueryWord, ...]  # one word, or the words of a phrase


@dataclass(frozen=True)
class ParsedQuery:
    required: tuple[tuple[Term, ...], ...]  # every group must match one of its terms
    excluded: tuple[Term, ...]

    @property
    def words(self) -> list[QueryWord]:
        """The words to find (for the snippet)."""
        return [word for group in self.required for term in group for word in term]


def parse_query(query: str, fold: Callable[[str], list[QueryWord]]) -> ParsedQuery:
    """Parse `query`; `fold(text)` gives the QueryWords of a piece of text. SearchError when nothing is left to
    find (only exclusions, or no word at all)."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = negate = False
    for match in _TOKEN.finditer(query):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.upper() in _OR:
            joining = bool(groups)
            continue
        if bare is not None and bare.upper() in _NOT:
            negate = True
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        term: Term = tuple(fold(phrase if phrase is not None else bare))
        if not term:
            continue
        if minus or negate:
            excluded.append(term)
        elif joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = negate = False
    if not groups:
        raise SearchError(f"căutarea «{query}» nu conține niciun cuvânt de găsit")
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _fts5_term(term: Term) -> str:
    if len(term) == 1:
        word = term[0]
        return "(" + " OR ".join(f'"{key}"' for key in dict.fromkeys((word.lemma, word.surface))) + ")"
    return '"' + " ".join(word.lemma for word in term) + '"'


def fts5_expression(parsed: ParsedQuery) -> str:
    """The SQLite FTS5 MATCH expression."""
    found = " AND ".join("(" + " OR ".join(_fts5_term(t) for t in group) + ")" for group in parsed.required)
    if parsed.excluded:
        found = f"({found}) NOT (" + " OR ".join(_fts5_term(t) for t in parsed.excluded) + ")"
    return found


def _ts_term(term: Term) -> str:
    if len(term) == 1:
        word = term[0]
        return "(" + " | ".join(dict.fromkeys((word.lemma, word.surface))) + ")"
    return "(" + " <-> ".join(word.lemma for word in term) + ")"


def tsquery_expression(parsed: ParsedQuery) -> str:
    """The PostgreSQL to_tsquery expression."""
    found = " & ".join("(" + " | ".join(_ts_term(t) for t in group) + ")" for group in parsed.required)
    for term in parsed.excluded:
        found += f" & !{_ts_term(term)}"
    return found
