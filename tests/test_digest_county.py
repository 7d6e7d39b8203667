"""«Județul azi»: the county's stories within the prefect's remit that name no target, grouped by story and ranked
by how many outlets carry them; a story about another county, national politics, a story naming a target, a topic
outside the remit and yesterday's news stay out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from conftest import SmtpSink
from rows import add_mention, add_outlets, add_story, also_seen_in
from sqlalchemy.orm import Session

from monitor.archive.corrections import record_correction
from monitor.config import Profile
from monitor.deliver.digest import run_digest
from monitor.deliver.mail import send_pending
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AnalysisRow, ArticleRow

DAY = date(2026, 11, 21)
END = datetime(2026, 11, 21, 5, 30, tzinfo=UTC)  # the digest of 07:30 in Bucharest
HOUR = timedelta(hours=1)
FLOOD = "Viitură pe Valea Arieșului: zeci de gospodării inundate la Câmpeni"
PROTEST = "Protest al profesorilor în fața inspectoratului din Alba Iulia"
CLUJ = "Inundații în Cluj: drumuri blocate și case sub ape"
BUDGET = "Guvernul a aprobat bugetul sănătății pe anul viitor"


def _analysed(
    session: Session, outlet: str, title: str, lead: str, when: datetime, topics: tuple[str, ...], **kwargs: int
) -> ArticleRow:
    """An article the profile analysed, as the analysis stage stores one that names no target: topics, no mention."""
    article = add_story(session, outlet, title, lead, when, **kwargs)
    session.add(
        AnalysisRow(
            article_id=article.id,
            profile_id="alba",
            profile_hash="test",
            analyzed_at=when,
            topics=[{"topic": topic, "terms": [topic]} for topic in topics],
        )
    )
    session.flush()
    return article


def test_a_county_flood_story_is_in_judetul_azi_and_a_national_story_is_not(
    store: Store, profile: Profile, settings: Settings, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    with store.session() as session:
        add_outlets(session)
        flood = _analysed(
            session,
            "alba24",
            FLOOD,
            "Pompierii au evacuat 40 de familii. Apele au luat două poduri.",
            END - 9 * HOUR,
            ("urgente",),
        )
        _analysed(  # the same story, copied by another local paper and by the agency
            session,
            "ziarul-unirea",
            FLOOD + " (preluare)",
            "Familii evacuate de pompieri.",
            END - 8 * HOUR,
            ("urgente",),
            cluster=flood.id,
        )
        agency = _analysed(
            session,
            "agerpres",
            "Familii evacuate după viitură",
            "ISU Alba a evacuat 40 de familii.",
            END - 7 * HOUR,
            ("urgente", "social"),
            cluster=flood.id,
        )
        also_seen_in(session, agency, "pagina-de-alba", "https://pagina-de-alba.example.ro/rss")
        _analysed(  # a national outlet, the county's seat named in the title: the county's too
            session, "digi24", PROTEST, "Dascălii cer salarii restante.", END - 5 * HOUR, ("proteste", "educatie")
        )
        _analysed(
            session, "digi24", CLUJ, "Apele au inundat zeci de case din județul Cluj.", END - 4 * HOUR, ("urgente",)
        )
        _analysed(
            session, "hotnews", BUDGET, "Ministrul a prezentat bugetul la București.", END - 3 * HOUR, ("sanatate",)
        )
        _analysed(
            session, "alba24", "Recolta de porumb, în scădere", "Fermierii se plâng.", END - 2 * HOUR, ("agricultura",)
        )
        _analysed(session, "alba24", "Ieri: incendiu la Blaj", "Un depozit a ars.", END - 30 * HOUR, ("urgente",))
        named = _analysed(
            session,
            "pagina-de-alba",
            "Prefectul, la locul inundației",
            "Horia Vlădescu a convocat comitetul.",
            END - 6 * HOUR,
            ("urgente",),
        )
        add_mention(session, named, "prefect", "neutral", topics=("urgente",))
    with store.session() as session:
        result = run_digest(session, profile, settings, day=DAY, now=END, send=True)
    send_pending(store, settings, now=END)

    county = result.digest.county
    assert [(item.title, item.outlets) for item in county] == [
        ("Familii evacuate după viitură", ("Agerpres", "Alba24", "Pagina de Alba", "Ziarul Unirea")),  # 4 outlets
        (PROTEST, ("Digi24",)),
    ]
    assert county[0].topics == ("Situații de urgență",) and county[1].topics == (
        "Proteste și conflicte sociale",
        "Educație",
    )
    assert [item.title for item in result.digest.stories] == ["Prefectul, la locul inundației"]  # not twice
    [message] = smtp.messages
    text = next(p.get_content() for p in message.walk() if p.get_content_type() == "text/plain")
    html = next(p.get_content() for p in message.walk() if p.get_content_type() == "text/html")
    section = text.split("== JUDEȚUL AZI (2 subiecte din atribuțiile prefectului, fără mențiuni ale instituției) ==")[1]
    assert "Familii evacuate după viitură" in section and "4 publicații: Agerpres, Alba24, Pagina de Alba" in section
    assert PROTEST in section and "1 publicație: Digi24" in section
    for absent in (CLUJ, BUDGET, "Recolta de porumb", "incendiu la Blaj"):
        assert absent not in text and absent not in html
    assert "Județul azi" in html and "Familii evacuate după viitură</a>" in html


def test_no_county_section_when_the_county_had_no_such_story(
    store: Store, profile: Profile, settings: Settings
) -> None:
    with store.session() as session:
        add_outlets(session)
        _analysed(
            session, "digi24", CLUJ, "Apele au inundat zeci de case din județul Cluj.", END - 4 * HOUR, ("urgente",)
        )
        result = run_digest(session, profile, settings, day=DAY, now=END, send=False)

    assert result.digest.county == ()
    assert "Județul azi" not in result.path.read_text(encoding="utf-8")


def test_the_topics_the_office_added_or_took_off_decide_what_is_within_the_remit(
    store: Store, profile: Profile, settings: Settings
) -> None:
    drought = "Seceta a lăsat fără apă trei sate din Munții Apuseni"
    with store.session() as session:
        add_outlets(session)
        dry = _analysed(session, "alba24", drought, "Primăria aduce apă cu cisterna.", END - 9 * HOUR, ("agricultura",))
        flood = _analysed(session, "alba24", FLOOD, "Pompierii au evacuat 40 de familii.", END - 8 * HOUR, ("urgente",))
        _analysed(session, "ziarul-unirea", FLOOD, "Familii evacuate.", END - 7 * HOUR, ("urgente",), cluster=flood.id)
        protest = _analysed(
            session, "digi24", PROTEST, "Dascălii cer salarii restante.", END - 5 * HOUR, ("proteste", "educatie")
        )
        ids = dry.id, flood.id, protest.id

    def correct(article_id: int, topic: str, minutes: int) -> None:
        when = END - 2 * HOUR + minutes * timedelta(minutes=1)
        record_correction(store, "alba", article_id, "institutia", topic=topic, author="ana", reason="temă", now=when)

    correct(ids[0], "urgente", 1)  # the drought is an emergency: the office adds the topic
    correct(ids[1], "-urgente", 2)  # the «flood» was a drill: the office takes the topic off
    correct(ids[2], "-proteste", 3)
    correct(ids[2], "-educatie", 4)
    correct(ids[2], "proteste", 5)  # the latest wins: back within the remit, as a protest only
    with store.session() as session:
        result = run_digest(session, profile, settings, day=DAY, now=END, send=False)

    assert [(item.title, item.topics) for item in result.digest.county] == [
        (PROTEST, ("Proteste și conflicte sociale",)),
        (drought, ("Situații de urgență",)),
    ]
