"""Crisis alerts ("Alertă: criză mediatică"): burst, keyword and high-reach rules, cooldown and hourly updates.

One check reads the profile's mentions of the last `baseline_days` days and decides, per target:
- updates: articles not yet reported that belong to an active alert (same story cluster, or any negative
  mention when the alert is a burst) are sent as one update once `update_every` has passed since the last one;
- a new alert: when a rule fires and the target has no active alert. The keyword and high-reach rules fire
  only on negative mentions. Articles whose date was guessed at ingest are never what starts an alert (an old
  article crawled for the first time is not news), though they are listed, and reported as updates, once a
  crisis is under way.
An alert is active until `cooldown` has passed since it started or since its last update (a crisis that keeps
getting coverage stays one crisis): while it is active the target never alerts again; its new negative
articles, of any story, and the new copies of the alert's stories become updates, at most one per `update_every`.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import AlertRules, Profile, Target
from monitor.deliver.digest import highlight, importance
from monitor.deliver.mail import enqueue_each
from monitor.deliver.render import count_ro, environment, number_ro
from monitor.record import AlertRule, MentionView, Prominence, Tone
from monitor.settings import Settings
from monitor.stats import poisson_tail
from monitor.store.models import AlertRow
from monitor.store.queries import mentions_between
from monitor.text import search_key

log = logging.getLogger(__name__)

# --- statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Burst:
    count: int  # story clusters counted once per outlet, in the window
    outlets: int
    baseline: float  # mean count in the same hours of the previous days
    p_value: float
    fired: bool


def _units(views: Iterable[MentionView]) -> set[tuple[int, str]]:
    """Each story cluster counted once per outlet."""
    return {(view.cluster_id, view.outlet_id) for view in views}


def measure_burst(negatives: Sequence[MentionView], rules: AlertRules, now: datetime) -> Burst:
    """Negative mentions of one target in the window against the same hours of the previous `baseline_days`."""
    rule = rules.burst
    in_window = [view for view in negatives if now - rule.window < view.published_at <= now]
    count = len(_units(in_window))
    outlets = len({view.outlet_id for view in in_window})
    past = 0
    for day in range(1, rule.baseline_days + 1):
        end = now - timedelta(days=day)
        past += len(_units(view for view in negatives if end - rule.window < view.published_at <= end))
    baseline = past / rule.baseline_days
    p_value = poisson_tail(count, baseline)
    fired = count >= rule.min_mentions and outlets >= rule.min_outlets and p_value < rule.alpha
    return Burst(count=count, outlets=outlets, baseline=baseline, p_value=p_value, fired=fired)


# --- keyword and reach rules -------------------------------------------------------------------


@cache
def keyword_patterns(keywords: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per keyword over folded text: each word stripped of its final vowels, any ending allowed.

    'anchetă' finds 'ancheta', 'anchetei'; 'percheziții' finds 'percheziție'; 'DNA' finds 'DNA-ul'.
    """
    patterns = []
    for keyword in keywords:
        stems = []
        for word in search_key(keyword).split():
            if len(word) > 4:
                stems.append(re.escape(word.rstrip("aeiou")) + r"\w*")
            else:  # short words and acronyms: whole word, or with a hyphenated ending ("DNA-ul")
                stems.append(re.escape(word) + r"(?:-\w+)?(?!\w)")
        patterns.append((keyword, re.compile(r"(?<!\w)" + r"\s+".join(stems))))
    return tuple(patterns)


def keywords_in(view: MentionView, keywords: tuple[str, ...]) -> tuple[str, ...]:
    """The configured keywords found next to the target's mention: in its evidence sentences or the title."""
    texts = list(view.evidence)
    if view.prominence == Prominence.TITLE:
        texts.append(view.title)
    folded = search_key(" \n ".join(texts))
    return tuple(keyword for keyword, pattern in keyword_patterns(keywords) if pattern.search(folded))


def high_reach(view: MentionView, rules: AlertRules) -> bool:
    return view.tone == Tone.NEGATIVE and view.prominence == Prominence.TITLE and view.outlet_reach >= rules.high_reach


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertNotice:
    """One alert or update to send: what fired, for whom, on which articles."""

    kind: str  # "alert" | "update"
    rule: str
    target: Target
    articles: tuple[MentionView, ...]  # the new articles of this notice, most important first
    started_at: datetime
    burst: Burst
    keywords: tuple[str, ...]
    alert_id: int | None = None  # None in a dry run of a new alert
    number: int = 0  # 0 for the alert, then 1, 2 ... for its updates

    @property
    def rule_label(self) -> str:
        return AlertRule(self.rule).label


def check_alerts(
    session: Session, profile: Profile, settings: Settings, *, now: datetime, dry_run: bool = False
) -> list[AlertNotice]:
    """Decide the alerts and updates due at `now`; unless `dry_run`, record them and queue their mail in `session`."""
    rules = profile.alerts
    if not rules.enabled:
        return []
    horizon = max(rules.burst.window + timedelta(days=rules.burst.baseline_days), rules.cooldown + rules.burst.window)
    views = mentions_between(session, profile.id, now - horizon, now + timedelta(seconds=1))
    by_target: dict[str, list[MentionView]] = defaultdict(list)
    for view in views:
        by_target[view.target_id].append(view)
    recent_alerts = list(
        session.scalars(
            select(AlertRow)
            .where(
                AlertRow.profile_id == profile.id, AlertRow.last_update_at > now - rules.cooldown - rules.burst.window
            )
            .order_by(AlertRow.started_at, AlertRow.id)
        )
    )
    notices: list[AlertNotice] = []
    for target in profile.targets:
        mine = by_target.get(target.id, [])
        # An article once reported never starts another alert, even after the cooldown (when it is shorter
        # than the window); only alerts within the cooldown take updates.
        reported = {i for alert in recent_alerts if alert.target_id == target.id for i in alert.article_ids}
        active = [a for a in recent_alerts if a.target_id == target.id and a.last_update_at > now - rules.cooldown]
        notices += _decide(session, profile, target, mine, active, reported, now, dry_run)
    if not dry_run:
        for notice in notices:
            _queue(session, profile, notice, settings, now)
    return notices


def _covers(alert: AlertRow, view: MentionView, window: timedelta) -> bool:
    if view.published_at < alert.started_at - window:
        return False
    if view.cluster_id in alert.details.get("clusters", ()):
        return True
    return alert.rule == AlertRule.BURST and view.tone == Tone.NEGATIVE


def _decide(
    session: Session,
    profile: Profile,
    target: Target,
    views: list[MentionView],
    alerts: list[AlertRow],
    reported: set[int],
    now: datetime,
    dry_run: bool,
) -> list[AlertNotice]:
    rules = profile.alerts
    window = rules.burst.window
    fresh = [view for view in views if view.article_id not in reported and view.published_at <= now]
    news: dict[int, list[MentionView]] = {}
    joined: set[int] = set()
    for alert in reversed(alerts):  # the newest alert takes an article two alerts cover
        news[alert.id] = [view for view in fresh if view.article_id not in joined and _covers(alert, view, window)]
        joined |= {view.article_id for view in news[alert.id]}
    recent = [view for view in fresh if view.article_id not in joined and now - window < view.published_at]
    burst = measure_burst([view for view in views if view.tone == Tone.NEGATIVE and not view.date_guessed], rules, now)
    if alerts:  # a crisis under way for this target: its new negative articles, whatever the story, are an update
        growing = [view for view in recent if view.tone == Tone.NEGATIVE]
        news[alerts[-1].id] += growing
    notices = [
        _update(alert, target, news[alert.id], now, dry_run)
        for alert in alerts
        if news[alert.id] and now - alert.last_update_at >= rules.update_every
    ]
    if alerts:  # one alert per target within the cooldown: no alert storm while the spokesperson is on it
        return notices
    triggers = [
        view
        for view in recent
        if not view.date_guessed
        and view.tone == Tone.NEGATIVE
        and (keywords_in(view, rules.keywords) or high_reach(view, rules))
    ]
    if burst.fired:
        rule = AlertRule.BURST
        articles = [view for view in recent if view.tone == Tone.NEGATIVE or view in triggers]
    elif triggers:
        rule = AlertRule.HIGH_REACH if any(high_reach(view, rules) for view in triggers) else AlertRule.KEYWORD
        clusters = {view.cluster_id for view in triggers}
        articles = [view for view in recent if view.cluster_id in clusters]
    else:
        return notices
    found = tuple(dict.fromkeys(word for view in articles for word in keywords_in(view, rules.keywords)))
    ordered = tuple(sorted(articles, key=importance))
    notice = AlertNotice(
        kind="alert", rule=rule, target=target, articles=ordered, started_at=now, burst=burst, keywords=found
    )
    if not dry_run:
        row = AlertRow(
            profile_id=profile.id,
            target_id=target.id,
            cluster_id=None if rule == AlertRule.BURST else ordered[0].cluster_id,
            rule=rule,
            started_at=now,
            last_update_at=now,
            updates=0,
            article_ids=sorted({view.article_id for view in ordered}),
            details={
                "clusters": sorted({view.cluster_id for view in ordered}),
                "count": burst.count,
                "baseline": burst.baseline,
                "p_value": burst.p_value,
                "keywords": list(found),
            },
        )
        session.add(row)
        session.flush()
        notice = replace(notice, alert_id=row.id)
    log.info("alert %s for %s/%s: %s articles", rule, profile.id, target.id, len(ordered))
    notices.append(notice)
    return notices


def _update(alert: AlertRow, target: Target, news: list[MentionView], now: datetime, dry_run: bool) -> AlertNotice:
    number = alert.updates + 1
    if not dry_run:
        alert.updates = number
        alert.last_update_at = now
        alert.article_ids = sorted({*alert.article_ids, *(view.article_id for view in news)})
        alert.details = {
            **alert.details,
            "clusters": sorted({*alert.details.get("clusters", ()), *(view.cluster_id for view in news)}),
        }
    details = alert.details
    burst = Burst(
        count=int(details.get("count", 0)),
        outlets=0,
        baseline=float(details.get("baseline", 0.0)),
        p_value=float(details.get("p_value", 1.0)),
        fired=alert.rule == AlertRule.BURST,
    )
    return AlertNotice(
        kind="update",
        rule=alert.rule,
        target=target,
        articles=tuple(sorted(news, key=importance)),
        started_at=alert.started_at,
        burst=burst,
        keywords=tuple(details.get("keywords", ())),
        alert_id=alert.id,
        number=number,
    )


# --- render and queue --------------------------------------------------------------------------


def alert_subject(notice: AlertNotice) -> str:
    count = len(notice.articles)
    if notice.kind == "update":
        articles = count_ro(count, "articol nou", "articole noi")
        return f"Actualizare {notice.number} – alertă: criză mediatică – {notice.target.name} ({articles})"
    return f"Alertă: criză mediatică – {notice.target.name} ({count_ro(count, 'articol', 'articole')})"


def render_alert(notice: AlertNotice, profile: Profile, templates: Path | None = None) -> tuple[str, str, str]:
    """(subject, HTML, plain text) of an alert or update, from reports/templates/alert.*.j2."""
    env = environment(templates)
    window_hours = int(profile.alerts.burst.window.total_seconds() // 3600)
    context = {
        "n": notice,
        "profile": profile,
        "zone": profile.zone,
        "subject": alert_subject(notice),
        "evidence": {view.article_id: _evidence(view, notice.target) for view in notice.articles},
        "baseline": number_ro(notice.burst.baseline, 1),
        "p_value": f"{notice.burst.p_value:.2g}".replace(".", ","),
        "window_hours": window_hours,
        "baseline_days": profile.alerts.burst.baseline_days,
        "update_minutes": int(profile.alerts.update_every.total_seconds() // 60),
        "count_ro": count_ro,
    }
    html = env.get_template("alert.html.j2").render(context)
    text = env.get_template("alert.txt.j2").render(context)
    return alert_subject(notice), html, text


def _evidence(view: MentionView, target: Target) -> tuple[str, Markup]:
    sentence = next((sentence for sentence in view.evidence if sentence.strip()), "")
    return sentence, highlight(sentence, target)


def alert_key(profile_id: str, alert_id: int | None, number: int) -> str:
    """The outbox key of an alert (number 0) or of its update `number`, less the recipient."""
    return f"alert:{profile_id}:{alert_id}:{number}"


def _queue(session: Session, profile: Profile, notice: AlertNotice, settings: Settings, now: datetime) -> None:
    if not profile.alerts.recipients:
        log.warning("alert for %s/%s recorded but not mailed: no alert recipients", profile.id, notice.target.id)
        return
    subject, html, text = render_alert(notice, profile, settings.templates_dir)
    enqueue_each(
        session,
        profile.alerts.recipients,
        key_prefix=alert_key(profile.id, notice.alert_id, notice.number),
        kind="alert",
        profile_id=profile.id,
        subject=subject,
        html=html,
        text=text,
        settings=settings,
        now=now,
        thread_prefix=alert_key(profile.id, notice.alert_id, 0) if notice.number else None,  # updates: one thread
    )
