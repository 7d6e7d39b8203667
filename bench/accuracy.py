"""Accuracy of `monitor analyze` on the hand-labelled sets in tests/data, printed side by side.

    .venv/bin/python -m bench.accuracy [--data tests/data/labelled.jsonl] [--profile pipelines/alba.yaml]
        [--heldout] [--worst 20]
    .venv/bin/python -m bench.accuracy --data tests/data/dev_cluj.jsonl --profile tests/data/profile_cluj.yaml
    .venv/bin/python -m bench.accuracy --real [--test] [--test2] [--officials]  # real news (bench/real.py)

Runs the real command (`python -m monitor analyze --profile P`) as a subprocess on the articles of each set
(the development set with `--profile`, the held-out set always with pipelines/alba.yaml), then scores its
output against the labels: mention precision/recall/F1 per (article, target) pair, tone accuracy, macro-F1
and confusion matrix on the pairs both expected and found, prominence accuracy, topic micro
precision/recall/F1, a per-target breakdown (targets read from each set's profile) and the worst errors of
the development set. The held-out set is scored in figures only: its texts and errors are not printed, so
that the engine is not tuned against it. A missing or failing command is reported, and whatever it did print is scored.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.config import load_profile

REPO = Path(__file__).resolve().parent.parent
LABELLED = REPO / "tests" / "data" / "labelled.jsonl"
HELDOUT = REPO / "tests" / "data" / "heldout.jsonl"
PROFILE = REPO / "pipelines" / "alba.yaml"
INPUT_FIELDS = ("id", "title", "text", "url", "outlet", "outlet_county", "published")
TONES = ("positive", "neutral", "negative")
GOALS = {"mention F1": 0.95, "tone macro-F1": 0.75, "topic micro-F1": 0.80}
TIMEOUT_S = 1800


@dataclass(frozen=True)
class Label:
    """What one article says (or should say) about one target."""

    tone: str
    prominence: str
    to_review: bool = False  # the engine's tone is «de verificat» (monitor.record.unsure)


@dataclass(frozen=True)
class Reading:
    """Mentions per target and topics of one article: the expected labels or the engine's output."""

    mentions: dict[str, Label]
    topics: frozenset[str]


@dataclass
class Run:
    """The engine's readings of one set, and what went wrong running it."""

    readings: dict[str, Reading]
    seconds: float
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Every figure for one set."""

    articles: int
    answered: int
    mentions: PRF
    topics: PRF
    tone_pairs: list[tuple[str, str]]
    prominence_hits: int
    per_target: dict[str, tuple[PRF, int, int]]  # target -> (mention PRF, tone hits, pairs)

    @property
    def tone_accuracy(self) -> float:
        return sum(e == g for e, g in self.tone_pairs) / len(self.tone_pairs) if self.tone_pairs else 0.0

    @property
    def tone_macro_f1(self) -> float:
        return sum(tone_prf(self.tone_pairs, tone).f1 for tone in TONES) / len(TONES)

    @property
    def prominence_accuracy(self) -> float:
        return self.prominence_hits / len(self.tone_pairs) if self.tone_pairs else 0.0


def tone_prf(pairs: list[tuple[str, str]], tone: str) -> PRF:
    """One-vs-rest counts of one tone class over (expected, got) pairs."""
    return PRF(
        tp=sum(e == tone and g == tone for e, g in pairs),
        fp=sum(e != tone and g == tone for e, g in pairs),
        fn=sum(e == tone and g != tone for e, g in pairs),
    )


def load_items(path: Path) -> list[dict[str, Any]]:
    """The labelled items of a JSON-lines file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def read_expected(item: dict[str, Any]) -> Reading:
    """The labels of one item."""
    expected = item["expected"]
    mentions = {t: Label(v["tone"], v["prominence"]) for t, v in expected["mentions"].items()}
    return Reading(mentions, frozenset(expected["topics"]))


def read_output(line: dict[str, Any], problems: list[str]) -> Reading:
    """One output line of `monitor analyze`; anomalies are noted in `problems`."""
    mentions: dict[str, Label] = {}
    for mention in line.get("mentions", []):
        target = mention.get("target")
        if target in mentions:
            problems.append(f"{line.get('id')}: target {target} appears twice in the output")
            continue
        mentions[str(target)] = Label(str(mention.get("tone")), str(mention.get("prominence")))
    return Reading(mentions, frozenset(line.get("topics", [])))


def run_analyze(items: list[dict[str, Any]], profile: Path) -> Run:
    """Feed the articles to the real `monitor analyze` command and collect its readings by id."""
    stdin = "".join(json.dumps({k: item[k] for k in INPUT_FIELDS}, ensure_ascii=False) + "\n" for item in items)
    command = [sys.executable, "-m", "monitor", "analyze", "--profile", str(profile)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, text=True, cwd=REPO, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return Run({}, time.perf_counter() - started, [f"monitor analyze did not finish in {TIMEOUT_S} s"])
    seconds = time.perf_counter() - started
    problems: list[str] = []
    if done.returncode != 0:
        tail = " | ".join(done.stderr.strip().splitlines()[-5:])
        problems.append(f"monitor analyze exited with {done.returncode}: {tail}")
    readings: dict[str, Reading] = {}
    for number, text in enumerate(done.stdout.splitlines(), start=1):
        try:
            line = json.loads(text)
        except json.JSONDecodeError:
            problems.append(f"output line {number} is not JSON: {text[:80]!r}")
            continue
        readings[str(line.get("id"))] = read_output(line, problems)
    missing = len({item["id"] for item in items} - set(readings))
    if missing:
        problems.append(f"{missing} of {len(items)} articles have no output line (scored as no mentions, no topics)")
    return Run(readings, seconds, problems)


def score(expected: dict[str, Reading], got: dict[str, Reading], targets: list[str]) -> Scores:
    """Compare the engine's readings with the labels."""
    empty = Reading({}, frozenset())
    mention_counts = Counter[str]()
    topic_counts = Counter[str]()
    per_target: dict[str, Counter[str]] = {t: Counter() for t in targets}
    tone_pairs: list[tuple[str, str]] = []
    prominence_hits = 0
    for article, want in expected.items():
        have = got.get(article, empty)
        for target in set(want.mentions) | set(have.mentions):
            outcome = (
                "tp"
                if target in want.mentions and target in have.mentions
                else ("fn" if target in want.mentions else "fp")
            )
            mention_counts[outcome] += 1
            per_target.setdefault(target, Counter())[outcome] += 1
            if outcome == "tp":
                w, h = want.mentions[target], have.mentions[target]
                tone_pairs.append((w.tone, h.tone))
                prominence_hits += w.prominence == h.prominence
                per_target[target]["tone_pairs"] += 1
                per_target[target]["tone_hits"] += w.tone == h.tone
        topic_counts["tp"] += len(want.topics & have.topics)
        topic_counts["fp"] += len(have.topics - want.topics)
        topic_counts["fn"] += len(want.topics - have.topics)
    return Scores(
        articles=len(expected),
        answered=sum(article in got for article in expected),
        mentions=PRF(mention_counts["tp"], mention_counts["fp"], mention_counts["fn"]),
        topics=PRF(topic_counts["tp"], topic_counts["fp"], topic_counts["fn"]),
        tone_pairs=tone_pairs,
        prominence_hits=prominence_hits,
        per_target={
            t: (PRF(c["tp"], c["fp"], c["fn"]), c["tone_hits"], c["tone_pairs"]) for t, c in per_target.items()
        },
    )


def list_errors(expected: dict[str, Reading], got: dict[str, Reading]) -> list[tuple[int, str, str, str]]:
    """(severity, article, expected, got) for every wrong label, the worst first."""
    empty = Reading({}, frozenset())
    errors: list[tuple[int, str, str, str]] = []
    for article, want in expected.items():
        have = got.get(article, empty)
        for target in sorted(set(want.mentions) | set(have.mentions)):
            w, h = want.mentions.get(target), have.mentions.get(target)
            if w is None and h is not None:
                errors.append((0, article, f"{target}: no mention", f"{target}: {h.tone}/{h.prominence}"))
            elif w is not None and h is None:
                errors.append((0, article, f"{target}: {w.tone}/{w.prominence}", f"{target}: missed"))
            elif w is not None and h is not None and w.tone != h.tone:
                severity = 1 if "neutral" not in (w.tone, h.tone) else 2
                errors.append((severity, article, f"{target}: tone {w.tone}", f"{target}: tone {h.tone}"))
            elif w is not None and h is not None and w.prominence != h.prominence:
                errors.append((4, article, f"{target}: {w.prominence}", f"{target}: {h.prominence}"))
        if want.topics != have.topics:
            errors.append((3, article, "topics " + ",".join(sorted(want.topics)), ",".join(sorted(have.topics))))
    return sorted(errors)


def print_report(names: list[str], scores: list[Scores], runs: list[Run]) -> None:
    """The side-by-side table, confusion matrices and per-target breakdown."""
    width = 14
    header = f"{'':32}" + "".join(f"{name:>{width}}" for name in names) + f"{'goal':>{width}}"
    print(header)
    print("-" * len(header))

    def row(label: str, values: list[str], goal: str = "") -> None:
        print(f"{label:32}" + "".join(f"{v:>{width}}" for v in values) + f"{goal:>{width}}")

    row("articles (answered)", [f"{s.articles} ({s.answered})" for s in scores])
    row("analyze wall time, s", [f"{r.seconds:.1f}" for r in runs])
    row("mention precision", [f"{s.mentions.precision:.3f}" for s in scores])
    row("mention recall", [f"{s.mentions.recall:.3f}" for s in scores])
    row("mention F1", [f"{s.mentions.f1:.3f}" for s in scores], f">= {GOALS['mention F1']:.2f}")
    row("  pairs tp / fp / fn", [f"{s.mentions.tp}/{s.mentions.fp}/{s.mentions.fn}" for s in scores])
    row("tone macro-F1 (found pairs)", [f"{s.tone_macro_f1:.3f}" for s in scores], f">= {GOALS['tone macro-F1']:.2f}")
    row("tone accuracy", [f"{s.tone_accuracy:.3f}" for s in scores])
    for tone in TONES:
        row(f"  F1 {tone}", [f"{tone_prf(s.tone_pairs, tone).f1:.3f}" for s in scores])
    row("prominence accuracy", [f"{s.prominence_accuracy:.3f}" for s in scores])
    row("topic precision (micro)", [f"{s.topics.precision:.3f}" for s in scores])
    row("topic recall (micro)", [f"{s.topics.recall:.3f}" for s in scores])
    row("topic F1 (micro)", [f"{s.topics.f1:.3f}" for s in scores], f">= {GOALS['topic micro-F1']:.2f}")

    for name, s in zip(names, scores, strict=True):
        print(f"\nTone confusion, {name} (rows expected, columns found; {len(s.tone_pairs)} pairs):")
        print(f"{'':12}" + "".join(f"{t:>10}" for t in TONES))
        for e in TONES:
            print(f"{e:12}" + "".join(f"{sum(p == (e, g) for p in s.tone_pairs):>10}" for g in TONES))

    print("\nPer target: mention P / R / F1, tone accuracy (pairs)")
    for target in dict.fromkeys(t for s in scores for t in s.per_target):
        cells = []
        for s in scores:
            prf, hits, pairs = s.per_target.get(target, (PRF(0, 0, 0), 0, 0))
            tone = f"{hits / pairs:.2f}" if pairs else "-"
            cells.append(f"{prf.precision:.2f}/{prf.recall:.2f}/{prf.f1:.2f} tone {tone} ({pairs})")
        print(f"  {target:18}" + "   ".join(f"{name}: {cell}" for name, cell in zip(names, cells, strict=True)))

    for name, run in zip(names, runs, strict=True):
        for problem in run.problems[:10]:
            print(f"! {name}: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=LABELLED, help="labelled JSON lines (development set)")
    parser.add_argument("--heldout", action="store_true", help="also score tests/data/heldout.jsonl, figures only")
    parser.add_argument("--profile", type=Path, default=PROFILE, help="profile the --data set is labelled against")
    parser.add_argument("--worst", type=int, default=25, help="how many errors of the development set to list")
    parser.add_argument("--real", action="store_true", help="real news: tests/data/real/dev.jsonl (see bench/real.py)")
    parser.add_argument("--test", action="store_true", help="with --real: also the frozen test split, figures only")
    parser.add_argument(
        "--test2",
        action="store_true",
        help="with --real: also the second frozen test split (outlets of neither split), figures only",
    )
    parser.add_argument("--learning", action="store_true", help="with --real: simulate learning from corrections")
    parser.add_argument(
        "--officials", action="store_true", help="with --real: also the articles about other officials (development)"
    )
    parser.add_argument(
        "--agreement", action="store_true", help="with --real: a second reading of 160 dev rows against the gold"
    )
    args = parser.parse_args(argv)
    if args.real:
        from bench import real

        dev = real.load("dev")
        engine = real.report("real dev, 5-fold cross-validated by outlet", dev, worst=args.worst, cross_validate=True)
        if args.agreement:
            real.agreement(dev, engine)
        if args.learning:
            real.learning_curve(dev)
        if args.officials:
            real.report("other officials (development, out of domain)", real.load("officials"), worst=args.worst)
        if args.test:
            real.report("real test (frozen; errors not listed)", real.load("test"), worst=0)
        if args.test2:
            real.report("real test 2 (frozen 2026-12-05; errors not listed)", real.load("test2"), worst=0)
        return 0

    sets = [(args.data.stem, args.data, args.profile)] + ([("held-out", HELDOUT, PROFILE)] if args.heldout else [])
    names, all_scores, runs = [], [], []
    expected_dev: dict[str, Reading] = {}
    for name, path, profile in sets:
        items = load_items(path)
        expected = {item["id"]: read_expected(item) for item in items}
        run = run_analyze(items, profile)
        names.append(name)
        targets = [target.id for target in load_profile(profile).targets]
        all_scores.append(score(expected, run.readings, targets))
        runs.append(run)
        if not expected_dev:
            expected_dev = expected
    print("Accuracy of `monitor analyze` (shared, noisy machine: wall times are indicative only)\n")
    print_report(names, all_scores, runs)

    errors = list_errors(expected_dev, runs[0].readings)
    kinds = Counter(severity for severity, *_ in errors)
    print(
        f"\nErrors on {names[0]}: {kinds[0]} mention, {kinds[1]} opposite tone, {kinds[2]} tone vs neutral, "
        f"{kinds[3]} topic sets, {kinds[4]} prominence. Worst {min(args.worst, len(errors))}:"
    )
    for _, article, want, have in errors[: args.worst]:
        print(f"  {article:7} expected {want:42} got {have}")
    if args.heldout:
        print("\n(held-out errors are not listed on purpose: do not tune the engine against that set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
