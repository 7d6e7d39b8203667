"""Every imagological indicator on a fixed small month, against values worked out by hand in comments."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.config import BurstRule, Target
from monitor.deliver.imagology import (
    MonthAlert,
    MonthlyIndicators,
    ToneCounts,
    compute_month,
    find_bursts,
    month_bounds,
)
from monitor.record import MentionView
from monitor.stats import poisson_tail

ZONE = ZoneInfo("Europe/Bucharest")
TARGETS = (
    Target(id="prefect", kind="person", name="Horia Vlădescu", role="prefect"),
    Target(id="subprefect", kind="person", name="Ioana Câmpeanu", role="subprefect"),
    Target(id="institutia", kind="institution", name="Instituția Prefectului", role="institution"),
)
OUTLETS = {"a": ("Ziarul A", "local", 1000), "b": ("Cotidianul B", "national", 10000), "c": ("TV C", "tv", 5000)}


def View(
    article_id: int,
    cluster_id: int | None,
    outlet_id: str,
    published_at: datetime,
    target_id: str,
    prominence: str,
    tone: str,
    *,
    corrected: bool = False,
    topics: tuple[str, ...] = (),
    date_guessed: bool = False,
    also_in: tuple[str, ...] = (),
    confidence: float = 1.0,
) -> MentionView:
    """A mention as the store reads it; an article in no cluster is its own story."""
    name, kind, reach = OUTLETS[outlet_id]
    return MentionView(
        article_id=article_id,
        cluster_id=cluster_id if cluster_id is not None else article_id,
        url=f"https://example.ro/{article_id}",
        title=f"Articolul {article_id}",
        outlet_id=outlet_id,
        outlet_name=name,
        outlet_kind=kind,
        outlet_reach=reach,
        published_at=published_at,
        date_guessed=date_guessed,
        target_id=target_id,
        count=1,
        prominence=prominence,
        tone=tone,
        auto_tone="neutral" if corrected else tone,
        corrected=corrected,
        score=0.0,
        evidence=(),
        topics=topics,
        also_in=also_in,
        confidence=confidence,
    )


def at(day: int, hour: int = 9, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


CURRENT = [
    View(1, 10, "a", at(3), "prefect", "title", "positive", topics=("administratie",)),
    View(2, 10, "b", at(3, 12), "prefect", "lead", "positive", also_in=("Ziarul A", "Radio D")),
    View(3, 11, "b", at(5), "prefect", "body", "negative", topics=("administratie", "sanatate")),
    View(4, None, "c", at(5), "prefect", "body", "neutral", date_guessed=True),
    View(5, 12, "a", at(7), "prefect", "title", "negative", corrected=True, confidence=0.5),  # checked: settled
    View(6, 12, "c", at(7), "prefect", "lead", "negative", topics=("sanatate",)),
    View(1, 10, "a", at(3), "subprefect", "body", "neutral"),
    View(7, 13, "b", at(20), "subprefect", "title", "positive", confidence=0.55),  # «de verificat»
    # 31 October 22:30 UTC is 1 November 00:30 in Bucharest (winter time): not in October.
    View(8, 14, "b", datetime(2026, 10, 31, 22, 30, tzinfo=UTC), "institutia", "title", "negative"),
]
PREVIOUS = [
    View(20, 20, "a", at(2, month=9), "prefect", "body", "neutral"),
    View(21, 21, "a", at(10, month=9), "prefect", "body", "neutral"),
    View(22, 22, "b", at(30, month=9), "prefect", "body", "positive"),
]
ALERTS = [
    MonthAlert(("prefect", "institutia"), "burst", at(7, 10), "Articolul 5", 2, 1),
    MonthAlert(("prefect",), "keyword", at(28, month=9), "Vechi", 1, 0),
]


@pytest.fixture(scope="module")
def month() -> MonthlyIndicators:
    return compute_month(
        CURRENT, PREVIOUS, targets=TARGETS, month=date(2026, 10, 1), zone=ZONE, rule=BurstRule(), alerts=ALERTS
    )


def test_tone_ratios_follow_their_formulas() -> None:
    counts = ToneCounts(positive=2, neutral=1, negative=3)
    assert counts.total == 6
    assert counts.net == pytest.approx((2 - 3) / 6)
    assert counts.favourability == pytest.approx(2 / 5)
    # Janis-Fadner, u > f: (f*u - u^2) / t^2 = (6 - 9) / 25
    assert counts.janis_fadner == pytest.approx(-3 / 25)
    # f > u: (f^2 - f*u) / t^2 = (16 - 4) / 25
    assert ToneCounts(positive=4, negative=1).janis_fadner == pytest.approx(12 / 25)
    assert ToneCounts(positive=2, neutral=7, negative=2).janis_fadner == 0.0
    empty = ToneCounts()
    assert empty.net is None and empty.favourability is None and empty.janis_fadner == 0.0


def test_month_bounds_are_local_midnights() -> None:
    start, end = month_bounds(date(2026, 10, 17), ZONE)
    assert start == datetime(2026, 9, 30, 21, tzinfo=UTC)  # summer time, UTC+3
    assert end == datetime(2026, 10, 31, 22, tzinfo=UTC)  # winter time, UTC+2


def test_prefect_indicators(month: MonthlyIndicators) -> None:
    prefect = month.target("prefect")
    assert prefect.appearances == 6 and prefect.previous == 3
    assert (prefect.tone.positive, prefect.tone.neutral, prefect.tone.negative) == (2, 1, 3)
    assert prefect.tone.net == pytest.approx(-1 / 6)
    assert prefect.tone.favourability == pytest.approx(0.4)
    assert prefect.tone.janis_fadner == pytest.approx(-0.12)
    # reach: a 1000 + b 10000 + b 10000 + c 5000 + a 1000 + c 5000
    assert prefect.visibility == 32000
    # (1000 + 10000 - 10000 + 0 - 1000 - 5000) / 32000
    assert prefect.weighted_tone == pytest.approx(-5000 / 32000)
    assert prefect.prominence == {"title": 2, "lead": 2, "body": 2}
    assert prefect.share_of_voice == pytest.approx(6 / 8)
    assert prefect.by_kind == {"local": 2, "national": 2, "tv": 2}
    assert prefect.stories == 4  # clusters 10, 11, 12 and the unclustered article 4
    assert prefect.corrected == 1
    # daily means: 6/31 against 3/30
    assert prefect.change == pytest.approx((6 / 31 - 3 / 30) / (3 / 30))
    assert prefect.daily[2] == 2 and prefect.daily[4] == 2 and prefect.daily[6] == 2 and sum(prefect.daily) == 6
    assert len(prefect.daily) == 31 and len(prefect.previous_daily) == 30
    topics = {t.topic: t for t in prefect.topics}
    assert [t.topic for t in prefect.topics] == ["administratie", "sanatate"]
    assert topics["administratie"].appearances == 2
    assert (topics["administratie"].tone.positive, topics["administratie"].tone.negative) == (1, 1)
    assert topics["sanatate"].tone.negative == 2


def test_other_targets(month: MonthlyIndicators) -> None:
    sub = month.target("subprefect")
    assert (sub.tone.positive, sub.tone.neutral, sub.tone.negative) == (1, 1, 0)
    assert sub.tone.net == pytest.approx(0.5)
    assert sub.tone.favourability == 1.0
    assert sub.tone.janis_fadner == 1.0  # (1 - 0) / 1
    assert sub.share_of_voice == pytest.approx(0.25)
    assert sub.change is None  # nothing the month before
    institution = month.target("institutia")
    assert institution.appearances == 0 and institution.tone.net is None
    assert [t.target_id for t in month.targets] == ["prefect", "subprefect", "institutia"]


def test_month_totals_outlets_kinds(month: MonthlyIndicators) -> None:
    assert month.appearances == 8 and month.previous_appearances == 3
    assert month.articles == 7 and month.stories == 5
    assert (month.tone.positive, month.tone.neutral, month.tone.negative) == (3, 2, 3)
    assert month.tone.janis_fadner == 0.0 and month.tone.net == 0.0
    assert month.corrected == 1 and month.to_review == 1 and month.date_guessed == 1
    assert month.visibility == 32000 + 1000 + 10000
    assert [(o.outlet_id, o.appearances, o.articles) for o in month.outlets] == [("b", 3, 3), ("a", 3, 2), ("c", 2, 2)]
    assert month.outlets[0].share == pytest.approx(3 / 8)
    assert month.outlets[2].tone.negative == 1 and month.outlets[2].tone.neutral == 1
    kinds = {k.kind: k for k in month.kinds}
    assert [k.kind for k in month.kinds] == ["local", "national", "tv"]
    assert kinds["local"].appearances == 3 and kinds["local"].by_target == {"prefect": 2, "subprefect": 1}
    assert kinds["tv"].share == pytest.approx(0.25)


def test_stories_ranked_by_net_tone(month: MonthlyIndicators) -> None:
    # cluster 10: P2 U1 (net 2, outlets a+b); 13: P1; 11: N1 (reach 10000); 12: N2 (reach 6000)
    assert [s.key for s in month.positive_stories] == [10, 13]
    assert [s.key for s in month.negative_stories] == [12, 11]
    story = month.positive_stories[0]
    assert story.articles == 2 and story.reach == 11000 and story.outlets == ("Cotidianul B", "Radio D", "Ziarul A")
    assert story.targets == ("Horia Vlădescu", "Ioana Câmpeanu")
    assert story.title == "Articolul 1"


def test_alerts_of_the_month_only(month: MonthlyIndicators) -> None:
    assert [a.rule for a in month.alerts] == ["burst"]


def test_poisson_tail_by_hand() -> None:
    # P(X >= 5 | 1) = 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24)
    assert poisson_tail(5, 1.0) == pytest.approx(0.0036598, abs=1e-6)
    assert poisson_tail(4, 1.0) == pytest.approx(0.0189882, abs=1e-6)
    assert poisson_tail(0, 3.0) == 1.0


def test_bursts_against_the_baseline() -> None:
    rule = BurstRule(baseline_days=14, alpha=0.01, min_mentions=3)
    first = date(2026, 10, 1)
    days = [first + timedelta(days=n) for n in range(31)]
    daily = {first - timedelta(days=n): 1 for n in range(1, 15)}  # one a day before October
    daily[first] = 5  # rate 1: P(X >= 5) = 0.0037 < 0.01, a burst
    daily[days[1]] = 4  # rate (13 + 5) / 14: not a burst
    daily[days[20]] = 3  # 14 days of silence before (rate floored at 1/14): a burst
    daily[days[25]] = 2  # below min_mentions
    bursts = find_bursts("prefect", daily, days, rule)
    assert [(b.day, b.count) for b in bursts] == [(first, 5), (days[20], 3)]
    assert bursts[0].baseline == pytest.approx(1.0)
    assert bursts[1].baseline == pytest.approx(1 / 14)


def test_no_burst_without_fourteen_days_of_monitoring_before_it() -> None:
    rule = BurstRule(baseline_days=14, alpha=0.01, min_mentions=3)
    first = date(2026, 10, 1)
    days = [first + timedelta(days=n) for n in range(31)]
    daily = {first: 6, days[10]: 6, days[20]: 6}  # monitoring began on 1 October: no history before
    bursts = find_bursts("prefect", daily, days, rule, since=first)
    assert [b.day for b in bursts] == [days[20]]  # the 1st and the 11th only look like bursts for lack of history


def test_bursts_found_in_the_month() -> None:
    burst = [View(100 + n, 100 + n, "b", at(12, 8 + n), "subprefect", "body", "negative") for n in range(4)]
    month = compute_month(
        CURRENT + burst, PREVIOUS, targets=TARGETS, month=date(2026, 10, 1), zone=ZONE, rule=BurstRule()
    )
    assert [(b.target_id, b.day, b.count) for b in month.bursts] == [("subprefect", date(2026, 10, 12), 4)]
