"""A small archive for the report, search, export and reply tests: Alba outlets, a month of articles, mentions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from press_rows import add_article, add_outlets
from sqlalchemy.orm import Session

from monitor.store.models import AlertRow, AnalysisRow, ArticleRow, ArticleSourceRow, FeedRow, MentionRow

PROFILE = "alba"


def at(month: int, day: int, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def add_mention(
    session: Session,
    article: ArticleRow,
    target_id: str,
    tone: str,
    *,
    prominence: str = "body",
    evidence: tuple[str, ...] = (),
    topics: tuple[str, ...] = (),
) -> MentionRow:
    """A mention of `target_id` in `article` (and its analyses row, topics merged)."""
    analysis = session.get(AnalysisRow, (article.id, PROFILE))
    if analysis is None:
        analysis = AnalysisRow(
            article_id=article.id, profile_id=PROFILE, profile_hash="test", analyzed_at=article.fetched_at, topics=[]
        )
        session.add(analysis)
    known = {hit["topic"] for hit in analysis.topics}
    analysis.topics = [*analysis.topics, *({"topic": t, "terms": [t]} for t in topics if t not in known)]
    score = {"positive": 0.6, "neutral": 0.0, "negative": -0.6}[tone]
    row = MentionRow(
        article_id=article.id,
        profile_id=PROFILE,
        target_id=target_id,
        count=1,
        prominence=prominence,
        tone=tone,
        score=score,
        evidence=list(evidence),
        spans=[],
    )
    session.add(row)
    session.flush()
    return row


def also_seen_in(session: Session, article: ArticleRow, outlet_id: str, feed_url: str) -> None:
    """Record that `article` was also seen in a feed of `outlet_id`."""
    feed = FeedRow(outlet_id=outlet_id, url=feed_url)
    session.add(feed)
    session.flush()
    session.add(
        ArticleSourceRow(article_id=article.id, feed_id=feed.id, outlet_id=outlet_id, first_seen_at=article.fetched_at)
    )
    session.flush()


@dataclass
class Month:
    """Ids of the articles the tests refer to."""

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
    hospital = add_article(session, "ziarul-unirea", "Prefectul, acuzat în cazul spitalului", HOSPITAL, at(10, 6))
    copy = add_article(session, "alba24", "Prefectul, acuzat în cazul spitalului județean", HOSPITAL, at(10, 6, 11))
    hospital.cluster_id = copy.cluster_id = hospital.id
    evidence = ("Prefectul Horia Vlădescu, acuzat că a ignorat avertismentele despre spitalul județean.",)
    add_mention(session, hospital, "prefect", "negative", prominence="title", evidence=evidence, topics=("sanatate",))
    add_mention(session, copy, "prefect", "negative", prominence="title", evidence=evidence, topics=("sanatate",))
    also_seen_in(session, copy, "pagina-de-alba", "https://pagina-de-alba.example.ro/rss")

    floods = add_article(session, "digi24", "Intervenție rapidă după inundațiile din Alba", FLOODS, at(10, 12))
    floods.cluster_id = floods.id
    add_mention(session, floods, "prefect", "positive", prominence="lead", topics=("urgente",))
    add_mention(session, floods, "institutia", "positive", prominence="title", topics=("urgente",))

    roads = add_article(session, "hotnews", "Drumurile județene, în stare proastă", ROADS, at(10, 20))
    roads.cluster_id = roads.id
    add_mention(session, roads, "subprefect", "negative", prominence="title", evidence=(ROADS.split("\n")[0],))

    for day in range(1, 5):  # routine neutral coverage
        routine = add_article(
            session,
            "agerpres",
            f"Ședința colegiului prefectural {day}",
            f"Prefectul a condus ședința {day}.",
            at(10, 20 + day),
        )
        routine.cluster_id = routine.id
        add_mention(session, routine, "prefect", "neutral")

    earlier = add_article(
        session, "mediafax", "Prefectul la o ceremonie", "Prefectul a participat la o ceremonie.", at(9, 15)
    )
    earlier.cluster_id = earlier.id
    add_mention(session, earlier, "prefect", "neutral")

    outside = add_article(session, "ziar-de-cluj", "Știre din Cluj", "Nicio legătură cu Alba.", at(10, 8))
    outside.cluster_id = outside.id

    session.add(
        AlertRow(
            profile_id=PROFILE,
            target_id="prefect",
            cluster_id=hospital.id,
            rule="negative_burst",
            started_at=at(10, 6, 12),
            last_update_at=at(10, 6, 13),
            updates=1,
            article_ids=[hospital.id, copy.id],
            details={},
        )
    )
    session.flush()
    return Month(hospital.id, copy.id, floods.id, roads.id)
