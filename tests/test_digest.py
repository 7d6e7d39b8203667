"""The daily digest: figures, grouping and order, escaping, the HTML copy, and delivery to a real SMTP server."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, SmtpSink
from rows import Newsroom, add_outlets

from monitor.archive.corrections import record_correction
from monitor.config import Profile, load_profile
from monitor.deliver.digest import build_digest, digest_window, highlight, render_digest, run_digest
from monitor.deliver.editing import edit_digest
from monitor.deliver.mail import send_pending
from monitor.record import REVIEW_BELOW
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import ArticleRow, FeedRow

DAY = date(2026, 11, 20)
END = datetime(2026, 11, 20, 5, 30, tzinfo=UTC)  # 07:30 in Bucharest (EET, UTC+2)
HOSTILE = 'Prefectul <script>alert("x")</script> laudă\r\nBcc: victima@example.com'


@pytest.fixture
def newsroom(store: Store) -> Newsroom:
    room = Newsroom(store)
    hour = timedelta(hours=1)
    agency = room.publish(
        "digi24",
        "Protest la Prefectura Alba: prefectul Horia Vlădescu, acuzat că ignoră localnicii",
        END - 3 * hour,
        tone="negative",
        prominence="title",
        evidence=["Prefectul Horia Vlădescu este acuzat de localnici că a ignorat protestul <b>din Aiud</b>."],
        topics=["proteste"],
    )
    room.publish("alba24", "Protest la Prefectura Alba (preluare)", END - 2 * hour, tone="negative", cluster=agency)
    room.publish(
        "alba24",
        HOSTILE,
        END - 5 * hour,
        tone="positive",
        prominence="lead",
        evidence=["Horia Vladescu a inaugurat <script>drumul</script> județean."],
        topics=["infrastructura", "investitii"],
    )
    room.publish(
        "hotnews", "Ședința colegiului prefectural", END - 20 * hour, evidence=["Ședința a fost condusă de prefect."]
    )
    room.publish(
        "ziarul-unirea",
        "Subprefecta la ceremonia de 1 Decembrie",
        END - 6 * hour,
        target="subprefect",
        evidence=["Subprefecta Ioana Câmpeanu a participat la ceremonie."],
        topics=["institutional"],
    )
    room.publish("agerpres", "Prea devreme", END - 24 * hour - timedelta(seconds=1))  # in the previous week
    room.publish("agerpres", "La ora sintezei", END)  # tomorrow's digest
    for day in range(1, 7):
        room.publish(
            "alba24", f"Știre din ziua {day}", END - timedelta(days=day, hours=3), targets=["prefect", "institutia"]
        )
    return room


def test_figures_grouping_and_order(store: Store, profile: Profile, newsroom: Newsroom) -> None:
    with store.session() as session:
        digest = build_digest(session, profile, DAY)

    assert digest_window(profile, DAY) == (END - timedelta(hours=24), END)
    assert (digest.mentions, digest.articles, digest.story_count) == (5, 5, 4)
    assert digest.average == pytest.approx(13 / 7)  # 6 days x 2 targets + the article just before the window
    assert digest.tones == {"negative": 2, "neutral": 2, "positive": 1}
    assert digest.top_outlets[0] == ("Alba24", 2)
    assert ("Proteste și conflicte sociale", 1) in digest.top_topics
    assert [(t.target.id, t.mentions) for t in digest.targets] == [("prefect", 4), ("subprefect", 1)]
    [react] = digest.react  # negative toward the prefect in a title: the office must react
    assert react.title.startswith("Protest la Prefectura Alba: prefectul") and react.reaction == "negativ în titlu"
    assert react.also_in == ("Alba24",) and react.topics == ("Proteste și conflicte sociale",)
    assert [(t.target.id, t.tone) for t in react.targets] == [("prefect", "negative")]
    titles = [item.title for item in digest.stories]
    assert titles == [HOSTILE, "Ședința colegiului prefectural", "Subprefecta la ceremonia de 1 Decembrie"]  # reach
    assert digest.summary.startswith(
        "În cele 24 de ore până la 20 noiembrie 2026, 07:30 au apărut 5 mențiuni în 5 articole"
    )
    assert "2 negative, 2 neutre, 1 pozitivă" in digest.summary
    assert "Cele mai multe mențiuni: Horia Vlădescu (4)." in digest.summary


def test_the_office_flags_a_story_for_a_reaction(store: Store, profile: Profile, newsroom: Newsroom) -> None:
    """A neutral story the office flags goes to «De reacționat» with its reason, in that day's digest only;
    taking the flag off puts it back among the others."""
    with store.session() as session:
        meeting = next(s for s in build_digest(session, profile, DAY).stories if s.title.startswith("Ședința"))
        edit_digest(session, profile.id, DAY, login="ana", now=END, flag=meeting.cluster_id)
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
        assert [(s.title, s.reaction) for s in digest.react][-1] == (meeting.title, "semnalat de biroul de presă")
        assert meeting.title not in [s.title for s in digest.stories]
        assert "semnalat de biroul de presă" in render_digest(digest)[1]
        assert not build_digest(session, profile, DAY + timedelta(days=1)).react
        edit_digest(session, profile.id, DAY, login="ana", now=END, unflag=meeting.cluster_id)
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert meeting.title in [s.title for s in digest.stories] and len(digest.react) == 1


def test_a_story_about_two_targets_counts_once(store: Store, profile: Profile) -> None:
    room = Newsroom(store)
    room.publish("alba24", "Prefectul și Prefectura", END - timedelta(hours=2), targets=["prefect", "institutia"])
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert (digest.mentions, digest.articles, digest.story_count) == (2, 1, 1)
    (story,) = digest.stories  # one item, every target on it
    assert [t.target.id for t in story.targets] == ["prefect", "institutia"]
    assert digest.subject == "Sinteza presei, 20 noiembrie 2026: 2 mențiuni, 0 negative"


def test_unsure_tones_are_counted_for_the_office_until_it_confirms_them(store: Store, profile: Profile) -> None:
    """A tone the learned layer is unsure of is «de verificat» on its story and counted in the summary; once the
    office confirms it (a correction to the same tone) it is settled."""
    room = Newsroom(store)
    unsure = room.publish("alba24", "Prefectul la Blaj", END - timedelta(hours=2), confidence=REVIEW_BELOW - 0.01)
    room.publish("alba24", "Prefectul la Aiud", END - timedelta(hours=3), confidence=REVIEW_BELOW)
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert [(s.title, s.to_review) for s in digest.stories] == [
        ("Prefectul la Blaj", True),
        ("Prefectul la Aiud", False),
    ]
    assert digest.to_review == 1 and "Ton nesigur, de verificat: 1 subiect." in digest.summary
    assert "Horia Vlădescu: neutru (de verificat)" in render_digest(digest)[1]
    record_correction(store, profile.id, unsure, "prefect", tone="neutral", author="ana", reason="", now=END)
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert digest.to_review == 0 and "Ton nesigur" not in digest.summary
    assert "neutru (de verificat)" not in render_digest(digest)[1] and "neutru (corectat)" in render_digest(digest)[1]


def test_html_is_escaped_highlighted_and_mail_safe(store: Store, profile: Profile, newsroom: Newsroom) -> None:
    with store.session() as session:
        html, text = render_digest(build_digest(session, profile, DAY))

    assert "<script" not in html and "&lt;script&gt;alert" in html
    assert "<img" not in html and "<link" not in html and "<style" not in html
    assert "ignorat protestul &lt;b&gt;din Aiud&lt;/b&gt;." in html
    assert '">Horia Vlădescu</mark>' in html and '">Horia Vladescu</mark>' in html  # with and without diacritics
    assert "Preluat și de: Alba24" in html and "Preluat și de: Alba24" in text
    assert "https://digi24.example.ro/stire-1" in html
    assert HOSTILE in text  # the plain-text part shows the title as it is: text, never markup
    assert "Sinteza presei".upper() in text and "ş" not in html + text and "ţ" not in html + text


def test_highlight_escapes_first() -> None:
    target = load_profile(REPO / "pipelines" / "alba.yaml").target("subprefect")
    marked = highlight("<i>SUBPREFECTA</i> Ioana Campeanu & co", target)
    assert str(marked).count("<mark") == 2
    assert str(marked).startswith("&lt;i&gt;<mark") and "&amp; co" in str(marked)


def test_an_empty_day_still_has_a_short_digest(store: Store, profile: Profile, settings: Settings) -> None:
    quiet = datetime(2026, 1, 5, 5, 30, tzinfo=UTC)  # the digest time of 5 January
    with store.session() as session:
        add_outlets(session)
        session.add(
            FeedRow(
                outlet_id="alba24", url="https://alba24.example.ro/rss", last_success_at=quiet - timedelta(minutes=20)
            )
        )
    with store.session() as session:
        result = run_digest(session, profile, settings, day=date(2026, 1, 5), now=quiet, send=True)

    assert result.digest.empty and result.digest.react == result.digest.stories == ()
    assert result.digest.subject == "Sinteza presei, 5 ianuarie 2026: nicio mențiune"
    assert "nu a publicat niciun articol" in result.digest.summary
    assert result.path == settings.output_dir / "digest-alba-2026-01-05.html"
    assert "nu a publicat niciun articol" in result.path.read_text(encoding="utf-8")
    assert result.queued == ("presa@prefectura-alba.example",)


def test_a_stopped_collection_is_never_reported_as_a_quiet_press(
    store: Store, profile: Profile, settings: Settings
) -> None:
    with store.session() as session:
        add_outlets(session)
        session.add(
            FeedRow(outlet_id="alba24", url="https://alba24.example.ro/rss", last_success_at=END - timedelta(days=2))
        )
        session.add(
            FeedRow(outlet_id="digi24", url="https://digi24.example.ro/rss", error_count=4, last_error="HTTP 503")
        )
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert digest.empty and not digest.health.working
    assert digest.subject == "Sinteza presei, 20 noiembrie 2026: colectarea nu a funcționat"
    assert "nu a publicat" not in digest.summary and "colectarea nu a funcționat" in digest.summary
    assert "Colectarea s-a oprit: ultima preluare reușită la 18 noiembrie 2026, 07:30" in digest.health.line()
    assert "Publicații cu erori: 1 (Digi24)" in digest.health.line()
    html, text = render_digest(digest)
    assert "Colectarea s-a oprit" in html and "Colectarea s-a oprit" in text


def test_an_article_collected_days_after_its_date_is_in_todays_digest(store: Store, profile: Profile) -> None:
    room = Newsroom(store)
    old = room.publish(
        "alba24", "Prefectul, criticat de primari", END - timedelta(days=3), tone="negative", prominence="title"
    )
    with store.session() as session:  # the feed brought it only this morning
        session.get_one(ArticleRow, old).fetched_at = END - timedelta(hours=1)
    with store.session() as session:
        digest = build_digest(session, profile, DAY)
    assert [item.title for item in digest.react] == ["Prefectul, criticat de primari"]
    _, text = render_digest(digest)
    assert "publicat 17 noiembrie 2026" in text  # its own date, shown
    assert "spațiul de lucru" not in text  # no workspace address (MONITOR_WEB_URL): no link to it
    html, text = render_digest(digest, workspace="https://presa.prefectura-alba.example")
    page = f"https://presa.prefectura-alba.example/p/alba/articole/{old}"
    assert f"În spațiul de lucru: {page}" in text and f'href="{page}"' in html


def test_digest_arrives_once_by_smtp(
    store: Store, profile: Profile, settings: Settings, newsroom: Newsroom, smtp: SmtpSink
) -> None:
    settings = replace(settings, smtp_url=smtp.url)
    with store.session() as session:
        first = run_digest(session, profile, settings, day=DAY, now=END, send=True)
    with store.session() as session:
        second = run_digest(session, profile, settings, day=DAY, now=END + timedelta(hours=2), send=True)
    send_pending(store, settings, now=END + timedelta(hours=3))

    assert first.queued == ("presa@prefectura-alba.example",) and second.already == first.queued
    [message] = smtp.messages
    assert smtp.envelopes[0][1] == ["presa@prefectura-alba.example"]
    assert message["To"] == "presa@prefectura-alba.example"
    assert message["Subject"] == "Sinteza presei, 20 noiembrie 2026: 5 mențiuni, 2 negative; 1 de reacționat"
    parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert "&lt;script&gt;" in parts["text/html"] and "<script" not in parts["text/html"]
    assert "Preluat și de: Alba24" in parts["text/plain"]
    assert Path(first.path).read_text(encoding="utf-8") == parts["text/html"].replace("\r\n", "\n")


def test_commands_digest_alerts_send(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    env = {
        "MONITOR_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "MONITOR_OUTPUT_DIR": str(tmp_path / "out"),
        "MONITOR_SOURCES": str(REPO / "sources.yaml"),
        "MONITOR_PIPELINES": str(REPO / "pipelines"),
        "MONITOR_SMTP_URL": "",
    }
    runner = CliRunner()
    digest = runner.invoke(cli, ["digest", "--profile", "alba", "--date", "2026-01-05", "--send"], env=env)
    again = runner.invoke(cli, ["digest", "--profile", "alba", "--date", "2026-01-05", "--send"], env=env)
    alerts = runner.invoke(cli, ["alerts", "--profile", "alba", "--dry-run"], env=env)
    send = runner.invoke(cli, ["send"], env=env)
    unknown = runner.invoke(cli, ["digest", "--profile", "nu-exista"], env=env)

    assert digest.exit_code == 0, digest.output
    assert "Sinteza presei pentru 5 ianuarie 2026: 0 mențiuni" in digest.output
    assert "Pusă în coada de trimitere pentru: presa@prefectura-alba.example" in digest.output
    assert "SMTP nu este configurat (MONITOR_SMTP_URL): 1 mesaj scris ca .eml în" in digest.output
    assert "Trimisă deja pentru această zi (nu se retrimite)" in again.output
    assert "Nicio alertă" in alerts.output and "Simulare (--dry-run)" in alerts.output
    assert "0 mesaje scrise" in send.output
    assert unknown.exit_code != 0 and "Profil negăsit: nu-exista" in unknown.output
    assert (tmp_path / "out" / "digest-alba-2026-01-05.html").exists()
    assert len(list((tmp_path / "out" / "mail").glob("*.eml"))) == 1
