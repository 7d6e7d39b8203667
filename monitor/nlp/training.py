"""Training the learned tone and topic layers: deterministic, from labelled rows; one command writes the files.

    .venv/bin/python -m monitor.nlp.training   # writes tone_model.json, tone_examples.json.gz, topic_model.json

The rows: the development split of the real-news corpus (tests/data/real/dev.jsonl, each row with its own
profile) and the authored development sets (tests/data/labelled.jsonl, dev_press.jsonl with pipelines/alba.yaml,
dev_cluj.jsonl with its profile). Never the real test split nor heldout.jsonl. Only (article, target) pairs the
mention finder finds are examples: the layer decides tone, not mentions. The examples' features ship with the
package (tone_examples.json.gz), so `monitor learn` can retrain with a profile's corrections where the labelled
rows are not installed. The topic layer learns from the same rows, every row of the real dev split included.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from monitor.config import Profile, load_profile
from monitor.nlp import tone_examples, topic_example
from monitor.nlp.learned import EXAMPLES_FILE, MODEL_FILE, ToneModel
from monitor.nlp.topic_model import MODEL_FILE as TOPIC_MODEL_FILE
from monitor.nlp.topic_model import TopicModel
from monitor.nlp.topics import package_topic_ids
from monitor.record import Tone

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
C = 0.3  # inverse regularisation, chosen by outlet-grouped cross-validation on the real dev split
# The shipped model is trained on the first rows of the real dev split. The rows added after (R-0525 to R-0583, then
# R-1002 on) are in the cross-validated figures, but a model trained on them too flips error-class cases of
# tests/test_tone.py (five with every row: the prefect criticising a mayor, read negative; the institution hiring
# without a contest, read neutral; a promise kept, read neutral ...) for no gain in cross-validation: they wait for
# features that keep those cases right. A change of the tone layer ships only when the dev split's cross-validated
# macro-F1 gains more than 0.02 (its bootstrap noise is about ±0.05).
SHIPPED_REAL_ROWS = 396
MIN_COUNT = 2  # a lemma feature must occur in this many examples
PRUNE = 0.02  # features whose every weight is smaller are dropped from the file (they change no decision)
Example = tuple[dict[str, float], Tone]
TopicExample = tuple[dict[str, float], frozenset[str]]
TOPIC_C = 0.5  # inverse regularisation of each topic's regression (0.1 to 2 cross-validate alike on the dev split)
# A topic the rules found is dropped below this probability (cross-validated topic F1 0.821 without dropping;
# 0.825, 0.831, 0.829, 0.829, 0.826 dropping below 0.05, 0.1, 0.15, 0.2, 0.3; every fold gains at 0.1).
TOPIC_DROP = 0.1
TOPIC_LEAST = 3  # a topic with fewer labelled articles is left to the rules
TOPIC_PRUNE = 0.1  # smaller weights are dropped (cross-validated topic F1: 0.823 keeping those over 0.02, 0.821)


def row_profile(row: dict[str, Any]) -> Profile:
    """The profile a real-news row is labelled against: its county's office holders at its date."""
    data = row["profile"]
    return Profile.model_validate({"id": "real", **{k: data[k] for k in ("institution", "county", "targets")}})


def read_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def examples(rows: Iterable[dict[str, Any]], profile: Profile | None = None) -> list[Example]:
    """(features, gold tone) of every labelled target the mention finder also finds."""
    found: list[Example] = []
    for row in rows:
        chosen = profile or row_profile(row)
        published = date.fromisoformat(row["published"][:10]) if row.get("published") else None
        features = tone_examples(
            row.get("title") or "", row["text"], chosen, outlet_county=row.get("outlet_county"), published=published
        )
        for target, label in sorted(row["expected"]["mentions"].items()):
            if target in features:
                found.append((features[target], Tone(label["tone"])))
    return found


def topic_examples(rows: Iterable[dict[str, Any]], profile: Profile | None = None) -> list[TopicExample]:
    """(features, gold topics) of every labelled row."""
    found: list[TopicExample] = []
    for row in rows:
        published = date.fromisoformat(row["published"][:10]) if row.get("published") else None
        features = topic_example(
            row.get("title") or "",
            row["text"],
            profile or row_profile(row),
            outlet_county=row.get("outlet_county"),
            published=published,
        )
        found.append((features, frozenset(row["expected"]["topics"])))
    return found


def _authored_sets() -> list[tuple[list[dict[str, Any]], Profile]]:
    alba = load_profile(REPO / "pipelines" / "alba.yaml")
    return [
        (read_rows(DATA / "labelled.jsonl"), alba),
        (read_rows(DATA / "dev_press.jsonl"), alba),
        (read_rows(DATA / "dev_cluj.jsonl"), load_profile(DATA / "profile_cluj.yaml")),
    ]


def authored_examples() -> list[Example]:
    """The authored development sets' examples, in a fixed order."""
    return [example for rows, profile in _authored_sets() for example in examples(rows, profile)]


def authored_topic_examples() -> list[TopicExample]:
    """The authored development sets' topic examples, in a fixed order."""
    return [example for rows, profile in _authored_sets() for example in topic_examples(rows, profile)]


def base_examples() -> list[Example]:
    """The package's training rows (see the module docstring), in a fixed order."""
    return authored_examples() + examples(read_rows(DATA / "real" / "dev.jsonl")[:SHIPPED_REAL_ROWS])


def base_topic_examples() -> list[TopicExample]:
    """The topic layer's training rows: the authored sets and the whole real dev split, in a fixed order."""
    return authored_topic_examples() + topic_examples(read_rows(DATA / "real" / "dev.jsonl"))


def dump_examples(data: Sequence[Example]) -> bytes:
    """The examples as gzip'd JSON (feature names once, then per example its tone and feature indexes)."""
    names = sorted({name for features, _ in data for name in features})
    index = {name: i for i, name in enumerate(names)}
    rows = [
        [
            tone.value,
            {str(index[n]): round(v, 3) for n, v in sorted(features.items()) if v != 1.0},
            sorted(index[n] for n, v in features.items() if v == 1.0),
        ]
        for features, tone in data
    ]
    text = json.dumps({"names": names, "rows": rows}, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), mtime=0)


def _design(rows: Sequence[dict[str, float]], words: tuple[str, ...]) -> tuple[dict[str, int], Any]:
    """The feature index and the dense matrix of `rows`: a word feature (a name starting with one of `words`)
    only when MIN_COUNT rows have it, every other feature always."""
    import numpy as np

    counts: dict[str, int] = {}
    for features in rows:
        for name in features:
            counts[name] = counts.get(name, 0) + 1
    vocabulary = sorted(name for name, n in counts.items() if n >= MIN_COUNT or not name.startswith(words))
    index = {name: i for i, name in enumerate(vocabulary)}
    matrix = np.zeros((len(rows), len(vocabulary)))
    for row, features in enumerate(rows):
        for name, value in features.items():
            if name in index:
                matrix[row, index[name]] = value
    return index, matrix


def fit(data: Sequence[Example], *, c: float = C, weights: Sequence[float] | None = None, note: str = "") -> ToneModel:
    """A multinomial logistic regression (lbfgs: deterministic) over the features seen MIN_COUNT times."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # training only: inference needs no scikit-learn

    index, matrix = _design([features for features, _ in data], ("s:", "e:", "t:", "l:", "b:", "a:"))
    labels = [tone.value for _, tone in data]
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(matrix, labels, sample_weight=None if weights is None else np.asarray(weights))
    classes = tuple(Tone(c) for c in model.classes_)
    kept = {
        name: tuple(float(w) for w in model.coef_[:, i])
        for name, i in index.items()
        if max(abs(float(w)) for w in model.coef_[:, i]) >= PRUNE
    }
    return ToneModel(classes, tuple(float(b) for b in model.intercept_), kept, note)


def fit_topics(data: Sequence[TopicExample], *, c: float = TOPIC_C, note: str = "") -> TopicModel:
    """One binary logistic regression (lbfgs, balanced classes: deterministic) per package topic with at least
    TOPIC_LEAST labelled articles, over the features seen MIN_COUNT times."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression  # training only

    index, matrix = _design([features for features, _ in data], ("t:", "w:"))
    bias: dict[str, float] = {}
    weights: dict[str, dict[str, float]] = {}
    for topic in package_topic_ids():
        labels = np.array([topic in topics for _, topics in data])
        if labels.sum() < TOPIC_LEAST:
            continue
        model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        model.fit(matrix, labels)
        bias[topic] = float(model.intercept_[0])
        for name, i in index.items():
            weight = float(model.coef_[0, i])
            if abs(weight) >= TOPIC_PRUNE:
                weights.setdefault(name, {})[topic] = weight
    ordered = {name: weights[name] for name in sorted(weights)}
    return TopicModel(bias, ordered, drop_below=TOPIC_DROP, trained_on=note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "monitor" / "data", help="folder of the model files")
    args = parser.parse_args(argv)
    data = base_examples()
    model = fit(data, note=f"{len(data)} examples: real dev split and the authored development sets")
    (args.output / MODEL_FILE).write_text(model.to_json() + "\n", encoding="utf-8")
    (args.output / EXAMPLES_FILE).write_bytes(dump_examples(data))
    print(f"{args.output / MODEL_FILE}: {len(model.weights)} features, {len(data)} examples")
    topic_data = base_topic_examples()
    topics = fit_topics(
        topic_data, note=f"{len(topic_data)} articles: real dev split and the authored development sets"
    )
    (args.output / TOPIC_MODEL_FILE).write_text(topics.to_json() + "\n", encoding="utf-8")
    print(f"{args.output / TOPIC_MODEL_FILE}: {len(topics.bias)} topics, {len(topics.weights)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
