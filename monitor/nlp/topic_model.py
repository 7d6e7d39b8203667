"""The learned layer over the topic rules: one small logistic regression per package topic, read from a JSON file.

The rules (`topics.find_topics`) find a topic from its terms; on real news they miss topics an article is about in
words the taxonomy does not list (a flood told through «sinistrați» and «pompieri», a hospital's troubles through
its staff), and find some that are only a passing subject. The layer adds a package topic the rules missed when
the article's words make it likely, and drops one they found when it is nearly sure the article is not about it:
features are the lemmas of the title (`t:`) and of the text (`w:`), and the topics the rules found (`rule:`). A
topic the profile defines itself is the office's alone. Trained by `monitor.nlp.training` with the tone layer;
inference is a sparse dot product and a sigmoid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from monitor.nlp.language import Parsed
from monitor.nlp.learned import model_json
from monitor.record import TopicHit

MODEL_FILE = "topic_model.json"
_SHORT = 2  # lemmas this short name no topic ("a", "de", "și")
_SHOWN = 3  # words shown as the evidence of a learned topic


def word_features(title: Parsed, text: Parsed) -> dict[str, float]:
    """The lemmas of an article's title and text, as the layer's features (the same for every profile)."""
    features: dict[str, float] = {}
    for prefix, parsed in (("t:", title), ("w:", text)):
        for token in parsed.tokens:
            if token.is_word and len(token.base) > _SHORT:
                features[prefix + token.base] = 1.0
    return features


def topic_features(words: Mapping[str, float], found: Iterable[str]) -> dict[str, float]:
    """The layer's features of one article: its `word_features` and the topics the rules found."""
    return {**words, **{f"rule:{topic}": 1.0 for topic in found}}


@dataclass(frozen=True, eq=False)
class TopicModel:
    """Per topic, a bias and the weights of its features; a topic is added at probability `threshold` or more,
    and one the rules found is dropped below `drop_below`."""

    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]  # feature -> topic -> weight (only the weights that matter)
    threshold: float = 0.5
    drop_below: float = 0.1
    trained_on: str = ""

    def scores(self, features: Mapping[str, float]) -> dict[str, float]:
        """The probability of every topic of the model for an article with `features`."""
        logits = dict(self.bias)
        for name, value in features.items():
            for topic, weight in self.weights.get(name, {}).items():
                logits[topic] += weight * value
        return {topic: 1.0 / (1.0 + math.exp(-logit)) for topic, logit in logits.items()}

    def revise(
        self,
        article: tuple[Parsed, Parsed, Mapping[str, float]],
        found: tuple[TopicHit, ...],
        redefined: frozenset[str],
    ) -> tuple[TopicHit, ...]:
        """`found` (the rules' topics) but those the model is nearly sure of the article is not about, then the
        topics it is sure of that the rules missed, likeliest first, each with the article's words that weigh most
        toward it, as written. `article`: the parsed title, text and their `word_features`; `redefined`: the
        topics the profile defines itself, which the model never touches."""
        title, text, words = article
        have = {hit.topic for hit in found}
        scores = self.scores(topic_features(words, have))
        kept = tuple(
            hit for hit in found if hit.topic in redefined or scores.get(hit.topic, self.drop_below) >= self.drop_below
        )
        added = sorted(
            (
                (probability, topic)
                for topic, probability in scores.items()
                if probability >= self.threshold and topic not in have and topic not in redefined
            ),
            reverse=True,
        )
        if not added:
            return kept
        written = _as_written(title, text)
        hits = []
        for _, topic in added:
            weighed = {name: self.weights.get(name, {}).get(topic, 0.0) for name in words}
            strongest = sorted((name for name, weight in weighed.items() if weight > 0), key=lambda n: (-weighed[n], n))
            shown = dict.fromkeys(written[name[2:]] for name in strongest)  # a title word may also be in the text
            hits.append(TopicHit(topic, tuple(shown)[:_SHOWN]))
        return (*kept, *hits)

    def to_json(self) -> str:
        """Deterministic text: sorted keys, rounded weights (the same data gives the same bytes)."""
        return model_json(
            {
                "bias": {topic: round(value, 3) for topic, value in self.bias.items()},
                "drop_below": self.drop_below,
                "threshold": self.threshold,
                "trained_on": self.trained_on,
                "weights": {
                    name: {topic: round(weight, 3) for topic, weight in row.items()}
                    for name, row in self.weights.items()
                },
            },
        )

    @classmethod
    def from_json(cls, text: str) -> TopicModel:
        data = json.loads(text)
        return cls(
            bias={str(topic): float(value) for topic, value in data["bias"].items()},
            weights={
                str(name): {str(topic): float(w) for topic, w in row.items()} for name, row in data["weights"].items()
            },
            threshold=float(data["threshold"]),
            drop_below=float(data["drop_below"]),
            trained_on=str(data.get("trained_on", "")),
        )


def _as_written(title: Parsed, text: Parsed) -> dict[str, str]:
    """Lemma key -> the word as first written in the article (the evidence a reader sees keeps its diacritics)."""
    written: dict[str, str] = {}
    for parsed in (title, text):
        for token in parsed.tokens:
            written.setdefault(token.base, token.text)
    return written


@cache
def package_topic_model() -> TopicModel:
    """The topic layer the package ships, trained on its labelled rows."""
    return TopicModel.from_json(resources.files("monitor.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))
