"""Rows for the store tests, written through the ORM (no crawl, no analysis run): outlets, articles and mentions,
and on top of them the scenes the tests share (the flood coverage, the delivery Newsroom, the archive's month)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from ro_stories import (
    AGENCY_TEXT,
    AGENCY_TITLE,
    LOCAL_REWRITE_TEXT,
    LOCAL_REWRITE_TITLE,
    NO_DIACRITICS_TEXT,
    NO_DIACRITICS_TITLE,
    PASSPORT_TEXT,
    PASSPORT_TITLE,
    UNRELATED_TEXT,
    UNRELATED_TITLE,
)
from sqlalchemy.orm import Session

from monitor.store import Store
from monitor.store.models import AlertRow, AnalysisRow, ArticleRow, ArticleSourceRow, FeedRow, MentionRow, OutletRow

PROFILE = "alba"
OUTLETS = [
    # id, name, kind, county, reach
    ("agerpres", "Agerpres", "agency", None, 2_000_000),
    ("digi24", "Digi24", "national", None, 9_000_000),
    ("hotnews", "Hotnews", "national", None, 6_000_000),
    ("mediafax", "Mediafax", "agency", None, 4_000_000),
    ("ziarul-unirea", "Ziarul Unirea", "local", "Alba", 300_000),
    ("alba24", "Alba24", "local", "Alba", 250_000),
    ("pagina-de-alba", "Pagina de Alba", "local", "Alba", 120_000),
    ("alba-iulia-news", "Alba Iulia News", "local", "Alba", 80_000),
    ("ziar-de-cluj", "Ziar de Cluj", "local", "Cluj", 400_000),
    ("stiri-de-cluj", "Știri de Cluj", "local", "Cluj", 200_000),
    ("monitorul-de-cluj", "Monitorul de Cluj", "local", "Cluj", 350_000),
]
SCORES = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}  # the score a mention gets unless one is given


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def add_outlets(session: Session) -> None:
    for outlet_id, name, kind, county, reach in OUTLETS:
        session.add(OutletRow(id=outlet_id, name=name, kind=kind, county=county, reach=reach))
    session.flush()


def add_article(
    session: Session,
    outlet_id: str,
    title: str,
    text: str,
    published_at: datetime,
    *,
    summary: str = "",
    date_source: str = "feed",
    slug: str | None = None,
) -> ArticleRow:
    """One stored article, in no cluster yet; summary-only when `text` is empty."""
    url = f"https://{outlet_id}.example.ro/{slug or hashlib.sha1((title + text).encode()).hexdigest()[:12]}"
    row = ArticleRow(
        url=url,
        outlet_id=outlet_id,
        title=title,
        published_at=published_at,
        date_source=date_source,
        fetched_at=published_at,
        text=text,
        lead=text.split("\n\n", 1)[0],
        summary=summary,
        content_hash=hashlib.sha256((text or summary).encode()).hexdigest(),
        extraction="page" if text else "summary",
    )
    session.add(row)
    session.flush()
    return row


def add_story(
    session: Session,
    outlet_id: str,
    title: str,
    text: str,
    published_at: datetime,
    *,
    cluster: int | None = None,
    date_source: str = "feed",
    slug: str | None = None,
) -> ArticleRow:
    """An article already clustered: a story of its own, or a copy of the story `cluster`."""
    row = add_article(session, outlet_id, title, text, published_at, date_source=date_source, slug=slug)
    row.cluster_id = cluster if cluster is not None else row.id
    return row


def add_mention(
    session: Session,
    article: ArticleRow,
    target_id: str,
    tone: str,
    *,
    profile_id: str = PROFILE,
    score: float | None = None,
    count: int = 1,
    prominence: str = "body",
    evidence: Sequence[str] = (),
    topics: Sequence[str] = (),
    confidence: float = 1.0,
) -> MentionRow:
    """A mention of `target_id` in `article`, and the article's analyses row for the profile (topics merged)."""
    analysis = session.get(AnalysisRow, (article.id, profile_id))
    if analysis is None:
        analysis = AnalysisRow(
            article_id=article.id, profile_id=profile_id, profile_hash="test", analyzed_at=article.fetched_at, topics=[]
        )
        session.add(analysis)
    known = {hit["topic"] for hit in analysis.topics}
    analysis.topics = [*analysis.topics, *({"topic": t, "terms": [t]} for t in topics if t not in known)]
    row = MentionRow(
        article_id=article.id,
        profile_id=profile_id,
        target_id=target_id,
        count=count,
        prominence=prominence,
        tone=tone,
        score=SCORES[tone] if score is None else score,
        evidence=list(evidence),
        spans=[],
        confidence=confidence,
    )
    session.add(row)
    session.flush()
    return row


def add_analysis(
    session: Session,
    article: ArticleRow,
    profile_id: str,
    mentions: dict[str, tuple[str, float]],
    *,
    topics: Sequence[str] = (),
) -> None:
    """Mentions as the analysis stage stores them, {target id: (tone, score)}: twice each, in the lead."""
    for target_id, (tone, score) in mentions.items():
        add_mention(
            session,
            article,
            target_id,
            tone,
            profile_id=profile_id,
            score=score,
            count=2,
            prominence="lead",
            evidence=(article.text.split(". ", 1)[0],),
            topics=topics,
        )


def also_seen_in(session: Session, article: ArticleRow, outlet_id: str, feed_url: str) -> None:
    """Record that `article` was also seen in a feed of `outlet_id`."""
    feed = FeedRow(outlet_id=outlet_id, url=feed_url)
    session.add(feed)
    session.flush()
    session.add(
        ArticleSourceRow(article_id=article.id, feed_id=feed.id, outlet_id=outlet_id, first_seen_at=article.fetched_at)
    )
    session.flush()


class Coverage(NamedTuple):
    """The articles of `add_coverage`."""

    agency: ArticleRow
    local: ArticleRow
    national: ArticleRow
    passport: ArticleRow
    other: ArticleRow


def add_coverage(
    session: Session,
    t0: datetime,
    *,
    national_after: timedelta,
    passport_after: timedelta,
    other: tuple[str, timedelta],
    national_date_source: str = "feed",
) -> Coverage:
    """The outlets; the flood story from the agency at `t0`, rewritten by a local site an hour later and copied
    without diacritics by a national one; the passport queues at a local paper; an `other` story, unrelated."""
    add_outlets(session)
    national_at = t0 + national_after
    return Coverage(
        agency=add_article(session, "agerpres", AGENCY_TITLE, AGENCY_TEXT, t0),
        local=add_article(session, "alba24", LOCAL_REWRITE_TITLE, LOCAL_REWRITE_TEXT, t0 + timedelta(hours=1)),
        national=add_article(
            session, "digi24", NO_DIACRITICS_TITLE, NO_DIACRITICS_TEXT, national_at, date_source=national_date_source
        ),
        passport=add_article(session, "ziarul-unirea", PASSPORT_TITLE, PASSPORT_TEXT, t0 + passport_after),
        other=add_article(session, other[0], UNRELATED_TITLE, UNRELATED_TEXT, t0 + other[1]),
    )


@dataclass
class Newsroom:
    """Publishes articles that mention the Alba profile's targets, each in its own transaction."""

    store: Store
    count: int = 0
    ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        with self.store.session() as session:
            add_outlets(session)

    def publish(
        self,
        outlet_id: str,
        title: str,
        published_at: datetime,
        *,
        target: str = "prefect",
        tone: str = "neutral",
        prominence: str = "body",
        evidence: Sequence[str] = (),
        topics: Sequence[str] = (),
        cluster: int | None = None,
        date_source: str = "feed",
        targets: Sequence[str] = (),
        confidence: float = 1.0,
    ) -> int:
        """One article with one mention per target (same tone); its id, which is also its cluster by default."""
        self.count += 1
        text = " ".join(evidence) or title
        with self.store.session() as session:
            row = add_story(
                session,
                outlet_id,
                title,
                text,
                published_at,
                cluster=cluster,
                date_source=date_source,
                slug=f"stire-{self.count}",
            )
            for target_id in targets or (target,):
                add_mention(
                    session,
                    row,
                    target_id,
                    tone,
                    prominence=prominence,
                    evidence=evidence,
                    topics=topics,
                    confidence=confidence,
                )
            self.ids.append(row.id)
            return row.id


@dataclass
class Month:
    """Ids of the articles the archive tests refer to."""

    hospital: int  # negative story, two copies (cluster), prefect
    hospital_copy: int
    floods: int  # positive, prefect and institution, title
    roads: int  # negative, subprefect, tv outlet


HOSPITAL = (
    "Prefectul Horia Vlădescu, acuzat că a ignorat avertismentele despre spitalul județean.\n\n"
    "Medicii spun că prefectul nu a răspuns solicitărilor lor timp de trei luni. "
    "Reprezentanții prefecturii nu au comentat."
)
FLOODS = (
    "Instituția Prefectului – Județul Alba a coordonat intervenția după inundațiile din Valea Arieșului.\n\n"
    "Prefectul Horia Vlădescu a mulțumit pompierilor și voluntarilor pentru intervenția rapidă."
)
ROADS = (
    "Subprefectul Ioana Câmpeanu este criticată pentru starea drumurilor județene.\n\n"
    "Localnicii reclamă gropile de pe drumurile din zona Apusenilor."
)


def seed_month(session: Session) -> Month:
    """October 2026 (and a little of September) for the `alba` profile."""
    add_outlets(session)
    hospital = add_story(session, "ziarul-unirea", "Prefectul, acuzat în cazul spitalului", HOSPITAL, at(10, 6))
    copy = add_story(
        session,
        "alba24",
        "Prefectul, acuzat în cazul spitalului județean",
        HOSPITAL,
        at(10, 6, 11),
        cluster=hospital.id,
    )
    evidence = ("Prefectul Horia Vlădescu, acuzat că a ignorat avertismentele despre spitalul județean.",)
    add_mention(session, hospital, "prefect", "negative", prominence="title", evidence=evidence, topics=("sanatate",))
    add_mention(session, copy, "prefect", "negative", prominence="title", evidence=evidence, topics=("sanatate",))
    also_seen_in(session, copy, "pagina-de-alba", "https://pagina-de-alba.example.ro/rss")

    floods = add_story(session, "digi24", "Intervenție rapidă după inundațiile din Alba", FLOODS, at(10, 12))
    add_mention(session, floods, "prefect", "positive", prominence="lead", topics=("urgente",))
    add_mention(session, floods, "institutia", "positive", prominence="title", topics=("urgente",))

    roads = add_story(session, "hotnews", "Drumurile județene, în stare proastă", ROADS, at(10, 20))
    add_mention(session, roads, "subprefect", "negative", prominence="title", evidence=(ROADS.split("\n")[0],))

    for day in range(1, 5):  # routine neutral coverage
        title, text = f"Ședința colegiului prefectural {day}", f"Prefectul a condus ședința {day}."
        add_mention(session, add_story(session, "agerpres", title, text, at(10, 20 + day)), "prefect", "neutral")

    earlier = add_story(
        session, "mediafax", "Prefectul la o ceremonie", "Prefectul a participat la o ceremonie.", at(9, 15)
    )
    add_mention(session, earlier, "prefect", "neutral")

    add_story(session, "ziar-de-cluj", "Știre din Cluj", "Nicio legătură cu Alba.", at(10, 8))

    session.add(
        AlertRow(
            profile_id=PROFILE,
            target_id="prefect",
            cluster_id=hospital.id,
            rule="burst",
            started_at=at(10, 6, 12),
            last_update_at=at(10, 6, 13),
            updates=1,
            article_ids=[hospital.id, copy.id],
            details={},
        )
    )
    session.flush()
    return Month(hospital.id, copy.id, floods.id, roads.id)
