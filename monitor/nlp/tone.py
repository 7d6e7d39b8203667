"""Tone toward one target: lexicon hits in the sentences that mention it, weighed by who does what.

Rules, in the order they apply to each lexicon hit in a mention sentence:
- a "directed" term (critică, anchetă, protest, laudă) counts only when our target is on the receiving
  end: before the mention ("critici la adresa prefectului"), after it in the passive, in an apposition or
  after a verb of receiving ("prefectul a fost criticat", "Câmpeanu, felicitată", "prefectul a primit
  critici"); when the target is the one criticising, thanking or ordering an inquiry it is neutral;
- what our target says or asks ("prefectul a declarat că situația este gravă", "a cerut primarilor să
  sprijine fermierii"), before or after the verb of speech, does not count toward it, except the
  accusations it denies ("prefectul spune că acuzațiile sunt false" stays negative);
- a negative term next to a word of decrease turns into good news ("timpul de așteptare a scăzut");
- a "self" term (încălcare, cozi, succes) counts for whoever it describes, the target included;
- a negator before a term turns it ("nu a respectat"), an intensifier strengthens it;
- a term in another clause of the sentence ("..., iar primarul a fost criticat") weighs a tenth.
Besides the mention sentences, a following sentence that continues them ("Acesta...", or one without a
subject after a sentence whose subject is the target) counts at 0.6, and, for the institution, a sentence
reporting a failure at its counters ("cozi la pașapoarte") counts at 0.7 even when it does not name it.
A sentence after a mention whose verb of criticism or praise takes a clitic object ("Localnicii l-au huiduit")
also continues it. Two kinds of terms depend on the rest of the evidence: silence and evasion ("nu a răspuns
solicitărilor", "a refuzat să comenteze") weigh fully only when the target's other evidence is negative, and credit
("a coordonat reorganizarea") is praise only when the article's news is good. A feeling after the mention is
the target's own ("prefectul, nemulțumit de..."), and "X, pe Facebook: „...”" introduces the target's words.
The score is the weighted sum s mapped to s / (1 + |s|); |score| >= 0.25 is positive or negative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from monitor.data import word_lists
from monitor.nlp.language import Parsed, Token, key_of, phrase_keys
from monitor.nlp.mentions import genitive_role, is_role
from monitor.record import Tone

_PARTICIPLE = ("at", "ata", "ate", "ati", "it", "ita", "ite", "iti", "ut", "uta", "ute", "uti", "s", "sa", "se")
_SUBJECTLESS = frozenset({"a", "nu", "n-", "s-", "si-", "i-", "l-", "le-", "ar", "va", "era", "este", "e", "mai"})
_TENSE = frozenset({"a", "am", "ai", "au", "ati", "vom", "va", "vor", "voi", "o", "sa", "ar"})
_IMPERSONAL = frozenset({"se", "s-", "vi", "i", "li", "mi"})
_OPENING = frozenset({":", "„", "«", '"'})  # what opens somebody's words
_INDEFINITE = frozenset({"un", "o", "unui", "unei", "unor", "niste"})
_PERSONAL_OBJECT = frozenset({"unor", "unui", "unei"})
_PROCLITICS = frozenset({"l-", "il", "i-", "ii"})  # "l-au criticat", "îl acuză", "i-au cerut demisia"
_ENCLITICS = frozenset({"-l", "-o", "-i"})  # "au aplaudat-o"
_OTHER_CLAUSE = 0.1
_SERVICE = 0.7
_TITLE = 1.5
_ANAPHORA = 0.6
_ROUTINE_SILENCE = 0.3
_GOOD_OUTCOME = 1.5  # weight of an article's good news from which those credited with it are praised
_PLAIN, _EVASIVE, _CREDIT = 0, 1, 2
_THRESHOLD = 0.25

Phrase = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Term:
    words: Phrase
    weight: float  # signed: negative terms below zero
    directed: bool
    kind: int = 0  # _PLAIN, _EVASIVE (silence: weighs fully after other negative evidence) or _CREDIT (see score_tone)

    @property
    def manner(self) -> str:
        """How the term weighs, in a word: aimed at someone, about whoever it describes, silence, or credit."""
        if self.kind == _EVASIVE:
            return "evasive"
        if self.kind == _CREDIT:
            return "credit"
        return "directed" if self.directed else "self"


@dataclass(frozen=True, slots=True)
class Lexicon:
    terms: dict[str, tuple[Term, ...]]  # first word -> terms starting with it, longest first
    negators: frozenset[str]
    intensifiers: dict[Phrase, float]
    speech: frozenset[Phrase]
    undergo: frozenset[Phrase]
    clause_breaks: frozenset[Phrase]
    reducers: frozenset[str]
    content_marks: frozenset[str]
    auxiliaries: frozenset[str]
    verb_starts: frozenset[str]
    anaphora: frozenset[str]
    services: frozenset[str]
    agentive: frozenset[str]
    dismissals: frozenset[Phrase]
    prospective: frozenset[Phrase]
    protest_terms: frozenset[str]
    requests: frozenset[str]
    protest_against: frozenset[str]
    places_of_protest: frozenset[Phrase]
    other_heads: frozenset[str]
    experiencer: frozenset[str]
    authored_nouns: frozenset[str]
    concessions: frozenset[Phrase]


def _phrases(words: list[object]) -> frozenset[Phrase]:
    return frozenset(variant for word in words for variant in phrase_keys(str(word)))


@cache
def lexicon() -> Lexicon:
    """The tone lexicon of the package (monitor/data/lexicon.yaml), lemmatised."""
    data = word_lists("lexicon.yaml")
    by_first: dict[str, list[Term]] = {}
    for polarity, sign in (("negative", -1.0), ("positive", 1.0)):
        for kind in ("directed", "self"):
            for text, weight in data[polarity][kind].items():
                for words in phrase_keys(str(text)):
                    by_first.setdefault(words[0], []).append(Term(words, sign * float(weight), kind == "directed"))
    for text, weight in data["negative"]["evasive"].items():
        for words in phrase_keys(str(text)):
            by_first.setdefault(words[0], []).append(Term(words, -float(weight), False, _EVASIVE))
    for text, weight in data["positive"]["credit"].items():
        for words in phrase_keys(str(text)):
            by_first.setdefault(words[0], []).append(Term(words, float(weight), False, _CREDIT))
    for text in data["neutral"]:
        for words in phrase_keys(str(text)):
            by_first.setdefault(words[0], []).append(Term(words, 0.0, False))
    terms = {first: tuple(sorted(group, key=lambda t: -len(t.words))) for first, group in by_first.items()}
    return Lexicon(
        terms=terms,
        negators=frozenset(words[0] for words in _phrases(data["negators"])),
        intensifiers={words: float(v) for w, v in data["intensifiers"].items() for words in phrase_keys(str(w))},
        speech=_phrases(data["speech"]),
        undergo=_phrases(data["undergo"]),
        clause_breaks=_phrases(data["clause_breaks"]),
        reducers=frozenset(words[0] for words in _phrases(data["reducers"])),
        content_marks=frozenset(key_of(str(w)) for w in data["content_marks"]),
        auxiliaries=frozenset(key_of(str(w)) for w in data["auxiliaries"]),
        verb_starts=frozenset(key_of(str(w)) for w in data["verb_starts"]),
        anaphora=frozenset(str(w) for w in data["anaphora"]),
        services=frozenset(words[0] for words in _phrases(data["services"])),
        agentive=frozenset(words[0] for words in _phrases(data["agentive"])),
        dismissals=_phrases(data["dismissals"]),
        prospective=_phrases(data["prospective"]),
        protest_terms=frozenset(words[0] for words in _phrases(data["protest_terms"])),
        requests=frozenset(words[0] for words in _phrases(data["requests"])),
        protest_against=frozenset(words[0] for words in _phrases(data["protest_against"])),
        places_of_protest=_phrases(data["places_of_protest"]),
        other_heads=frozenset(key_of(str(w)) for w in data["other_heads"]),
        experiencer=frozenset(words[0] for words in _phrases(data["experiencer"])),
        authored_nouns=frozenset(words[0] for words in _phrases(data["authored_nouns"])),
        concessions=_phrases(data["concessions"]),
    )


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # token indexes in the parsed text
    end: int
    term: Term


def _starts(tokens: Sequence[Token], index: int, words: Phrase) -> bool:
    if index + len(words) > len(tokens) or tokens[index].base != words[0]:
        return False
    return all(tokens[index + k].base == word for k, word in enumerate(words))


def find_hits(parsed: Parsed, first: int, last: int) -> list[Hit]:
    """Lexicon terms among tokens [first, last) (longest match first, no overlaps)."""
    terms = lexicon().terms
    tokens = parsed.tokens
    hits: list[Hit] = []
    index = first
    while index < last:
        for term in terms.get(tokens[index].base, ()):
            if index + len(term.words) <= last and _starts(tokens, index, term.words):
                hits.append(Hit(index, index + len(term.words), term))
                index += len(term.words) - 1
                break
        index += 1
    return hits


def _any_phrase(tokens: Sequence[Token], first: int, last: int, phrases: frozenset[Phrase]) -> bool:
    return any(_starts(tokens, i, phrase) and i + len(phrase) <= last for i in range(first, last) for phrase in phrases)


def _speech_then_content(tokens: Sequence[Token], first: int, last: int, marks: frozenset[str]) -> bool:
    """A verb of speech in [first, last) followed by "că", "să" or a quote before `last`."""
    speech = lexicon().speech
    for i in range(first, last):
        for phrase in speech:
            if _starts(tokens, i, phrase) and any(tokens[k].key in marks for k in range(i + len(phrase), last)):
                return True
    return False


def _clause_of(tokens: Sequence[Token], first: int, index: int, breaks: frozenset[Phrase]) -> int:
    """How many clause breaks lie between the sentence start and `index`."""
    return sum(1 for i in range(first, index) if any(_starts(tokens, i, phrase) for phrase in breaks))


def weigh_hit(parsed: Parsed, first: int, hit: Hit, mention: tuple[int, int], acted: bool = False) -> float:
    """The signed contribution of one lexicon hit to the tone toward the target mentioned at `mention`.

    `acted`: an earlier term of the sentence is something the target did to someone else ("prefectul l-a
    criticat pe primar, acuzat de nereguli"): what follows in its clause describes that someone."""
    lex = lexicon()
    tokens = parsed.tokens
    weight = hit.term.weight
    m_start, m_end = mention
    if not hit.term.directed and _asked_about(tokens, first, hit):
        return 0.0  # "trebuie să spună cine a câștigat": the question's subject, not the target's success
    # negators and intensifiers just before the term, within its clause
    window = range(max(first, hit.start - 3), hit.start)
    if any(tokens[i].key in lex.negators or tokens[i].base in lex.negators for i in window):
        if not _indispensable(tokens, first, mention, hit):
            weight = -weight if weight > 0 else -0.3 * weight
    elif weight < 0 and _dismissed(tokens, first, hit.start):
        weight = -0.3 * weight  # "a respins contestația prin care se cerea anularea ordinului prefectului"
    if weight > 0 and _any_phrase(tokens, max(first, hit.start - 5), hit.start, lex.prospective):
        weight *= 0.3  # "ar urma să reducă timpul de așteptare": a plan is not a result (a threat stays a threat)
    for i in [*range(max(first, hit.start - 2), hit.start), hit.end]:  # "grav încălcat", "critici dure"
        for phrase, factor in lex.intensifiers.items():
            if _starts(tokens, i, phrase):
                weight *= factor
    if weight < 0 and _reduced(tokens, first, hit):
        weight = -0.8 * weight  # "timpul de așteptare a scăzut", "cozile au dispărut"
        if _any_phrase(tokens, max(first, hit.start - 5), hit.start, lex.prospective):
            weight *= 0.3
    if hit.end <= m_start:
        if _new_request(tokens, hit.end, m_start) or (
            hit.term.directed and (_new_verb(tokens, hit.end, m_start) or _agent(tokens, hit, m_start))
        ):
            return 0.0  # "a mulțumit oaspetelui și a exprimat...", "felicitați de prefect": aimed elsewhere
        if hit.term.words[0] in lex.authored_nouns and _authored_by(tokens, hit, mention):
            return 0.0  # "Acuzații grave ale prefectului": the target's accusations against others
        if hit.term.words[0] in lex.requests and _addressed_to(tokens, hit.end, m_start):
            return 0.0  # "am depus o petiție la Prefectură": the institution is asked, not accused
        if hit.term.words[0] in lex.protest_terms and _protest_elsewhere(tokens, first, hit, m_start):
            return 0.0  # "protest la Prefectură împotriva închiderii secției": aimed at something else
        if hit.term.directed and _label_then_act(tokens, hit, mention):
            weight *= _OTHER_CLAUSE  # "Ancheta de la spital: prefecta cere demiterea managerului"
        for i in range(max(hit.end, m_start - 3), m_start):
            if any(_starts(tokens, i, phrase) for phrase in lex.speech) and not any(
                tokens[k].key in lex.content_marks for k in range(i, m_start)
            ):
                if _kept_accusation(tokens, first, hit):
                    break  # "„Acuzațiile sunt false”, a spus prefectul": a denial keeps the accusation
                return 0.0  # "„...”, a declarat prefectul": the target's own words
    elif hit.start >= m_end:
        weight *= _after_mention(tokens, hit, mention, acted)
    clause_hit = _clause_of(tokens, first, hit.start, lex.clause_breaks)
    clause_mention = _clause_of(tokens, first, m_start, lex.clause_breaks)
    if clause_hit != clause_mention:
        weight *= _OTHER_CLAUSE
    return weight


def _kept_accusation(tokens: Sequence[Token], first: int, hit: Hit) -> bool:
    """An accusation (a noun, not the target's own act) in the target's words: it is answering it ("„Acuzațiile
    sunt false”, a spus prefectul"), unless the target is the one asking for it ("„Am cerut sancțiuni”")."""
    if not (hit.term.directed and hit.term.weight < 0) or _is_action(tokens, hit):
        return False
    if _any_phrase(tokens, max(first, hit.start - 4), hit.start, lexicon().concessions):
        return False  # "a declarat că, în ciuda perchezițiilor, serviciile funcționează": conceded, not answered
    agentive = lexicon().agentive
    return not any(tokens[i].base in agentive for i in range(max(first, hit.start - 5), hit.start))


def _indispensable(tokens: Sequence[Token], first: int, mention: tuple[int, int], hit: Hit) -> bool:
    """ "Fără doamna prefect nu am fi reușit": a negated term after "fără <target>" praises the target."""
    m_start = mention[0]
    if hit.start < mention[1]:
        return False
    return any(tokens[i].key == "fara" for i in range(max(first, m_start - 2), m_start))


def _agent(tokens: Sequence[Token], hit: Hit, m_start: int) -> bool:
    """The mention is the agent of a passive ("felicitați de prefect", "acuzată de un angajat al instituției",
    "premiul a fost ridicat de subprefectă") or the giver ("diplome din partea prefectului"): not the one the
    term is aimed at."""
    marks = lexicon().content_marks
    for i in range(hit.end, min(m_start, hit.end + 4)):
        if tokens[i].key in marks:
            return False  # "a apreciat că proiectul realizat de Prefectură": the praise reaches the agent
        giver = tokens[i].key == "din" and i + 1 < m_start and tokens[i + 1].key == "partea"
        if giver or (tokens[i].key in ("de", "catre") and (i == hit.end or tokens[i - 1].key.endswith(_PARTICIPLE))):
            between = range(i + (2 if giver else 1), m_start)
            return len(between) <= 5 and not any(tokens[k].text in (",", ";", ":") for k in between)
    return False


def _protest_elsewhere(tokens: Sequence[Token], first: int, hit: Hit, m_start: int) -> bool:
    """A protest whose link to the mention is a place ("în fața Prefecturii", "la sediul") in a text that says
    what it is against or whom it asks ("împotriva închiderii secției", "memoriul pentru Guvern"): the
    prefecture is where the Government is reached, not the target."""
    places = lexicon().places_of_protest
    direct = m_start - hit.end <= 1 and tokens[hit.start].key.endswith(_PARTICIPLE)  # "au pichetat (marți) Prefectura"
    if not direct and not any(
        _starts(tokens, i, p) and i + len(p) == m_start for i in range(hit.end, m_start) for p in places
    ):
        return False
    against = lexicon().protest_against
    return any(token.base in against for token in tokens[: m_start - 1]) or any(
        token.base in against for token in tokens[m_start + 1 :]
    )


def _addressed_to(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Only "la" ("la sediul", "către") between a request and the mention: the mention is its addressee."""
    words = [tokens[i].key for i in range(first, last)]
    return words in (["la"], ["catre"], ["la", "sediul"], ["adresata"], ["adresata", "catre"])


def _label_then_act(tokens: Sequence[Token], hit: Hit, mention: tuple[int, int]) -> bool:
    """A headline label before a colon, then the target doing something ("Ancheta de la spital: prefecta cere
    demiterea managerului"): the label is not about the target."""
    if not any(tokens[i].text == ":" for i in range(hit.end, mention[0])):
        return False
    lex = lexicon()
    after = [i for i in range(mention[1], min(len(tokens), mention[1] + 3)) if tokens[i].key not in lex.auxiliaries]
    return bool(after) and (tokens[after[0]].base in lex.agentive or (tokens[after[0]].base,) in lex.speech)


def _is_action(tokens: Sequence[Token], hit: Hit) -> bool:
    """The term is a verb ("am criticat", "a acuzat") or a participle ("criticate"), not a noun ("acuzațiile")."""
    if tokens[hit.start].key.endswith(_PARTICIPLE):
        return True
    return any(tokens[i].key in _TENSE for i in range(max(0, hit.start - 2), hit.start))


def _reduced(tokens: Sequence[Token], first: int, hit: Hit) -> bool:
    """A word of decrease near a negative term, before it or later in its clause (up to a comma)."""
    reducers = lexicon().reducers
    if any(tokens[i].base in reducers for i in range(max(first, hit.start - 4), hit.start)):
        return True
    for i in range(hit.end, min(len(tokens), hit.end + 12)):
        if tokens[i].text in (",", ";", ".") or tokens[i].sentence != tokens[hit.start].sentence:
            return False
        if tokens[i].base in reducers:
            return True
    return False


def _dismissed(tokens: Sequence[Token], first: int, last: int) -> bool:
    """A dismissal ("a respins contestația", "a respins definitiv acțiunea") in [first, last); one adverb may
    stand between the verb and its object."""
    for i in range(first, last):
        for phrase in lexicon().dismissals:
            if tokens[i].base != phrase[0]:
                continue
            rest = phrase[1:]
            for skip in (0, 1):
                start = i + 1 + skip
                if start + len(rest) <= last and all(tokens[start + k].base == w for k, w in enumerate(rest)):
                    return True
    return False


def _asked_about(tokens: Sequence[Token], first: int, hit: Hit) -> bool:
    """A term in an indirect question ("cine a câștigat", "cine a greșit"): it describes whoever the question
    is about, not the target."""
    lex = lexicon()
    before = [i for i in range(max(first, hit.start - 3), hit.start) if tokens[i].key not in lex.auxiliaries]
    return bool(before) and tokens[before[-1]].key == "cine"


def _after_mention(tokens: Sequence[Token], hit: Hit, mention: tuple[int, int], acted: bool) -> float:
    """How much a term after the mention weighs (0 or 1): who does what to whom in between."""
    lex = lexicon()
    m_end = mention[1]
    gap = range(m_end, hit.start)
    if hit.term.words[0] in lex.experiencer and not tokens[hit.start].key.endswith(("ti", "te")):
        return 0.0  # "prefectul, nemulțumit de ritmul lucrărilor": the target's feeling, aimed at someone else
    if hit.term.words[0] in lex.protest_terms and any(
        tokens[k].base in lex.protest_against for k in range(hit.end, min(len(tokens), hit.end + 3))
    ):
        return 0.0  # "au pichetat Prefectura, în cadrul protestelor împotriva înghețării salariilor"
    if _speaks(tokens, m_end, hit.start):
        if _kept_accusation(tokens, _sentence_start(tokens, m_end - 1), hit):
            return 1.0  # "prefectul a declarat că acuzațiile sunt false": a denial keeps the accusation
        return 0.0  # the target's own words, or what it asked of others
    if _relative_elsewhere(tokens, m_end, hit.start):
        return 0.0  # "... verificarea cerută de un avocat care reclamase întârzieri": the relative's own
    if acted and any(tokens[i].key in lex.anaphora for i in gap):
        return 0.0  # "a emis ordinul de suspendare a primarului, după ce acesta a fost trimis în judecată"
    participle = tokens[hit.start].key.endswith(_PARTICIPLE)
    quoted = any(tokens[i].text in _OPENING for i in gap)
    before = [i for i in gap if tokens[i].is_word][-3:]  # "a fost, ieri, criticat": commas are no words
    if participle and not quoted and any(tokens[i].base == "fi" for i in before):
        return 1.0  # "prefectul a fost criticat" (not "prefectul: „A fost o lipsă de ...”")
    if participle and not any(tokens[i].is_word for i in gap):
        return 1.0  # "prefectul, criticat de ...", "Ioana Câmpeanu, felicitată"
    if participle and (_modifies_noun(tokens, hit.start) or _apposition(tokens, hit.start, m_end)):
        return 0.0  # "salvarea turiștilor blocați", "mandatul primarului, condamnat ...": another noun's
    if _any_phrase(tokens, m_end, hit.start, lex.undergo):
        return 1.0  # "prefectul a primit critici"
    if any(tokens[i].key in _IMPERSONAL for i in range(max(m_end, hit.start - 2), hit.start)):
        return 1.0  # "domnule prefect, vi se reproșează", "i se cere demisia"
    quote = next((i for i in gap if tokens[i].text in (":", "„", "«")), None)
    if quote is not None and (_subject_gap(tokens, m_end, quote) or _about(tokens, m_end)):
        return 0.0  # "Vlădescu: „Cozile au fost rușinea instituției”", "Prefecta, despre incendiu: „...”"
    if acted:
        return 0.0  # what the target reproached someone with ("l-a criticat pe primar, acuzat de nereguli")
    if hit.term.directed and any(tokens[i].key == "pe" for i in range(m_end, hit.start - 1)):
        return 0.0  # "prefectul i-a declarat pe doi medici cetățeni de onoare": aimed at the verb's object
    if hit.term.directed and not _receives(tokens, mention) and _acts(tokens, m_end, hit.start):
        return 0.0  # the target criticises, inquires, praises, thanks: not a judgement of it
    return 1.0


def _authored_by(tokens: Sequence[Token], hit: Hit, mention: tuple[int, int]) -> bool:
    """A judgement noun followed by the mention in the genitive, with at most its adjectives and the genitive
    article between ("acuzațiile prefectului", "critici dure ale prefectei"): the mention is its author."""
    between = [tokens[i] for i in range(hit.end, mention[0])]
    if between and genitive_role(between[-1].key):
        between, genitive = between[:-1], True  # "... ale prefectului Ion Pop": the name is the mention
    else:
        genitive = _oblique(tokens, mention)
    if not genitive or len(between) > 2 or not all(token.is_word for token in between):
        return False
    return not between or between[-1].key in ("al", "a", "ai", "ale")


def _apposition(tokens: Sequence[Token], index: int, m_end: int) -> bool:
    """A participle after a comma that closes a noun other than the mention ("a încetat mandatul primarului din
    Blaj, condamnat definitiv"): it describes that noun."""
    return index - 2 >= m_end and tokens[index - 1].text == "," and tokens[index - 2].is_word


def _receives(tokens: Sequence[Token], mention: tuple[int, int]) -> bool:
    """The mention is in the dative or genitive (`_oblique`) or the verb's direct object ("l-au declarat pe
    prefectul Ion Pop cetățean de onoare", "o felicită pe Ioana Pop"): what follows is said of it."""
    index = mention[0] - 1
    if index >= 0 and is_role(tokens[index].key):
        index -= 1  # "pe prefectul Ion Pop": the name is the mention
    return _oblique(tokens, mention) or (index >= 0 and tokens[index].key == "pe")


def _oblique(tokens: Sequence[Token], mention: tuple[int, int]) -> bool:
    """The mention is in the dative or genitive ("i-a acordat fostului prefect diploma", "lui Vasile Florea",
    "Mariei Bucur-Oprea"): it receives, it cannot be the subject doing the act."""
    first = tokens[mention[0]]
    if mention[0] > 0 and tokens[mention[0] - 1].key == "lui":
        return True
    return first.key.endswith(("ului", "ei")) and first.text[:1].isalpha()


def _modifies_noun(tokens: Sequence[Token], index: int) -> bool:
    """The word before a participle is a plain word (not an auxiliary, negator or adverb of degree)."""
    lex = lexicon()
    before = tokens[index - 1]
    if not before.is_word or before.key in lex.auxiliaries or before.base in ("fi", "avea"):
        return False
    return before.key not in lex.negators and not any(phrase[0] == before.base for phrase in lex.intensifiers)


def _sentence_start(tokens: Sequence[Token], index: int) -> int:
    sentence = tokens[index].sentence
    while index > 0 and tokens[index - 1].sentence == sentence:
        index -= 1
    return index


def _about(tokens: Sequence[Token], m_end: int) -> bool:
    """A headline "Prefecta de Cluj, despre incendiu: „...”" or "Prefectul, pe Facebook: „...”": what follows
    the colon is the target's."""
    index = m_end + 1 if m_end < len(tokens) and tokens[m_end].text == "," else m_end
    if index >= len(tokens):
        return False
    if tokens[index].key == "despre":
        return True
    channel = range(index + 1, min(len(tokens), index + 4))
    return tokens[index].key in ("pe", "la") and any(tokens[i].text == ":" for i in channel)


def _relative_elsewhere(tokens: Sequence[Token], first: int, last: int) -> bool:
    """A relative "care" between the mention and the term that hangs on somebody newly introduced ("cerută de
    un avocat care reclamase întârzieri", "celor care au reușit"); not "instituția pe care o conduce", nor "un
    ordin care încalcă legea" (the target's own act, introduced by one of its verbs)."""
    for i in range(max(first, 3), last):
        if tokens[i].key == "care" and tokens[i - 1].base == "cel" and i - 1 >= first:
            return True  # "a mulțumit celor care au ajutat": those who, somebody else
        if tokens[i].key == "care" and (tokens[i - 2].key in _INDEFINITE or tokens[i - 3].key in _INDEFINITE):
            return tokens[i - 3].key == "de" or tokens[i - 4].key == "de" or tokens[i - 2].key in _PERSONAL_OBJECT
    return False


def _subject_gap(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Only auxiliaries, clitics and an apposition between commas lie in [first, last): the mention is
    the subject of the verb at `last` ("prefectul a declarat", "Vlădescu, prefect de Alba, le-a cerut")."""
    lex = lexicon()
    words = _without_apposition(tokens, first, last)
    return len(words) <= 4 and all(tokens[i].key in lex.auxiliaries or tokens[i].text == "," for i in words)


def _without_apposition(tokens: Sequence[Token], first: int, last: int) -> list[int]:
    """Token indexes of [first, last) without a leading ", prefect al județului Alba," apposition."""
    words = list(range(first, last + 1 if last < len(tokens) else last))
    if words and tokens[words[0]].text == ",":
        closing = next((i for i in words[1:] if tokens[i].text in (",", ":")), None)
        if closing is not None and closing - words[0] <= 8:
            return [i for i in words if closing < i < last]
    return [i for i in words if i < last]


def _speaks(tokens: Sequence[Token], first: int, last: int) -> bool:
    """The target is the speaker of a verb of speech in [first, last) whose content reaches `last`."""
    lex = lexicon()
    for i in range(first, last):
        for phrase in lex.speech:
            if (
                _starts(tokens, i, phrase)
                and _subject_gap(tokens, first, i)
                and any(tokens[k].key in lex.content_marks for k in range(i + len(phrase), last))
            ):
                return True
    return False


def _new_verb(tokens: Sequence[Token], first: int, last: int) -> bool:
    """A second verb ("și a exprimat") starts between a term and a later mention: the term is aimed elsewhere."""
    lex = lexicon()
    return any(
        tokens[i].key in ("si", "si-") and (tokens[i + 1].key in lex.verb_starts or (tokens[i + 1].base,) in lex.speech)
        for i in range(first, last - 1)
    )


def _new_request(tokens: Sequence[Token], first: int, last: int) -> bool:
    """A verb of speech or request after "și" starts between a term and a later mention ("vorbesc despre
    promisiuni deșarte și cer ca prefectul să intervină"): the mention is who is asked, not who is described."""
    speech = lexicon().speech
    return any(tokens[i].key in ("si", "si-") and (tokens[i + 1].base,) in speech for i in range(first, last - 1))


def _acts(tokens: Sequence[Token], first: int, last: int) -> bool:
    """The term at `last` is the target's own doing: it is the target's verb ("prefectul a criticat",
    "prefectul critică") or the object of one of its acts ("prefectul a dispus o anchetă"); not when
    another verb puts the target on the receiving end ("prefectul a ajuns subiectul unei anchete"). The act may
    lie further when it is the target's own verb, with no comma in between ("prefectul a publicat duminică seara
    pe Facebook un mesaj de mulțumire")."""
    lex = lexicon()
    gap = _without_apposition(tokens, first, last)
    words = [i for i in gap if tokens[i].is_word]
    if not words or all(tokens[i].key in lex.auxiliaries for i in words):
        return True  # "prefectul critică", "prefectul l-a criticat"
    if any(tokens[i].base in lex.agentive for i in words) and len(words) <= 6:
        return True
    verb = next((i for i in words if tokens[i].key not in lex.auxiliaries), None)
    return (
        verb is not None
        and tokens[verb].base in lex.agentive
        and len(words) <= 10
        and not any(tokens[i].text in (",", ";", ":") for i in gap)
    )


@dataclass(frozen=True, slots=True)
class ToneResult:
    tone: Tone
    score: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A sentence that speaks of the target: where, which tokens name it, and how much it weighs."""

    parsed: Parsed
    sentence: int
    mention: tuple[int, int]  # token range of the mention (the pronoun, for a continued sentence)
    factor: float = 1.0


def occurrence(parsed: Parsed, sentence: int, mention: tuple[int, int], *, in_title: bool) -> Occurrence:
    return Occurrence(parsed, sentence, mention, _TITLE if in_title else 1.0)


def article_outcome(title: Parsed, text: Parsed) -> float:
    """How good the article's news is, whoever it is about: its lexicon terms weighed as if aimed at nobody in
    particular (negation, decrease and plans apply), the title's as in a mention."""
    total = 0.0
    for parsed in (title, text):
        for sentence in parsed.sentences:
            start = sentence.first_token
            for hit in find_hits(parsed, start, sentence.last_token):
                if hit.term.kind == _PLAIN:
                    total += weigh_hit(parsed, start, hit, (start, start)) * (_TITLE if parsed is title else 1.0)
    return total


def score_tone(occurrences: Sequence[Occurrence], outcome: Callable[[], float] = float) -> ToneResult:
    """Tone toward one target from the sentences that mention it (first mention of each sentence counts).

    Silence and evasion ("nu a răspuns solicitărilor") weigh fully only when the rest of the evidence toward the
    target is already negative: they confirm an accusation, and are a routine closing line otherwise. Credit
    ("inițiativa i-a aparținut", "care a coordonat reorganizarea") is praise only when the article's news is good
    (`outcome()`, from `article_outcome`, default none, reaches _GOOD_OUTCOME; asked only when there is credit); a
    disaster the target coordinates stays neutral."""
    plain: dict[str, float] = {}
    evasive: dict[str, float] = {}
    credit: dict[str, float] = {}
    order: list[str] = []
    seen: set[tuple[int, int]] = set()
    for item in _with_anaphora(occurrences):
        place = (id(item.parsed), item.sentence)
        if place in seen:
            continue
        seen.add(place)
        sentence = item.parsed.sentences[item.sentence]
        weights = _sentence_totals(item, sentence.first_token, sentence.last_token)
        if sentence.text not in plain:
            order.append(sentence.text)
            plain[sentence.text] = evasive[sentence.text] = credit[sentence.text] = 0.0
        plain[sentence.text] += item.factor * weights[_PLAIN]
        evasive[sentence.text] += item.factor * weights[_EVASIVE]
        credit[sentence.text] += item.factor * weights[_CREDIT]
    silence = 1.0 if sum(plain.values()) < 0 else _ROUTINE_SILENCE
    earned = 1.0 if any(credit.values()) and outcome() >= _GOOD_OUTCOME else 0.0
    contributions = {text: plain[text] + silence * evasive[text] + earned * credit[text] for text in order}
    total = sum(contributions.values())
    score = round(total / (1.0 + abs(total)), 3)
    tone = Tone.POSITIVE if score >= _THRESHOLD else Tone.NEGATIVE if score <= -_THRESHOLD else Tone.NEUTRAL
    if tone == "neutral":
        evidence = order[:3]
    else:
        sign = 1 if tone == Tone.POSITIVE else -1
        driving = sorted((s for s in order if sign * contributions[s] > 0), key=lambda s: -abs(contributions[s]))
        evidence = driving[:3]
    return ToneResult(tone, score, tuple(evidence))


def weighed_hits(item: Occurrence, first: int, last: int) -> list[tuple[Hit, float]]:
    """The lexicon hits of tokens `first` to `last` (but those inside the mention) with their weight toward the
    target: 0.0 for a term aimed at someone else or describing the target's act on others."""
    weighed = []
    acted = False
    for hit in find_hits(item.parsed, first, last):
        if hit.start < item.mention[1] and item.mention[0] < hit.end:
            continue
        weight = weigh_hit(item.parsed, first, hit, item.mention, acted)
        if hit.term.directed and hit.start >= item.mention[1] and weight == 0.0:
            acted = True
        weighed.append((hit, weight))
    return weighed


def _sentence_totals(item: Occurrence, first: int, last: int) -> list[float]:
    """The weight of one sentence toward the target, by kind of term (_PLAIN, _EVASIVE, _CREDIT)."""
    totals = [0.0, 0.0, 0.0]
    for hit, weight in weighed_hits(item, first, last):
        totals[hit.term.kind] += weight
    return totals


def institution_references(parsed: Parsed, *, in_title: bool, skip: set[int]) -> list[Occurrence]:
    """Sentences that speak of "instituția" (not "Instituția Prefectului", already a mention) in an article
    about our institution: they carry its tone ("Instituția nu a răspuns solicitărilor noastre")."""
    found = []
    keys = parsed.keys
    seen = set(skip)
    heads = lexicon().other_heads
    for index, key in enumerate(keys):
        if key in ("institutia", "institutiei") and (index + 1 == len(keys) or keys[index + 1] != "prefectului"):
            if index > 0 and keys[index - 1] in heads:
                continue  # "directorul instituției": a person, and often of another institution
            sentence = parsed.tokens[index].sentence
            if sentence not in seen:
                seen.add(sentence)
                found.append(Occurrence(parsed, sentence, (index, index + 1), _ANAPHORA * (_TITLE if in_title else 1)))
    return found


def service_failures(parsed: Parsed, *, in_title: bool, skip: set[int]) -> list[Occurrence]:
    """Sentences about the prefecture's counters (passports, licences) that report a failure: they count
    toward the institution even when it is not named in them ("Cozi de ore la pașapoarte")."""
    lex = lexicon()
    found = []
    for index, sentence in enumerate(parsed.sentences):
        bases = parsed.bases[sentence.first_token : sentence.last_token]
        if index in skip or not lex.services.intersection(bases):
            continue
        if _any_phrase(parsed.tokens, sentence.first_token, sentence.last_token, lex.speech):
            continue  # someone's statement or plan ("și-a propus să reducă cozile"), not a reported failure
        hits = find_hits(parsed, sentence.first_token, sentence.last_token)
        if any(hit.term.weight < 0 and not hit.term.directed for hit in hits):
            virtual = (sentence.first_token, sentence.first_token)  # before every word: nobody's own words
            found.append(Occurrence(parsed, index, virtual, _SERVICE * (_TITLE if in_title else 1.0)))
    return found


def _with_anaphora(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """The mention sentences plus a following sentence that continues them: one that opens with "acesta",
    "ea"..., or, after a sentence whose subject is the target, one without a subject of its own (Romanian
    drops it: "Prefectul a promis cisterne. Nu a trimis niciuna."), or one whose verb of criticism or praise
    takes a clitic object and no other ("Localnicii l-au huiduit", "Mamele au aplaudat-o")."""
    anaphora = lexicon().anaphora
    result = list(occurrences)
    mentioned = {(id(item.parsed), item.sentence) for item in occurrences}
    for item in occurrences:
        parsed, index = item.parsed, item.sentence + 1
        if index >= len(parsed.sentences) or (id(parsed), index) in mentioned:
            continue
        following = parsed.sentences[index]
        words = [i for i in range(following.first_token, following.last_token) if parsed.tokens[i].is_word][:5]
        pronoun = next((i for i in words if parsed.tokens[i].key in anaphora), None)  # "Întrebat ieri, acesta"
        subject = item.mention[0] - parsed.sentences[item.sentence].first_token <= 2
        if pronoun is not None:
            result.append(Occurrence(parsed, index, (pronoun, pronoun + 1), _ANAPHORA))
            mentioned.add((id(parsed), index))
        elif (subject and words and parsed.tokens[words[0]].key in _SUBJECTLESS) or _clitic_object(
            parsed, following.first_token, following.last_token
        ):
            start = following.first_token
            result.append(Occurrence(parsed, index, (start, start), _ANAPHORA))
            mentioned.add((id(parsed), index))
    return result


def _clitic_object(parsed: Parsed, first: int, last: int) -> bool:
    """A directed term used as a verb whose object is a clitic ("l-au criticat", "îl acuză", "i-au cerut demisia",
    "au aplaudat-o") and not a named somebody ("l-au criticat pe primar")."""
    tokens = parsed.tokens
    lex = lexicon()
    for hit in find_hits(parsed, first, last):
        if not hit.term.directed or hit.term.weight == 0.0:
            continue
        index = hit.start - 1
        while index > first and tokens[index].key in _TENSE:
            index -= 1  # "l-au criticat": back over the auxiliary
        proclitic = index >= first and tokens[index].key in _PROCLITICS
        enclitic = hit.end < last and tokens[hit.end].key in _ENCLITICS
        named = any(tokens[i].key == "pe" for i in range(hit.end, min(last, hit.end + 3)))
        if (proclitic or enclitic) and not named and hit.term.words not in lex.speech:
            return True
    return False
