"""Load YAML with line numbers and duplicate-key detection, for config errors that name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Loc = tuple[str | int, ...]


@dataclass
class YamlDocument:
    """A parsed YAML file: its data, the line of every path in it, and the problems found while parsing."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int:
        """Line (1-based) of the deepest known node on `loc`; 1 when nothing matches."""
        for cut in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:cut]))
            if line is not None:
                return line
        return 1

    def where(self, loc: Loc) -> str:
        return f"{self.path}:{self.line_of(loc)}"


def _walk(node: yaml.Node, loc: Loc, doc: YamlDocument) -> None:
    doc.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append(f"{doc.path}:{line}: cheie duplicată «{key}» (apare deja la linia {seen[key]})")
            seen[key] = line
            doc.lines[(*loc, key)] = line
            _walk(value_node, (*loc, key), doc)
            doc.lines[(*loc, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*loc, index), doc)


def load_yaml(path: Path) -> YamlDocument:
    """Parse `path`; syntax errors become problems rather than exceptions."""
    doc = YamlDocument(path=path, data=None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        doc.problems.append(f"{path}: nu poate fi citit: {exc}")
        return doc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        doc.problems.append(f"{path}:{line}: YAML invalid: {getattr(exc, 'problem', exc)}")
        return doc
    if node is None:
        doc.problems.append(f"{path}:1: fișierul este gol")
        return doc
    _walk(node, (), doc)
    loader = yaml.SafeLoader(text)
    try:
        doc.data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        doc.problems.append(f"{path}: YAML invalid: {exc}")
    finally:
        loader.dispose()
    return doc
