"""Tone toward each target (not the article's): lexicon, who does what to whom, negation, reported speech."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from monitor.config import Profile, load_profile
from monitor.nlp import analyze, tone_examples
from monitor.record import TargetMention
from monitor.yamlsource import load_yaml

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 3, 10)


@pytest.fixture(scope="module")
def alba() -> Profile:
    return load_profile(REPO / "pipelines" / "alba.yaml")


def tone_of(profile: Profile, text: str, target: str = "prefect", title: str = "") -> TargetMention:
    result = analyze(title, text, profile, published=TODAY, outlet_county="Alba")
    return next(m for m in result.mentions if m.target == target)


@pytest.mark.parametrize(
    "text",
    [
        "După inundații, prefectul a convocat comitetul pentru situații de urgență.",
        "Prefectul Horia Vlădescu l-a criticat dur pe primarul din Blaj, acuzat de nereguli.",
        "Prefectul a dispus o anchetă la spitalul județean.",
        "Prefectul a declarat că situația este gravă și că vinovații vor fi sancționați.",
        "Horia Vlădescu: „Cozile de la pașapoarte au fost o rușine”.",
        "„Nu vom tolera abuzurile”, a spus prefectul.",
        "„Am cerut sancțiuni pentru constructor”, a scris prefectul pe Facebook.",
        "Prefectul le-a mulțumit pompierilor pentru intervenție.",
        "Prefectul a vizitat șantierul, iar primarul a fost acuzat de nereguli grave.",
        "Prefectul Horia Vlădescu a atacat în contencios hotărârea consiliului local.",
        # a noun ending like a participle, after "a fost", inside the target's quoted words
        "Prefectul Horia Vlădescu a criticat comisia: „A fost o lipsă de colaborare între instituții”.",
        # a participle after a comma describes the noun it follows, not the actor
        "Prefectul Horia Vlădescu a semnat încetarea mandatului primarului din Blaj, condamnat pentru corupție.",
        # a judgement noun whose genitive is its author
        "Acuzațiile grave ale prefectului Horia Vlădescu la adresa primarului au stârnit reacții.",
    ],
)
def test_negative_events_and_the_targets_own_words_are_not_negative_toward_it(alba: Profile, text: str) -> None:
    assert tone_of(alba, text).tone == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "Sindicaliștii cer demisia prefectului Horia Vlădescu.",
        "Prefectul Horia Vlădescu a fost criticat dur de consilierii locali.",
        "Consilierii l-au acuzat pe prefect de abuz în serviciu.",
        "Prefectul județului Alba nu a respectat legea, spun consilierii.",
        "Procurorii DNA au făcut percheziții la biroul prefectului Horia Vlădescu.",
        "Prefectul, criticat de sindicate, a refuzat să comenteze.",
        "Oamenii spun că prefectul nu a făcut nimic pentru ei.",
        "Prefectul a primit critici dure din partea primarilor.",
        "Prefectul Horia Vlădescu a respins acuzațiile de abuz în serviciu.",
        "Prefectul Horia Vlădescu a ajuns subiectul unei anchete penale.",
        "Acuzații grave la adresa prefectului Horia Vlădescu, aduse de consilieri.",
        "Domnule prefect, vi se reproșează lipsa de reacție.",
    ],
)
def test_criticism_accusations_and_failures_are_negative(alba: Profile, text: str) -> None:
    mention = tone_of(alba, text)
    assert mention.tone == "negative"
    assert -1.0 <= mention.score < 0


@pytest.mark.parametrize(
    "text",
    [
        "Ministrul l-a lăudat pe prefectul Horia Vlădescu pentru intervenția promptă.",
        "Prefectul Horia Vlădescu, felicitat de primari pentru modul în care a gestionat criza.",
        "Primarii i-au mulțumit prefectului pentru sprijin.",
        "Intervenția prefectului a fost un succes.",
        "După intervenția prefectului, secția de pediatrie se redeschide.",
    ],
)
def test_praise_and_success_are_positive(alba: Profile, text: str) -> None:
    mention = tone_of(alba, text)
    assert mention.tone == "positive"
    assert 0 < mention.score <= 1.0


def test_service_failures_are_negative_for_the_institution(alba: Profile) -> None:
    text = "Cozi uriașe la ghișeele Prefecturii Alba: oamenii așteaptă ore întregi pentru pașapoarte."
    assert tone_of(alba, text, "institutia").tone == "negative"


def test_failing_counters_count_against_the_institution_named_elsewhere(alba: Profile) -> None:
    text = "Prefectura Alba a anunțat noul program. Cozi uriașe la pașapoarte: oamenii așteaptă ore întregi."
    mention = tone_of(alba, text, "institutia")
    assert mention.tone == "negative"
    assert mention.evidence == ("Cozi uriașe la pașapoarte: oamenii așteaptă ore întregi.",)
    solved = "Prefectura Alba a anunțat noul program. Cozile de la pașapoarte au dispărut."
    assert tone_of(alba, solved, "institutia").tone == "positive"


def test_later_references_to_the_institution_carry_its_tone(alba: Profile) -> None:
    text = "Prefectura Alba a organizat concursul. Instituția a fost acuzată de nepotism de candidații respinși."
    assert tone_of(alba, text, "institutia").tone == "negative"


def test_falling_waiting_times_are_good_news(alba: Profile) -> None:
    text = "Timpul de așteptare la Prefectura Alba a scăzut de la trei săptămâni la cinci zile."
    assert tone_of(alba, text, "institutia").tone == "positive"


def test_opposite_tones_toward_two_targets_in_one_article(alba: Profile) -> None:
    text = (
        "Primarii l-au lăudat pe prefectul Horia Vlădescu pentru sprijinul acordat. "
        "În schimb, subprefecta Ioana Câmpeanu a fost criticată dur pentru blocajul de la permise."
    )
    assert tone_of(alba, text, "prefect").tone == "positive"
    assert tone_of(alba, text, "subprefect").tone == "negative"


def test_a_following_sentence_about_the_target_counts(alba: Profile) -> None:
    text = "Prefectul Horia Vlădescu a venit la Blaj. Acesta a fost huiduit de localnici."
    assert tone_of(alba, text).tone == "negative"


def test_a_following_sentence_without_a_subject_continues_the_target(alba: Profile) -> None:
    text = "Prefectul Horia Vlădescu a promis cisterne cu apă. Nu a făcut nimic până azi, spun localnicii."
    assert tone_of(alba, text).tone == "negative"
    other = "Prefectul Horia Vlădescu a promis cisterne cu apă. Primarul nu a făcut nimic până azi."
    assert tone_of(alba, other).tone == "neutral"


def test_a_denial_does_not_cancel_the_accusation(alba: Profile) -> None:
    text = "Prefectul Horia Vlădescu a declarat că acuzațiile de abuz sunt nefondate."
    assert tone_of(alba, text).tone == "negative"
    assert tone_of(alba, "„Acuzațiile sunt false”, a spus prefectul Horia Vlădescu.").tone == "negative"


def test_evidence_is_the_sentence_that_drove_the_tone(alba: Profile) -> None:
    text = (
        "Prefectul Horia Vlădescu a participat la ședință. Vremea a fost frumoasă. "
        "Consilierii l-au acuzat pe Vlădescu de abuz în serviciu."
    )
    mention = tone_of(alba, text)
    assert mention.tone == "negative"
    assert mention.evidence == ("Consilierii l-au acuzat pe Vlădescu de abuz în serviciu.",)


def test_empty_articles_are_analysed_without_error(alba: Profile) -> None:
    result = analyze("", "", alba)
    assert (result.mentions, result.topics) == ((), ())


def test_neutral_evidence_is_the_mention_sentences(alba: Profile) -> None:
    mention = tone_of(alba, "Prefectul Horia Vlădescu a participat la ședință. Vremea a fost frumoasă.")
    assert (mention.tone, mention.score) == ("neutral", 0.0)
    assert mention.evidence == ("Prefectul Horia Vlădescu a participat la ședință.",)


def test_cedilla_and_missing_diacritics_give_the_same_tone(alba: Profile) -> None:
    texts = [
        "Prefectul Horia Vlădescu a fost acuzat de neregulile de la licitaţii.",
        "Prefectul Horia Vladescu a fost acuzat de neregulile de la licitatii.",
    ]
    assert {tone_of(alba, text).tone for text in texts} == {"negative"}


@pytest.mark.parametrize("name", ["lexicon.yaml", "topics.yaml", "mentions.yaml"])
def test_the_data_files_have_no_duplicate_or_broken_entries(name: str) -> None:
    doc = load_yaml(REPO / "monitor" / "data" / name)
    assert doc.problems == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Pompierii, felicitați de prefectul Horia Vlădescu, au primit diplome.", "prefect"),
        ("Primarul a fost acuzat de un angajat al Prefecturii Alba.", "institutia"),
        ("Premiul a fost ridicat de subprefecta Ioana Câmpeanu.", "subprefect"),
        (
            "Corpul de control a verificat Prefectura Alba, la cererea unui avocat care reclamase întârzieri.",
            "institutia",
        ),
        ("Ancheta de la spitalul din Blaj: prefectul cere demiterea managerului.", "prefect"),
        ("Prefectul, despre incendiul de la Blaj: „Firma a încălcat grav normele”.", "prefect"),
        ("„Am cerut Gărzii de Mediu sancțiuni maxime”, a spus prefectul Horia Vlădescu.", "prefect"),
        (
            "Prefectul Horia Vlădescu a suspendat primarul din Blaj, după ce acesta a fost trimis în judecată.",
            "prefect",
        ),
        ("Localnicii vorbesc despre promisiuni deșarte și cer ca prefectul Horia Vlădescu să intervină.", "prefect"),
        ("Sute de medici au protestat în fața Prefecturii Alba împotriva închiderii secției.", "institutia"),
        (
            "Tribunalul a respins contestația prin care primăria cerea anularea ordinului prefectului Horia Vlădescu.",
            "prefect",
        ),
        ("Prefectura Alba a anunțat angajări care ar urma să reducă timpul de așteptare la ghișee.", "institutia"),
        ("Poliția a precizat că prefectul Horia Vlădescu nu a fost implicat în accident.", "prefect"),
    ],
)
def test_who_the_term_is_aimed_at(alba: Profile, text: str, target: str) -> None:
    """Passive agents, relatives about somebody else, headline labels, the target's own demands, protests that
    name what they are against, dismissed lawsuits and plans are not a judgement of the target."""
    assert tone_of(alba, text, target).tone == "neutral"


def test_without_the_target_nothing_would_have_worked(alba: Profile) -> None:
    text = "„Fără doamna subprefect nu am fi reușit”, spun locatarii. Ioana Câmpeanu a mediat luni întregi."
    assert tone_of(alba, text, "subprefect").tone == "positive"


def test_a_relative_clause_about_the_target_keeps_its_tone(alba: Profile) -> None:
    text = "Prefectura Alba a fost verificată. Instituția pe care o conduce prefectul nu răspunde solicitărilor."
    assert tone_of(alba, text, "institutia").tone == "negative"


@pytest.mark.parametrize(
    ("text", "target", "tone"),
    [
        # silence confirms what the article reports against the target...
        (
            "Prefectura Alba a atribuit contractul fără licitație. Instituția nu a răspuns solicitărilor noastre.",
            "institutia",
            "negative",
        ),
        ("Prefectul Horia Vlădescu este acuzat de abuz. Prefectul a refuzat să comenteze.", "prefect", "negative"),
        # ... and is a routine closing line otherwise
        (
            "Prefectul Horia Vlădescu a vizitat școala din Blaj. Prefectul nu a răspuns la telefon.",
            "prefect",
            "neutral",
        ),
        (
            "Consilierii îl acuză pe primarul din Blaj de nereguli. Reprezentanții Prefecturii Alba nu au răspuns.",
            "institutia",
            "neutral",
        ),
    ],
)
def test_silence_weighs_only_after_other_negative_evidence(alba: Profile, text: str, target: str, tone: str) -> None:
    assert tone_of(alba, text, target).tone == tone


@pytest.mark.parametrize(
    "text",
    [
        "Prefectul Horia Vlădescu, nemulțumit de ritmul lucrărilor, a cerut penalități pentru constructor.",
        "Prefectul Horia Vlădescu s-a declarat dezamăgit de constructorul drumului.",
        "Prefectul Vlădescu, pe Facebook: „Le mulțumesc pompierilor care au salvat satul”.",
        "Prefectul Horia Vlădescu a publicat duminică seara pe Facebook un mesaj de mulțumire pentru pompieri.",
        "Prefectul Horia Vlădescu a inaugurat noul sediu al Serviciului de Permise.",
        "Curtea de Apel a respins definitiv acțiunea prin care primăria cerea anularea ordinului prefectului Vlădescu.",
        "Consilierii cer ca prefectul Horia Vlădescu să spună cine a câștigat licitația.",
    ],
)
def test_the_targets_feelings_channels_and_routine_acts_are_not_a_judgement_of_it(alba: Profile, text: str) -> None:
    """A feeling after the mention is the target's own; "X, pe Facebook:" introduces its words; an inauguration
    is routine; a dismissal may carry an adverb; a success in an indirect question is somebody else's."""
    assert tone_of(alba, text).tone == "neutral"


def test_nemultumiti_in_the_plural_after_the_institution_is_still_aimed_at_it(alba: Profile) -> None:
    text = "Fermierii au protestat în fața Prefecturii Alba, nemulțumiți de întârzierea plății subvențiilor."
    assert tone_of(alba, text, "institutia").tone == "negative"


def test_an_accusation_conceded_in_the_targets_words_is_background(alba: Profile) -> None:
    text = (
        "Ioana Câmpeanu, subprefect al județului Alba, a declarat că, în ciuda perchezițiilor de la sediul "
        "Prefecturii Alba, serviciile pentru cetățeni funcționează normal."
    )
    assert tone_of(alba, text, "subprefect").tone == "neutral"
    assert tone_of(alba, text, "institutia").tone == "neutral"


def test_a_picket_of_the_prefecture_against_the_government_is_not_aimed_at_it(alba: Profile) -> None:
    text = "Profesorii au pichetat marți Prefectura Alba, în cadrul protestelor împotriva înghețării salariilor."
    assert tone_of(alba, text, "institutia").tone == "neutral"


@pytest.mark.parametrize(
    ("text", "target", "tone"),
    [
        ("Oamenii din Câmpeni au aplaudat-o pe subprefecta Ioana Câmpeanu.", "subprefect", "positive"),
        ("„Dl Vlădescu trebuie să dea explicații pentru contracte”, a spus consilierul.", "prefect", "negative"),
        ("Nimeni de la Prefectura Alba n-a venit să vadă cum trăim.", "institutia", "negative"),
        (
            "Prefectura Alba a refuzat să comunice lista deplasărilor, deși sunt informații publice.",
            "institutia",
            "negative",
        ),
        (
            "Instituția Prefectului – Județul Alba a angajat-o fără concurs pe sora subprefectei.",
            "institutia",
            "negative",
        ),
    ],
)
def test_praise_demands_and_investigative_signals(alba: Profile, text: str, target: str, tone: str) -> None:
    assert tone_of(alba, text, target).tone == tone


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Drumul spre Arieșeni, redeschis",
            "Prefectul Horia Vlădescu și-a ținut promisiunea: drumul spre Arieșeni a fost redeschis în zece zile, cum "
            "anunțase după alunecarea de teren. Localnicii spun că nu se așteptau la o reacție atât de rapidă.",
        ),
        (
            "Prefectul s-a ținut de cuvânt",
            "Prefectul Horia Vlădescu s-a ținut de cuvânt: cele 40 de familii din Bistra au primit ajutoarele promise "
            "până la Crăciun.",
        ),
    ],
)
def test_a_promise_kept_reads_positive(alba: Profile, title: str, text: str) -> None:
    assert tone_of(alba, text, title=title).tone == "positive"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("În urma intervenției prefectului Horia Vlădescu, firma a reluat furnizarea apei în sat.", "prefect"),
        ("Satul are din nou curent, la intervenția Prefecturii Alba.", "institutia"),
        ("„Prefectul Horia Vlădescu e un om de treabă”, spun localnicii.", "prefect"),
        ("Primarul spune că prefectul Horia Vlădescu este un model de urmat.", "prefect"),
        ("Activitatea Instituției Prefectului – Județul Alba a fost înfloritoare anul trecut.", "institutia"),
        ("Prefectul Horia Vlădescu și-a ținut cuvântul: drumul a fost redeschis.", "prefect"),
        ("Prefectul Horia Vlădescu s-a ținut de cuvânt: drumul a fost redeschis.", "prefect"),
        ("Prefectul Horia Vlădescu și-a ținut promisiunea: drumul a fost redeschis.", "prefect"),
    ],
)
def test_credit_and_plain_praise_are_heard(alba: Profile, text: str, target: str) -> None:
    """Error class 3, the rules' verdict: a problem solved after the target stepped in, praise in plain words, a
    promise kept whatever the clitic («și-a», «s-a»: lexicon phrases match the text, tokenised alike)."""
    assert tone_examples("", text, alba, outlet_county="Alba", published=TODAY)[target]["rule:positive"] == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Prefectul Horia Vlădescu a ținut să le mulțumească pompierilor pentru intervenție.",
        "Prefectul Horia Vlădescu a adresat câteva cuvinte celor care au reușit să salveze satul.",
    ],
)
def test_thanks_and_success_of_others_are_not_the_targets(alba: Profile, text: str) -> None:
    """The rules' verdict: the target keeps to thank (an act of its own), "those who succeeded" are others."""
    assert tone_examples("", text, alba, outlet_county="Alba", published=TODAY)["prefect"]["rule:neutral"] == 1.0


@pytest.mark.parametrize(
    ("text", "target", "tone"),
    [
        (
            "Consiliul Local Blaj l-a declarat pe prefectul Horia Vlădescu cetățean de onoare al orașului.",
            "prefect",
            "positive",
        ),
        (
            "Prefectul Horia Vlădescu a fost distins cu Diploma de Excelență a pompierilor din Alba.",
            "prefect",
            "positive",
        ),
        ("Ioana Câmpeanu a primit medalia Crucii Roșii pentru ajutorul dat sinistraților.", "subprefect", "positive"),
        ("Prefectul Horia Vlădescu a înmânat medalii și diplome de excelență pompierilor.", "prefect", "neutral"),
        ("Ioana Câmpeanu a fost, recent, premiată la Sibiu pentru campania de vaccinare.", "subprefect", "positive"),
        ("Pompierii au primit diplome de excelență din partea prefectului Horia Vlădescu.", "prefect", "neutral"),
        ("Prefectul Horia Vlădescu i-a declarat pe doi medici cetățeni de onoare ai județului.", "prefect", "neutral"),
    ],
)
def test_an_honour_is_praise_for_whoever_receives_it(alba: Profile, text: str, target: str, tone: str) -> None:
    """Honours (citizenship, diplomas, medals) praise the one who receives them, the direct object ("pe
    prefectul ...") included; the target who hands them out is only acting. The rules' verdict: the learned
    layer weighs it with the words around (a lone honour among routine words may stay neutral there)."""
    features = tone_examples("", text, alba, outlet_county="Alba", published=TODAY)[target]
    assert features[f"rule:{tone}"] == 1.0


@pytest.mark.parametrize(
    ("text", "target", "tone"),
    [
        ("Prefectul Horia Vlădescu a venit la Blaj. Localnicii l-au huiduit.", "prefect", "negative"),
        ("Ioana Câmpeanu a vizitat Câmpeniul. Mamele au aplaudat-o.", "subprefect", "positive"),
        ("Prefectul Horia Vlădescu a fost la Blaj. Consilierii i-au cerut demisia.", "prefect", "negative"),
        ("Prefectul Horia Vlădescu a vorbit cu primarul. Consilierii l-au criticat pe primar.", "prefect", "neutral"),
        ("Prefectul Horia Vlădescu a mers la Sebeș. Oamenii i-au cerut să intervină.", "prefect", "neutral"),
    ],
)
def test_a_clitic_object_in_the_next_sentence_refers_to_the_target(
    alba: Profile, text: str, target: str, tone: str
) -> None:
    assert tone_of(alba, text, target).tone == tone


def test_credit_for_good_news_is_praise_and_for_a_disaster_is_not(alba: Profile) -> None:
    good = (
        "Timpul de așteptare la permise s-a redus la jumătate. Programul prelungit a dat rezultate, iar oamenii "
        "au rezolvat totul într-o oră. Subprefecta Ioana Câmpeanu, care a coordonat reorganizarea, a spus că "
        "urmează digitalizarea dosarelor."
    )
    bad = (
        "Un focar de pestă porcină a fost confirmat la Câmpeni. Subprefecta Ioana Câmpeanu a coordonat acțiunea "
        "de control, iar zona a fost declarată de protecție."
    )
    assert tone_of(alba, good, "subprefect").tone == "positive"
    assert tone_of(alba, bad, "subprefect").tone == "neutral"
