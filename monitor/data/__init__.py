"""The word lists, lexicons and tables the package ships (read from the installed package, never the network)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def word_lists(name: str) -> Any:
    """The parsed YAML file `name` of this package (mentions.yaml, lexicon.yaml, topics.yaml)."""
    return yaml.safe_load(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
