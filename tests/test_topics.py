"""Topics: the package taxonomy (fixed ids), lemma-based terms, profile overrides; the profile fingerprint."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from monitor.config import Profile, TopicOverride, load_profile
from monitor.nlp import analyze, profile_fingerprint, topic_labels
from tests.spec import TOPIC_IDS

REPO = Path(__file__).resolve().parent.parent
IDS = list(TOPIC_IDS)


@pytest.fixture(scope="module")
def alba() -> Profile:
    return load_profile(REPO / "pipelines" / "alba.yaml")


def topics_of(profile: Profile, title: str, text: str) -> dict[str, tuple[str, ...]]:
    return {hit.topic: hit.terms for hit in analyze(title, text, profile).topics}


def test_the_taxonomy_has_exactly_the_agreed_ids_and_romanian_labels(alba: Profile) -> None:
    data = yaml.safe_load(resources.files("monitor.data").joinpath("topics.yaml").read_text(encoding="utf-8"))
    assert [topic["id"] for topic in data["topics"]] == IDS
    labels = topic_labels(alba)
    assert list(labels) == IDS
    assert labels["servicii_publice"].startswith("Servicii publice")
    assert not any(c in label for label in labels.values() for c in "şţŞŢ")  # comma-below, never cedilla


@pytest.mark.parametrize(
    ("title", "text", "topic"),
    [
        ("Cod roșu de inundații", "Apele au inundat zeci de gospodării.", "urgente"),
        ("Incendiu la Cugir", "Pompierii au stins flăcările după trei ore.", "urgente"),
        ("Cozi la pașapoarte", "Oamenii așteaptă ore întregi pentru pașapoarte și permise auto.", "servicii_publice"),
        ("Percheziții DNA", "Procurorii DNA au făcut percheziții într-un dosar de corupție.", "coruptie"),
        ("Profesorii protestează", "Sindicaliștii din învățământ au intrat în grevă.", "proteste"),
        ("Bani din PNRR", "Fonduri europene prin PNRR pentru investiții în școli.", "investitii"),
        ("Ordinul prefectului", "Prefectul a atacat în contencios administrativ hotărârea.", "legalitate"),
        ("Secții de votare", "Buletinele de vot au ajuns la secțiile de votare.", "alegeri"),
        ("Colegiul prefectural", "Ședința colegiului prefectural a avut loc joi.", "institutional"),
        ("Pensii și ajutoare", "Pensionarii primesc ajutoare sociale.", "social"),
        ("Deșeuri pe malul Mureșului", "Garda de Mediu a constatat poluarea râului cu deșeuri.", "mediu"),
        ("Incluziunea romilor", "Comunitatea de romi a primit acte de identitate.", "minoritati"),
    ],
)
def test_topics_from_lemmas(alba: Profile, title: str, text: str, topic: str) -> None:
    assert topic in topics_of(alba, title, text)


def test_no_diacritics_and_inflections_still_match(alba: Profile) -> None:
    found = topics_of(alba, "", "Inundatiile au afectat judetul; inundatiile continua, iar pompierii intervin.")
    assert "urgente" in found
    assert "inundație" in found["urgente"]


def test_an_article_without_topic_words_has_no_topics(alba: Profile) -> None:
    assert topics_of(alba, "O zi obișnuită", "Vremea a fost frumoasă, iar oamenii s-au plimbat în parc.") == {}


def test_a_passing_word_does_not_make_a_topic(alba: Profile) -> None:
    text = (
        "Pasajul de pe DN1 a fost deschis circulației. Lucrările la drum au durat un an. "
        "La inaugurare a venit un medic."
    )
    found = topics_of(alba, "Pasajul de pe DN1, deschis", text)
    assert "infrastructura" in found
    assert "sanatate" not in found


def test_a_profile_adds_and_replaces_topics(alba: Profile) -> None:
    custom = alba.model_copy(
        update={
            "topics": (
                TopicOverride(id="turism", label="Turism", terms=("turist", "pensiune")),
                TopicOverride(id="urgente", label="Urgențe locale", terms=("alunecare de teren",)),
            )
        }
    )
    labels = topic_labels(custom)
    assert labels["turism"] == "Turism"
    assert labels["urgente"] == "Urgențe locale"
    assert topics_of(custom, "", "Turiștii au umplut pensiunile din Apuseni.") == {"turism": ("turist", "pensiune")}
    assert "urgente" not in topics_of(custom, "Cod roșu de inundații", "Apele au inundat gospodăriile.")
    assert "urgente" in topics_of(custom, "", "O alunecare de teren a blocat drumul.")


def test_the_fingerprint_changes_only_with_what_affects_analysis(alba: Profile) -> None:
    same = load_profile(REPO / "pipelines" / "alba.yaml")
    assert profile_fingerprint(alba) == profile_fingerprint(same)
    renamed = alba.model_copy(update={"targets": (alba.targets[0].model_copy(update={"aliases": ("Vlădescu H.",)}),)})
    with_topic = alba.model_copy(update={"topics": (TopicOverride(id="turism", label="Turism", terms=("turist",)),)})
    other_recipients = alba.model_copy(update={"institution": "Altă denumire"})
    assert profile_fingerprint(renamed) != profile_fingerprint(alba)
    assert profile_fingerprint(with_topic) != profile_fingerprint(alba)
    assert profile_fingerprint(other_recipients) == profile_fingerprint(alba)
    assert len(profile_fingerprint(alba)) == 64


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Prefectul a transmis un mesaj ferm după agresiune. A cerut un mesaj ferm și poliției.", "agricultura"),
        ("Cetățenii au venit la ședință. Cetățenii au cerut explicații primarului.", "institutional"),
        (
            "Pe rețelele de socializare au circulat informații false. Rețelele de socializare au amplificat zvonul.",
            "infrastructura",
        ),
    ],
)
def test_words_that_only_look_like_a_topic_term(alba: Profile, text: str, absent: str) -> None:
    """ "ferm" lemmatises like "fermă", "cetățenii" like "cetățenie"; "rețea" alone is not a utility network."""
    assert absent not in topics_of(alba, "", text)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Un copil a fost mușcat de câini fără stăpân în Blaj. Primăria spune că adăpostul e plin.", "ordine_publica"),
        (
            "Zeci de mii de oameni au rămas fără apă. Operatorul de apă a anunțat o avarie la stația de tratare.",
            "infrastructura",
        ),
        ("Familiile evacuate au primit locuințe sociale. Alte 40 de familii așteaptă o locuință socială.", "social"),
        ("Au fost confirmate trei cazuri de rabie la vulpi. Medicii veterinari vaccinează câinii.", "urgente"),
    ],
)
def test_topic_terms_of_everyday_press_writing(alba: Profile, text: str, topic: str) -> None:
    assert topic in topics_of(alba, "", text)


LEAD = "Prefectul a avut joi o zi încărcată, cu mai multe întâlniri la sediul instituției."
PASSING = "Instituția eliberează, printre altele, pașapoarte și permise auto."


def test_terms_in_one_sentence_of_the_body_are_a_passing_remark(alba: Profile) -> None:
    """A topic is a subject of the article: title, lead, or at least two sentences of the body."""
    assert "servicii_publice" not in topics_of(alba, "O zi la prefectură", f"{LEAD}\n\n{PASSING} Seara a plouat.")
    assert "servicii_publice" in topics_of(alba, "O zi la prefectură", f"{PASSING}\n\n{LEAD}")  # in the lead
    assert "servicii_publice" in topics_of(alba, "Cozi la pașapoarte", f"{LEAD}\n\n{PASSING}")  # in the title
    two = f"{LEAD}\n\n{PASSING} Cozile la ghișeele de pașapoarte durează ore."
    assert topics_of(alba, "O zi la prefectură", two)["servicii_publice"] == (
        "pașaport",
        "permis auto",
        "coadă",
        "ghișeu",
    )


def test_an_ambiguous_word_only_confirms_a_topic(alba: Profile) -> None:
    """ "licitație" is investment news and corruption news alike: alone it makes neither."""
    text = "Aceeași firmă a câștigat toate licitațiile de curățenie. De fiecare dată a fost singurul ofertant."
    found = topics_of(alba, "Cine câștigă licitațiile", text)
    assert "investitii" not in found
    assert "coruptie" in found


@pytest.mark.parametrize(
    ("title", "text", "topics"),
    [
        (
            "Avocatul Poporului laudă Prefectura",
            "Toate petițiile au primit răspuns în termenul legal.",
            {"institutional"},
        ),
        (
            "Dosarele de fond funciar, blocate",
            "Zeci de proprietari așteaptă titlurile de proprietate.",
            {"agricultura", "legalitate"},
        ),
        ("Focar de rujeolă la Blaj", "Autoritățile au anunțat un focar de pojar într-o comunitate.", {"urgente"}),
        ("Angajată fără concurs", "Sora directorului a fost angajată fără concurs pe un post nou.", {"coruptie"}),
        ("Autobuzele circulă din nou", "Transportul județean a fost reluat după două săptămâni.", {"infrastructura"}),
        ("Comunicat CNCD", "Consiliul Național pentru Combaterea Discriminării a sancționat primăria.", {"minoritati"}),
    ],
)
def test_vocabulary_of_public_administration_news(alba: Profile, title: str, text: str, topics: set[str]) -> None:
    assert topics <= set(topics_of(alba, title, text))


def test_a_profile_topic_follows_the_same_evidence_rule(alba: Profile) -> None:
    custom = alba.model_copy(update={"topics": (TopicOverride(id="turism", label="Turism", terms=("pensiune",)),)})
    body = f"{LEAD}\n\nPrefectul a dormit la o pensiune. Apoi a plecat la București."
    assert "turism" not in topics_of(custom, "O zi la prefectură", body)
    assert "turism" in topics_of(custom, "Pensiunile din Apuseni, pline", body)


def test_a_well_attested_second_subject_is_kept_beside_a_heavy_main_topic(alba: Profile) -> None:
    title = "Clujenii cer demisia prefectului la ședința colegiului prefectural"
    text = (
        "Peste 6.000 de oameni au semnat o petiție prin care cer demisia prefectului, după ce mii de locuitori au "
        "rămas fără apă cinci zile.\n\nSemnatarii spun că prefectul a lipsit de la ședința cu operatorul de apă, "
        "după oprirea stației de tratare. Prefectul spune că petiția este un atac politic."
    )
    found = topics_of(alba, title, text)
    assert found["infrastructura"] == ("fără apă", "operator de apă", "stație de tratare")
    assert next(iter(found)) == "institutional"  # the main topic comes first


def test_hyphenated_terms_match_as_the_article_is_tokenised(alba: Profile) -> None:
    assert "urgente" in topics_of(alba, "", "Un mesaj RO-ALERT a fost transmis locuitorilor din Blaj.")
    assert "infrastructura" in topics_of(alba, "", "Rețeaua de apă-canal din Sebeș va fi extinsă.")


def test_a_bear_in_town_is_an_emergency_not_an_environment_story(alba: Profile) -> None:
    found = topics_of(alba, "Urs în cartier la Sebeș", "Jandarmii au alungat ursul înapoi în pădure.")
    assert "urgente" in found
    assert "mediu" not in found


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Noul prefect al județului Alba a depus jurământul",
            "Horia Vlădescu, noul prefect al județului Alba, a depus jurământul. Hotărârea de numire a fost publicată.",
        ),
        (
            "Guvernul schimbă prefectul de Alba",
            "Schimbarea prefectului a fost decisă ieri. Postul de prefect revine partidului de guvernământ.",
        ),
        (
            "Ziua Instituției Prefectului, sărbătorită la Alba Iulia",
            "Prefectura a organizat o festivitate cu prilejul Zilei Instituției Prefectului, la aniversarea a 25 "
            "de ani.",
        ),
    ],
)
def test_appointments_and_ceremonies_are_institutional(alba: Profile, title: str, text: str) -> None:
    topics = {hit.topic for hit in analyze(title, text, alba, outlet_county="Alba").topics}
    assert "institutional" in topics


def test_a_law_cited_by_its_title_is_no_evidence_of_a_topic(alba: Profile) -> None:
    text = (
        "Potrivit Legii nr. 340/2004 privind prefectul și instituția prefectului, prefectul Horia Vlădescu conduce "
        "serviciile deconcentrate. Conform Legii nr. 340/2004, el coordonează serviciile publice."
    )
    topics = {hit.topic for hit in analyze("Ce face prefectul", text, alba, outlet_county="Alba").topics}
    assert "legalitate" not in topics


def test_the_title_of_a_cited_act_is_no_evidence_whatever_words_it_holds(alba: Profile) -> None:
    text = (
        "Prefectul a semnat ordinul în baza Hotărârii Guvernului nr. 1/2020 privind organizarea alegerilor "
        "locale. A doua zi, potrivit Legii nr. 24/2007 privind spațiile verzi și deșeurile, a verificat parcul."
    )
    found = topics_of(alba, "Prefectul și parcul", text)
    assert "alegeri" not in found
    assert "mediu" not in found
    assert "alegeri" in topics_of(alba, "Alegeri locale", "Secțiile de votare se deschid la ora 7. Votul e liber.")
    # the act itself still counts: the prefect's order is a legality story, whatever its title says
    order = "Prefectul a emis ordinul prefectului nr. 12/2020 privind alegerile parțiale. Primarul îl atacă."
    found = topics_of(alba, "Ordinul prefectului", order)
    assert "legalitate" in found
    assert "alegeri" not in found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # the institutions of a county listed as partners are no emergency
        (
            "La acțiune au participat Inspectoratul pentru Situații de Urgență Alba și Inspectoratul de Poliție "
            "Județean. Inspectoratul pentru Situații de Urgență a prezentat echipamentele elevilor.",
            "urgente",
        ),
        # "the law", "legal" and "a decision" in passing are no legality story
        ("Prefectul a spus că totul este legal. Hotărârea a fost luată după ce s-a respectat legea.", "legalitate"),
        # a wish of good health is no health story
        ("Prefectul le-a urat tuturor multă sănătate. Sănătate și sărbători fericite!", "sanatate"),
        # Rome is no Roma community
        (
            "Delegația a plecat la Roma, unde a vizitat Vaticanul. La Roma, delegația s-a întâlnit cu preoți.",
            "minoritati",
        ),
        # humanitarian asylum is no old people's home
        ("Cincisprezece ucraineni au cerut azil umanitar. Cererile de azil umanitar sunt analizate.", "social"),
        # "on the right road" is no road
        ("Prefectul spune că lucrurile sunt pe drumul cel bun. Oamenii trebuie să aibă răbdare.", "infrastructura"),
    ],
)
def test_names_and_idioms_that_only_look_like_a_topic(alba: Profile, text: str, absent: str) -> None:
    assert absent not in topics_of(alba, "", text)


@pytest.mark.parametrize(
    ("title", "text", "topic"),
    [
        (
            "Audiențe la Prefectură",
            "Peste 100 de cetățeni au venit în audiență la prefect. Cele mai multe petiții privesc fondul funciar.",
            "servicii_publice",
        ),
        (
            "Carantină în municipiu",
            "Orașul intră în carantină de luni. Rata de infectare cu coronavirus a depășit pragul.",
            "sanatate",
        ),
        (
            "Azilul groazei",
            "Bătrânii din azil erau ținuți în condiții inumane. Prefectul a cerut controale la toate azilele.",
            "social",
        ),
        (
            "Steagul secuiesc, din nou pe primărie",
            "Primarul a arborat steagul secuiesc. Prefectul i-a cerut să îl dea jos, iar comunitatea maghiară "
            "a protestat.",
            "minoritati",
        ),
        (
            "Prefectul a încălcat legea",
            "Deputatul spune că prefectul a încălcat legea participând la campanie.",
            "legalitate",
        ),
        (
            "Cine va fi viitorul prefect",
            "Se aude că viitorul prefect al județului va fi un fost polițist.",
            "institutional",
        ),
        (
            "35 de subprefecți, puși pe liber",
            "Guvernul i-a pus pe liber pe subprefecți. Ministrul a anunțat înlocuirea lor până vineri.",
            "institutional",
        ),
        (
            "Raportul anual al Prefecturii",
            "Prefectul a prezentat raportul anual. Mesajul de sărbători a încheiat întâlnirea cu presa.",
            "institutional",
        ),
    ],
)
def test_subjects_the_press_writes_in_other_words(alba: Profile, title: str, text: str, topic: str) -> None:
    assert topic in topics_of(alba, title, text)


def test_an_article_about_our_office_holder_and_nothing_else_is_institutional(alba: Profile) -> None:
    """A portrait or a quarrel over the prefect, with no other subject, is the institution's own life; the same
    words about nobody we watch, or our prefect named only in passing in the body, make no topic."""
    portrait = ("Cine este, de fapt, prefectul Horia Vlădescu", "Horia Vlădescu a crescut la Blaj și iubește muzica.")
    assert topics_of(alba, *portrait) == {"institutional": ()}
    stranger = ("Cine este, de fapt, Ion Ionescu", "Ion Ionescu a crescut la Blaj și iubește muzica.")
    assert topics_of(alba, *stranger) == {}
    in_passing = (
        "Concert la Blaj",
        "Orchestra a cântat două ore în piață.\n\nPrintre spectatori s-a aflat și prefectul Horia Vlădescu.",
    )
    assert topics_of(alba, *in_passing) == {}
