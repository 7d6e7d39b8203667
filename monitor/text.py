"""Romanian text normalisation shared by every stage: cedilla folding, diacritic stripping."""

from __future__ import annotations

import unicodedata

# Legacy cedilla letters (ISO-8859-2 era) to the correct comma-below forms.
_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})


def fold(text: str) -> str:
    """NFC-normalise and turn cedilla ş ţ into comma-below ș ț; keeps every other character."""
    return unicodedata.normalize("NFC", text).translate(_CEDILLA)


def strip_diacritics(text: str) -> str:
    """Remove every combining mark: 'Județul Brașov' -> 'Judetul Brasov'."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def search_key(text: str) -> str:
    """Lower-case, diacritic-free form for matching and search."""
    return strip_diacritics(fold(text)).casefold()
