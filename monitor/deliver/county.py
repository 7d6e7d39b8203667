"""«Județul azi»: the county's main stories of the day that name none of the profile's targets but fall within the
prefect's remit, so the prefect hears of a developing problem before the press asks about it.

A story is the county's when one of its articles comes from an outlet of the county (a local site, a county radio
or TV) or names the county or its seat in its title or lead (monitor.nlp.places). It is within the remit when one of
its topics is of REMIT: the topics the analysis gave its articles, less those the office took off the story, plus
those it added (store.queries.story_topics). Stories that name a target are the digest's own and stay out.
The source is the analyses table, which holds the topics of every article the profile analysed, mentions or not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.config import Profile
from monitor.nlp.language import parse
from monitor.nlp.places import find_places
from monitor.store.analysed import AnalysedArticle, analysed_between, clusters_naming_targets
from monitor.store.queries import cluster_outlets, story_topics

# emergencies, public order, protests, public services, health, schools: the prefect's remit (topics.yaml ids)
REMIT = ("urgente", "ordine_publica", "proteste", "servicii_publice", "sanatate", "educatie")
TOP = 5


@dataclass(frozen=True)
class CountyStory:
    """One story of the county: its most widely read copy, its remit topics, every outlet that ran it."""

    cluster_id: int
    title: str
    url: str
    outlet: str
    published_at: datetime
    topics: tuple[str, ...]  # Romanian labels
    outlets: tuple[str, ...]


def county_stories(
    session: Session, profile: Profile, start: datetime, end: datetime, labels: dict[str, str]
) -> tuple[CountyStory, ...]:
    """The TOP county stories first collected in [start, end), the most outlets first (then the most recent)."""
    stories: dict[int, list[AnalysedArticle]] = defaultdict(list)
    for article in analysed_between(session, profile.id, start, end):
        stories[article.cluster_id].append(article)
    topics = story_topics(
        session,
        profile.id,
        {cluster_id: [t for a in copies for t in a.topics] for cluster_id, copies in stories.items()},
    )
    remit = {cluster_id: found for cluster_id in stories if (found := [t for t in topics[cluster_id] if t in REMIT])}
    for cluster_id in clusters_naming_targets(session, profile.id, remit):
        del remit[cluster_id]
    local = {cluster_id: stories[cluster_id] for cluster_id in remit if _of_county(stories[cluster_id], profile.county)}
    outlets = cluster_outlets(session, local)
    ranked = sorted(
        local.items(),
        key=lambda item: (-len(outlets[item[0]]), -max(a.published_at for a in item[1]).timestamp(), item[0]),
    )
    return tuple(
        _story(cluster_id, copies, remit[cluster_id], outlets[cluster_id], labels)
        for cluster_id, copies in ranked[:TOP]
    )


def _of_county(copies: list[AnalysedArticle], county: str | None) -> bool:
    if county is None:
        return False
    if any(article.outlet_county == county for article in copies):
        return True
    return any(
        place.county == county for article in copies for place in find_places(parse(f"{article.title}\n{article.lead}"))
    )


def _story(
    cluster_id: int, copies: list[AnalysedArticle], topics: list[str], outlets: list[str], labels: dict[str, str]
) -> CountyStory:
    lead = max(copies, key=lambda article: (article.outlet_reach, -article.article_id))
    return CountyStory(
        cluster_id=cluster_id,
        title=lead.title or lead.url,
        url=lead.url,
        outlet=lead.outlet_name,
        published_at=lead.published_at,
        topics=tuple(labels.get(topic, topic) for topic in topics),
        outlets=tuple(outlets) or (lead.outlet_name,),
    )
