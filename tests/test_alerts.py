"""Crisis alerts: the Poisson burst rule, keywords, high reach, cooldown and updates, and the alert e-mail."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import SmtpSink
from rows import Newsroom
from sqlalchemy import func, select

from monitor.config import Profile
from monitor.deliver.alerts import AlertNotice, alert_subject, check_alerts
from monitor.deliver.mail import send_pending
from monitor.deliver.triggers import keyword_patterns
from monitor.settings import Settings
from monitor.stats import poisson_tail
from monitor.store import Store
from monitor.store.models import AlertRow, OutboxRow

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
HOSTILE = 'Scandal la prefectură <script>alert("x")</script>\r\nBcc: victima@example.com'


@pytest.fixture
def room(store: Store) -> Newsroom:
    return Newsroom(store)


def _check(store: Store, profile: Profile, settings: Settings, now: datetime, **kwargs: bool) -> list[AlertNotice]:
    with store.session() as session:
        return check_alerts(session, profile, settings, now=now, **kwargs)


def _negative(room: Newsroom, outlet: str, when: datetime, **kwargs: object) -> int:
    return room.publish(
        outlet,
        f"Nemulțumiri față de prefect ({outlet}, {when:%H:%M})",
        when,
        tone="negative",
        evidence=["Localnicii îl critică pe prefectul Horia Vlădescu pentru întârzieri."],
        **kwargs,  # type: ignore[arg-type]
    )


def test_poisson_tail_matches_the_closed_form() -> None:
    assert poisson_tail(3, 0.5) == pytest.approx(1 - math.exp(-0.5) * (1 + 0.5 + 0.125), rel=1e-12)
    assert poisson_tail(1, 2.0) == pytest.approx(1 - math.exp(-2.0), rel=1e-12)
    assert (poisson_tail(0, 4.0), poisson_tail(5, 0.0)) == (1.0, 0.0)
    # the far tail the report's old sum lost to cancellation (0.0): the alerts and the report now share this one
    assert poisson_tail(20, 1.0) == pytest.approx(
        math.exp(-1) * sum(1 / math.factorial(i) for i in range(20, 60)), rel=1e-9
    )
    assert 0 < poisson_tail(400, 100.0) < 1e-60  # far tail: no underflow to a wrong zero, no overflow
    assert poisson_tail(100, 120.0) == pytest.approx(0.97, abs=0.01)
    stats = pytest.importorskip("scipy.stats")
    for k, mean in [(3, 0.21), (7, 2.5), (30, 12.0), (2, 9.0)]:
        assert poisson_tail(k, mean) == pytest.approx(float(stats.poisson.sf(k - 1, mean)), rel=1e-9)


def test_burst_over_crawl_cycles_gives_one_alert_then_one_update(
    store: Store, profile: Profile, settings: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    for day in (2, 5, 9):  # a little negative coverage in the same hours before: baseline 3/14 a window
        _negative(room, "alba24", T0 - timedelta(days=day, hours=1))
    timeline: list[list[AlertNotice]] = []
    _negative(room, "alba24", T0)
    timeline.append(_check(store, profile, settings, T0))
    _negative(room, "digi24", T0 + 15 * MINUTE)
    _negative(room, "ziarul-unirea", T0 + 18 * MINUTE)
    timeline.append(_check(store, profile, settings, T0 + 20 * MINUTE))
    _negative(room, "hotnews", T0 + 35 * MINUTE)
    timeline.append(_check(store, profile, settings, T0 + 40 * MINUTE))  # within the hour: no update yet
    _negative(room, "pagina-de-alba", T0 + 70 * MINUTE)
    timeline.append(_check(store, profile, settings, T0 + 85 * MINUTE))
    timeline.append(_check(store, profile, settings, T0 + 100 * MINUTE))  # nothing new
    send_pending(store, settings, now=T0 + 101 * MINUTE)

    assert [[(n.kind, n.rule, len(n.articles)) for n in cycle] for cycle in timeline] == [
        [],
        [("alert", "burst", 3)],
        [],
        [("update", "burst", 2)],
        [],
    ]
    alert = timeline[1][0]
    assert (alert.burst.count, alert.burst.outlets) == (3, 3)
    assert alert.burst.baseline == pytest.approx(3 / 14)
    assert alert.burst.p_value < profile.alerts.burst.alpha
    assert [m["Subject"] for m in smtp.messages] == [
        "Alertă: criză mediatică – Horia Vlădescu",
        "Re: Alertă: criză mediatică – Horia Vlădescu",
    ]
    first, update = smtp.messages
    assert "In-Reply-To" not in first  # the update answers the alert: one conversation in the mail client
    assert update["In-Reply-To"] == update["References"] == first["Message-ID"]
    assert all(envelope[1] == ["purtator.cuvant@prefectura-alba.example"] for envelope in smtp.envelopes)
    parts = {p.get_content_type(): p.get_content() for p in smtp.messages[0].walk() if not p.is_multipart()}
    for part in parts.values():
        assert "creștere bruscă a mențiunilor negative" in part
        assert "3 mențiuni negative în ultimele 6 ore" in part and "calculată pe ultimele 14 zile" in part
        assert "https://digi24.example.ro/" in part and "Pregătiți o declarație de presă" in part
        assert "cereți publicației dreptul la replică" in part
        assert "monitor reply" not in part and "--target" not in part  # the next steps in words, not commands
    assert ">Horia Vlădescu</mark>" in parts["text/html"]


def test_no_burst_against_a_busy_baseline(store: Store, profile: Profile, settings: Settings, room: Newsroom) -> None:
    for day in range(1, 15):
        for outlet in ("alba24", "digi24", "hotnews"):
            _negative(room, outlet, T0 - timedelta(days=day, hours=2))
    for outlet in ("alba24", "digi24", "hotnews"):
        _negative(room, outlet, T0 - 2 * MINUTE)
    assert _check(store, profile, settings, T0) == []


def test_one_outlet_or_one_story_is_not_a_burst(
    store: Store, profile: Profile, settings: Settings, room: Newsroom
) -> None:
    story = _negative(room, "alba24", T0 - 30 * MINUTE)
    _negative(room, "alba24", T0 - 20 * MINUTE)
    _negative(room, "alba24", T0 - 10 * MINUTE)
    assert _check(store, profile, settings, T0) == []  # 3 stories, 1 outlet
    _negative(room, "digi24", T0 - 5 * MINUTE, cluster=story)
    [notice] = _check(store, profile, settings, T0)  # now 4 story-outlet pairs from 2 outlets
    assert notice.rule == "burst" and notice.burst.count == 4


def test_guessed_dates_never_start_a_burst(store: Store, profile: Profile, settings: Settings, room: Newsroom) -> None:
    for outlet in ("alba24", "digi24", "hotnews", "ziarul-unirea"):
        _negative(room, outlet, T0 - 10 * MINUTE, date_source="fetched")
    _negative(room, "agerpres", T0 - 5 * MINUTE)
    assert _check(store, profile, settings, T0) == []
    _negative(room, "mediafax", T0 - 4 * MINUTE)
    _negative(room, "alba24", T0 - 3 * MINUTE)
    [notice] = _check(store, profile, settings, T0)  # three dated ones do; the guessed ones are listed too
    assert notice.burst.count == 3 and len(notice.articles) == 7


def test_keyword_alert_cooldown_and_update(store: Store, profile: Profile, settings: Settings, room: Newsroom) -> None:
    story = room.publish(
        "alba24",
        "Audieri la DNA",
        T0,
        tone="negative",
        evidence=["Prefectul Horia Vlădescu a fost audiat ieri la DNA-ul din Alba Iulia."],
    )
    first = _check(store, profile, settings, T0 + MINUTE)
    room.publish("digi24", "Audieri la DNA (preluare)", T0 + 30 * MINUTE, tone="negative", cluster=story)
    same_hour = _check(store, profile, settings, T0 + 45 * MINUTE)
    later = _check(store, profile, settings, T0 + 2 * timedelta(hours=1))
    room.publish(
        "hotnews",
        "Din nou la DNA",
        T0 + timedelta(hours=13),
        tone="negative",
        evidence=["Prefectul Horia Vlădescu, chemat din nou la DNA."],
    )
    still_on = _check(store, profile, settings, T0 + timedelta(hours=13, minutes=5))  # 11 h after the last update
    room.publish(
        "hotnews",
        "Iar la DNA",
        T0 + timedelta(hours=26),
        tone="negative",
        evidence=["Prefectul Horia Vlădescu, audiat a treia oară la DNA."],
    )
    after_cooldown = _check(store, profile, settings, T0 + timedelta(hours=26, minutes=5))  # 13 h of quiet

    assert [(n.kind, n.rule, n.keywords) for n in first] == [("alert", "keyword", ("DNA",))]
    assert same_hour == []
    assert [(n.kind, [v.outlet_id for v in n.articles]) for n in later] == [("update", ["digi24"])]
    assert alert_subject(later[0]) == "Re: Alertă: criză mediatică – Horia Vlădescu"
    assert [(n.kind, [v.outlet_id for v in n.articles]) for n in still_on] == [("update", ["hotnews"])]
    assert [(n.kind, n.rule) for n in after_cooldown] == [("alert", "keyword")]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AlertRow)) == 2


def test_a_crisis_is_one_alert_per_target_and_its_other_stories_are_updates(
    store: Store, profile: Profile, settings: Settings, room: Newsroom
) -> None:
    room.publish(
        "alba24", "Percheziții", T0, tone="negative", evidence=["Percheziții DNA la prefectul Horia Vlădescu."]
    )
    [alert] = _check(store, profile, settings, T0 + MINUTE)
    room.publish(  # another story of the same crisis, with a crisis keyword, two hours later
        "hotnews",
        "Protest",
        T0 + 2 * HOUR,
        tone="negative",
        evidence=["Protest la prefectură: oamenii cer demisia prefectului Horia Vlădescu."],
    )
    room.publish(  # the subprefect named beside the searches, in a neutral sentence: no alert for her
        "alba24",
        "Ghișee deschise",
        T0 + 2 * HOUR,
        target="subprefect",
        evidence=["Subprefecta Ioana Câmpeanu: ghișeele funcționează normal, în ciuda perchezițiilor."],
    )
    later = _check(store, profile, settings, T0 + 2 * HOUR + MINUTE)
    assert alert.kind == "alert"
    assert [(n.kind, n.target.id, [v.outlet_id for v in n.articles]) for n in later] == [
        ("update", "prefect", ["hotnews"])
    ]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AlertRow)) == 1


def test_negative_title_in_a_high_reach_outlet(
    store: Store, profile: Profile, settings: Settings, room: Newsroom
) -> None:
    room.publish("alba24", "Prefectul criticat de consilieri", T0, tone="negative", prominence="title")
    assert _check(store, profile, settings, T0 + MINUTE) == []  # 250.000 readers: below high_reach
    room.publish("digi24", "Prefectul Vlădescu, criticat dur", T0, tone="negative", prominence="title")
    [notice] = _check(store, profile, settings, T0 + MINUTE)
    assert notice.rule == "high_reach" and [v.outlet_id for v in notice.articles] == ["digi24"]


def test_dry_run_records_and_sends_nothing(store: Store, profile: Profile, settings: Settings, room: Newsroom) -> None:
    room.publish("alba24", "Scandal", T0, tone="negative", evidence=["Scandal în jurul prefectului Horia Vlădescu."])
    first = _check(store, profile, settings, T0 + MINUTE, dry_run=True)
    second = _check(store, profile, settings, T0 + MINUTE, dry_run=True)
    assert [(n.rule, n.alert_id) for n in first] == [(n.rule, n.alert_id) for n in second] == [("keyword", None)]
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AlertRow)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxRow)) == 0


def test_hostile_title_arrives_escaped_and_harmless(
    store: Store, profile: Profile, settings: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    room.publish(
        "alba24",
        HOSTILE,
        T0,
        tone="negative",
        prominence="title",
        evidence=['Prefectul Horia Vlădescu <img src="http://evil.example/x.png"> e în scandal.'],
    )
    _check(store, profile, settings, T0 + MINUTE)
    send_pending(store, settings, now=T0 + MINUTE)

    [message] = smtp.messages
    assert message["Bcc"] is None and smtp.envelopes[0][1] == ["purtator.cuvant@prefectura-alba.example"]
    html = next(p.get_content() for p in message.walk() if p.get_content_type() == "text/html")
    assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img" not in html and "&lt;img src=" in html


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("anchetă", "a deschis o ancheta penală", True),
        ("anchetă", "rezultatele anchetei", True),
        ("percheziții", "perchezițiile de ieri", True),
        ("protest la prefectură", "protestul la Prefectura Alba", True),
        ("DNA", "procurorii DNA-ului", True),
        ("DNA", "o dnaie", False),
        ("arestat", "nearestat", False),
    ],
)
def test_keywords_match_inflected_forms(keyword: str, text: str, found: bool) -> None:
    from monitor.text import search_key

    [(_, pattern)] = keyword_patterns((keyword,))
    assert bool(pattern.search(search_key(text))) is found


def test_one_process_at_a_time_checks_a_profiles_alerts(
    store: Store, profile: Profile, settings: Settings, room: Newsroom
) -> None:
    from monitor.deliver.alerts import check_alerts_once
    from monitor.store.jobs import acquire_lease, release_lease

    room.publish("digi24", "Prefectul Vlădescu, criticat dur", T0, tone="negative", prominence="title")
    assert acquire_lease(store, "a-worker", now=T0, name="alerts:alba")  # another process is checking
    assert check_alerts_once(store, profile, settings, now=T0 + MINUTE, owner="the-daemon") == []
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(AlertRow)) == 0
    release_lease(store, "a-worker", name="alerts:alba")
    [notice] = check_alerts_once(store, profile, settings, now=T0 + MINUTE, owner="the-daemon")
    assert notice.rule == "high_reach"
    assert check_alerts_once(store, profile, settings, now=T0 + 2 * MINUTE, owner="a-worker") == []  # once only
