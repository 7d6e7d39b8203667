"""The `analyze` command: JSON lines of articles in, JSON lines of mentions, tone and topics out."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import IO, Any

import click

from monitor.cli.common import cli, resolve_profile, settings_of
from monitor.config import Profile, load_profile
from monitor.counties import find_county
from monitor.nlp import analyze
from monitor.record import Analysis


class BadLine(ValueError):
    """An input line that cannot be analysed; the message is in Romanian."""


def _field(item: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = item.get(name)
    if value is None:
        if required:
            raise BadLine(f"lipsește câmpul «{name}»")
        return None
    if not isinstance(value, str):
        raise BadLine(f"câmpul «{name}» trebuie să fie text")
    return value


def analyze_line(line: str, profile: Profile) -> dict[str, Any]:
    """One input JSON line -> the output object; raises BadLine with the reason in Romanian."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"JSON invalid ({exc.msg}, coloana {exc.colno})") from exc
    if not isinstance(item, dict):
        raise BadLine("se aștepta un obiect JSON")
    if "id" not in item or not isinstance(item["id"], str | int) or isinstance(item["id"], bool):
        raise BadLine("lipsește câmpul «id» (text sau număr)")
    title = _field(item, "title", required=False) or ""
    text = _field(item, "text", required=True) or ""
    outlet_county = _field(item, "outlet_county", required=False)
    if outlet_county is not None:
        county = find_county(outlet_county)
        if county is None:
            raise BadLine(f"județ necunoscut în «outlet_county»: {outlet_county!r}")
        outlet_county = county.name
    published_raw = _field(item, "published", required=False)
    published: date | None = None
    if published_raw is not None:
        try:
            published = date.fromisoformat(published_raw[:10])
        except ValueError as exc:
            raise BadLine(f"dată invalidă în «published»: {published_raw!r} (format AAAA-LL-ZZ)") from exc
    result = analyze(title, text, profile, outlet_county=outlet_county, published=published)
    return {"id": item["id"], **to_json(result)}


def to_json(result: Analysis) -> dict[str, Any]:
    """The stable output shape of one analysis (the evaluation harness reads it)."""
    return {
        "mentions": [
            {
                "target": m.target,
                "count": m.count,
                "prominence": m.prominence,
                "tone": m.tone,
                "score": m.score,
                "confidence": m.confidence,
                "evidence": list(m.evidence),
            }
            for m in result.mentions
        ],
        "topics": [hit.topic for hit in result.topics],
    }


def run(source: IO[str], sink: IO[str], profile: Profile, errors: IO[str]) -> int:
    """Analyse every line of `source` into `sink`, in order; returns how many lines were bad."""
    bad = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            output = analyze_line(line, profile)
        except BadLine as exc:
            bad += 1
            errors.write(f"linia {number}: {exc}\n")
            continue
        sink.write(json.dumps(output, ensure_ascii=False) + "\n")
        sink.flush()
    return bad


_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@cli.command("analyze")
@click.option(
    "--profile",
    "profile_ref",
    required=True,
    metavar="P",
    help="Profilul de monitorizare: id-ul din pipelines/ (de exemplu alba) sau un fișier YAML.",
)
@click.option("--input", "input_path", type=_FILE, help="Fișier JSON lines cu articole (implicit: intrarea standard).")
@click.option(
    "--output",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Unde se scriu rezultatele, JSON lines (implicit: ieșirea standard).",
)
@click.pass_context
def analyze_command(ctx: click.Context, profile_ref: str, input_path: Path | None, output_path: Path | None) -> None:
    """Analizează articole (JSON lines): mențiunile fiecărei ținte, tonul față de ea și temele."""
    path = Path(profile_ref)
    profile = load_profile(path) if path.is_file() else resolve_profile(settings_of(ctx), profile_ref)[1]
    source = input_path.open(encoding="utf-8") if input_path else sys.stdin
    sink = output_path.open("w", encoding="utf-8") if output_path else sys.stdout
    try:
        bad = run(source, sink, profile, sys.stderr)
    finally:
        if input_path:
            source.close()
        if output_path:
            sink.close()
    if bad:
        click.echo(
            f"{bad} {'linie invalidă' if bad == 1 else 'linii invalide'}; celelalte au fost analizate.", err=True
        )
        sys.exit(1)
