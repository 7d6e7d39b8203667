"""Accuracy on real Romanian news (tests/data/real/), side by side with two baselines, with 95% bootstrap intervals.

    .venv/bin/python -m bench.accuracy --real            # dev split: figures and the worst errors
    .venv/bin/python -m bench.accuracy --real --test     # adds the frozen test split, figures only

Path driven: `nlp.analyze`, what `monitor analyze` runs for every input line and the daemon's analysis stage
for every article and profile, with the row's own profile: the real office holders of its county at its date.
The dev split is read by cross-validation (outlet-grouped folds, each model trained without the fold's outlets,
as `monitor.nlp.training` trains): the package model was trained on the whole dev split, so its in-sample
figures would say nothing. The test split is read by the package model, which never saw it. Baselines, scored
on the same (article, target) pairs: answering "neutral" every time, and a 30-word keyword list over the title
and text.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.accuracy import PRF, TONES, Label, Reading, list_errors, read_expected, tone_prf
from monitor.nlp import analyze, training
from monitor.nlp.learned import ToneModel
from monitor.nlp.topic_model import TopicModel
from monitor.nlp.training import row_profile as profile_of
from monitor.text import search_key

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
GOALS = {"tone macro-F1": 0.75, "tone accuracy": 0.80, "mention F1": 0.97, "topic micro-F1": 0.85}
BOOTSTRAP = 1000
# The keyword baseline: a list a press officer might write in five minutes.
_NEGATIVE = (
    "acuz",
    "critic",
    "scandal",
    "demisi",
    "dna",
    "ancheta",
    "protest",
    "nemultum",
    "abuz",
    "ilegal",
    "revolt",
    "cozi",
    "coada",
    "esec",
    "bataie de joc",
    "dezastru",
)
_POSITIVE = (
    "felicit",
    "multum",
    "lauda",
    "succes",
    "aprecie",
    "premi",
    "decorat",
    "recunoastere",
    "bravo",
    "merit",
    "onoare",
    "sprijin",
    "reusit",
    "multumire",
)


def analyse(
    rows: list[dict[str, Any]], model: ToneModel | None = None, topic_model: TopicModel | None = None
) -> dict[str, Reading]:
    """The engine's reading of every row, through `nlp.analyze` (what `monitor analyze` and the daemon run),
    with the package's models or `model` and `topic_model`."""
    readings: dict[str, Reading] = {}
    for row in rows:
        result = analyze(
            row["title"],
            row["text"],
            profile_of(row),
            outlet_county=row["outlet_county"],
            published=date.fromisoformat(row["published"][:10]),
            model=model,
            topic_model=topic_model,
        )
        readings[row["id"]] = Reading(
            {m.target: Label(m.tone.value, m.prominence.value, m.to_review) for m in result.mentions},
            frozenset(topic.topic for topic in result.topics),
        )
    return readings


def cross_validated(rows: list[dict[str, Any]], folds: int = 5) -> dict[str, Reading]:
    """The dev split read by models that never saw the row's outlet: outlet-grouped folds, each model (tone and
    topics) trained on the other folds and the authored sets exactly as `monitor.nlp.training` trains the package's."""
    authored, authored_topics = training.authored_examples(), training.authored_topic_examples()
    fold_of = {row["id"]: int(hashlib.sha1(row["outlet"].encode()).hexdigest(), 16) % folds for row in rows}
    in_fold = {k: [row for row in rows if fold_of[row["id"]] == k] for k in range(folds)}
    examples = {k: training.examples(in_fold[k]) for k in range(folds)}
    topic_examples = {k: training.topic_examples(in_fold[k]) for k in range(folds)}
    readings: dict[str, Reading] = {}
    for k in range(folds):
        model = training.fit(authored + [e for j in range(folds) if j != k for e in examples[j]])
        topics = training.fit_topics(authored_topics + [e for j in range(folds) if j != k for e in topic_examples[j]])
        readings.update(analyse(in_fold[k], model, topics))
    return readings


def keyword_tone(row: dict[str, Any]) -> str:
    key = search_key(f"{row['title']} {row['text']}")
    negative = sum(key.count(word) for word in _NEGATIVE)
    positive = sum(key.count(word) for word in _POSITIVE)
    return "negative" if negative > positive else "positive" if positive > negative else "neutral"


def baseline(
    expected: dict[str, Reading], rows: dict[str, dict[str, Any]], rule: Callable[[dict[str, Any]], str]
) -> dict[str, Reading]:
    """A baseline reading: the gold mentions (baselines are scored on tone only), one tone per article."""
    return {
        key: Reading({t: Label(rule(rows[key]), label.prominence) for t, label in want.mentions.items()}, frozenset())
        for key, want in expected.items()
    }


@dataclass(frozen=True)
class Figures:
    tone_macro_f1: float
    tone_accuracy: float
    mention_f1: float
    topic_f1: float
    pairs: int


def figures(expected: dict[str, Reading], got: dict[str, Reading], keys: list[str]) -> Figures:
    """Tone on the pairs both labelled and found; mention and topic F1 over every article in `keys`."""
    empty = Reading({}, frozenset())
    pairs: list[tuple[str, str]] = []
    mentions = topics = (0, 0, 0)
    for key in keys:
        want, have = expected[key], got.get(key, empty)
        both = set(want.mentions) & set(have.mentions)
        pairs += [(want.mentions[t].tone, have.mentions[t].tone) for t in both]
        mentions = (
            mentions[0] + len(both),
            mentions[1] + len(set(have.mentions) - set(want.mentions)),
            mentions[2] + len(set(want.mentions) - set(have.mentions)),
        )
        topics = (
            topics[0] + len(want.topics & have.topics),
            topics[1] + len(have.topics - want.topics),
            topics[2] + len(want.topics - have.topics),
        )
    macro = sum(tone_prf(pairs, tone).f1 for tone in TONES) / len(TONES)
    accuracy = sum(e == g for e, g in pairs) / len(pairs) if pairs else 0.0
    return Figures(macro, accuracy, PRF(*mentions).f1, PRF(*topics).f1, len(pairs))


def interval(expected: dict[str, Reading], got: dict[str, Reading], pick: Callable[[Figures], float]) -> str:
    """The figure and its 95% bootstrap interval, resampling articles (seeded: the same every run)."""
    keys = sorted(expected)
    rng = random.Random(20261204)
    samples = sorted(pick(figures(expected, got, rng.choices(keys, k=len(keys)))) for _ in range(BOOTSTRAP))
    low, high = samples[int(0.025 * BOOTSTRAP)], samples[int(0.975 * BOOTSTRAP) - 1]
    return f"{pick(figures(expected, got, keys)):.3f} [{low:.2f}, {high:.2f}]"


def load(name: str) -> list[dict[str, Any]]:
    return training.read_rows(REAL / f"{name}.jsonl")


def report(name: str, rows: list[dict[str, Any]], *, worst: int, cross_validate: bool = False) -> dict[str, Reading]:
    """Print the side-by-side figures of one split; its worst errors unless it is the test split. Returns the
    engine's readings."""
    by_id = {row["id"]: row for row in rows}
    expected = {row["id"]: read_expected(row) for row in rows}
    engine = cross_validated(rows) if cross_validate else analyse(rows)
    columns = {
        "engine": engine,
        "always neutral": baseline(expected, by_id, lambda row: "neutral"),
        "keyword list": baseline(expected, by_id, keyword_tone),
    }
    counts = [label.tone for want in expected.values() for label in want.mentions.values()]
    print(
        f"\n== {name}: {len(rows)} articles, {len(counts)} gold mentions "
        f"({', '.join(f'{counts.count(t)} {t}' for t in TONES)}), {len({r['outlet'] for r in rows})} outlets"
    )
    width = 24
    print(f"{'':22}" + "".join(f"{c:>{width}}" for c in columns) + f"{'goal':>10}")
    metrics: list[tuple[str, Callable[[Figures], float], bool]] = [
        ("tone macro-F1", lambda f: f.tone_macro_f1, True),
        ("tone accuracy", lambda f: f.tone_accuracy, True),
        ("mention F1", lambda f: f.mention_f1, False),
        ("topic micro-F1", lambda f: f.topic_f1, False),
    ]
    for label, pick, for_baselines in metrics:
        cells = [
            interval(expected, got, pick) if for_baselines or column == "engine" else "-"
            for column, got in columns.items()
        ]
        print(f"{label:22}" + "".join(f"{c:>{width}}" for c in cells) + f"{'>= ' + str(GOALS[label]):>10}")
    pairs = [
        (expected[k].mentions[t].tone, engine[k].mentions[t].tone)
        for k in expected
        for t in set(expected[k].mentions) & set(engine[k].mentions)
    ]
    print(f"tone confusion, engine (rows expected, columns found; {len(pairs)} pairs):")
    print(f"{'':12}" + "".join(f"{t:>10}" for t in TONES))
    for e in TONES:
        print(f"{e:12}" + "".join(f"{sum(p == (e, g) for p in pairs):>10}" for g in TONES))
    review(expected, engine)
    if worst:
        errors = list_errors(expected, engine)
        print(f"worst {min(worst, len(errors))} of {len(errors)} errors:")
        for _, article, want, have in errors[:worst]:
            print(f"  {article:8} expected {want:40} got {have}   {by_id[article]['title'][:70]}")
    return engine


def agreement(rows: list[dict[str, Any]], engine: dict[str, Reading]) -> None:
    """A second reading of a sample of the dev split (second_reading.jsonl: 160 rows drawn at random, read against
    GUIDE.md by readers shown neither the gold labels nor the engine's) scored against the gold labels, beside
    the engine on the same (article, target) pairs: how consistent the labels are, so how far a reader gets."""
    second = {row["id"]: row["tones"] for row in training.read_rows(REAL / "second_reading.jsonl")}
    expected = {row["id"]: read_expected(row) for row in rows if row["id"] in second}
    reader = {
        key: Reading({t: Label(tone, want.mentions[t].prominence) for t, tone in second[key].items()}, want.topics)
        for key, want in expected.items()
    }
    pairs = sum(len(tones) for tones in second.values())
    print(f"\n== agreement: a second reading of {len(expected)} dev articles ({pairs} gold mentions) against the gold")
    for label, got in (("second reader", reader), ("engine, cross-validated", engine)):
        macro = interval(expected, got, lambda f: f.tone_macro_f1)
        print(f"  {label:24} tone macro-F1 {macro}, accuracy {interval(expected, got, lambda f: f.tone_accuracy)}")


def reviewed(expected: dict[str, Reading], engine: dict[str, Reading]) -> dict[str, Reading]:
    """The engine's reading once the press office has corrected every tone flagged «de verificat»."""
    return {
        key: Reading(
            {
                target: Label(expected[key].mentions[target].tone, label.prominence)
                if label.to_review and target in expected[key].mentions
                else label
                for target, label in reading.mentions.items()
            },
            reading.topics,
        )
        for key, reading in engine.items()
    }


def review(expected: dict[str, Reading], engine: dict[str, Reading]) -> None:
    """How many tones are flagged «de verificat», how many of the tone errors they hold, and the tone figures once
    the office has corrected them: what the digest, the alerts and the report rest on after the daily check."""
    pairs = [
        (expected[k].mentions[t].tone, label.tone, label.to_review)
        for k, reading in engine.items()
        for t, label in reading.mentions.items()
        if t in expected[k].mentions
    ]
    flagged = [p for p in pairs if p[2]]
    errors = sum(want != have for want, have, _ in pairs)
    caught = sum(want != have for want, have, _ in flagged)
    print(
        f"«de verificat»: {len(flagged)} of {len(pairs)} tones ({len(flagged) / len(pairs):.0%}); {caught} of them "
        f"wrong, {caught / max(errors, 1):.0%} of the {errors} tone errors"
    )
    after = reviewed(expected, engine)
    print(
        f"once the office corrects them: tone macro-F1 {interval(expected, after, lambda f: f.tone_macro_f1)}, "
        f"accuracy {interval(expected, after, lambda f: f.tone_accuracy)}"
    )


def learning_curve(rows: list[dict[str, Any]], steps: tuple[float, ...] = (0.1, 0.2, 0.4), folds: int = 5) -> None:
    """A press officer who corrects the first 10%, 20%, 40% of a county's mentions, in date order: tone accuracy on
    that county's remaining mentions (those after the first 40%, the same for every step) beside no learning.

    Drives `monitor.archive.learning`'s recipe (`training.fit` over the base examples plus the corrections weighted
    CORRECTION_WEIGHT). The base leaves out the county's fold (counties in 5 folds), so nothing is seen twice."""
    from monitor.archive.learning import CORRECTION_WEIGHT

    fold_of = {
        row["profile"]["county"]: int(hashlib.sha1(row["profile"]["county"].encode()).hexdigest(), 16) % folds
        for row in rows
    }
    authored = training.authored_examples()
    hits = {step: 0 for step in (0.0, *steps)}
    total = 0
    counties_used = 0
    for k in range(folds):
        base = authored + training.examples([row for row in rows if fold_of[row["profile"]["county"]] != k])
        base_model = training.fit(base)
        for county in sorted(c for c, f in fold_of.items() if f == k):
            ordered = sorted(
                (row for row in rows if row["profile"]["county"] == county), key=lambda r: (r["published"], r["id"])
            )
            examples = training.examples(ordered)
            if len(examples) < 8:
                continue
            counties_used += 1
            rest = examples[round(max(steps) * len(examples)) :]
            total += len(rest)
            hits[0.0] += sum(base_model.predict(f).tone == gold for f, gold in rest)
            for step in steps:
                corrected = examples[: round(step * len(examples))]
                model = training.fit(base + corrected, weights=[1.0] * len(base) + [CORRECTION_WEIGHT] * len(corrected))
                hits[step] += sum(model.predict(f).tone == gold for f, gold in rest)
    print(f"\n== learning from corrections (real dev, {counties_used} counties, {total} later mentions scored)")
    for step, hit in hits.items():
        label = "no learning" if step == 0.0 else f"first {step:.0%} corrected"
        print(f"  {label:22} tone accuracy on the rest {hit / total:.3f}")
