"""Find every mention of each target: names in all forms, inflected role phrases, the institution."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from monitor.config import Profile, Target
from monitor.data import word_lists
from monitor.nlp.language import Parsed, Sentence, Token, key_of, language
from monitor.nlp.places import Place

if TYPE_CHECKING:  # the document reads role words with this module's helper: only the type comes back here
    from monitor.nlp.document import Document

Field = Literal["title", "text"]

_PERSON_ROLE = re.compile(r"^(?:ex-?)?(sub)?prefect(ul|ului|ii|ilor|i|a|ei|e|ele|elor)?$")
_INSTITUTION_ROLE = re.compile(r"^prefectur(?:a|ii|ile|ilor|i)?$")
_INSTITUTION_HEAD = re.compile(r"^(?:institutia|institutiei|institutiile)$")
_ROLE_STARTS = ("prefect", "subprefect", "ex", "institut", "reprezentant")
_PLURAL = {"ii", "ilor", "i", "e", "ele", "elor"}


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of a target: where it is (field, characters, sentence) and how it was recognised."""

    target: str
    field: Field
    start: int
    end: int
    sentence: int
    token: int
    kind: str  # "name", "surname", "alias", "role"


@dataclass(frozen=True, slots=True)
class Cues:
    former: frozenset[str]
    generic: frozenset[str]
    qualifiers: frozenset[str]
    office: frozenset[str]
    head: frozenset[str]
    honorifics: frozenset[str]
    connectors: frozenset[str]
    not_administrative: frozenset[str]
    elsewhere: re.Pattern[str]
    new: frozenset[str]
    future: re.Pattern[str]
    then: tuple[tuple[str, ...], ...]
    female_titles: frozenset[str]
    male_titles: frozenset[str]
    address: frozenset[str]
    copulas: frozenset[str]
    vacant: frozenset[str]
    holiday: frozenset[str]
    periphrases: tuple[tuple[str, tuple[str, ...]], ...]  # (role, words), longest first
    auxiliaries: frozenset[str]
    for_a_day: tuple[tuple[str, ...], ...]
    general: re.Pattern[str]


@cache
def cues() -> Cues:
    data = word_lists("mentions.yaml")

    def words(name: str) -> frozenset[str]:
        return frozenset(str(word) for word in data[name])

    return Cues(
        former=words("former"),
        generic=words("generic"),
        qualifiers=words("qualifiers"),
        office=words("office"),
        head=words("head"),
        honorifics=words("honorifics"),
        connectors=words("connectors"),
        not_administrative=words("not_administrative"),
        elsewhere=_words_pattern(data["elsewhere"]),
        new=words("new"),
        future=_words_pattern(data["future"]),
        then=tuple(tuple(str(phrase).split()) for phrase in data["then"]),
        female_titles=words("female_titles"),
        male_titles=words("male_titles"),
        address=words("address"),
        copulas=words("copulas"),
        vacant=words("vacant"),
        holiday=words("holiday"),
        periphrases=tuple(
            sorted(
                (
                    (role, (str(head), *str(tail).split()))
                    for role in ("prefect", "institution")
                    for head in data[f"periphrasis_{role}"]["heads"]
                    for tail in data[f"periphrasis_{role}"]["tails"]
                ),
                key=lambda item: -len(item[1]),
            )
        ),
        auxiliaries=words("auxiliaries"),
        for_a_day=tuple(tuple(str(phrase).split()) for phrase in data["for_a_day"]),
        general=_words_pattern(data["general"]),
    )


def _words_pattern(phrases: list[object]) -> re.Pattern[str]:
    ordered = sorted((re.escape(str(phrase)) for phrase in phrases), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b")


@dataclass(frozen=True, slots=True)
class _Person:
    """How one person target is named: surnames, first names (with the female genitive), initials."""

    target: Target
    surnames: frozenset[str]
    parts: frozenset[str]  # the parts of a double surname ("bucur", "oprea"): alone, they are surnames only
    firsts: tuple[tuple[str, ...], ...]  # first-name word sequences, longest first
    first_names: frozenset[str]
    initials: frozenset[str]


@lru_cache(maxsize=256)
def _person(target: Target) -> _Person:
    surnames: set[str] = set()
    firsts: set[tuple[str, ...]] = set()
    for name in (target.name, *target.aliases):
        words = key_of(name).split()
        surnames.add(words[-1])
        if len(words) < 2:
            continue
        first = tuple(words[:-1])
        firsts.add(first)
        if first[-1].endswith("a"):  # female first names take -ei in the genitive/dative: "Ioanei"
            firsts.add((*first[:-1], first[-1][:-1] + "ei"))
    ordered = tuple(sorted(firsts, key=len, reverse=True))
    parts = {part for surname in surnames for part in surname.split("-") if "-" in surname} - surnames
    return _Person(
        target,
        frozenset(surnames),
        frozenset(parts),
        ordered,
        frozenset(word for first in ordered for word in first),
        frozenset(first[0][0] for first in ordered),
    )


@lru_cache(maxsize=256)
def _alias_pattern(target: Target) -> re.Pattern[str]:
    """The institution's name and aliases, any spacing and dash: "Instituția Prefectului - Județul Alba"."""
    names = sorted({key_of(name) for name in (target.name, *target.aliases)}, key=len, reverse=True)
    parts = [r"[\s\-–—]+".join(map(re.escape, re.split(r"[\s\-–—]+", name.strip()))) for name in names]
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


class _Finder:
    """Mentions of one profile's targets in one article (title and text)."""

    def __init__(self, profile: Profile, published: date | None) -> None:
        self.profile = profile
        self.published = published
        self.cues = cues()
        self.persons = [_person(t) for t in profile.targets if t.kind == "person"]
        self.by_surname: dict[str, list[_Person]] = {}
        for person in self.persons:
            for surname in person.surnames | person.parts:
                self.by_surname.setdefault(surname, []).append(person)
        self.named: frozenset[str] = frozenset()  # targets named in the article (set once names are found)
        self.aliases = [(t, _alias_pattern(t)) for t in profile.targets if t.kind == "institution"]

    def holder(self, role: str, former: bool, female: bool | None, year: int | None = None) -> Target | None:
        """The target holding `role` on the article's date, in `year` ("prefectul din 1990") or before it
        (the latest former holder). With two holders (two subprefects), a feminine form or title picks the
        woman; a masculine form picks the one the article names, if it names one only, else the man."""
        day = self.published
        candidates = [t for t in self.profile.targets if t.role == role]
        if year is not None:
            first, last = date(year, 1, 1), date(year, 12, 31)
            held = [t for t in candidates if (t.from_ is None or t.from_ <= last) and (t.to is None or first <= t.to)]
            return held[0] if len(held) == 1 else None
        if former:
            past = [t for t in candidates if t.to is not None and (day is None or t.to < day)]
            return max(past, key=lambda t: t.to or date.min) if past else None
        current = [t for t in candidates if t.active_on(day)]
        if day is None and len(current) > 1:
            current = [t for t in current if t.to is None] or current
        if len(current) > 1:
            if female is not None:
                current = [t for t in current if _is_female(t) == female] or current
            else:
                named = [t for t in current if t.id in self.named]
                current = named if len(named) == 1 else [t for t in current if not _is_female(t)] or current
        return current[0] if current else None


def _is_female(target: Target) -> bool:
    """Romanian female first names end in -a ("Maria", "Ana-Maria"); male ones rarely do."""
    return key_of(target.name).split()[0].endswith("a")


def _token_at(parsed: Parsed, offset: int) -> int:
    return max(0, bisect_right(parsed.tokens, offset, key=lambda token: token.start) - 1)


@dataclass(frozen=True, slots=True)
class RoleWords:
    """The tokens of a title or text that may be role words, and whether it is about someone playing the part."""

    indices: tuple[int, ...]
    playing: bool  # "prefect pentru o zi": in a piece on a pupil playing the part, a bare role word is the pupil's


def role_words(parsed: Parsed) -> RoleWords:
    """The role-word candidates of `parsed` (the same for every profile: a Document keeps them)."""
    indices = tuple(i for i, key in enumerate(parsed.keys) if key.startswith(_ROLE_STARTS))
    return RoleWords(indices, any(_followed_by(parsed.tokens, i + 1, cues().for_a_day) for i in indices))


def find_mentions(
    document: Document,
    profile: Profile,
    *,
    outlet_county: str | None = None,
    published: date | None = None,
) -> list[Mention]:
    """Every mention of every target of `profile` in the article's title and text, in reading order."""
    finder = _Finder(profile, published)
    fields: tuple[tuple[Field, Parsed], ...] = (("title", document.title), ("text", document.text))
    places: dict[Field, list[Place]] = dict(zip(("title", "text"), document.places, strict=True))
    roles: dict[Field, RoleWords] = dict(zip(("title", "text"), document.roles, strict=True))
    names: list[Mention] = []
    for field, parsed in fields:
        names += _names(finder, field, parsed, places[field])
    names = _confirmed(names, dict(fields), finder.cues.honorifics)
    finder.named = frozenset(m.target for m in names)
    named = any(mention.kind == "name" for mention in names)
    about_ours = named or (
        (outlet_county == profile.county or any(p.county == profile.county for f in places.values() for p in f))
        and not _another_time_or_country(finder.cues, fields)
    )
    found = list(names)
    thread = _Thread({"prefect": [], "subprefect": []}, {"prefect": False, "subprefect": False})
    for field, parsed in fields:
        taken = [(m.start, m.end) for m in names if m.field == field]
        found += _aliases(finder, field, parsed, taken)
        taken += [(m.start, m.end) for m in found if m.field == field and m.kind == "alias"]
        found += _roles(finder, field, parsed, places[field], roles[field], taken, names, about_ours, thread)
    found.sort(key=lambda m: (m.field != "title", m.start))
    return found


def _another_time_or_country(cues: Cues, fields: tuple[tuple[Field, Parsed], ...]) -> bool:
    """Two or more sentences set the article abroad or in the past (an exhibition on interwar prefects)."""
    sentences: set[tuple[int, int]] = set()
    for number, (_, parsed) in enumerate(fields):
        for match in cues.elsewhere.finditer(parsed.key):
            sentences.add((number, parsed.tokens[_token_at(parsed, match.start())].sentence))
    return len(sentences) >= 2


def _names(finder: _Finder, field: Field, parsed: Parsed, places: list[Place]) -> list[Mention]:
    """Full names ("Horia Vlădescu", "Vlădescu Horia", "H. Vlădescu", "Ioanei Câmpeanu") and surnames."""
    tokens = parsed.tokens
    keys = parsed.keys
    by_surname = finder.by_surname
    found: list[Mention] = []
    for index in [i for i, key in enumerate(keys) if key in by_surname]:
        for person in by_surname[keys[index]]:
            # a part of a double surname is a surname alone ("Bucur"), never with a first name ("Maria Bucur")
            first, last = (index, index) if keys[index] in person.parts else _full_name(person, keys, index)
            if first == last == index and _not_ours(finder, parsed, index, person, places):
                continue
            kind = "surname" if first == last == index else "name"
            start, end = tokens[first].start, tokens[last].end
            found.append(Mention(person.target.id, field, start, end, tokens[first].sentence, first, kind))
    # "Maria Bucur Oprea": the part "Bucur" inside the full name is not a mention of its own
    return [
        m
        for m in found
        if not any(o.target == m.target and o.start <= m.start and m.end <= o.end and o != m for o in found)
    ]


def _full_name(person: _Person, keys: tuple[str, ...], index: int) -> tuple[int, int]:
    """Token range (first, last) of the full name around the surname at `index` (just it when alone)."""
    for first in person.firsts:
        size = len(first)
        if index >= size and tuple(keys[index - size : index]) == first:
            return index - size, index
    if index > 0 and len(keys[index - 1]) == 2 and keys[index - 1][1] == "." and keys[index - 1][0] in person.initials:
        return index - 1, index  # "H. Vlădescu"
    if index > 1 and keys[index - 1] == "." and keys[index - 2] in person.initials:
        return index - 2, index
    for first in person.firsts:  # "Vlădescu Horia", as in official lists
        size = len(first)
        if tuple(keys[index + 1 : index + 1 + size]) == first:
            return index, index + size
    return index, index


def _not_ours(finder: _Finder, parsed: Parsed, index: int, person: _Person, places: list[Place]) -> bool:
    """A surname alone that is not our person: in lower case (a common word: "mă bucur"), or a first name
    followed by another surname ("Florea Ionescu"), or a surname after another first name ("Mihai Vlădescu")."""
    token = parsed.tokens[index]
    sentence = parsed.sentences[token.sentence]
    if not token.text[:1].isupper():
        return True
    after = index + 1
    if after < sentence.last_token and parsed.tokens[after].text == "-":
        after += 1
    if after < sentence.last_token:
        nxt = parsed.tokens[after]
        ours = nxt.key in person.first_names or nxt.key in person.surnames or nxt.key in person.parts
        if not ours and nxt.start not in {p.start for p in places} and _looks_like_name(nxt.text, sentence.text):
            return not is_role(nxt.key)
    return _someone_else(finder, parsed, index, person)


def _someone_else(finder: _Finder, parsed: Parsed, index: int, person: _Person) -> bool:
    """A surname right after a first name that is not ours ("Mihai Vlădescu") names another person."""
    if index == 0:
        return False
    before = parsed.tokens[index - 1]
    if before.sentence != parsed.tokens[index].sentence or not before.is_word or not before.text[:1].isupper():
        return False
    if before.key in person.first_names or before.key in finder.cues.honorifics or is_role(before.key):
        return False
    sentence_start = parsed.sentences[before.sentence].first_token == index - 1
    return not (sentence_start and language().lemmatizer.knows(before.text))


def is_role(key: str) -> bool:
    """A role word of ours, any form ("prefectul", "subprefectei", "prefecturii")."""
    return _PERSON_ROLE.match(key) is not None or _INSTITUTION_ROLE.match(key) is not None


def genitive_role(key: str) -> bool:
    """A person's role word in the singular genitive or dative ("prefectului", "subprefectei")."""
    match = _PERSON_ROLE.match(key)
    return match is not None and match.group(2) in ("ului", "ei")


def _confirmed(mentions: list[Mention], fields: dict[str, Parsed], honorifics: frozenset[str]) -> list[Mention]:
    """Surnames alone count once the full name appears in the article, or after a title or a role word."""
    named = {m.target for m in mentions if m.kind == "name"}
    kept = []
    for mention in mentions:
        if mention.kind == "surname" and mention.target not in named:
            tokens = fields[mention.field].tokens
            before = tokens[mention.token - 1].key if mention.token > 0 else ""
            if before not in honorifics and not is_role(before):
                continue
        kept.append(mention)
    return kept


def _aliases(finder: _Finder, field: Field, parsed: Parsed, taken: list[tuple[int, int]]) -> list[Mention]:
    found: list[Mention] = []
    for target, pattern in finder.aliases:
        for match in pattern.finditer(parsed.key):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            index = _token_at(parsed, match.start())
            sentence = parsed.tokens[index].sentence
            found.append(Mention(target.id, field, match.start(), match.end(), sentence, index, "alias"))
    return found


@dataclass(slots=True)
class _Thread:
    """Whose prefect the text is talking about, as it reads: a bare "prefectul" after "prefectul de Sălaj,
    Dan Chereji" is his, until our county or one of our names comes back. Kept per role group (the prefect and
    the prefecture go together; subprefects apart) and carried from the title to the text."""

    others: dict[str, list[int]]  # group -> starts of role phrases that pointed elsewhere, in this field
    carry: dict[str, bool]  # group -> whether the last explicit reference of the previous field was another's

    def other_at(self, group: str, start: int, ours: list[int]) -> bool:
        last_other = max((s for s in self.others[group] if s < start), default=-1)
        last_ours = max((s for s in ours if s < start), default=-1)
        if last_other == last_ours == -1:
            return self.carry[group]
        return last_other > last_ours

    def close(self, ours: list[int]) -> None:
        """End of a field: remember its last explicit reference for the next one."""
        for group, starts in self.others.items():
            if starts or ours:
                self.carry[group] = max(starts, default=-1) > max(ours, default=-1)
            starts.clear()


def _group(role: str) -> str:
    return "subprefect" if role == "subprefect" else "prefect"


def _roles(
    finder: _Finder,
    field: Field,
    parsed: Parsed,
    places: list[Place],
    candidates: RoleWords,
    taken: list[tuple[int, int]],
    names: list[Mention],
    about_ours: bool,
    thread: _Thread,
) -> list[Mention]:
    """Role words ("prefectul", "Prefecturii", "Instituția Prefectului") resolved to a target or dropped."""
    cue = finder.cues
    tokens = parsed.tokens
    place_at = {place.start: place for place in places}
    place_tokens = {i for p in places for i in range(_token_at(parsed, p.start), _token_at(parsed, p.end - 1) + 1)}
    name_at = {m.start: m for m in names if m.field == field}
    name_end = {tokens[_token_at(parsed, m.end - 1)].start for m in names if m.field == field}
    ours = sorted(start for start, _ in taken)
    found: list[Mention] = []
    skip_until = -1
    for index in candidates.indices:
        token = tokens[index]
        if index <= skip_until or any(start <= token.start < end for start, end in taken):
            continue
        end_index = index
        role: str | None = None
        female: bool | None = None
        before = tokens[index - 1].key if index > 0 and tokens[index - 1].sentence == token.sentence else ""
        if before in cue.generic or (before == "de" and index > 1 and tokens[index - 2].key in cue.office):
            continue  # "un prefect", "mandatul de prefect"
        if before in cue.qualifiers and index > 1 and tokens[index - 2].key in cue.generic:
            continue  # "un nou prefect", "o nouă subprefectă"
        if before in cue.office:
            continue  # "a fost numit prefect"
        if token.key in ("prefect", "subprefect") and (
            before in cue.copulas
            or before in cue.vacant
            or (before == "fost" and index > 1 and tokens[index - 2].key in cue.auxiliaries)
        ):
            continue  # "a fost prefect": what someone is; "nu mai are prefect": nobody; not a mention of the holder
        if before in cue.new and cue.future.search(parsed.key, token.end, parsed.sentences[token.sentence].end):
            continue  # "noul prefect ar urma să fie numit": nobody yet
        periphrasis = next((item for item in cue.periphrases if _followed_by(tokens, index, (item[1],))), None)
        if periphrasis is not None:
            role, end_index = periphrasis[0], index + len(periphrasis[1]) - 1
            if tokens[end_index].key == "judetul":
                end_index -= 1  # "reprezentantul Guvernului în județul Alba": the county follows, as after a role word
            female = True if token.key in ("reprezentanta", "reprezentantei") else None
        elif _INSTITUTION_HEAD.match(token.key) and index + 1 < len(tokens) and tokens[index + 1].key == "prefectului":
            if token.key == "institutiile" or before in cue.holiday:
                skip_until = index + 1
                continue  # "Relațiile cu Instituțiile Prefectului" (plural), "Ziua Instituției Prefectului": the office
            role, end_index = "institution", index + 1
        elif _INSTITUTION_ROLE.match(token.key):
            if token.key.endswith(("ile", "ilor", "i")) and not token.key.endswith("ii"):
                continue  # "prefecturile", "celor două prefecturi": plural
            role = "institution"
        else:
            match = _PERSON_ROLE.match(token.key)
            if match is None:
                continue
            suffix = match.group(2) or ""
            if suffix in _PLURAL:
                continue
            role = "subprefect" if match.group(1) else "prefect"
            female = True if suffix in ("a", "ei") else None  # the masculine form is used for women too
            if before in cue.female_titles or before in cue.male_titles:
                female = before in cue.female_titles  # "doamna prefect", "domnul subprefect"
        skip_until = end_index
        group = _group(role)
        sentence = parsed.sentences[token.sentence]
        former_word = index > 0 and tokens[index - 1].key in cue.former
        former = former_word or token.key.startswith("ex") or _followed_by(tokens, end_index + 1, cue.then)
        # What follows the role word: a county, a year, a person's name, or a non-administrative qualifier.
        county: str | None = None
        last_index = end_index
        follower = end_index + 1
        while follower < sentence.last_token and tokens[follower].key in cue.connectors:
            follower += 1
        if follower < sentence.last_token:
            nxt = tokens[follower]
            place = place_at.get(nxt.start)
            if place is not None:
                county = place.county
                follower = _token_at(parsed, place.end - 1) + 1
                last_index = follower - 1  # the mention spans "prefectul județului Alba"
            elif tokens[follower - 1].key in ("din", "de") and _elsewhere_name(nxt, sentence, cue):
                thread.others[group].append(token.start)
                continue  # "prefectura din Grenoble"
        year = _year_after(tokens, follower, sentence)
        following = {tokens[k].key for k in range(end_index + 1, min(end_index + 3, sentence.last_token))}
        if following & cue.not_administrative or _followed_by(tokens, end_index + 1, cue.for_a_day):
            continue  # "prefect de studii", "prefectul poliției", "prefect pentru o zi"
        if role == "institution" and end_index == index + 1 and county is None and _in_general(parsed, index, cue):
            continue  # "Guvernul schimbă atribuțiile instituției prefectului": the office, not a prefecture
        comma = index - 2 if former_word else index - 1  # "Ion Pop, fost prefect", "Ion Pop, prefectul"
        if comma > 0 and tokens[comma].text == ",":
            if tokens[comma - 1].start in name_end:
                continue  # "Horia Vlădescu, prefect al județului": one mention, the name's
            if role != "institution" and _named_before(tokens, comma, sentence, place_tokens):
                thread.others[group].append(token.start)
                continue  # "Vasile Rus, subprefectul județului": someone else
        if county is not None and county != finder.profile.county:
            thread.others["prefect"].append(token.start)
            thread.others["subprefect"].append(token.start)
            continue
        if follower < sentence.last_token and tokens[follower].text == ",":
            follower += 1
        if follower < sentence.last_token:
            nxt = tokens[follower]
            named = name_at.get(nxt.start)
            if named is not None:
                continue  # "prefectul Horia Vlădescu": one mention, the name's
            if role != "institution" and _looks_like_name(nxt.text, sentence.text):
                thread.others[group].append(token.start)
                continue  # "prefectul Marin Ionescu", "subprefectul județului Alba, Vasile Rus": someone else
        if county is None:
            sentence_key = parsed.key[sentence.start : sentence.end]
            if not about_ours or candidates.playing or cue.elsewhere.search(sentence_key):
                continue
            if thread.other_at(group, token.start, ours) or _set_elsewhere(places, sentence, token, finder):
                continue  # "Prefectul a spus..." after another county's prefect; "La Satu Mare, ... prefecturii"
        else:
            ours.append(token.start)
            ours.sort()
        start = token.start
        if role == "institution" and before in cue.head:
            role, start = "prefect", tokens[index - 1].start  # "șeful Prefecturii" is the prefect
        target = finder.holder(role, former, female, year)
        if target is None:
            continue
        found.append(Mention(target.id, field, start, tokens[last_index].end, token.sentence, index, "role"))
    thread.close(ours)
    return found


def _in_general(parsed: Parsed, index: int, cue: Cues) -> bool:
    """A lower-case "instituția prefectului" in a sentence about the office in general (national politics)."""
    head, tail = parsed.tokens[index], parsed.tokens[index + 1]
    if not (head.text[:1].islower() and tail.text[:1].islower()):
        return False
    sentence = parsed.sentences[head.sentence]
    return cue.general.search(parsed.key[sentence.start : sentence.end]) is not None


def _followed_by(tokens: tuple[Token, ...], index: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(
        all(index + k < len(tokens) and tokens[index + k].key == word for k, word in enumerate(phrase))
        for phrase in phrases
    )


def _year_after(tokens: tuple[Token, ...], index: int, sentence: Sentence) -> int | None:
    """The year of "prefectul Clujului din 1990" / "prefectul în 1938": the holder of that year is meant."""
    if index + 1 < sentence.last_token and tokens[index].key in ("din", "in"):
        word = tokens[index + 1].text
        if len(word) == 4 and word.isdigit() and 1800 < int(word) < 2200:
            return int(word)
    return None


def _elsewhere_name(token: Token, sentence: Sentence, cue: Cues) -> bool:
    """After "din"/"de": a capitalised word that is not a county (checked before) nor an address."""
    return token.key not in cue.address and _looks_like_name(token.text, sentence.text)


def _set_elsewhere(places: list[Place], sentence: Sentence, token: Token, finder: _Finder) -> bool:
    """The sentence is set in another county before the role word ("La Satu Mare, protest ... prefecturii")
    and does not name ours."""
    inside = [p for p in places if sentence.start <= p.start < sentence.end]
    if any(p.county == finder.profile.county for p in inside):
        return False
    return any(p.start < token.start for p in inside)


def _named_before(tokens: tuple[Token, ...], comma: int, sentence: Sentence, places: set[int]) -> bool:
    """A first name and a surname (two capitalised words, not a place) right before the comma at `comma`."""
    first = comma - 2
    if first < sentence.first_token or first in places or first + 1 in places:
        return False
    if first == sentence.first_token and language().lemmatizer.knows(tokens[first].text):
        return False  # "În Blaj, ..."
    return all(_looks_like_name(tokens[i].text, sentence.text) for i in (first, first + 1))


def _looks_like_name(word: str, sentence: str) -> bool:
    """A capitalised word that is not shouting (titles in capitals are common) reads as a name."""
    if not word[:1].isupper() or not word.isalpha() or (word.isupper() and len(word) <= 4):
        return False  # not capitalised, or an acronym ("prefectul PSD")
    letters = [c for c in sentence if c.isalpha()]
    shouting = sum(c.isupper() for c in letters) > 0.6 * len(letters)
    return not shouting
