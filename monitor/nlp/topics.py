"""Topics of an article: lemma-based terms from the package taxonomy merged with the profile's topics."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from operator import attrgetter

from monitor.config import Profile, TopicOverride
from monitor.data import word_lists
from monitor.nlp.language import Parsed, phrase_keys
from monitor.record import TopicHit

INSTITUTIONAL = "institutional"  # the institution's own life: appointments, audiences, ceremonies, its staff
_NEEDED = 2.0  # total weight a topic needs
_PROFILE_WEIGHT = 2.0  # a term the press office listed in its profile is enough alone
_TITLE = 2.0
_REPEATS = 2  # a term counts at most this many times: one word repeated does not make the main topic
_SHARE = 0.5  # an article's topics are those weighing at least this share of its main topic...
_ENOUGH = 5.0  # ...or this much: two strong terms and a third word are a subject, whatever the main topic weighs


# A legal act cited with its number and title ("Legea nr. 340/2004 privind prefectul și instituția prefectului",
# "HG nr. 1/2020 pentru organizarea alegerilor"): its title names what the act is about, not what the article is
# about, so the words of the title count for no topic. The act itself still does: "ordinul prefectului nr. 12
# privind ..." is the prefect's order, whatever it is about.
_ACTS = frozenset(("lege", "hotarare", "hg", "hectogram", "ordonanta", "oug", "og", "ordin", "decret", "regulament"))
_TITLE_STARTS = frozenset(("privi", "privind", "pentru"))
_TITLE_LONGEST = 25  # tokens: a title ends at punctuation, at the end of its sentence or after this many words


def _cited_title(parsed: Parsed, index: int) -> tuple[int, int] | None:
    """The token span of the title of a legal act cited at `index` with its number, or None."""
    bases, tokens = parsed.bases, parsed.tokens
    if bases[index] not in _ACTS:
        return None
    at = index + 1
    limit = min(len(bases), index + 5)  # "Legea nr. 340/2004", "Hotărârea Consiliului Local nr. 12/2020"
    while at < limit and not any(c.isdigit() for c in bases[at]):
        at += 1
    if at >= limit or at + 1 >= len(bases) or bases[at + 1] not in _TITLE_STARTS:
        return None
    sentence = tokens[index].sentence
    end = at + 2
    while end < min(len(bases), at + 2 + _TITLE_LONGEST) and tokens[end].is_word and tokens[end].sentence == sentence:
        end += 1
    return at + 1, end


@dataclass(frozen=True, slots=True)
class TopicTerm:
    topic: str
    text: str  # as written in the taxonomy
    words: tuple[str, ...]  # lemma keys
    weight: float


@dataclass(frozen=True, slots=True)
class Taxonomy:
    labels: dict[str, str]  # id -> Romanian label, in taxonomy order
    terms: dict[str, tuple[TopicTerm, ...]]  # first lemma key -> terms, longest first
    texts: dict[tuple[str, tuple[str, ...]], str]  # (topic, lemma keys) -> the term as first written


@cache
def _package_topics() -> tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...]:
    return tuple(
        (str(item["id"]), str(item["label"]), tuple((str(t), float(w)) for t, w in item["terms"].items()))
        for item in word_lists("topics.yaml")["topics"]
    )


@cache
def taxonomy(overrides: tuple[TopicOverride, ...] = ()) -> Taxonomy:
    """The package taxonomy with the profile's topics added (a topic with the same id is replaced)."""
    topics = {topic_id: (label, terms) for topic_id, label, terms in _package_topics()}
    for override in overrides:
        topics[override.id] = (override.label, tuple((term, _PROFILE_WEIGHT) for term in override.terms))
    by_first: dict[str, list[TopicTerm]] = {}
    for topic_id, (_, terms) in topics.items():
        for text, weight in terms:
            for words in phrase_keys(text):
                if words:
                    by_first.setdefault(words[0], []).append(TopicTerm(topic_id, text, words, weight))
    ordered: dict[str, tuple[TopicTerm, ...]] = {}
    texts: dict[tuple[str, tuple[str, ...]], str] = {}
    for first, group in by_first.items():
        unique: dict[tuple[str, tuple[str, ...]], TopicTerm] = {}
        for term in group:  # "apă" and "ape" share a lemma: one term, the heavier weight
            key = (term.topic, term.words)
            texts.setdefault(key, term.text)
            if key not in unique or unique[key].weight < term.weight:
                unique[key] = term
        ordered[first] = tuple(sorted(unique.values(), key=lambda t: -len(t.words)))
    return Taxonomy({topic_id: label for topic_id, (label, _) in topics.items()}, ordered, texts)


def package_topic_ids() -> tuple[str, ...]:
    """The package taxonomy's topic ids, in its order."""
    return tuple(topic_id for topic_id, _, _ in _package_topics())


def topic_labels(profile: Profile) -> dict[str, str]:
    """Topic id -> Romanian label for `profile` (package taxonomy plus the profile's own topics)."""
    return dict(taxonomy(profile.topics).labels)


def find_topics(title: Parsed, text: Parsed, profile: Profile) -> tuple[TopicHit, ...]:
    """Every topic whose terms weigh enough in the article, strongest first, with the terms found.

    A topic is a subject of the article, not a passing remark: its terms must appear in the title or the
    lead (the first paragraph), or in at least two sentences of the body."""
    tax = taxonomy(profile.topics)
    counted: dict[tuple[str, tuple[str, ...]], list[float]] = {}  # (topic, term) -> weight of each occurrence
    prominent: set[str] = set()  # topics with a term in the title or the lead
    sentences: dict[str, set[int]] = {}  # topic -> body sentences holding its terms
    lead = bisect_left(text.tokens, text.lead_end, key=attrgetter("start"))  # tokens of the first paragraph
    for parsed, factor, top in ((title, _TITLE, len(title.bases)), (text, 1.0, lead)):
        bases = parsed.bases
        index = 0
        title_start = title_end = 0  # the title of the last legal act cited
        while index < len(bases):
            if title_start <= index < title_end:
                index = title_end
                continue
            cited = _cited_title(parsed, index)
            if cited is not None:
                title_start, title_end = cited
            step = 1
            for term in tax.terms.get(bases[index], ()):
                size = len(term.words)
                if size < step:
                    break
                if size == 1 or tuple(bases[index : index + size]) == term.words:
                    step = size
                    counted.setdefault((term.topic, term.words), []).append(factor * term.weight)
                    if index < top:
                        prominent.add(term.topic)
                    else:
                        sentences.setdefault(term.topic, set()).add(parsed.tokens[index].sentence)
            index += step
    weights: dict[str, float] = {}
    found: dict[str, dict[str, None]] = {}
    for (topic, words), occurrences in counted.items():
        weights[topic] = weights.get(topic, 0.0) + sum(sorted(occurrences, reverse=True)[:_REPEATS])
        found.setdefault(topic, {})[tax.texts[(topic, words)]] = None
    order = list(tax.labels)
    needed = max(_NEEDED, min(_SHARE * max(weights.values(), default=0.0), _ENOUGH))
    chosen = [
        topic
        for topic, weight in weights.items()
        if weight >= needed and (topic in prominent or len(sentences.get(topic, ())) > 1)
    ]
    chosen.sort(key=lambda topic: (-weights[topic], order.index(topic)))
    return tuple(TopicHit(topic, tuple(found[topic])) for topic in chosen)
