"""The learned layer over the tone rules: a small multinomial logistic regression, read from a JSON file.

Features of one (article, target): the rules' verdict and score, the lemmas of the sentences that speak of the
target (`s:`), of those among them the rules took as their evidence (`e:`: the words that confirm or overturn the
rules' reading), of the title (`t:`) and of the lead (`l:`), quotation marks in those sentences, the target's
role, and the lexicon terms in its sentences by polarity, manner (aimed at someone, about whoever it describes,
silence, credit) and place, or «aside» when the rules gave the term to someone else. The weights are trained by
`monitor learn` (`monitor.nlp.training`) from labelled rows the package ships (`monitor/data/tone_model.json`)
and, per profile, from the press officer's corrections. Inference is a sparse dot product and a softmax: no
scikit-learn at run time.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from monitor.nlp.language import Parsed
from monitor.nlp.tone import Hit, Occurrence, ToneResult, find_hits, weighed_hits
from monitor.record import Tone

MODEL_FILE = "tone_model.json"
EXAMPLES_FILE = "tone_examples.json.gz"  # the features of the rows the package model was trained on
_QUOTES = frozenset('"„”“«»')
_NEAR = 6  # words on either side of a mention that get a side-specific feature
_SHORT = 2  # lemmas this short carry no tone ("a", "de", "și")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The learned layer's tone and how sure it is (the probability of that tone)."""

    tone: Tone
    confidence: float


@dataclass(frozen=True)
class ToneModel:
    """Weights per feature and class; `classes` in the order of every weight vector."""

    classes: tuple[Tone, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    trained_on: str = ""

    def predict(self, features: Mapping[str, float]) -> Verdict:
        scores = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for index, weight in enumerate(row):
                    scores[index] += weight * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        best = max(range(len(scores)), key=scores.__getitem__)
        return Verdict(self.classes[best], round(exps[best] / sum(exps), 3))

    def to_json(self) -> str:
        """Deterministic text: sorted keys, rounded weights (the same data gives the same bytes)."""
        return model_json(
            {
                "classes": [tone.value for tone in self.classes],
                "bias": [round(b, 3) for b in self.bias],
                "trained_on": self.trained_on,
                "weights": {name: [round(w, 3) for w in self.weights[name]] for name in sorted(self.weights)},
            },
        )

    @classmethod
    def from_json(cls, text: str) -> ToneModel:
        data = json.loads(text)
        return cls(
            classes=tuple(Tone(c) for c in data["classes"]),
            bias=tuple(float(b) for b in data["bias"]),
            weights={name: tuple(float(w) for w in row) for name, row in data["weights"].items()},
            trained_on=str(data.get("trained_on", "")),
        )

    @classmethod
    def load(cls, path: Path) -> ToneModel:
        return cls.from_json(path.read_text(encoding="utf-8"))


def model_json(data: Mapping[str, object]) -> str:
    """A model file's text: sorted keys, no spaces, letters as written (the same model gives the same bytes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


@cache
def package_model() -> ToneModel:
    """The model the package ships, trained on its labelled rows."""
    return ToneModel.from_json(resources.files("monitor.data").joinpath(MODEL_FILE).read_text(encoding="utf-8"))


@cache
def package_examples() -> tuple[tuple[dict[str, float], Tone], ...]:
    """The package model's training examples (features, tone), for retraining with a profile's corrections."""
    raw = resources.files("monitor.data").joinpath(EXAMPLES_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw))
    names = data["names"]
    return tuple(
        ({**{names[i]: 1.0 for i in ones}, **{names[int(i)]: v for i, v in values.items()}}, Tone(tone))
        for tone, values, ones in data["rows"]
    )


def _words(parsed: Parsed, first: int, last: int) -> Iterable[str]:
    tokens = parsed.tokens
    return (tokens[i].base for i in range(first, last) if tokens[i].is_word and len(tokens[i].base) > _SHORT)


def tone_features(
    title: Parsed, text: Parsed, occurrences: Sequence[Occurrence], rule: ToneResult, role: str
) -> dict[str, float]:
    """The features of one target in one article (binary lemma indicators, the rules' verdict)."""
    features: dict[str, float] = {f"rule:{rule.tone.value}": 1.0, "rule:score": rule.score, f"role:{role}": 1.0}
    seen: set[tuple[int, int]] = set()
    quotes = 0
    evidence = set(rule.evidence)
    for item in occurrences:
        place = (id(item.parsed), item.sentence)
        if place in seen:
            continue
        seen.add(place)
        sentence = item.parsed.sentences[item.sentence]
        quotes += sum(ch in _QUOTES for ch in sentence.text)
        start, end = item.mention
        prefixes = ("s:", "e:") if sentence.text in evidence else ("s:",)
        for word in _words(item.parsed, sentence.first_token, sentence.last_token):
            for prefix in prefixes:
                features[prefix + word] = 1.0
        # who does what to whom: what precedes the target acts on it; what follows is often its own act
        for word in _words(item.parsed, max(sentence.first_token, start - _NEAR), start):
            features["b:" + word] = 1.0
        for word in _words(item.parsed, end, min(sentence.last_token, end + _NEAR)):
            features["a:" + word] = 1.0
        for hit, weight in weighed_hits(item, sentence.first_token, sentence.last_token):
            if hit.term.weight:
                name = _hit_name(hit, "before" if hit.start < start else "after") if weight else _aside(hit)
                features[name] = 1.0
    for word in _words(title, 0, len(title.tokens)):
        features["t:" + word] = 1.0
    lead = next((i for i, token in enumerate(text.tokens) if token.start >= text.lead_end), len(text.tokens))
    for word in _words(text, 0, lead):
        features["l:" + word] = 1.0
    for hit in find_hits(title, 0, len(title.tokens)):
        if hit.term.weight:
            name = _hit_name(hit, "title")
            features[name] = 1.0
    if quotes:
        features["quotes"] = 1.0
    return features


def _aside(hit: Hit) -> str:
    """A lexicon hit the rules set aside: aimed at someone else, or the target's own act on others."""
    return f"hit:{'neg' if hit.term.weight < 0 else 'pos'}:aside"


def _hit_name(hit: Hit, where: str) -> str:
    """A lexicon hit as a feature: its polarity, its manner (aimed at somebody, silence ...), where it stands."""
    polarity = "neg" if hit.term.weight < 0 else "pos"
    return f"hit:{polarity}:{hit.term.manner}:{where}"
