"""The learned topic layer: it adds what the rules miss and drops only what it is nearly sure of, leaves a topic
the profile redefines to the office, shows its evidence as written, trains deterministically, ships a small file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from monitor.config import Profile, TopicOverride, load_profile
from monitor.nlp import analyze
from monitor.nlp.topic_model import MODEL_FILE, TopicModel, package_topic_model
from monitor.nlp.topics import package_topic_ids
from monitor.nlp.training import DATA, fit_topics, read_rows, topic_examples

REPO = Path(__file__).resolve().parent.parent
# A model written by hand: "sanatate" when the text speaks of a ward ("secție"), a word the taxonomy does not list.
WARD = TopicModel(bias={"sanatate": -3.0, "mediu": -3.0}, weights={"w:sectie": {"sanatate": 5.0}})
TITLE = "Vizită la Blaj"
TEXT = "Prefectul Horia Vlădescu a mers joi la secția de boli infecțioase. A discutat cu personalul secției."


@pytest.fixture(scope="module")
def alba() -> Profile:
    return load_profile(REPO / "pipelines" / "alba.yaml")


def _topics(profile: Profile, title: str, text: str, model: TopicModel) -> dict[str, tuple[str, ...]]:
    return {hit.topic: hit.terms for hit in analyze(title, text, profile, topic_model=model).topics}


def test_the_layer_adds_a_topic_the_rules_miss_with_the_words_as_written(alba: Profile) -> None:
    silent = TopicModel(bias={"sanatate": -3.0}, weights={})
    assert "sanatate" not in _topics(alba, TITLE, TEXT, silent)  # the rules alone do not see it
    found = _topics(alba, TITLE, TEXT, WARD)
    assert found["sanatate"] == ("secția",)  # the article's own spelling, diacritics kept
    assert "mediu" not in found  # a topic under its threshold is not added


def test_the_layer_drops_a_rule_topic_only_when_nearly_sure_and_never_the_offices(alba: Profile) -> None:
    title, text = "Cod roșu de inundații", "Apele au inundat zeci de gospodării. Prefectul a convocat comitetul."
    against = TopicModel(bias={"urgente": -50.0}, weights={})  # probability ~0
    doubtful = TopicModel(bias={"urgente": -1.0}, weights={})  # probability 0.27: under the threshold to add, kept
    assert "urgente" in _topics(alba, title, text, TopicModel(bias={}, weights={}))  # the rules find it
    assert "urgente" not in _topics(alba, title, text, against)
    assert "urgente" in _topics(alba, title, text, doubtful)
    own = alba.model_copy(
        update={"topics": (TopicOverride(id="urgente", label="Situații de urgență", terms=("inundații",)),)}
    )
    assert "urgente" in _topics(own, title, text, against)


def test_a_topic_the_profile_redefines_is_the_offices_alone(alba: Profile) -> None:
    own = alba.model_copy(update={"topics": (TopicOverride(id="sanatate", label="Sănătate", terms=("vaccinare",)),)})
    assert "sanatate" not in _topics(own, TITLE, TEXT, WARD)
    assert "sanatate" in _topics(alba, TITLE, TEXT, WARD)


def test_topic_training_is_deterministic_and_reads_back(alba: Profile) -> None:
    data = topic_examples(read_rows(DATA / "labelled.jsonl")[:90], alba)
    first, second = fit_topics(data, note="t").to_json(), fit_topics(data, note="t").to_json()
    assert first == second
    assert TopicModel.from_json(first).to_json() == first
    assert set(TopicModel.from_json(first).bias) <= set(package_topic_ids())


def test_the_shipped_topic_model_reads_back_to_its_own_bytes_and_is_small() -> None:
    text = resources.files("monitor.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    model = package_topic_model()
    assert model.to_json() == text.strip()
    assert set(model.bias) == set(package_topic_ids()) and len(model.weights) > 500
    assert len(text) < 400_000  # small enough to version


def test_the_shipped_layer_reads_an_emergency_told_without_taxonomy_terms(alba: Profile) -> None:
    title = "Noapte grea la Blaj"
    text = (
        "Prefectul Horia Vlădescu a convocat comitetul în timpul nopții. Zeci de localități au fost afectate, "
        "iar primarii au cerut ajutor.\n\nEchipele au lucrat în zonă până dimineață."
    )
    rules_only = TopicModel(bias={}, weights={})
    assert "urgente" not in _topics(alba, title, text, rules_only)
    assert "urgente" in {hit.topic for hit in analyze(title, text, alba).topics}
