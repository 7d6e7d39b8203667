"""The Romanian language layer: spaCy tokenizer, sentence splitting, lookup lemmas, diacritic-free keys."""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH
from spacy.language import Language as SpacyLanguage
from spacy.pipeline import Sentencizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from monitor.nlp.lemma_table import BARE, FORMS, LemmaTable
from monitor.text import fold

_SENTENCE_ENDS = frozenset(Sentencizer.default_punct_chars) | {"…", "..."}  # the sentencizer's own list
_ROAD = re.compile(r"^(dn|dj|dc)\d+[a-z]?$")
_PARTICIPLE_ENDINGS = ("at", "it", "ut", "ât", "s")
_OPENERS = frozenset("„«(\"'[“")  # an opening quote after a full stop starts the next sentence
# Abbreviations that end in a full stop but do not end a sentence ("Dl. Popescu", "jud. Alba").
_ABBREVIATIONS = (
    "dl.", "dna.", "d-na.", "dlui.", "jud.", "mun.", "str.", "nr.", "prof.", "dr.", "ing.", "av.", "ec.",
    "col.", "gen.", "lt.", "cpt.", "art.", "alin.", "lit.", "pct.", "cca.", "aprox.", "tel.", "bd.", "bl.",
    "ap.", "sc.", "com.", "loc.", "sat.", "oraș.", "p.", "pag.", "vol.", "min.", "sec.", "ex.", "resp.",
)  # fmt: skip


def _key_table() -> dict[int, str]:
    """Map every accented Latin letter to its base letter so that keys keep the text's length."""
    table: dict[int, str] = {0x130: "i"}  # 'İ'.lower() would grow to two characters
    for code in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFD", chr(code))
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[code] = decomposed[0]
    return table


_KEYS = _key_table()
_ROMANIAN = (("ă", "a"), ("â", "a"), ("î", "i"), ("ș", "s"), ("ț", "t"), ("ş", "s"), ("ţ", "t"))
_ACCENTED = re.compile("[\u00c0-\u024f]")
_CEDILLA = re.compile("[şţŞŢ]")


def key_of(text: str) -> str:
    """Lower-case, diacritic-free form of `text` with the same length (offsets carry over)."""
    if "İ" in text:
        text = text.replace("İ", "I")  # its lower case has two characters
    key = text.lower()
    for accented, plain in _ROMANIAN:  # str.replace runs in C; translate() costs ~100 ns a character
        key = key.replace(accented, plain)
    return key.translate(_KEYS) if _ACCENTED.search(key) else key


class Token(NamedTuple):  # a tuple, not a frozen dataclass: ten times cheaper to build, and we build many
    """A word or punctuation mark: its place, its lemma and the diacritic-free keys used for matching."""

    text: str
    start: int
    end: int
    key: str  # key_of(text)
    lemma: str  # lower-case, comma-below
    base: str  # key_of(lemma): what lexicons and topics match
    sentence: int
    is_word: bool


class Sentence(NamedTuple):
    start: int
    end: int
    text: str
    first_token: int
    last_token: int  # exclusive


@dataclass(frozen=True, slots=True)
class Parsed:
    """One analysed text: tokens with lemmas, sentences, and where the first paragraph ends."""

    text: str
    key: str
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    lead_end: int  # character offset where the first paragraph ends
    keys: tuple[str, ...] = ()  # token.key of every token: plain strings scan faster than attributes
    bases: tuple[str, ...] = ()  # token.base of every token


class Lemmatizer:
    """Lookup lemmas: our entries, then spaCy's table by exact, lower-case and diacritic-free form."""

    def __init__(self, table: LemmaTable, bare: LemmaTable, extra: dict[str, str]) -> None:
        self._table = table
        self._bare = bare  # the table's forms by diacritic-free key
        self._extra = extra
        self._extra_bare = {key_of(form): lemma for form, lemma in extra.items()}  # our entries win there too
        self.cache: dict[str, tuple[str, str, bool]] = {}  # token -> describe(token), read directly by parse

    def describe(self, word: str) -> tuple[str, str, bool]:
        """(lemma, its diacritic-free key, is a word) of one token; punctuation is its own lemma."""
        found = self.cache.get(word)
        if found is not None:
            return found
        is_word = word.isalnum() or any(c.isalnum() for c in word)
        found = (*self.lemma(word), True) if is_word else (word, word, False)
        if len(self.cache) > 200_000:  # bounded: a long-running process sees endless proper names
            self.cache.clear()
        self.cache[word] = found
        return found

    def knows(self, word: str) -> bool:
        """True when `word` (any case) is an ordinary word of the lemma table, not a proper name."""
        lower = fold(word).lower()
        key = key_of(lower)
        return lower in self._extra or lower in self._table or key in self._extra_bare or key in self._bare

    def lemma(self, word: str) -> tuple[str, str]:
        """(lemma, its diacritic-free key) of one word; unknown words are their own lemma."""
        lower = fold(word).lower()
        road = _ROAD.match(lower)
        if road:  # "DN1", "DJ107A" -> "dn", "dj": the kind of road, for topics
            return road.group(1), road.group(1)
        lemma = self._extra.get(lower) or self._table.get(word) or self._table.get(lower)
        if lemma is None:
            key = key_of(lower)
            lemma = self._extra_bare.get(key) or self._bare.get(key) or lower
        lemma = lemma.lower()
        if lemma.endswith(_PARTICIPLE_ENDINGS):  # "felicitată" -> "felicitat" -> "felicita"
            verb = self._table.get(lemma)
            if verb is not None and verb != lemma:
                lemma = verb
        return lemma, key_of(lemma)


class Language:
    """spaCy's blank Romanian tokenizer, the sentencizer's rule and our lemmatizer."""

    def __init__(self, nlp: SpacyLanguage, lemmatizer: Lemmatizer) -> None:
        self.nlp = nlp
        self.lemmatizer = lemmatizer

    def parse(self, text: str) -> Parsed:
        """Tokenise, split sentences and lemmatise `text` (NFC, comma-below).

        Sentences end as spaCy's sentencizer ends them (after . ! ? and the punctuation that follows) and
        at every line break; the rule runs here, over plain arrays, because building spaCy Token objects
        for the component costs more than all the rest of the analysis."""
        doc: Doc = self.nlp.tokenizer(text)
        key = key_of(text)
        if not len(doc):
            return Parsed(text, key, (), (), len(text))
        table = doc.to_array([IDX, LENGTH, IS_SPACE])
        words_at = table[:, 2] == 0
        starts = table[words_at, 0].tolist()
        ends = (table[words_at, 0] + table[words_at, 1]).tolist()
        # a line break always ends a sentence: note the index of the token that follows it
        before = numpy.cumsum(words_at) - words_at
        breaks = {
            before[i]
            for i in numpy.flatnonzero(~words_at).tolist()
            if "\n" in text[table[i, 0] : table[i, 0] + table[i, 1]]
        }
        words = [text[a:b] for a, b in zip(starts, ends, strict=True)]
        known = self.lemmatizer.cache
        describe = self.lemmatizer.describe
        described = [known.get(word) or describe(word) for word in words]
        numbers: list[int] = []
        boundaries: list[int] = [0]
        seen_end = False
        for index, word in enumerate(words):
            if index in breaks or (seen_end and (described[index][2] or word in _OPENERS)):
                if index > boundaries[-1]:
                    boundaries.append(index)
                seen_end = False
            if word in _SENTENCE_ENDS:
                seen_end = True
            numbers.append(len(boundaries) - 1)
        keys = [key[a:b] for a, b in zip(starts, ends, strict=True)]
        lemmas, bases, flags = zip(*described, strict=True)
        # tuple.__new__ straight from C: half the cost of calling Token(...) for every token
        columns = zip(words, starts, ends, keys, lemmas, bases, numbers, flags, strict=True)
        tokens: list[Token] = list(map(tuple.__new__, itertools.repeat(Token), columns))
        boundaries.append(len(tokens))
        sentences = [
            Sentence(starts[first], ends[last - 1], text[starts[first] : ends[last - 1]], first, last)
            for first, last in itertools.pairwise(boundaries)
        ]
        stripped = text.lstrip()
        lead_break = stripped.find("\n")
        lead_end = len(text) if lead_break < 0 else len(text) - len(stripped) + lead_break
        return Parsed(text, key, tuple(tokens), tuple(sentences), lead_end, tuple(keys), bases)


def _read_extra() -> dict[str, str]:
    data = resources.files("monitor.data").joinpath("lemmas_extra.tsv").read_text(encoding="utf-8")
    rows = (line for line in data.splitlines() if line.strip() and not line.startswith("#"))
    return {fold(form).lower(): fold(lemma).lower() for form, lemma in csv.reader(rows, delimiter="\t")}


@cache
def language() -> Language:
    """The process-wide language layer, loaded on first use (about a second; no model download)."""
    nlp = spacy.blank("ro")
    tokenizer: Tokenizer = nlp.tokenizer
    for abbreviation in _ABBREVIATIONS:
        for form in (abbreviation, abbreviation.capitalize(), abbreviation.upper()):
            tokenizer.add_special_case(form, [{"ORTH": form}])
    tables = LemmaTable.shipped(FORMS), LemmaTable.shipped(BARE)
    return Language(nlp, Lemmatizer(*tables, _read_extra()))


def parse(text: str) -> Parsed:
    """Analyse `text` after folding cedilla letters and NFC normalisation (offsets refer to that form)."""
    text = fold(text) if _CEDILLA.search(text) else unicodedata.normalize("NFC", text)
    return language().parse(text)


def phrase_keys(phrase: str) -> list[tuple[str, ...]]:
    """The lemma keys a lexicon phrase matches: each word as written and as lemmatised ("primi" is both the
    verb and, to the lookup table, a plural of "prim"), so entries may be written as lemmas or as forms; and the
    phrase tokenised as an article's text is ("și-a" is "și-" and "a", "apă-canal" one token)."""
    variants: list[tuple[str, ...]] = [()]
    for word in phrase.replace("-", " ").split():
        forms = dict.fromkeys((key_of(fold(word)), language().lemmatizer.lemma(word)[1]))
        variants = [(*variant, form) for variant in variants for form in forms]
    return list(dict.fromkeys((*variants, parse(phrase).bases)))


def lemmas(text: str) -> list[str]:
    """Lower-case, cedilla-folded lemmas of the words of `text` (folds inflections for search)."""
    return [token.lemma for token in parse(text).tokens if token.is_word]
