"""One crisis, one e-mail thread: across every target of the story, updates at most hourly in that thread; links to
acknowledge, mute and open it; a muted crisis sends nothing more, a closed one starts a new thread when it returns."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from conftest import SmtpSink
from rows import Newsroom, add_mention
from sqlalchemy import select

from monitor.config import Profile
from monitor.deliver.alerts import AlertNotice, check_alerts
from monitor.deliver.crisis import acknowledge_alert, close_alert, mute_alert
from monitor.deliver.mail import send_pending
from monitor.errors import RequestError
from monitor.links import LinkPurpose, read_token
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import AlertRow, ArticleRow, OutboxRow

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
BOTH = ("prefect", "institutia")
SUBJECT = "Alertă: criză mediatică – Horia Vlădescu și Instituția Prefectului – Județul Alba"
WEB = "https://presa.prefectura-alba.example"


@pytest.fixture
def room(store: Store) -> Newsroom:
    return Newsroom(store)


@pytest.fixture
def mailing(settings: Settings, smtp: SmtpSink) -> Settings:
    return replace(settings, smtp_url=smtp.url, web_url=WEB)


def _check(store: Store, profile: Profile, settings: Settings, now: datetime) -> list[AlertNotice]:
    with store.session() as session:
        return check_alerts(session, profile, settings, now=now)


def _text(message: EmailMessage) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_content())


def _searches(room: Newsroom, outlet: str, when: datetime, **kwargs: object) -> int:
    return room.publish(
        outlet,
        f"Percheziții la prefectură ({outlet})",
        when,
        tone="negative",
        evidence=["Percheziții DNA la prefectul Horia Vlădescu și la Prefectura Alba."],
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_crisis_about_two_targets_is_one_thread_updated_at_most_hourly(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    story = _searches(room, "alba24", T0, targets=BOTH)
    timeline = [_check(store, profile, mailing, T0 + MINUTE)]
    room.publish("digi24", "Percheziții (preluare)", T0 + 20 * MINUTE, target="institutia", cluster=story)
    timeline.append(_check(store, profile, mailing, T0 + 30 * MINUTE))  # within the hour: waits
    room.publish(  # another story, negative about one of the crisis's targets: it joins the crisis
        "hotnews",
        "Anchetă la prefectură",
        T0 + 50 * MINUTE,
        target="institutia",
        tone="negative",
        evidence=["Anchetă la Prefectura Alba după percheziții."],
    )
    timeline.append(_check(store, profile, mailing, T0 + 61 * MINUTE))
    _searches(room, "pagina-de-alba", T0 + 90 * MINUTE, targets=BOTH, cluster=story)
    timeline.append(_check(store, profile, mailing, T0 + 100 * MINUTE))  # 39 minutes after the update: waits
    timeline.append(_check(store, profile, mailing, T0 + 122 * MINUTE))
    timeline.append(_check(store, profile, mailing, T0 + 150 * MINUTE))  # nothing new
    send_pending(store, mailing, now=T0 + 151 * MINUTE)

    assert [[(n.kind, [t.id for t in n.targets], [v.outlet_id for v in n.articles]) for n in c] for c in timeline] == [
        [("alert", ["prefect", "institutia"], ["alba24"])],
        [],
        [("update", ["prefect", "institutia"], ["hotnews", "digi24"])],
        [],
        [("update", ["prefect", "institutia"], ["pagina-de-alba"])],
        [],
    ]
    root, first, second = smtp.messages
    assert [m["Subject"] for m in smtp.messages] == [SUBJECT, f"Re: {SUBJECT}", f"Re: {SUBJECT}"]
    assert root["In-Reply-To"] is None and root["References"] is None
    for update in (first, second):
        assert update["In-Reply-To"] == update["References"] == root["Message-ID"]
    assert len({m["Message-ID"] for m in smtp.messages}) == 3
    with store.session() as session:
        [alert] = session.scalars(select(AlertRow)).all()
        assert (alert.target_id, alert.details["targets"], alert.updates) == ("prefect", list(BOTH), 2)
        keys = sorted(session.scalars(select(OutboxRow.key)))
    recipient = "purtator.cuvant@prefectura-alba.example"
    assert keys == [f"alert:alba:{alert.id}:{n}:{recipient}" for n in range(3)]

    text = _text(first)
    assert "ACTUALIZAREA 1 A ALERTEI – Horia Vlădescu și Instituția Prefectului – Județul Alba" in text
    assert "2 articole noi; 2 publicații noi: Hotnews, Digi24." in text
    assert "Despre: Instituția Prefectului – Județul Alba (negativ)" in text
    assert "1 articol nou; 1 publicație nouă: Pagina de Alba." in _text(second)
    assert "Despre: Horia Vlădescu (negativ); Instituția Prefectului – Județul Alba (negativ)" in _text(second)


def test_the_alert_names_next_steps_in_words_and_carries_signed_links(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    _searches(room, "alba24", T0, targets=BOTH)
    [notice] = _check(store, profile, mailing, T0 + MINUTE)
    send_pending(store, mailing, now=T0 + MINUTE)

    [message] = smtp.messages
    html = next(p.get_content() for p in message.walk() if p.get_content_type() == "text/html")
    text = _text(message)
    for purpose in (LinkPurpose.ACKNOWLEDGE_ALERT, LinkPurpose.MUTE_ALERT, LinkPurpose.OPEN_ALERT):
        [token] = re.findall(rf"{WEB}/l/{purpose.value}/([A-Za-z0-9_.\-]+)", text)
        assert f'href="{WEB}/l/{purpose.value}/{token}"' in html
        link = read_token(mailing, purpose, token)
        assert (link.purpose, link.profile_id, link.object_id) == (purpose, "alba", str(notice.alert_id))
    assert "1. Preluați alerta, ca echipa să știe că vă ocupați de această criză:" in text
    assert "cereți publicației dreptul la replică" in text
    assert "monitor " not in text.lower().replace("monitorizat", "")  # no command to type


def test_without_the_workspace_address_there_are_no_link_lines(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    settings = replace(mailing, web_url=None)
    _searches(room, "alba24", T0, targets=BOTH)
    _check(store, profile, settings, T0 + MINUTE)
    send_pending(store, settings, now=T0 + MINUTE)

    [message] = smtp.messages
    for part in message.walk():
        if not part.is_multipart():
            body = part.get_content()
            assert "/l/" not in body and "Preiau alerta</a>" not in body and "Opriți" not in body
            assert "Preluați alerta, ca echipa să știe că vă ocupați de această criză" in body


def test_a_muted_crisis_sends_no_update_and_a_closed_one_returns_as_a_new_thread(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    story = _searches(room, "alba24", T0, targets=BOTH)
    [alert] = _check(store, profile, mailing, T0 + MINUTE)
    assert alert.alert_id is not None
    with store.session() as session:
        muted = mute_alert(session, "alba", alert.alert_id, "ana.pop", T0 + 5 * MINUTE)
        assert muted.muted and muted.details["muted_by"] == "ana.pop"
    copy = _searches(room, "digi24", T0 + 30 * MINUTE, targets=BOTH, cluster=story)
    other = _searches(room, "hotnews", T0 + 40 * MINUTE)  # another story about the prefect, with a crisis word
    silent = [_check(store, profile, mailing, T0 + hours * 60 * MINUTE) for hours in (1, 2, 3)]
    with store.session() as session:
        row = session.get(AlertRow, alert.alert_id)
        assert row is not None and row.updates == 0 and {copy, other} <= set(row.article_ids)  # recorded, not sent
        close_alert(session, "alba", alert.alert_id, "ana.pop", T0 + 4 * 60 * MINUTE)
    _searches(room, "hotnews", T0 + 5 * 60 * MINUTE, targets=BOTH, cluster=story)  # the story comes back
    returned = _check(store, profile, mailing, T0 + 5 * 60 * MINUTE + MINUTE)
    send_pending(store, mailing, now=T0 + 6 * 60 * MINUTE)

    assert silent == [[], [], []]
    assert [(n.kind, n.alert_id != alert.alert_id) for n in returned] == [("alert", True)]
    first, second = smtp.messages
    assert first["Subject"] == second["Subject"] == SUBJECT
    assert second["In-Reply-To"] is None and second["Message-ID"] != first["Message-ID"]  # a new thread


def test_acknowledge_names_who_took_the_crisis_and_checks_the_profile(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    story = _searches(room, "alba24", T0, targets=BOTH)
    [alert] = _check(store, profile, mailing, T0 + MINUTE)
    assert alert.alert_id is not None
    with store.session() as session:
        with pytest.raises(RequestError, match=f"Alerta {alert.alert_id} nu există în profilul cluj"):
            acknowledge_alert(session, "cluj", alert.alert_id, "ana.pop", T0 + 2 * MINUTE)
        with pytest.raises(RequestError, match="Alerta 999 nu există în profilul alba"):
            close_alert(session, "alba", 999, "ana.pop", T0 + 2 * MINUTE)
        acknowledge_alert(session, "alba", alert.alert_id, "ana.pop", T0 + 2 * MINUTE)
        again = acknowledge_alert(session, "alba", alert.alert_id, "ion.ionescu", T0 + 3 * MINUTE)
        assert (again.acknowledged_by, again.acknowledged_at) == ("ana.pop", T0 + 2 * MINUTE)  # the first one
    _searches(room, "digi24", T0 + 30 * MINUTE, targets=BOTH, cluster=story)
    [update] = _check(store, profile, mailing, T0 + 65 * MINUTE)
    send_pending(store, mailing, now=T0 + 65 * MINUTE)

    assert update.acknowledged_by == "ana.pop"
    assert "Preluată de ana.pop la 20 noiembrie 2026, 11:02." in _text(smtp.messages[1])


def test_each_article_is_listed_once_by_its_most_important_mention(
    store: Store, profile: Profile, mailing: Settings, room: Newsroom, smtp: SmtpSink
) -> None:
    story = room.publish(
        "digi24",
        "Prefectul Vlădescu, audiat la DNA",
        T0,
        tone="negative",
        prominence="title",
        evidence=["Prefectul Horia Vlădescu, audiat la DNA."],
    )
    with store.session() as session:  # the institution named in passing, neutrally, in the same article
        article = session.get(ArticleRow, story)
        assert article is not None
        add_mention(
            session, article, "institutia", "neutral", evidence=["Prefectura Alba nu a comentat."], confidence=0.5
        )
    room.publish(
        "alba24",
        "Anchetă la prefectură",
        T0 + MINUTE,
        target="institutia",
        tone="negative",
        evidence=["Anchetă la Prefectura Alba."],
        cluster=story,
    )
    [notice] = _check(store, profile, mailing, T0 + 2 * MINUTE)
    send_pending(store, mailing, now=T0 + 2 * MINUTE)

    assert [(v.outlet_id, v.target_id) for v in notice.views] == [
        ("digi24", "prefect"),
        ("alba24", "institutia"),
        ("digi24", "institutia"),
    ]
    assert [v.outlet_id for v in notice.articles] == ["digi24", "alba24"]
    text = _text(smtp.messages[0])
    assert text.count("Prefectul Vlădescu, audiat la DNA\r\n") == 1
    # an unsure tone says so: the spokesperson weighs it before acting on it
    assert (
        "Despre: Horia Vlădescu (negativ); Instituția Prefectului – Județul Alba (neutru, ton nesigur, de verificat)"
        in text
    )
