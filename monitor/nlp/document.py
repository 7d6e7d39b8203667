"""One article read once for every profile that watches it: its title and text parsed (tokens, lemmas, sentences),
and what the analysis reads in them the same way whatever the profile, each computed on first use and kept."""

from __future__ import annotations

from functools import cached_property

from monitor.config import Profile
from monitor.nlp.language import Parsed, parse
from monitor.nlp.mentions import RoleWords, role_words
from monitor.nlp.places import Place, find_places
from monitor.nlp.tone import article_outcome
from monitor.nlp.topic_model import TopicModel, word_features
from monitor.nlp.topics import find_topics
from monitor.record import TopicHit


class Document:
    """The parsed title and text of one article, and its profile-independent readings."""

    def __init__(self, title: Parsed, text: Parsed) -> None:
        self.title = title
        self.text = text
        self._topics: dict[object, tuple[TopicHit, ...]] = {}
        self._learned: dict[object, tuple[TopicHit, ...]] = {}

    @classmethod
    def read(cls, title: str, text: str) -> Document:
        """Parse the article's title and text (the only tokenising and lemmatising its analysis does)."""
        return cls(parse(title), parse(text))

    @cached_property
    def places(self) -> tuple[list[Place], list[Place]]:
        """The counties named in the title and in the text."""
        return find_places(self.title), find_places(self.text)

    @cached_property
    def roles(self) -> tuple[RoleWords, RoleWords]:
        """The role-word candidates of the title and of the text."""
        return role_words(self.title), role_words(self.text)

    @cached_property
    def outcome(self) -> float:
        """How good the article's news is, whoever it is about (`tone.article_outcome`)."""
        return article_outcome(self.title, self.text)

    @cached_property
    def words(self) -> dict[str, float]:
        """The lemmas of the title and the text, as the learned topic layer reads them."""
        return word_features(self.title, self.text)

    def topics(self, profile: Profile) -> tuple[TopicHit, ...]:
        """The article's topics in `profile`'s taxonomy by the rules: profiles with the same topic overrides share
        them."""
        found = self._topics.get(profile.topics)
        if found is None:
            found = self._topics[profile.topics] = find_topics(self.title, self.text, profile)
        return found

    def learned_topics(
        self, model: TopicModel, rules: tuple[TopicHit, ...], redefined: frozenset[str]
    ) -> tuple[TopicHit, ...]:
        """`rules` as the learned layer revises them (`TopicModel.revise`): the profiles with the same rule topics
        and redefined topics share them."""
        key = (model, rules, redefined)
        found = self._learned.get(key)
        if found is None:
            found = self._learned[key] = model.revise((self.title, self.text, self.words), rules, redefined)
        return found
