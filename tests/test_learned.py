"""The learned tone layer: deterministic training, the shipped model file, one test per error class of the
real-news review (our own short sentences, not the corpus), and the «de verificat» confidence."""

from __future__ import annotations

from datetime import date
from importlib import resources

import pytest

from monitor.config import Profile
from monitor.nlp import analyze, tone_examples
from monitor.nlp.learned import MODEL_FILE, ToneModel, package_model
from monitor.nlp.training import DATA, examples, fit, read_rows
from monitor.record import Tone

DAY = date(2025, 10, 1)


def _tone(profile: Profile, title: str, text: str, target: str) -> Tone:
    result = analyze(title, text, profile, outlet_county="Alba", published=DAY)
    found = {m.target: m for m in result.mentions}
    assert target in found, f"{target} not found in {title!r}"
    return found[target].tone


def test_training_is_deterministic(profile: Profile) -> None:
    rows = read_rows(DATA / "labelled.jsonl")[:80]
    data = examples(rows, profile)
    first, second = fit(data, note="t").to_json(), fit(data, note="t").to_json()
    assert first == second
    assert ToneModel.from_json(first).to_json() == first  # the file reads back to the same bytes


def test_the_shipped_model_reads_back_to_its_own_bytes() -> None:
    text = resources.files("monitor.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    model = package_model()
    assert model.to_json() == text.strip()
    assert set(model.classes) == set(Tone) and len(model.weights) > 100
    assert len(text) < 400_000  # small enough to version


def test_features_carry_the_rules_verdict_and_the_words_around_the_target(profile: Profile) -> None:
    features = tone_examples(
        "Prefectul, huiduit la Aiud", "Prefectul Horia Vlădescu a fost huiduit de localnici.", profile
    )
    names = set(features["prefect"])
    assert {"rule:negative", "rule:score", "role:prefect"} <= names
    assert any(name.startswith("t:") for name in names) and any(name.startswith("s:") for name in names)


@pytest.mark.parametrize(
    ("title", "text", "target", "tone"),
    [
        pytest.param(  # 1. the prefect acts on others: their negative words are not his
            "Prefectul Horia Vlădescu l-a sancționat pe directorul spitalului",
            "Prefectul județului Alba, Horia Vlădescu, l-a sancționat pe directorul Spitalului Județean, acuzat de "
            "neglijență și de nereguli grave în gestionarea fondurilor.",
            "prefect",
            Tone.NEUTRAL,
            id="actor",
        ),
        pytest.param(
            "Prefectul atacă în instanță hotărârea consiliului local din Blaj",
            "Instituția Prefectului – Județul Alba a atacat în contencios administrativ hotărârea ilegală a "
            "consiliului local din Blaj privind taxele. Prefectul Horia Vlădescu a explicat că hotărârea încalcă "
            "legea.",
            "prefect",
            Tone.NEUTRAL,
            id="actor-court",
        ),
        pytest.param(  # 2. an attack inside a quote
            "Oamenii, nervoși la coada de la pașapoarte",
            "„Prefectul să vină aici să vadă bătaia de joc!”, a strigat o femeie care aștepta de cinci ore la "
            "Serviciul de Pașapoarte din Alba Iulia. Prefectul Horia Vlădescu nu a comentat.",
            "prefect",
            Tone.NEGATIVE,
            id="quote",
        ),
        pytest.param(  # 3. thanks and honours given by others
            "Primarul i-a mulțumit prefectului pentru ajutorul din timpul inundațiilor",
            "Primarul comunei Sohodol i-a mulțumit prefectului Horia Vlădescu pentru sprijinul acordat în timpul "
            "inundațiilor. „Fără ajutorul domnului prefect nu reușeam”, a spus primarul.",
            "prefect",
            Tone.POSITIVE,
            id="thanks",
        ),
        pytest.param(
            "Prefectul județului Alba, decorat de Președinte",
            "Prefectul județului Alba, Horia Vlădescu, a fost decorat cu Ordinul Național Serviciul Credincios pentru "
            "modul în care a gestionat situația de urgență.",
            "prefect",
            Tone.POSITIVE,
            id="honour",
        ),
        pytest.param(  # 4. protocol words and appointment lists
            "Deschiderea anului școlar la Alba Iulia",
            "Prefectul Horia Vlădescu le-a urat bun venit elevilor și mult succes în noul an școlar. A fost o onoare "
            "să fiu alături de voi, a spus prefectul la festivitate.",
            "prefect",
            Tone.NEUTRAL,
            id="protocol",
        ),
        pytest.param(
            "Modificări la conducerea Prefecturii Alba",
            "Guvernul a decis eliberarea din funcție a subprefectei Ioana Câmpeanu. În locul ei a fost numit un nou "
            "subprefect.",
            "subprefect",
            Tone.NEUTRAL,
            id="appointment",
        ),
    ],
)
def test_error_classes(profile: Profile, title: str, text: str, target: str, tone: Tone) -> None:
    assert _tone(profile, title, text, target) == tone


def test_every_mention_has_a_confidence_and_an_unsure_one_is_to_review(profile: Profile) -> None:
    result = analyze(
        "Prefectul Horia Vlădescu l-a sancționat pe directorul spitalului",
        "Prefectul județului Alba, Horia Vlădescu, l-a sancționat pe directorul Spitalului Județean.",
        profile,
        outlet_county="Alba",
        published=DAY,
    )
    assert all(0.0 < m.confidence <= 1.0 for m in result.mentions)
    unsure = ToneModel((Tone.NEGATIVE, Tone.NEUTRAL, Tone.POSITIVE), (0.0, 0.01, 0.0), {})
    result = analyze(
        "Prefectul la Aiud", "Prefectul Horia Vlădescu a fost la Aiud.", profile, published=DAY, model=unsure
    )
    assert result.mentions[0].tone == Tone.NEUTRAL and result.mentions[0].confidence < 0.4


def test_features_say_what_the_rules_set_aside_and_what_they_rest_on(profile: Profile) -> None:
    """A term the rules give to someone else is «aside»; silence is its own manner; the words of the sentences the
    rules rest on are features of their own (`e:`)."""

    def features(text: str) -> dict[str, float]:
        return tone_examples("", text, profile, outlet_county="Alba", published=DAY)["prefect"]

    acting = features("Prefectul Horia Vlădescu l-a criticat dur pe primarul din Blaj, acuzat de nereguli.")
    assert acting["rule:neutral"] == 1.0 and acting["hit:neg:aside"] == 1.0
    assert not [name for name in acting if name.startswith("hit:neg:") and name != "hit:neg:aside"]
    silent = features("Prefectul Horia Vlădescu nu a răspuns la telefon.")
    assert "hit:neg:evasive:after" in silent
    judged = features(
        "Prefectul Horia Vlădescu a vizitat Blajul. Consilierii l-au criticat pe prefect pentru întârzieri."
    )
    assert judged["rule:negative"] == 1.0 and "e:intarziere" in judged and "e:vizita" not in judged
    assert "s:vizita" in judged  # every sentence that names the target, beside those the rules rest on
