"""The language layer: lookup lemmas with our administrative entries, keys, sentences, lead."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from monitor.nlp import lemmas
from monitor.nlp.language import key_of, language, parse
from monitor.nlp.lemma_table import BARE, FORMS, LemmaTable, bare_pairs, source_table, write


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prefectului", ["prefect"]),
        ("prefecții", ["prefect"]),
        ("subprefecta", ["subprefect"]),
        ("Subprefectei", ["subprefect"]),
        ("Prefecturii", ["prefectură"]),
        ("judeţului", ["județ"]),  # cedilla spelling
        ("judetului", ["județ"]),  # no diacritics
        ("JUDEȚULUI", ["județ"]),
        ("inundațiile", ["inundație"]),
        ("perchezitiile", ["percheziție"]),
        ("au", ["avea"]),  # the spaCy table says "sau"
    ],
)
def test_lemmas_fold_inflections_spellings_and_case(text: str, expected: list[str]) -> None:
    assert lemmas(text) == expected


def test_lemmas_skip_punctuation_and_keep_unknown_words() -> None:
    assert lemmas("Vlădescu, la Blaj!") == ["vlădescu", "la", "blaj"]


def test_key_keeps_length_so_offsets_carry_over() -> None:
    text = "Judeţul ALBA – „Ştiri” din İzmir și Câmpeni"
    key = key_of(text)
    assert len(key) == len(text)
    assert key == "judetul alba – „stiri” din izmir si campeni"


def test_sentences_respect_abbreviations_and_line_breaks() -> None:
    parsed = parse("Dl. Vlădescu a vizitat jud. Alba. A doua frază!\nFără punct la final\n\nAlt paragraf.")
    assert [s.text for s in parsed.sentences] == [
        "Dl. Vlădescu a vizitat jud. Alba.",
        "A doua frază!",
        "Fără punct la final",
        "Alt paragraf.",
    ]


def test_an_opening_quote_starts_the_next_sentence() -> None:
    parsed = parse("A vorbit. „Vom rezolva”, a spus el.")
    assert [s.text for s in parsed.sentences] == ["A vorbit.", "„Vom rezolva”, a spus el."]


def test_tokens_point_into_the_text_and_carry_lemmas() -> None:
    text = "Prefectul Horia Vlădescu a convocat comitetul."
    parsed = parse(text)
    assert all(text[t.start : t.end] == t.text for t in parsed.tokens)
    words = [t for t in parsed.tokens if t.is_word]
    assert [t.base for t in words][:1] == ["prefect"]
    assert words[4].lemma == "convoca"


def test_lead_is_the_first_paragraph() -> None:
    parsed = parse("\nPrimul paragraf, o frază.\nAl doilea paragraf.")
    assert parsed.text[: parsed.lead_end].strip() == "Primul paragraf, o frază."
    assert parse("Un singur paragraf.").lead_end == len("Un singur paragraf.")


def test_the_language_layer_is_loaded_once() -> None:
    assert language() is language()
    assert "sentencizer" not in language().nlp.pipe_names  # the tokenizer alone; sentences split by our rule


def test_the_shipped_lemma_tries_are_spacys_table(tmp_path: Path) -> None:
    """monitor/data's tries are what `python -m monitor.nlp.lemma_table` writes from the installed table, byte for
    byte, and answer every form of it as the table does."""
    written = write(tmp_path)
    for path in written:
        assert path.read_bytes() == (Path(str(resources.files("monitor.data"))) / path.name).read_bytes()
    table = source_table()
    forms, bare = LemmaTable.shipped(FORMS), LemmaTable.shipped(BARE)
    assert len(forms) == len(table) > 300_000
    assert all(forms.get(form) == lemma for form, lemma in table.items())
    first = dict(bare_pairs(table))
    assert len(bare) == len(first) and all(bare.get(key) == lemma for key, lemma in first.items())
    assert forms.get("nu-i-un-cuvânt") is None and "nu-i-un-cuvânt" not in forms
