"""Romanian text normalisation shared by every stage: cedilla folding, diacritic stripping.

Articles are stored as published (NFC, cedillas kept for display); everything that matches or compares folds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Legacy cedilla letters (ISO-8859-2 era) to the correct comma-below forms.
_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})


def nfc(text: str) -> str:
    """NFC-normalised, spelling kept as published (cedillas included): what people are shown."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """NFC-normalise and turn cedilla ş ţ into comma-below ș ț; keeps every other character."""
    return unicodedata.normalize("NFC", text).translate(_CEDILLA)


def _base_letters() -> dict[int, str]:
    """Precomposed Latin letters (Latin-1 to Latin Extended-B) mapped to their bases, for str.translate."""
    table = {}
    for codepoint in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFD", chr(codepoint))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(codepoint):
            table[codepoint] = base
    return table


_BASE = _base_letters()
_NON_ASCII = re.compile(r"[^\x00-\x7f\u2000-\u206f]")  # General Punctuation has no marks


@cache
def _strip_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def strip_diacritics(text: str) -> str:
    """Remove every combining mark: 'Județul Brașov' -> 'Judetul Brasov' (a C-speed table for Latin letters)."""
    stripped = unicodedata.normalize("NFC", text).translate(_BASE)
    if stripped.isascii():
        return stripped
    return _NON_ASCII.sub(lambda match: _strip_char(match.group()), stripped)


def search_key(text: str) -> str:
    """Lower-case, diacritic-free form for matching and search."""
    return strip_diacritics(fold(text)).casefold()
