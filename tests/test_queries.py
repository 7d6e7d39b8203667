"""The read side: mentions with effective tone, story outlets, corrections, a fixed number of queries."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ro_stories import AGENCY_TITLE, PASSPORT_TEXT, PASSPORT_TITLE
from rows import add_analysis, add_coverage, also_seen_in
from sqlalchemy import event

from monitor.archive.corrections import CorrectionError, export_corrections, record_correction
from monitor.store import Store
from monitor.store.queries import cluster_outlets, mentions_between

T0 = datetime(2026, 5, 14, 19, 5, tzinfo=UTC)


@dataclass
class Scene:
    agency: int
    local: int
    national: int
    passport: int
    ceremony: int


@pytest.fixture
def scene(any_store: Store) -> Scene:
    """One agency story run by three outlets (and seen in a fourth's feed), plus two other stories."""
    with any_store.session() as session:
        agency, local, national, passport, ceremony = add_coverage(
            session,
            T0,
            national_after=timedelta(hours=3),
            passport_after=timedelta(days=1),
            other=("alba24", timedelta(days=40)),
            national_date_source="fetched",
        )
        for row in (agency, local, national):
            row.cluster_id = agency.id
        passport.cluster_id, ceremony.cluster_id = passport.id, ceremony.id
        passport.link = "http://www.ziarulunirea.example.ro/cozi-la-pasapoarte?utm_source=rss"
        also_seen_in(session, local, "pagina-de-alba", "https://paginadealba.example.ro/feed")
        add_analysis(session, agency, "alba", {"prefect": ("positive", 0.4)}, topics=("urgente",))
        add_analysis(session, local, "alba", {"prefect": ("neutral", 0.05), "institutia": ("neutral", 0.0)})
        add_analysis(session, national, "alba", {"prefect": ("positive", 0.3)}, topics=("urgente",))
        add_analysis(session, passport, "alba", {"institutia": ("negative", -0.6)}, topics=("servicii_publice",))
        add_analysis(session, ceremony, "alba", {"prefect": ("positive", 0.5)})
        add_analysis(session, agency, "cluj", {"prefect-cluj": ("neutral", 0.0)})
        return Scene(agency.id, local.id, national.id, passport.id, ceremony.id)


@pytest.fixture
def statements(any_store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(any_store.engine, "before_cursor_execute", keep)
    yield seen
    event.remove(any_store.engine, "before_cursor_execute", keep)


def test_mentions_of_a_period_with_article_outlet_and_story(any_store: Store, scene: Scene) -> None:
    with any_store.session() as session:
        views = mentions_between(session, "alba", T0, T0 + timedelta(days=2))
    assert [(v.article_id, v.target_id) for v in views] == [
        (scene.agency, "prefect"),
        (scene.local, "institutia"),
        (scene.local, "prefect"),
        (scene.national, "prefect"),
        (scene.passport, "institutia"),
    ]
    first = views[0]
    assert (first.outlet_id, first.outlet_name, first.outlet_kind, first.outlet_reach) == (
        "agerpres", "Agerpres", "agency", 2_000_000,
    )  # fmt: skip
    assert first.url.startswith("https://agerpres.example.ro/") and first.title == AGENCY_TITLE
    assert first.published_at == T0 and not first.date_guessed
    assert (first.count, first.prominence, first.tone, first.auto_tone, first.corrected) == (
        2, "lead", "positive", "positive", False,
    )  # fmt: skip
    assert first.score == 0.4 and first.topics == ("urgente",)
    assert first.evidence and first.evidence[0].startswith("Alba Iulia, 14 mai")
    assert first.cluster_id == scene.agency
    assert first.also_in == ("Alba24", "Digi24", "Pagina de Alba")
    assert views[2].also_in == ("Agerpres", "Digi24", "Pagina de Alba")  # alba24 left out: its own copy
    assert views[3].date_guessed
    assert views[4].also_in == ()
    assert views[4].url == "http://www.ziarulunirea.example.ro/cozi-la-pasapoarte?utm_source=rss"  # link to click


def test_period_is_half_open_and_filters_target_and_profile(any_store: Store, scene: Scene) -> None:
    with any_store.session() as session:
        assert [
            v.article_id for v in mentions_between(session, "alba", T0 + timedelta(hours=1), T0 + timedelta(hours=3))
        ] == [
            scene.local,
            scene.local,
        ]
        only = mentions_between(session, "alba", T0, T0 + timedelta(days=2), target_id="institutia")
        assert [v.article_id for v in only] == [scene.local, scene.passport]
        assert [v.target_id for v in mentions_between(session, "cluj", T0, T0 + timedelta(days=2))] == ["prefect-cluj"]
        assert mentions_between(session, "alba", T0 - timedelta(days=1), T0) == []


def test_correction_wins_for_every_copy_and_only_its_target(any_store: Store, scene: Scene) -> None:
    record_correction(
        any_store, "alba", scene.national, "prefect", tone="negativ", author="Ana Pop",
        reason="ironic", now=T0 + timedelta(days=1),
    )  # fmt: skip
    record_correction(
        any_store, "alba", scene.local, "prefect", tone="neutral", topic="institutional", author="Ana Pop",
        reason="relatare neutră", now=T0 + timedelta(days=2),
    )  # fmt: skip
    with any_store.session() as session:
        views = {(v.article_id, v.target_id): v for v in mentions_between(session, "alba", T0, T0 + timedelta(days=2))}
    for article_id in (scene.agency, scene.local, scene.national):
        view = views[(article_id, "prefect")]
        assert (view.tone, view.corrected) == ("neutral", True)  # the latest of the two corrections
        assert "institutional" in view.topics
    assert views[(scene.agency, "prefect")].auto_tone == "positive"
    assert views[(scene.agency, "prefect")].score == 0.0  # tone changed: the corrected tone's score
    assert views[(scene.local, "prefect")].score == 0.05  # tone unchanged: the automatic score stays
    assert views[(scene.agency, "prefect")].topics == ("urgente", "institutional")
    institution = views[(scene.local, "institutia")]
    assert (institution.tone, institution.corrected) == ("neutral", False)
    assert views[(scene.passport, "institutia")].topics == ("servicii_publice",)


def test_bad_corrections_are_refused_in_romanian(any_store: Store, scene: Scene) -> None:
    now = T0 + timedelta(days=1)
    with pytest.raises(CorrectionError, match="ton necunoscut «foarte rău»"):
        record_correction(any_store, "alba", scene.agency, "prefect", tone="foarte rău", author="A", reason="", now=now)
    with pytest.raises(CorrectionError, match="articolul 999 nu există"):
        record_correction(any_store, "alba", 999, "prefect", tone="negative", author="A", reason="", now=now)
    with pytest.raises(CorrectionError, match="un ton sau o temă"):
        record_correction(any_store, "alba", scene.agency, "prefect", author="A", reason="", now=now)
    with pytest.raises(CorrectionError, match="temă invalidă"):
        record_correction(any_store, "alba", scene.agency, "prefect", topic="Urgențe", author="A", reason="", now=now)
    with any_store.session() as session:
        assert not any(v.corrected for v in mentions_between(session, "alba", T0, T0 + timedelta(days=2)))


def test_export_corrections_as_labelled_analyze_input(any_store: Store, scene: Scene) -> None:
    record_correction(
        any_store, "alba", scene.passport, "institutia", tone="negative", topic="servicii_publice",
        author="Ana Pop", reason="confirmat", now=T0 + timedelta(days=2),
    )  # fmt: skip
    out = io.StringIO()
    assert export_corrections(any_store, "alba", out) == 1
    assert export_corrections(any_store, "cluj", io.StringIO()) == 0
    line = json.loads(out.getvalue())
    assert line["id"] == str(scene.passport) and line["title"] == PASSPORT_TITLE and line["text"] == PASSPORT_TEXT
    assert (line["outlet"], line["outlet_county"], line["published"]) == ("ziarul-unirea", "Alba", "2026-05-15")
    assert (line["target"], line["tone"], line["auto_tone"], line["topic"]) == (
        "institutia", "negative", "negative", "servicii_publice",
    )  # fmt: skip


def test_cluster_outlets(any_store: Store, scene: Scene) -> None:
    with any_store.session() as session:
        outlets = cluster_outlets(session, [scene.agency, scene.passport, 12345])
    assert outlets == {
        scene.agency: ["Agerpres", "Alba24", "Digi24", "Pagina de Alba"],
        scene.passport: ["Ziarul Unirea"],
        12345: [],
    }


def test_a_period_loads_in_a_fixed_number_of_queries(any_store: Store, scene: Scene, statements: list[str]) -> None:
    with any_store.session() as session:
        few = len(mentions_between(session, "alba", T0, T0 + timedelta(hours=2)))
        queries_few = len(statements)
        statements.clear()
        many = len(mentions_between(session, "alba", T0, T0 + timedelta(days=60)))
        queries_many = len(statements)
    assert (few, many) == (3, 6)
    assert queries_few == queries_many <= 4
