"""The `monitor analyze` command: JSON lines in and out, in order, errors per line on stderr (a stable contract)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli

REPO = Path(__file__).resolve().parent.parent
PROFILE = str(REPO / "pipelines" / "alba.yaml")

ARTICLES = [
    {
        "id": "a1",
        "title": "Prefectul Horia Vlădescu, criticat de sindicaliști",
        "text": "Sindicaliștii au cerut demisia prefectului Horia Vlădescu.\n\nProtestul a durat două ore.",
        "url": "https://example.ro/a1",
        "outlet": "ziarul-unirea",
        "outlet_county": "Alba",
        "published": "2026-03-10",
    },
    {"id": 2, "title": "Vremea", "text": "Mâine va ploua în tot județul."},
    {
        "id": "a3",
        "title": "Prefectul a convocat CJSU",
        "text": "Inundațiile au afectat 40 de case. Prefectul a convocat comitetul pentru situații de urgență.",
        "outlet_county": "Alba",
        "published": "2023-04-01T08:00:00+03:00",
    },
]


def lines(*items: object) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)) + "\n" for item in items)


def test_analyze_reads_stdin_and_writes_one_line_per_article_in_order() -> None:
    result = CliRunner().invoke(cli, ["analyze", "--profile", PROFILE], input=lines(*ARTICLES))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item["id"] for item in out] == ["a1", 2, "a3"]
    first = out[0]
    assert set(first) == {"id", "mentions", "topics"}
    [mention] = first["mentions"]
    assert set(mention) == {"target", "count", "prominence", "tone", "score", "confidence", "evidence"}
    assert (mention["target"], mention["prominence"], mention["tone"]) == ("prefect", "title", "negative")
    assert mention["count"] == 2
    assert -1 <= mention["score"] < 0
    assert mention["evidence"]
    assert out[1] == {"id": 2, "mentions": [], "topics": []}  # a target not mentioned is absent
    assert [m["target"] for m in out[2]["mentions"]] == ["prefect-anterior"]  # 2023: the former prefect
    assert "urgente" in out[2]["topics"]
    assert "Vlădescu" in result.stdout  # ensure_ascii=False: diacritics as they are


def test_bad_lines_are_reported_with_their_number_and_the_rest_is_analysed(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    target = tmp_path / "out.jsonl"
    source.write_text(
        lines(
            ARTICLES[0],
            "{not json",
            {"id": "x", "title": "fără text"},
            "",
            ["o", "listă"],
            {"id": "d", "text": "Ceva.", "published": "ieri"},
            {"id": "c", "text": "Ceva.", "outlet_county": "Atlantida"},
            ARTICLES[1],
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["analyze", "--profile", PROFILE, "--input", str(source), "--output", str(target)])
    assert result.exit_code == 1
    errors = result.stderr
    assert "linia 2: JSON invalid" in errors
    assert "linia 3: lipsește câmpul «text»" in errors
    assert "linia 5: se aștepta un obiect JSON" in errors
    assert "linia 6: dată invalidă în «published»" in errors
    assert "linia 7: județ necunoscut" in errors
    assert "5 linii invalide" in errors
    written = [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()]
    assert written == ["a1", 2]
    assert result.stdout == ""


def test_an_invalid_profile_stops_with_a_romanian_message(tmp_path: Path) -> None:
    profile = tmp_path / "rau.yaml"
    profile.write_text("institution: X\ncounty: Atlantida\ntargets: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyze", "--profile", str(profile)], input=lines(ARTICLES[1]))
    assert result.exit_code == 1
    assert "Configurație invalidă" in result.stderr
    assert "județ necunoscut" in result.stderr


def test_analyze_has_help_in_romanian() -> None:
    result = CliRunner().invoke(cli, ["analyze", "--help"])
    assert result.exit_code == 0
    assert "--profile" in result.output
    assert "JSON lines" in result.output


def test_the_installed_command_runs_as_a_real_process(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(lines(ARTICLES[0], "{rău"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "analyze", "--profile", PROFILE, "--input", str(source)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "", "LC_ALL": "C"},
        check=False,
    )
    assert done.returncode == 1
    [line] = done.stdout.decode("utf-8").splitlines()
    assert json.loads(line)["mentions"][0]["target"] == "prefect"
    assert "linia 2" in done.stderr.decode("utf-8")
