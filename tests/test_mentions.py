"""Mentions of each target: names in every form, inflected roles, distractors, terms of office."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.config import Profile, load_profile
from monitor.nlp import analyze

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 10)  # the current prefect (Vlădescu) and subprefect (Câmpeanu) are in office


@pytest.fixture(scope="module")
def alba() -> Profile:
    return load_profile(REPO / "pipelines" / "alba.yaml")


def targets(profile: Profile, title: str, text: str, **kwargs: object) -> dict[str, int]:
    result = analyze(title, text, profile, published=kwargs.pop("published", TODAY), **kwargs)  # type: ignore[arg-type]
    return {m.target: m.count for m in result.mentions}


@pytest.mark.parametrize(
    "text",
    [
        "Horia Vlădescu a participat la ședință.",
        "Declarația lui Horia Vlădescu a venit ieri.",
        "HORIA VLĂDESCU A DEMISIONAT?",
        "Horia Vladescu a participat la sedinta.",
        "Vlădescu Horia, prefect, a semnat.",
        "Dl Vlădescu a participat la ședință.",
        "Dl. Vlădescu a participat la ședință.",
        "Domnul prefect Vlădescu a participat.",
        "H. Vlădescu a semnat ordinul.",
    ],
)
def test_every_form_of_the_prefects_name(alba: Profile, text: str) -> None:
    assert targets(alba, "", text) == {"prefect": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Ioana Câmpeanu a condus ședința.",
        "Mandatul Ioanei Câmpeanu a început în martie.",
        "Ioana Campeanu a condus sedinta.",
        "Subprefecta Câmpeanu a condus ședința.",
    ],
)
def test_female_names_and_their_genitive(alba: Profile, text: str) -> None:
    assert targets(alba, "", text) == {"subprefect": 1}


def test_the_surname_alone_counts_once_the_full_name_appeared(alba: Profile) -> None:
    text = "Horia Vlădescu a venit la Blaj. Vlădescu a spus că lucrările continuă."
    assert targets(alba, "", text) == {"prefect": 2}
    assert targets(alba, "", "Vlădescu a spus că lucrările continuă.") == {}


def test_a_surname_after_another_first_name_is_someone_else(alba: Profile) -> None:
    text = "Horia Vlădescu și Mihai Vlădescu au venit."
    assert targets(alba, "", text) == {"prefect": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prefectul județului Alba a convocat ședința.", {"prefect": 1}),
        ("Prefectul de Alba a convocat ședința.", {"prefect": 1}),
        ("Scrisoarea prefectului Alba a ajuns la minister.", {"prefect": 1}),
        ("PREFECTUL JUDEȚULUI ALBA A CONVOCAT ȘEDINȚA.", {"prefect": 1}),
        ("Prefectul judeţului Alba a convocat şedinţa.", {"prefect": 1}),
        ("Subprefectul județului Alba a venit.", {"subprefect": 1}),
        ("Prefectura Alba a anunțat programul.", {"institutia": 1}),
        ("Instituția Prefectului – Județul Alba a anunțat programul.", {"institutia": 1}),
        ("Comunicatul Instituției Prefectului Alba a apărut.", {"institutia": 1}),
    ],
)
def test_role_phrases_naming_our_county(alba: Profile, text: str, expected: dict[str, int]) -> None:
    assert targets(alba, "", text) == expected


def test_bare_role_words_in_an_article_about_our_county(alba: Profile) -> None:
    text = (
        "Ploile au afectat județul Alba. Prefectul a convocat comitetul, iar Prefectura a deschis o linie "
        "telefonică. Subprefectei i s-a cerut un raport, iar la sediul Prefecturii a avut loc ședința."
    )
    assert targets(alba, "", text) == {"prefect": 1, "institutia": 2, "subprefect": 1}


def test_the_head_of_the_prefecture_is_the_prefect(alba: Profile) -> None:
    assert targets(alba, "", "Șeful Prefecturii Alba a convocat ședința.") == {"prefect": 1}
    assert targets(alba, "", "Oamenii au venit la sediul Prefecturii Alba.") == {"institutia": 1}


def test_periphrases_name_the_holder_and_the_institution(alba: Profile) -> None:
    """«reprezentantul Guvernului în teritoriu» can only be the prefect, «instituția pe care o conduce» only his
    prefecture; with another county named, or as «un reprezentant al Guvernului», they are nobody of ours."""
    text = (
        "Ploile au afectat județul Alba. Reprezentantul Guvernului în teritoriu a prezentat măsurile, iar "
        "bilanțul instituției pe care o conduce arată 40 de intervenții."
    )
    assert targets(alba, "", text) == {"prefect": 1, "institutia": 1}
    assert targets(alba, "", "Reprezentantul Guvernului în județul Alba a convocat ședința.") == {"prefect": 1}
    assert targets(alba, "", "Reprezentantul Guvernului în județul Cluj a convocat ședința.") == {}
    assert targets(alba, "", "Județul Alba: un reprezentant al Guvernului a venit la Blaj.") == {}


def test_bare_role_words_count_for_a_local_outlet_of_our_county(alba: Profile) -> None:
    text = "Prefectul a convocat comitetul de urgență."
    assert targets(alba, "", text) == {}
    assert targets(alba, "", text, outlet_county="Alba") == {"prefect": 1}
    assert targets(alba, "", text, outlet_county="Cluj") == {}


def test_the_seat_or_demonym_marks_the_article_as_ours(alba: Profile) -> None:
    assert targets(alba, "", "La Alba Iulia, prefectul a vorbit.") == {"prefect": 1}
    assert targets(alba, "", "Albaiulienii au protestat, iar prefectul a răspuns.") == {"prefect": 1}


@pytest.mark.parametrize(
    "text",
    [
        "În județul Alba s-a discutat mult. Prefectul de Cluj a anunțat măsuri.",
        "În județul Alba s-a discutat mult. Prefectul județului Cluj, Mihai Rusu, a anunțat măsuri.",
        "În județul Alba, elevii au sărbătorit. Prefect de studii a fost numit un profesor.",
        "Turiștii din Alba au ajuns la Paris. Prefectura Seine-et-Marne a emis o alertă.",
        "Turiștii din Alba au vizitat Franța, unde prefectul departamentului a închis drumurile.",
        "În Alba, istoricii au arătat că în secolul XIX prefectul avea alte atribuții.",
        "În Alba, ministrul s-a întâlnit cu prefectul Marin Ionescu.",
        "Prefecții din toată țara, inclusiv din Alba, au fost convocați la București.",
        "Prefectul clujean a venit în Alba.",
        "În Alba se spune că un prefect trebuie să asculte oamenii.",
        "În Alba, mandatul de prefect durează până la schimbarea Guvernului.",
        "Delegația din Alba a vizitat prefectura japoneză Nara.",
        "Consilierii din Alba au discutat cu prefectul Capitalei.",
        "În Alba, viitorul prefect ar urma să fie numit luna viitoare.",
        "Vasile Rus, subprefectul județului Alba, a deschis ședința.",
        "Subprefectul județului Alba, Vasile Rus, a deschis ședința.",
        "În Alba, noul prefect ar urma să fie numit săptămâna viitoare.",
        "Ion Pop, fost prefect al județului Alba în anii '90, a murit la 80 de ani.",
        "În Alba s-a aflat vestea: Guvernul a numit un nou prefect în județul Sibiu.",
        "La Alba Iulia se discută dacă un alt subprefect ar fi făcut mai mult.",
    ],
)
def test_role_words_that_point_elsewhere_are_not_ours(alba: Profile, text: str) -> None:
    assert targets(alba, "", text) == {}


def test_terms_of_office_decide_who_the_prefect_is(alba: Profile) -> None:
    text = "Prefectul județului Alba a convocat ședința."
    assert targets(alba, "", text, published=date(2023, 5, 1)) == {"prefect-anterior": 1}
    assert targets(alba, "", text, published=date(2025, 6, 1)) == {"prefect": 1}
    assert targets(alba, "", "Subprefectul de Alba a venit.", published=date(2024, 1, 1)) == {}


def test_the_former_prefect_is_a_different_target(alba: Profile) -> None:
    text = "În Alba, fostul prefect a criticat decizia. Dorin Mărculescu a cerut explicații."
    assert targets(alba, "", text) == {"prefect-anterior": 2}


def test_a_role_joined_to_our_name_is_one_mention(alba: Profile) -> None:
    text = "Prefectul județului Alba, Horia Vlădescu, a semnat. Prefectul Vlădescu a plecat."
    assert targets(alba, "", text) == {"prefect": 2}


def test_prominence_and_spans(alba: Profile) -> None:
    title = "Vizită la Blaj"
    text = "Ziua a început devreme.\n\nHoria Vlădescu a vizitat școala. Vlădescu a plecat apoi la Sebeș."
    result = analyze(title, text, alba, published=TODAY)
    [mention] = result.mentions
    assert mention.prominence == "body"
    assert mention.count == 2
    assert [text[s.start : s.end] for s in mention.spans] == ["Horia Vlădescu", "Vlădescu"]
    assert mention.spans[0].sentence == "Horia Vlădescu a vizitat școala."
    assert {s.field for s in mention.spans} == {"text"}

    in_lead = analyze(title, "Horia Vlădescu a vizitat școala.\nApoi a plecat.", alba, published=TODAY)
    assert in_lead.mentions[0].prominence == "lead"
    in_title = analyze("Horia Vlădescu, la Blaj", "Vizita a durat o oră.", alba, published=TODAY)
    assert in_title.mentions[0].prominence == "title"
    assert in_title.mentions[0].spans[0].field == "title"


def test_mentions_follow_the_profiles_target_order(alba: Profile) -> None:
    text = "Prefectura Alba a anunțat că Ioana Câmpeanu și Horia Vlădescu vor participa."
    assert list(targets(alba, "", text)) == ["prefect", "subprefect", "institutia"]


def test_compound_first_names_and_hyphenated_surnames(alba: Profile) -> None:
    prefect = alba.targets[0].model_copy(update={"name": "Ana Maria Popescu-Tăriceanu", "aliases": ()})
    profile = alba.model_copy(update={"targets": (prefect, *alba.targets[1:])})
    text = "Mandatul Anei Mariei Popescu-Tăriceanu a început. Ana Maria POPESCU-TĂRICEANU a semnat."
    assert targets(profile, "", text) == {"prefect": 2}


@pytest.fixture(scope="module")
def cluj() -> Profile:
    """A female prefect with a double surname, two subprefects (a man and a woman), a former prefect."""
    return load_profile(REPO / "tests" / "data" / "profile_cluj.yaml")


CLUJ_DAY = date(2025, 11, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prefectul Maria Bucur-Oprea a convocat comitetul.", {"prefect": 1}),
        ("Scrisoarea a fost trimisă Prefectului Maria Bucur-Oprea.", {"prefect": 1}),
        ("Mariei Bucur-Oprea i s-a cerut demisia.", {"prefect": 1}),
        ("Prefectul Maria Bucur Oprea a semnat ordinul.", {"prefect": 1}),
        ("Maria Bucur-Oprea a venit la Dej. Bucur-Oprea a spus că lucrările continuă.", {"prefect": 2}),
        ("Maria Bucur-Oprea a venit la Dej. Doamna Bucur a promis sprijin.", {"prefect": 2}),
        ("Maria Bucur-Oprea a venit la Dej. „Mă bucur că am reușit”, a spus primarul.", {"prefect": 1}),
        ("Maria Bucur-Oprea a venit la Dej, unde a vorbit cu inginerul Bucur Ionescu.", {"prefect": 1}),
        ("Directoarea liceului din Turda, Maria Bucur, a inaugurat laboratorul.", {}),
    ],
)
def test_a_double_surname_and_its_parts(cluj: Profile, text: str, expected: dict[str, int]) -> None:
    """Parts of a double surname count alone (capitalised, once the full name appeared), never as the
    surname of another first name ("Maria Bucur" is somebody else; "Bucur Ionescu" too)."""
    assert targets(cluj, "", text, published=CLUJ_DAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Cluj-Napoca, doamna prefect a inaugurat centrul.", {"prefect": 1}),
        ("La Cluj-Napoca, prefecta a inaugurat centrul.", {"prefect": 1}),
        ("La Cluj-Napoca, subprefecta a inaugurat centrul.", {"subprefecta": 1}),
        ("La Cluj-Napoca, doamna subprefect a inaugurat centrul.", {"subprefecta": 1}),
        ("La Cluj-Napoca, subprefectul a inaugurat centrul.", {"subprefect": 1}),
        ("Ana-Maria Pop a venit la Dej. Potrivit subprefectului, centrul se deschide luni.", {"subprefecta": 2}),
        ("Radu Ursu a venit la Dej. Potrivit subprefectului, centrul se deschide luni.", {"subprefect": 2}),
    ],
)
def test_two_subprefects_are_told_apart_by_gender_and_by_who_is_named(
    cluj: Profile, text: str, expected: dict[str, int]
) -> None:
    """A feminine form or title is the woman; the masculine form (used for women too) is the one the article
    names when it names only one of them, else the man."""
    assert targets(cluj, "", text, published=CLUJ_DAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prefectura clujeană a emis 2.000 de pașapoarte.", {"institutia": 1}),
        ("Instituția Prefectului Județul Cluj a emis 2.000 de pașapoarte.", {"institutia": 1}),
        ("Prefectura Cluj a emis 2.000 de pașapoarte.", {"institutia": 1}),
        ("La Cluj, o delegație a prefecturii din Grenoble a vizitat celor două prefecturi muzeul.", {}),
        ("La Cluj, la muzeu au venit angajați ai celor două prefecturi.", {}),
        ("La Cluj, cele două posturi de subprefect sunt ocupate.", {}),
    ],
)
def test_institution_aliases_and_other_prefectures(cluj: Profile, text: str, expected: dict[str, int]) -> None:
    assert targets(cluj, "", text, published=CLUJ_DAY) == expected


def test_a_bare_role_word_follows_the_prefect_the_text_is_talking_about(cluj: Profile) -> None:
    """After "prefectul județului Sălaj, Dan Chereji", a bare "Prefectul" is his until Cluj comes back."""
    text = (
        "Fermierii i-au mulțumit prefectului județului Sălaj, Dan Chereji. Prefectul a spus că banii vin luni. "
        "La Cluj, evaluarea nu a început. Prefectul județului Cluj a cerut explicații. Prefectul a convocat comitetul."
    )
    assert targets(cluj, "", text, published=CLUJ_DAY, outlet_county="Sălaj") == {"prefect": 2}


def test_a_sentence_set_in_another_county_does_not_point_to_ours(cluj: Profile) -> None:
    text = "CFR Cluj a câștigat meciul. La Satu Mare, profesorii au protestat în fața prefecturii."
    assert targets(cluj, "", text, published=CLUJ_DAY) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Cluj, prefectul de atunci a convocat comitetul abia după patru zile.", {"prefect-anterior": 1}),
        ("Prefectul Clujului din 1990 a fost omagiat.", {}),
        ("Prefectul Clujului din 2023 a semnat protocolul.", {"prefect-anterior": 1}),
        ("Ceremonia i-a omagiat pe primii aleși. Primului prefect de după Revoluție i s-a dedicat o placă.", {}),
    ],
)
def test_a_role_word_dated_to_another_time(cluj: Profile, text: str, expected: dict[str, int]) -> None:
    """ "de atunci" is the former holder; "din 1990" is whoever held the office that year (none of ours)."""
    assert targets(cluj, "", text, published=CLUJ_DAY) == expected


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (  # a pupil who plays the prefect for a day
            "Un elev din Alba Iulia a fost prefect pentru o zi",
            "Andrei, elev în clasa a XI-a la Colegiul Național din Alba Iulia, a fost prefect pentru o zi. Tânărul "
            "prefect a semnat simbolic un ordin și a vizitat birourile.",
        ),
        (  # what somebody is, said with an articleless role word
            "Profesorul care vrea să ajungă subprefect la Alba",
            "Ion Muntean, profesor la Blaj, spune că ar vrea să devină subprefect. El a mai fost subprefect în 1998.",
        ),
        (  # national politics about the office, on a local outlet
            "Guvernul schimbă legea prefecților",
            "Guvernul vrea să modifice atribuțiile instituției prefectului în toată țara. Prefecții ar urma să aibă "
            "mai multe puteri.",
        ),
        (  # the ministry's department for all the prefectures: a plural, neither the institution nor a person
            "Ședință la ministru",
            "La ședință a participat directorul Direcției Generale pentru Relațiile cu Instituțiile Prefectului.",
        ),
        (  # an office said to be vacant, and the national day of every prefecture
            "De o lună, județul nu mai are prefect",
            "Se caută subprefect, iar partidele negociază. Pe 2 aprilie se sărbătorește Ziua Instituției Prefectului.",
        ),
    ],
)
def test_role_words_that_are_not_our_office_holder(alba: Profile, title: str, text: str) -> None:
    assert targets(alba, title, text, outlet_county="Alba", published=date(2025, 10, 1)) == {}


def test_the_passive_agent_and_the_institution_without_diacritics_are_mentions(alba: Profile) -> None:
    found = targets(
        alba,
        "Fermierii, primiti la Prefectura",
        "Fermierii din Aiud au fost primiți de către prefect la sediul Institutiei Prefectului.",
        outlet_county="Alba",
        published=date(2025, 10, 1),
    )
    assert set(found) == {"prefect", "institutia"}
