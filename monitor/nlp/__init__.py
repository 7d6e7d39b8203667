"""Analysis of one article for one profile: mentions of each target, tone toward it, topics.

The front door is `analyze`; `lemmas` folds inflections for search, `topic_labels` names topics,
`profile_fingerprint` says when stored analyses are stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date
from functools import cache, partial
from importlib import resources

from monitor.config import Profile, Target
from monitor.nlp.language import Parsed, lemmas, parse
from monitor.nlp.mentions import Mention, find_mentions
from monitor.nlp.tone import (
    Occurrence,
    article_outcome,
    institution_references,
    occurrence,
    score_tone,
    service_failures,
)
from monitor.nlp.topics import find_topics, topic_labels
from monitor.record import Analysis, Prominence, Span, TargetMention, TargetRole

__all__ = ["ANALYZER_VERSION", "analyze", "lemmas", "profile_fingerprint", "topic_labels"]

# Bump when the rules in code change; the data files are hashed into the fingerprint on their own.
ANALYZER_VERSION = "4"
_DATA_FILES = ("lexicon.yaml", "topics.yaml", "mentions.yaml", "lemmas_extra.tsv", "counties.tsv")


def analyze(
    title: str,
    text: str,
    profile: Profile,
    *,
    outlet_county: str | None = None,
    published: date | None = None,
) -> Analysis:
    """Mentions of every target of `profile` in one article, the tone toward each, and the topics."""
    parsed_title, parsed_text = parse(title), parse(text)
    mentions = find_mentions(parsed_title, parsed_text, profile, outlet_county=outlet_county, published=published)
    people: set[tuple[str, int]] = {
        (m.field, m.sentence) for m in mentions if profile.target(m.target).kind == "person"
    }
    results: list[TargetMention] = []
    outcome = cache(partial(article_outcome, parsed_title, parsed_text))  # computed once, if some target needs it
    for target in profile.targets:
        own = [m for m in mentions if m.target == target.id]
        if own:
            results.append(_describe(target, own, parsed_title, parsed_text, people, outcome))
    return Analysis(mentions=tuple(results), topics=find_topics(parsed_title, parsed_text, profile))


def _describe(
    target: Target,
    mentions: list[Mention],
    title: Parsed,
    text: Parsed,
    people: set[tuple[str, int]],
    outcome: Callable[[], float],
) -> TargetMention:
    """Count, prominence, tone and evidence of one target; `people`: sentences naming a person target;
    `outcome`: how good the article's news is (`tone.article_outcome`)."""
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
    tone = score_tone(occurrences, outcome)
    return TargetMention(target.id, len(mentions), prominence, tone.tone, tone.score, tone.evidence, tuple(spans))


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
