"""Imagological indicators of one month of mentions: pure functions over MentionView records.

Definitions (the report's annex repeats them in Romanian):

- appearance: one article that mentions one target (an article naming two targets is one appearance of each);
  story: one near-duplicate cluster (an article without a cluster is its own story);
- tone counts P (positive), U (neutral), N (negative) use the effective tone (a press officer's correction wins);
- net tone = (P - N) / (P + N + U), in [-1, 1]; undefined without appearances;
- favourability = P / (P + N), in [0, 1]; undefined when P + N = 0;
- Janis-Fadner coefficient of imbalance, f = P, u = N, t = f + u: (f² - fu) / t² when f > u,
  (fu - u²) / t² when u > f, 0 when f = u; in [-1, 1];
- visibility = sum of the outlets' reach over appearances (opportunities to see; an outlet counts once per article);
  reach-weighted tone = sum(reach * s) / sum(reach) with s = +1, 0, -1 for positive, neutral, negative;
- share of voice of a target = its appearances / all appearances of every target in the month;
  share of an outlet or outlet kind = its appearances / all appearances;
- volume change = (daily mean this month - daily mean previous month) / daily mean previous month (months differ
  in length, so daily means and not totals are compared); undefined when the previous month had none;
- burst: a local day whose appearances c of a target satisfy c >= min_mentions and P(X >= c) < alpha for
  X ~ Poisson(lambda), lambda = mean daily appearances over the previous `baseline_days` days, floored at
  1 / baseline_days so a first appearance after silence is not a certainty of zero;
- the most positive stories: clusters with net = P - N > 0 (over all their appearances), by net, then the total
  reach of the distinct outlets of its appearances, then earliest first; the most negative: net < 0, mirrored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.config import BurstRule, Target
from monitor.record import MentionView as Mention
from monitor.record import OutletKind, Prominence, Tone
from monitor.stats import poisson_tail

_SIGN = {Tone.POSITIVE: 1, Tone.NEUTRAL: 0, Tone.NEGATIVE: -1}


@dataclass(frozen=True)
class ToneCounts:
    """Positive, neutral and negative appearances, and the ratios built on them."""

    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    @property
    def net(self) -> float | None:
        """(P - N) / (P + N + U)."""
        return (self.positive - self.negative) / self.total if self.total else None

    @property
    def favourability(self) -> float | None:
        """P / (P + N)."""
        rated = self.positive + self.negative
        return self.positive / rated if rated else None

    @property
    def janis_fadner(self) -> float:
        """Janis-Fadner coefficient of imbalance with f = P, u = N, t = f + u."""
        f, u = self.positive, self.negative
        t = f + u
        if f > u:
            return (f * f - f * u) / (t * t)
        if u > f:
            return (f * u - u * u) / (t * t)
        return 0.0


def count_tones(mentions: Iterable[Mention]) -> ToneCounts:
    """Count effective tones."""
    counts = Counter(Tone(m.tone) for m in mentions)
    return ToneCounts(counts[Tone.POSITIVE], counts[Tone.NEUTRAL], counts[Tone.NEGATIVE])


def visibility(mentions: Iterable[Mention]) -> int:
    """Sum of the outlets' reach over appearances."""
    return sum(m.outlet_reach for m in mentions)


def weighted_tone(mentions: Iterable[Mention]) -> float | None:
    """Reach-weighted tone: sum(reach * sign) / sum(reach); undefined when the reach sums to 0."""
    weight = signed = 0
    for m in mentions:
        weight += m.outlet_reach
        signed += m.outlet_reach * _SIGN[m.tone]
    return signed / weight if weight else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def change(current: float, previous: float) -> float | None:
    """Relative change; undefined when the previous value is 0."""
    return (current - previous) / previous if previous else None


@dataclass(frozen=True)
class Burst:
    """A day on which a target's appearances rose far above its recent baseline."""

    target_id: str
    day: date
    count: int
    baseline: float  # the Poisson rate used (mean per day, floored)
    p_value: float


MIN_HISTORY = timedelta(days=14)  # a day is tested for a burst only after this much monitoring before it


def find_bursts(
    target_id: str, daily: dict[date, int], days: Sequence[date], rule: BurstRule, since: date | None = None
) -> list[Burst]:
    """The burst days among `days`, each tested against the `rule.baseline_days` days before it; `since`: the first
    day monitored (None: long enough ago). A day with less than MIN_HISTORY of monitoring before it is never a
    burst: without history, any coverage would look like one."""
    bursts = []
    floor = 1 / rule.baseline_days
    for day in days:
        count = daily.get(day, 0)
        if count < rule.min_mentions or (since is not None and day < since + MIN_HISTORY):
            continue
        history = [daily.get(day - timedelta(days=back), 0) for back in range(1, rule.baseline_days + 1)]
        rate = max(sum(history) / rule.baseline_days, floor)
        p_value = poisson_tail(count, rate)
        if p_value < rule.alpha:
            bursts.append(Burst(target_id, day, count, rate, p_value))
    return bursts


@dataclass(frozen=True)
class TopicTone:
    topic: str
    appearances: int
    tone: ToneCounts


@dataclass(frozen=True)
class TargetIndicators:
    """Every indicator of one target for the month."""

    target_id: str
    name: str
    appearances: int
    previous: int
    daily: tuple[int, ...]  # per local day of the month
    previous_daily: tuple[int, ...]  # per local day of the previous month
    stories: int
    tone: ToneCounts
    visibility: int
    weighted_tone: float | None
    prominence: dict[str, int]
    share_of_voice: float | None
    by_kind: dict[str, int]
    topics: tuple[TopicTone, ...]
    corrected: int

    @property
    def daily_mean(self) -> float:
        return self.appearances / len(self.daily) if self.daily else 0.0

    @property
    def previous_daily_mean(self) -> float:
        return self.previous / len(self.previous_daily) if self.previous_daily else 0.0

    @property
    def change(self) -> float | None:
        return change(self.daily_mean, self.previous_daily_mean)


@dataclass(frozen=True)
class OutletActivity:
    outlet_id: str
    name: str
    kind: str
    reach: int
    appearances: int
    articles: int
    tone: ToneCounts
    share: float | None


@dataclass(frozen=True)
class KindShare:
    kind: str
    appearances: int
    share: float | None
    by_target: dict[str, int]


@dataclass(frozen=True)
class Story:
    """One story (cluster) of the month with the tone of all its appearances."""

    key: int
    title: str
    url: str
    first_published: datetime
    outlets: tuple[str, ...]  # every outlet that ran it, copies without a mention included
    articles: int
    targets: tuple[str, ...]
    tone: ToneCounts
    reach: int  # sum of the reach of the distinct outlets that ran it

    @property
    def net(self) -> int:
        return self.tone.positive - self.tone.negative


@dataclass(frozen=True)
class MonthAlert:
    """A crisis alert raised in the month (from the alerts table): one crisis, every target it names."""

    target_ids: tuple[str, ...]  # the target that started it first
    rule: str
    started_at: datetime
    title: str
    articles: int
    updates: int


@dataclass(frozen=True)
class MonthlyIndicators:
    month: date  # first day
    zone: ZoneInfo
    days: tuple[date, ...]
    previous_days: tuple[date, ...]
    targets: tuple[TargetIndicators, ...]
    tone: ToneCounts
    appearances: int
    previous_appearances: int
    articles: int
    stories: int
    outlets: tuple[OutletActivity, ...]
    kinds: tuple[KindShare, ...]
    positive_stories: tuple[Story, ...]
    negative_stories: tuple[Story, ...]
    bursts: tuple[Burst, ...]
    alerts: tuple[MonthAlert, ...]
    corrected: int
    to_review: int  # automatic tones still «de verificat» (unsure, not checked by the office)
    date_guessed: int
    visibility: int
    weighted_tone: float | None

    def target(self, target_id: str) -> TargetIndicators:
        for item in self.targets:
            if item.target_id == target_id:
                return item
        raise KeyError(target_id)


def month_days(month: date) -> tuple[date, ...]:
    """Every day of the month that contains `month`."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return tuple(first + timedelta(days=offset) for offset in range((following - first).days))


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The month as a [start, end) interval of aware datetimes at local midnight."""
    days = month_days(month)
    start = datetime.combine(days[0], datetime.min.time(), zone)
    end = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), zone)
    return start, end


def story_key(mention: Mention) -> int:
    """The story of a mention: its cluster (an article in no cluster is its own, under its own id)."""
    return mention.cluster_id


def _daily(mentions: Iterable[Mention], days: Sequence[date], zone: ZoneInfo) -> tuple[int, ...]:
    counts = Counter(m.published_at.astimezone(zone).date() for m in mentions)
    return tuple(counts.get(day, 0) for day in days)


def _topics(mentions: Sequence[Mention]) -> tuple[TopicTone, ...]:
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        for topic in dict.fromkeys(m.topics):
            grouped[topic].append(m)
    items = [TopicTone(topic, len(items), count_tones(items)) for topic, items in grouped.items()]
    return tuple(sorted(items, key=lambda item: (-item.appearances, item.topic)))


def _stories(mentions: Sequence[Mention], names: dict[str, str]) -> list[Story]:
    grouped: dict[int, list[Mention]] = defaultdict(list)
    for m in mentions:
        grouped[story_key(m)].append(m)
    stories = []
    for key, items in grouped.items():
        first = min(items, key=lambda m: (m.published_at, m.article_id))
        outlets = {m.outlet_id: m for m in items}
        stories.append(
            Story(
                key=key,
                title=first.title,
                url=first.url,
                first_published=first.published_at,
                outlets=tuple(sorted({m.outlet_name for m in items} | {name for m in items for name in m.also_in})),
                articles=len({m.article_id for m in items}),
                targets=tuple(names.get(t, t) for t in dict.fromkeys(m.target_id for m in items)),
                tone=count_tones(items),
                reach=sum(m.outlet_reach for m in outlets.values()),
            )
        )
    return stories


def rank_stories(stories: Sequence[Story], limit: int = 10) -> tuple[tuple[Story, ...], tuple[Story, ...]]:
    """The `limit` most positive and most negative stories (see the module docstring)."""
    positive = sorted((s for s in stories if s.net > 0), key=lambda s: (-s.net, -s.reach, s.first_published))
    negative = sorted((s for s in stories if s.net < 0), key=lambda s: (s.net, -s.reach, s.first_published))
    return tuple(positive[:limit]), tuple(negative[:limit])


def _outlets(mentions: Sequence[Mention], total: int) -> tuple[OutletActivity, ...]:
    grouped: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        grouped[m.outlet_id].append(m)
    items = [
        OutletActivity(
            outlet_id=outlet_id,
            name=items[0].outlet_name,
            kind=items[0].outlet_kind,
            reach=items[0].outlet_reach,
            appearances=len(items),
            articles=len({m.article_id for m in items}),
            tone=count_tones(items),
            share=share(len(items), total),
        )
        for outlet_id, items in grouped.items()
    ]
    return tuple(sorted(items, key=lambda o: (-o.appearances, -o.reach, o.name)))


def _kinds(mentions: Sequence[Mention], total: int) -> tuple[KindShare, ...]:
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        by_kind[m.outlet_kind][m.target_id] += 1
    order = [kind for kind in OutletKind if kind in by_kind]
    return tuple(
        KindShare(kind, sum(by_kind[kind].values()), share(sum(by_kind[kind].values()), total), dict(by_kind[kind]))
        for kind in order
    )


def compute_month(
    mentions: Sequence[Mention],
    previous: Sequence[Mention],
    *,
    targets: Sequence[Target],
    month: date,
    zone: ZoneInfo,
    rule: BurstRule,
    alerts: Sequence[MonthAlert] = (),
    story_limit: int = 10,
    since: date | None = None,
) -> MonthlyIndicators:
    """Every indicator of the month; `previous` holds the previous month's mentions (comparison and baseline);
    `since`: the first day of monitoring (bursts need MIN_HISTORY before them)."""
    days = month_days(month)
    previous_days = month_days(previous_month(month))
    start, end = month_bounds(month, zone)
    mentions = [m for m in mentions if start <= m.published_at < end]
    previous_start, _ = month_bounds(previous_days[0], zone)
    previous = [m for m in previous if previous_start <= m.published_at < start]

    names = {t.id: t.name for t in targets}
    first_day, last_day = days[0], days[-1]
    shown = [t.id for t in targets if t.active_on(first_day) or t.active_on(last_day)]
    seen = {m.target_id for m in mentions} | {m.target_id for m in previous}
    shown += [t.id for t in targets if t.id in seen and t.id not in shown]
    shown += sorted(seen - set(shown))

    by_target: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_target[m.target_id].append(m)
    previous_by_target: dict[str, list[Mention]] = defaultdict(list)
    for m in previous:
        previous_by_target[m.target_id].append(m)

    total = len(mentions)
    indicators = []
    bursts: list[Burst] = []
    for target_id in shown:
        items = by_target[target_id]
        earlier = previous_by_target[target_id]
        daily = _daily(items, days, zone)
        previous_daily = _daily(earlier, previous_days, zone)
        series = dict(zip(previous_days, previous_daily, strict=True)) | dict(zip(days, daily, strict=True))
        bursts += find_bursts(target_id, series, days, rule, since)
        prominence = Counter(m.prominence for m in items)
        indicators.append(
            TargetIndicators(
                target_id=target_id,
                name=names.get(target_id, target_id),
                appearances=len(items),
                previous=len(earlier),
                daily=daily,
                previous_daily=previous_daily,
                stories=len({story_key(m) for m in items}),
                tone=count_tones(items),
                visibility=visibility(items),
                weighted_tone=weighted_tone(items),
                prominence={p: prominence.get(p, 0) for p in Prominence},
                share_of_voice=share(len(items), total),
                by_kind=dict(Counter(m.outlet_kind for m in items)),
                topics=_topics(items),
                corrected=sum(1 for m in items if m.corrected),
            )
        )

    positive, negative = rank_stories(_stories(mentions, names), story_limit)
    return MonthlyIndicators(
        month=days[0],
        zone=zone,
        days=days,
        previous_days=previous_days,
        targets=tuple(indicators),
        tone=count_tones(mentions),
        appearances=total,
        previous_appearances=len(previous),
        articles=len({m.article_id for m in mentions}),
        stories=len({story_key(m) for m in mentions}),
        outlets=_outlets(mentions, total),
        kinds=_kinds(mentions, total),
        positive_stories=positive,
        negative_stories=negative,
        bursts=tuple(sorted(bursts, key=lambda b: (b.day, b.target_id))),
        alerts=tuple(sorted((a for a in alerts if start <= a.started_at < end), key=lambda a: a.started_at)),
        corrected=sum(1 for m in mentions if m.corrected),
        to_review=sum(1 for m in mentions if m.to_review),
        date_guessed=sum(1 for m in mentions if m.date_guessed),
        visibility=visibility(mentions),
        weighted_tone=weighted_tone(mentions),
    )
