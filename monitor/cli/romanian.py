"""The command-line library's own messages in Romanian (usage, errors, help headings).

click looks its messages up through gettext (`from gettext import gettext as _` in each of its modules); this
installs a translation built from monitor/data/click_ro.yaml into those modules, so nothing depends on the
machine's locale or the process environment.
"""

from __future__ import annotations

import gettext
import importlib

from monitor.data import word_lists

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


class Catalog(gettext.NullTranslations):
    """A translation from a message table; unknown messages stay as they are."""

    def __init__(self, messages: dict[str, str], plurals: dict[tuple[str, str], tuple[str, str]]) -> None:
        super().__init__()
        self.messages = messages
        self.plurals = plurals

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        one, many = self.plurals.get((msgid1, msgid2), (msgid1, msgid2))
        return one if n == 1 else many


def catalog() -> Catalog:
    data = word_lists("click_ro.yaml")
    plurals = {(row[0], row[1]): (row[2], row[3]) for row in data["plurals"]}
    return Catalog(dict(data["messages"]), plurals)


def speak_romanian() -> None:
    """Make click's messages Romanian in this process."""
    table = catalog()
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = table.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = table.ngettext  # type: ignore[attr-defined]
