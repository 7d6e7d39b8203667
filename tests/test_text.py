"""Romanian text normalisation: cedilla folding and diacritic stripping agree with Unicode's own rules."""

from __future__ import annotations

import random
import unicodedata

from monitor.text import fold, search_key, strip_diacritics


def _reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def test_fold_turns_cedilla_into_comma_below_and_keeps_the_rest() -> None:
    assert fold("Şedinţa ŢĂRII, şi ţara") == "Ședința ȚĂRII, și țara"
    assert fold("Prefectul s\u0327i") == "Prefectul și"  # decomposed cedilla s is composed, then folded


def test_strip_diacritics_on_romanian_text() -> None:
    assert (
        strip_diacritics("Județul Brașov – „Ţară”, ÎNTÂLNIRE, ăâî")
        == "Judetul Brasov – „Tară”".replace("ă", "a") + ", INTALNIRE, aai"
    )
    assert search_key("PREFECTURA Județului Alba") == "prefectura judetului alba"


def test_strip_diacritics_matches_unicode_decomposition_on_random_text() -> None:
    rng = random.Random(7)
    blocks = [(0x20, 0x7F), (0xA0, 0x500), (0x1E00, 0x1F00), (0x300, 0x370), (0x2000, 0x2070)]
    for _ in range(3000):
        text = "".join(chr(rng.randrange(*rng.choice(blocks))) for _ in range(16))
        assert strip_diacritics(text) == _reference(text), text
