"""Analysis of one article for one profile: mentions of each target, tone toward it, topics.

The front door is `analyze`; for many profiles, `Document.read` parses an article once and `analyze_document`
runs each profile over it. `lemmas` folds inflections for search, `topic_labels` names topics,
`profile_fingerprint` says when stored analyses are stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from monitor.config import Profile, Target
from monitor.nlp.document import Document
from monitor.nlp.language import lemmas
from monitor.nlp.learned import ToneModel, package_model, tone_features
from monitor.nlp.mentions import Mention, find_mentions
from monitor.nlp.tone import (
    Occurrence,
    ToneResult,
    institution_references,
    occurrence,
    score_tone,
    service_failures,
)
from monitor.nlp.topic_model import TopicModel, package_topic_model, topic_features
from monitor.nlp.topics import INSTITUTIONAL, topic_labels
from monitor.record import Analysis, Prominence, Span, TargetMention, TargetRole, Tone, TopicHit

__all__ = [
    "ANALYZER_VERSION",
    "Document",
    "analyze",
    "analyze_document",
    "lemmas",
    "profile_fingerprint",
    "tone_examples",
    "topic_example",
    "topic_labels",
]

# Bump when the rules in code change; the data files are hashed into the fingerprint on their own.
ANALYZER_VERSION = "8"
_DATA_FILES = (
    "lexicon.yaml",
    "topics.yaml",
    "mentions.yaml",
    "lemmas_extra.tsv",
    "counties.tsv",
    "tone_model.json",
    "topic_model.json",
)


def analyze(
    title: str,
    text: str,
    profile: Profile,
    *,
    outlet_county: str | None = None,
    published: date | None = None,
    model: ToneModel | None = None,
    topic_model: TopicModel | None = None,
) -> Analysis:
    """Mentions of every target of `profile` in one article, the tone toward each, and the topics."""
    document = Document.read(title, text)
    return analyze_document(
        document, profile, outlet_county=outlet_county, published=published, model=model, topic_model=topic_model
    )


def analyze_document(
    document: Document,
    profile: Profile,
    *,
    outlet_county: str | None = None,
    published: date | None = None,
    model: ToneModel | None = None,
    topic_model: TopicModel | None = None,
) -> Analysis:
    """`analyze` over an article already read: every profile that watches it reads the same `Document`.

    The tone is the learned layer's (`model`, default the package's) over the rules' evidence; the topics are the
    rules' as the learned topic layer (`topic_model`, default the package's) revises them."""
    model = model or package_model()
    found = _evidence_of(document, profile, outlet_county, published)
    results = [_conclude(evidence, model) for evidence in found]
    redefined = frozenset(topic.id for topic in profile.topics)
    rules = _rule_topics(document, profile, found)
    topics = document.learned_topics(topic_model or package_topic_model(), rules, redefined)
    return Analysis(mentions=tuple(results), topics=topics)


def _rule_topics(document: Document, profile: Profile, found: list[_Evidence]) -> tuple[TopicHit, ...]:
    """The topics the taxonomy's terms find, or «institutional» for an article about our people and nothing else."""
    topics = document.topics(profile)
    if not topics and any(evidence.prominence != Prominence.BODY for evidence in found):
        # about the prefect or the institution (named in the title or the lead) and about nothing else: the
        # institution's own life (a controversy over the holder, a portrait, an anniversary, an office's staff)
        topics = (TopicHit(INSTITUTIONAL, ()),)
    return topics


def topic_example(
    title: str, text: str, profile: Profile, *, outlet_county: str | None = None, published: date | None = None
) -> dict[str, float]:
    """The learned topic layer's features of one article (for training)."""
    document = Document.read(title, text)
    rules = _rule_topics(document, profile, _evidence_of(document, profile, outlet_county, published))
    return topic_features(document.words, (hit.topic for hit in rules))


def tone_examples(
    title: str, text: str, profile: Profile, *, outlet_county: str | None = None, published: date | None = None
) -> dict[str, dict[str, float]]:
    """The learned layer's features of every target found in one article (for training)."""
    document = Document.read(title, text)
    return {
        evidence.target.id: evidence.features for evidence in _evidence_of(document, profile, outlet_county, published)
    }


@dataclass(frozen=True)
class _Evidence:
    """What the rules found about one target, before the learned layer decides its tone."""

    target: Target
    count: int
    prominence: Prominence
    rule: ToneResult
    spans: tuple[Span, ...]
    features: dict[str, float]


def _evidence_of(
    document: Document, profile: Profile, outlet_county: str | None, published: date | None
) -> list[_Evidence]:
    mentions = find_mentions(document, profile, outlet_county=outlet_county, published=published)
    people: set[tuple[str, int]] = {
        (m.field, m.sentence) for m in mentions if profile.target(m.target).kind == "person"
    }
    found = []
    for target in profile.targets:
        own = [m for m in mentions if m.target == target.id]
        if own:
            found.append(_describe(target, own, document, people))
    return found


def _conclude(evidence: _Evidence, model: ToneModel) -> TargetMention:
    verdict = model.predict(evidence.features)
    rule = evidence.rule
    evidence_text = rule.evidence if verdict.tone == rule.tone or verdict.tone == Tone.NEUTRAL else ()
    return TargetMention(
        evidence.target.id,
        evidence.count,
        evidence.prominence,
        verdict.tone,
        rule.score,
        evidence_text,
        evidence.spans,
        verdict.confidence,
    )


def _describe(target: Target, mentions: list[Mention], document: Document, people: set[tuple[str, int]]) -> _Evidence:
    """Count, prominence, the rules' tone and evidence of one target; `people`: sentences naming a person target."""
    title, text = document.title, document.text
    occurrences: list[Occurrence] = []
    spans: list[Span] = []
    for mention in mentions:
        parsed = title if mention.field == "title" else text
        last = mention.token
        while last + 1 < len(parsed.tokens) and parsed.tokens[last + 1].start < mention.end:
            last += 1
        occurrences.append(occurrence(parsed, mention.sentence, (mention.token, last + 1), in_title=parsed is title))
        sentence = parsed.sentences[mention.sentence].text
        spans.append(Span(mention.start, mention.end, sentence, mention.field))
    if any(m.field == "title" for m in mentions):
        prominence = Prominence.TITLE
    elif any(m.start < text.lead_end for m in mentions):
        prominence = Prominence.LEAD
    else:
        prominence = Prominence.BODY
    if target.role == TargetRole.INSTITUTION:  # queues at its passport desk are news about the institution
        # ... unless the sentence is about one of our people ("sora subprefectei, angajată la pașapoarte")
        for field, parsed in (("title", title), ("text", text)):
            skip = {sentence for place, sentence in people if place == field}
            occurrences += service_failures(parsed, in_title=field == "title", skip=skip)
            mentioned = {m.sentence for m in mentions if m.field == field}
            occurrences += institution_references(parsed, in_title=field == "title", skip=mentioned)
    rule = score_tone(occurrences, lambda: document.outcome)  # computed once per article, if some target needs it
    features = tone_features(title, text, occurrences, rule, target.role)
    return _Evidence(target, len(mentions), prominence, rule, tuple(spans), features)


@lru_cache(maxsize=256)  # profiles are frozen; the daemon asks for every profile's at every cycle
def profile_fingerprint(profile: Profile) -> str:
    """A hash of what in `profile` affects analysis, the analyzer version and the package data files."""
    digest = hashlib.sha256()
    relevant = {
        "county": profile.county,
        "targets": [target.model_dump(mode="json", by_alias=True) for target in profile.targets],
        "topics": [topic.model_dump(mode="json") for topic in profile.topics],
        "version": ANALYZER_VERSION,
    }
    digest.update(json.dumps(relevant, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    data = resources.files("monitor.data")
    for name in _DATA_FILES:
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()
