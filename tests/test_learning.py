"""Learning from corrections: a profile's corrections change the tone of similar unseen articles in that profile,
never in another; a correction still wins for its own story; the daemon retrains once a night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from rows import OUTLETS, add_outlets, add_story
from sqlalchemy import select

from monitor.analysis import analyze_pending
from monitor.archive.corrections import record_correction
from monitor.archive.learning import learn, needs_learning, profile_model
from monitor.cli import cli
from monitor.config import Profile, Sources
from monitor.nlp import analyze
from monitor.nlp.learned import package_examples, package_model
from monitor.nlp.training import fit
from monitor.record import Tone
from monitor.scheduler import run_dated_jobs
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.models import JobRunRow, MentionRow, ToneModelRow
from monitor.store.queue import enqueue

T0 = datetime(2026, 5, 4, 9, tzinfo=UTC)
SOURCES = Sources.model_validate(
    {
        "outlets": [
            {"id": oid, "name": name, "kind": kind, "county": county, "feeds": [f"https://{oid}.example.ro/rss"]}
            for oid, name, kind, county, _ in OUTLETS
        ]
    }
)
PLACES = ("Aiud", "Blaj", "Sebeș", "Cugir", "Ocna Mureș", "Zlatna", "Abrud", "Câmpeni")


def _story(place: str) -> tuple[str, str]:
    """The prefect announces a contractor's delay: this office reads it as neutral, the package as negative."""
    return (
        f"Prefectul amână din nou recepția lucrărilor de la {place}",
        f"Prefectul Horia Vlădescu a anunțat că recepția lucrărilor la drumul județean de la {place} se amână din "
        "nou, pentru a treia oară anul acesta. Termenul nou este toamna.",
    )


def _tone(profile: Profile, place: str, store: Store, profile_id: str) -> Tone:
    title, text = _story(place)
    result = analyze(title, text, profile, outlet_county="Alba", model=profile_model(store, profile_id))
    return next(m.tone for m in result.mentions if m.target == "prefect")


def _corrected(store: Store, profile: Profile) -> None:
    with store.session() as session:
        add_outlets(session)
        ids = [
            add_story(session, "alba24", *_story(place), T0 + timedelta(hours=i)).id for i, place in enumerate(PLACES)
        ]
    analyze_pending(store, profile, SOURCES, now=T0 + timedelta(hours=len(PLACES)))  # the office corrects what it read
    for article_id in ids:
        record_correction(
            store,
            profile.id,
            article_id,
            "prefect",
            tone="neutru",
            author="ana",
            reason="întârzierea e a firmei",
            now=T0,
        )


def test_corrections_change_similar_unseen_articles_in_their_profile_only(store: Store, profile: Profile) -> None:
    other = profile.model_copy(update={"id": "alba-b"})
    assert _tone(profile, "Teiuș", store, profile.id) == Tone.NEGATIVE  # the package's reading
    _corrected(store, profile)
    assert needs_learning(store, profile.id) and not needs_learning(store, other.id)
    result = learn(store, profile, SOURCES, now=T0 + timedelta(days=1))
    assert (result.corrections, result.examples) == (len(PLACES), len(PLACES))
    assert not needs_learning(store, profile.id)
    assert _tone(profile, "Teiuș", store, profile.id) == Tone.NEUTRAL  # unseen, same profile: learned
    assert _tone(other, "Teiuș", store, other.id) == Tone.NEGATIVE  # another profile: untouched
    assert profile_model(store, other.id) is None


def test_the_analysis_stage_uses_the_profile_model(store: Store, profile: Profile) -> None:
    _corrected(store, profile)
    learn(store, profile, SOURCES, now=T0 + timedelta(days=1))
    with store.session() as session:
        unseen = add_story(session, "alba24", *_story("Teiuș"), T0 + timedelta(days=1)).id
        enqueue(session.connection(), unseen, now=T0 + timedelta(days=1))  # queued as the crawl queues what it writes
    analyze_pending(store, profile, SOURCES, now=T0 + timedelta(days=1, hours=1))
    with store.session() as session:
        tone = session.scalar(select(MentionRow.tone).where(MentionRow.article_id == unseen))
    assert tone == Tone.NEUTRAL


def test_the_package_model_is_what_its_shipped_examples_train() -> None:
    examples = list(package_examples())
    note = package_model().trained_on
    assert fit(examples, note=note).to_json() == package_model().to_json()


def test_the_daemon_retrains_once_a_night_when_there_are_new_corrections(
    store: Store, profile: Profile, settings: Settings
) -> None:
    _corrected(store, profile)
    quiet = profile.model_copy(
        update={
            "digest": profile.digest.model_copy(update={"enabled": False}),
            "report": profile.report.model_copy(update={"enabled": False}),
        }
    )
    evening = datetime(2026, 5, 4, 20, tzinfo=UTC)  # 23:00 in Bucharest: not yet
    run_dated_jobs(store, SOURCES, [quiet], settings, now=evening)
    assert profile_model(store, profile.id) is None
    night = datetime(2026, 5, 5, 1, tzinfo=UTC)  # 04:00 in Bucharest
    run_dated_jobs(store, SOURCES, [quiet], settings, now=night)
    run_dated_jobs(store, SOURCES, [quiet], settings, now=night + timedelta(hours=1))
    with store.session() as session:
        assert session.scalar(select(ToneModelRow.corrections)) == len(PLACES)
        assert session.scalars(select(JobRunRow.period).where(JobRunRow.job == "learn:alba")).all() == ["2026-05-05"]


def test_learn_command_says_what_it_did(store: Store, settings: Settings) -> None:
    env = {
        "MONITOR_DATABASE_URL": settings.database_url,
        "MONITOR_PIPELINES": "pipelines",
        "MONITOR_SOURCES": "sources.yaml",
    }
    result = CliRunner().invoke(cli, ["learn", "--profile", "alba"], env=env)
    assert result.exit_code == 0, result.output
    assert "nu are corecții de ton" in result.output
