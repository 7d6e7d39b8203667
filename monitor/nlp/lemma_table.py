"""spaCy's Romanian lemma table (spacy-lookups-data) as two memory-mapped tries shipped in monitor/data/.

The table has 305,727 forms. As a Python dict, with the index of its diacritic-free forms beside it, it cost about
90 MB in every process that analyses (the daemon, each worker, the workspace): a quarter of the memory allowed
to a process. As marisa tries (marisa-trie) the two take 3.4 MB on disk, mapped read-only and shared between
processes, and answer a lookup in about a microsecond; the analysis caches what it looked up anyway.

    python -m monitor.nlp.lemma_table      writes the two files again from the installed spacy-lookups-data

tests/test_language.py checks that the shipped files are what this command writes, so they follow the table.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import marisa_trie
import spacy_lookups_data

FORMS = "ro_lemmas.marisa"  # every form of the table -> its lemma
BARE = "ro_lemmas_bare.marisa"  # every form's diacritic-free lower-case key -> the lemma of its first form


class LemmaTable:
    """A read-only map from a word form to its lemma, over a marisa BytesTrie file (one value per key)."""

    def __init__(self, trie: marisa_trie.BytesTrie) -> None:
        self._trie = trie

    @classmethod
    def shipped(cls, name: str) -> LemmaTable:
        trie = marisa_trie.BytesTrie()
        trie.mmap(str(_data_folder() / name))
        return cls(trie)

    def get(self, form: str) -> str | None:
        values = self._trie.get(form)
        return values[0].decode() if values else None

    def __contains__(self, form: str) -> bool:
        return form in self._trie

    def __len__(self) -> int:
        return len(self._trie)


def _data_folder() -> Path:
    return Path(str(resources.files("monitor.data")))


def source_table() -> dict[str, str]:
    """spacy-lookups-data's Romanian lookup table, as the package ships it."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "ro_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table: dict[str, str] = json.load(handle)
    return table


def bare_pairs(table: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(diacritic-free key, lemma) of each form, the first form of a key winning (the table's order)."""
    from monitor.nlp.language import key_of  # the language layer loads this module's files

    seen: set[str] = set()
    for form, lemma in table.items():
        key = key_of(form)
        if key not in seen:
            seen.add(key)
            yield key, lemma


def _trie(pairs: Iterator[tuple[str, str]]) -> marisa_trie.BytesTrie:
    return marisa_trie.BytesTrie((key, lemma.encode()) for key, lemma in pairs)


def write(folder: Path) -> tuple[Path, Path]:
    """Build both tries from the installed table into `folder`; returns their paths."""
    table = source_table()
    paths = folder / FORMS, folder / BARE
    _trie(iter(table.items())).save(str(paths[0]))
    _trie(bare_pairs(table)).save(str(paths[1]))
    return paths


if __name__ == "__main__":
    for written in write(_data_folder()):
        print(f"{written} ({written.stat().st_size:,} bytes)")
