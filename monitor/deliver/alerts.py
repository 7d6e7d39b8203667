"""Crisis alerts ("Alertă: criză mediatică"): burst, keyword and high-reach rules; one e-mail thread per crisis.

A crisis is one alert row and one e-mail thread, across every target its stories name: the first e-mail is the
thread's root, each update answers it (In-Reply-To, References). One check reads the profile's mentions of the last
`baseline_days` days and decides:
- updates: each active crisis takes the new articles of its stories (any target), and its targets' new negative
  articles of any story (their stories join the crisis); they are sent as one update, listing the new outlets and
  articles, once `update_every` has passed since the last one. A muted crisis takes them silently; a closed one
  takes nothing, and a new crisis on its story starts a new thread;
- new crises: for the targets with no active crisis, when a rule fires. The keyword and high-reach rules fire only
  on negative mentions. Targets that fire on the same story in one check make one crisis. Articles whose date was
  guessed at ingest never start a crisis (an old article crawled for the first time is not news), though they are
  listed, and reported as updates, once one is under way. An article once reported never starts another crisis.
A crisis is active until it is closed, or `cooldown` has passed since it started or since its last update (a crisis
that keeps getting coverage stays one crisis): while it is active its targets never start another.
"""

from __future__ import annotations

import enum
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.config import AlertRules, Profile, Target
from monitor.deliver.digest import highlight, importance
from monitor.deliver.mail import enqueue_each
from monitor.deliver.render import count_ro, environment, names_ro, number_ro, p_value_ro
from monitor.deliver.triggers import Burst, high_reach, keywords_in, measure_burst
from monitor.links import LinkPurpose, link_url
from monitor.record import AlertRule, MentionView, Tone
from monitor.settings import Settings
from monitor.store import Store
from monitor.store.jobs import acquire_lease, release_lease
from monitor.store.models import AlertRow
from monitor.store.queries import mentions_between

log = logging.getLogger(__name__)

# --- decisions ---------------------------------------------------------------------------------


class NoticeKind(enum.StrEnum):
    """A crisis's first e-mail (the thread's root), or one of its updates."""

    ALERT = "alert"
    UPDATE = "update"


@dataclass(frozen=True)
class AlertNotice:
    """One alert or update to send: what fired, for whom, on which articles."""

    kind: NoticeKind
    rule: AlertRule
    targets: tuple[Target, ...]  # every target of the crisis: the one that fired first, then the others
    views: tuple[MentionView, ...]  # the new mentions of this notice, most important first
    started_at: datetime
    burst: Burst
    keywords: tuple[str, ...]
    topic: str  # the thread's subject, less «Re: »
    new_outlets: tuple[str, ...]  # the outlets this notice adds to the crisis
    alert_id: int | None = None  # None in a dry run of a new alert
    number: int = 0  # 0 for the alert, then 1, 2 ... for its updates
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None

    @property
    def rule_label(self) -> str:
        return self.rule.label

    @property
    def target(self) -> Target:
        """The target that started the crisis."""
        return self.targets[0]

    @property
    def articles(self) -> tuple[MentionView, ...]:
        """One view per new article (its most important mention), most important first."""
        first: dict[int, MentionView] = {}
        for view in self.views:
            first.setdefault(view.article_id, view)
        return tuple(first.values())


@dataclass(frozen=True)
class _Fired:
    """A rule that fired for one target with no crisis under way, and the stories it fired on."""

    target: Target
    rule: AlertRule
    burst: Burst
    clusters: frozenset[int]


def alert_targets(alert: AlertRow) -> list[str]:
    """The ids of a crisis's targets (rows older than the shared threads have only their own)."""
    return list(alert.details.get("targets") or [alert.target_id])


def check_alerts(
    session: Session, profile: Profile, settings: Settings, *, now: datetime, dry_run: bool = False
) -> list[AlertNotice]:
    """Decide the alerts and updates due at `now`; unless `dry_run`, record them and queue their mail in `session`."""
    rules = profile.alerts
    if not rules.enabled:
        return []
    window = rules.burst.window
    horizon = max(window + timedelta(days=rules.burst.baseline_days), rules.cooldown + window)
    known = {target.id for target in profile.targets}
    views = [
        view
        for view in mentions_between(session, profile.id, now - horizon, now + timedelta(seconds=1))
        if view.target_id in known
    ]
    recent_alerts = list(
        session.scalars(
            select(AlertRow)
            .where(AlertRow.profile_id == profile.id, AlertRow.last_update_at > now - rules.cooldown - window)
            .order_by(AlertRow.started_at, AlertRow.id)
        )
    )
    # An article once reported never starts another crisis, even after the cooldown (when it is shorter than the
    # window) or the crisis's closing.
    reported = {article_id for alert in recent_alerts for article_id in alert.article_ids}
    fresh = [view for view in views if view.article_id not in reported and view.published_at <= now]
    active = [a for a in recent_alerts if a.closed_at is None and a.last_update_at > now - rules.cooldown]
    news: dict[int, list[MentionView]] = {}
    busy: set[str] = set()  # targets of a crisis under way: no new crisis for them
    for alert in reversed(active):  # the newest crisis takes an article two crises cover
        taken = {view.article_id for mine in news.values() for view in mine}
        news[alert.id] = _news(alert, [view for view in fresh if view.article_id not in taken], window, now)
        busy |= {*alert_targets(alert), *(view.target_id for view in news[alert.id])}
    notices = [
        notice for alert in active if (notice := _take(alert, news[alert.id], profile, now, dry_run)) is not None
    ]
    taken = {view.article_id for mine in news.values() for view in mine}
    left = [view for view in fresh if view.article_id not in taken and now - window < view.published_at]
    fired = [
        found
        for target in profile.targets
        if target.id not in busy
        and (found := _fire(target, views, [view for view in left if view.target_id == target.id], rules, now))
    ]
    notices += [_start(session, profile, group, left, now, dry_run) for group in _merge(fired)]
    if not dry_run:
        for notice in notices:
            _queue(session, profile, notice, settings, now)
    return notices


def _news(alert: AlertRow, candidates: list[MentionView], window: timedelta, now: datetime) -> list[MentionView]:
    """The crisis's new mentions: its stories' new copies (any target), and its targets' new negative stories."""
    targets = set(alert_targets(alert))
    eligible = [view for view in candidates if view.published_at >= alert.started_at - window]
    clusters = set(alert.details.get("clusters", ())) | {
        view.cluster_id
        for view in eligible
        if view.target_id in targets
        and view.tone == Tone.NEGATIVE
        and (alert.rule == AlertRule.BURST or now - window < view.published_at)
    }
    return sorted((view for view in eligible if view.cluster_id in clusters), key=importance)


def _fire(
    target: Target, views: list[MentionView], recent: list[MentionView], rules: AlertRules, now: datetime
) -> _Fired | None:
    """The rule that fires for `target` on its `recent` mentions no crisis took, if one does."""
    negatives = [view for view in views if view.target_id == target.id and view.tone == Tone.NEGATIVE]
    burst = measure_burst([view for view in negatives if not view.date_guessed], rules, now)
    triggers = [
        view
        for view in recent
        if not view.date_guessed
        and view.tone == Tone.NEGATIVE
        and (keywords_in(view, rules.keywords) or high_reach(view, rules))
    ]
    if burst.fired:
        rule = AlertRule.BURST
        clusters = {view.cluster_id for view in recent if view.tone == Tone.NEGATIVE}
    elif triggers:
        rule = AlertRule.HIGH_REACH if any(high_reach(view, rules) for view in triggers) else AlertRule.KEYWORD
        clusters = {view.cluster_id for view in triggers}
    else:
        return None
    return _Fired(target, rule, burst, frozenset(clusters))


def _merge(fired: list[_Fired]) -> list[list[_Fired]]:
    """Rules that fired on a common story are one crisis; in the profile's order of targets."""
    groups: list[list[_Fired]] = []
    for found in fired:
        sharing = [group for group in groups if any(found.clusters & other.clusters for other in group)]
        groups = [group for group in groups if all(group is not other for other in sharing)]
        groups.append([member for group in sharing for member in group] + [found])
    order = {found.target.id: index for index, found in enumerate(fired)}
    ordered = [sorted(group, key=lambda member: order[member.target.id]) for group in groups]
    return sorted(ordered, key=lambda group: order[group[0].target.id])


def _targets(profile: Profile, ids: Iterable[str]) -> tuple[Target, ...]:
    by_id = {target.id: target for target in profile.targets}
    return tuple(by_id[target_id] for target_id in dict.fromkeys(ids) if target_id in by_id)


def _topic(targets: Sequence[Target]) -> str:
    """The subject of a crisis's thread, fixed by its first e-mail."""
    return "Alertă: criză mediatică – " + names_ro([target.name for target in targets])


def _outlets(views: Iterable[MentionView], known: Iterable[str] = ()) -> tuple[str, ...]:
    """The outlets of `views` not in `known`, the most important first."""
    seen = set(known)
    return tuple(name for name in dict.fromkeys(view.outlet_name for view in views) if name not in seen)


def _start(
    session: Session, profile: Profile, group: list[_Fired], left: list[MentionView], now: datetime, dry_run: bool
) -> AlertNotice:
    lead = group[0]
    clusters = frozenset().union(*(found.clusters for found in group))
    views = tuple(sorted((view for view in left if view.cluster_id in clusters), key=importance))
    targets = _targets(profile, [*(found.target.id for found in group), *(view.target_id for view in views)])
    found = tuple(dict.fromkeys(word for view in views for word in keywords_in(view, profile.alerts.keywords)))
    notice = AlertNotice(
        kind=NoticeKind.ALERT,
        rule=lead.rule,
        targets=targets,
        views=views,
        started_at=now,
        burst=lead.burst,
        keywords=found,
        topic=_topic(targets),
        new_outlets=_outlets(views),
    )
    if not dry_run:
        row = AlertRow(
            profile_id=profile.id,
            target_id=lead.target.id,
            cluster_id=None if lead.rule == AlertRule.BURST else views[0].cluster_id,
            rule=lead.rule,
            started_at=now,
            last_update_at=now,
            updates=0,
            article_ids=sorted({view.article_id for view in views}),
            details={
                "clusters": sorted({view.cluster_id for view in views}),
                "targets": [target.id for target in targets],
                "outlets": sorted(notice.new_outlets),
                "subject": notice.topic,
                "count": lead.burst.count,
                "baseline": lead.burst.baseline,
                "p_value": lead.burst.p_value,
                "keywords": list(found),
            },
        )
        session.add(row)
        session.flush()
        notice = replace(notice, alert_id=row.id)
    log.info("alert %s for %s/%s: %s articles", lead.rule, profile.id, ",".join(t.id for t in targets), len(views))
    return notice


def _take(
    alert: AlertRow, news: list[MentionView], profile: Profile, now: datetime, dry_run: bool
) -> AlertNotice | None:
    """The crisis takes its news: silently when muted, as an update once `update_every` has passed."""
    if not news or (not alert.muted and now - alert.last_update_at < profile.alerts.update_every):
        return None  # the news wait for the next update (they start no other crisis meanwhile)
    targets = _targets(profile, [*alert_targets(alert), *(view.target_id for view in news)])
    new_outlets = _outlets(news, alert.details.get("outlets", ()))
    number = alert.updates + 1
    if not dry_run:
        alert.last_update_at = now
        if not alert.muted:
            alert.updates = number
        alert.article_ids = sorted({*alert.article_ids, *(view.article_id for view in news)})
        alert.details = {
            **alert.details,
            "clusters": sorted({*alert.details.get("clusters", ()), *(view.cluster_id for view in news)}),
            "targets": [target.id for target in targets],
            "outlets": sorted({*alert.details.get("outlets", ()), *new_outlets}),
        }
    if alert.muted:
        log.info("alert %s of %s is muted: %s articles recorded, nothing sent", alert.id, profile.id, len(news))
        return None
    details = alert.details
    burst = Burst(
        count=int(details.get("count", 0)),
        outlets=0,
        baseline=float(details.get("baseline", 0.0)),
        p_value=float(details.get("p_value", 1.0)),
        fired=alert.rule == AlertRule.BURST,
    )
    return AlertNotice(
        kind=NoticeKind.UPDATE,
        rule=AlertRule(alert.rule),
        targets=targets,
        views=tuple(news),
        started_at=alert.started_at,
        burst=burst,
        keywords=tuple(details.get("keywords", ())),
        topic=str(details.get("subject") or _topic(targets)),
        new_outlets=new_outlets,
        alert_id=alert.id,
        number=number,
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=alert.acknowledged_at,
    )


# --- render and queue --------------------------------------------------------------------------


def alert_subject(notice: AlertNotice) -> str:
    """The thread's subject: the alert's, with «Re: » on every update (mail clients that group a conversation by its
    subject as well as by In-Reply-To, Gmail among them, then show the crisis as one thread)."""
    return f"Re: {notice.topic}" if notice.kind == NoticeKind.UPDATE else notice.topic


@dataclass(frozen=True)
class AlertLinks:
    """The workspace links an alert e-mail carries (None without MONITOR_WEB_URL, or in a dry run)."""

    acknowledge: str | None = None
    mute: str | None = None
    open: str | None = None


def alert_links(settings: Settings, profile_id: str, alert_id: int | None) -> AlertLinks:
    if alert_id is None:
        return AlertLinks()
    return AlertLinks(
        acknowledge=link_url(settings, LinkPurpose.ACKNOWLEDGE_ALERT, profile_id, alert_id),
        mute=link_url(settings, LinkPurpose.MUTE_ALERT, profile_id, alert_id),
        open=link_url(settings, LinkPurpose.OPEN_ALERT, profile_id, alert_id),
    )


def render_alert(notice: AlertNotice, profile: Profile, settings: Settings) -> tuple[str, str, str]:
    """(subject, HTML, plain text) of an alert or update, from reports/templates/alert.*.j2."""
    env = environment(settings.templates_dir)
    by_id = {target.id: target for target in notice.targets}
    order = list(by_id)
    named: dict[int, list[str]] = defaultdict(list)
    for view in sorted(notice.views, key=lambda view: order.index(view.target_id)):
        unsure = ", ton nesigur, de verificat" if view.to_review else ""
        named[view.article_id].append(f"{by_id[view.target_id].name} ({view.tone.label}{unsure})")
    context = {
        "n": notice,
        "profile": profile,
        "zone": profile.zone,
        "subject": alert_subject(notice),
        "names": names_ro([target.name for target in notice.targets]),
        "named": {article_id: "; ".join(names) for article_id, names in named.items()},
        "evidence": {view.article_id: _evidence(view, by_id[view.target_id]) for view in notice.articles},
        "negative": any(view.tone == Tone.NEGATIVE for view in notice.views),
        "links": alert_links(settings, profile.id, notice.alert_id),
        "baseline": number_ro(notice.burst.baseline, 1),
        "p_value": p_value_ro(notice.burst.p_value),
        "window_hours": int(profile.alerts.burst.window.total_seconds() // 3600),
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
        log.warning("alert %s of %s recorded but not mailed: no alert recipients", notice.alert_id, profile.id)
        return
    subject, html, text = render_alert(notice, profile, settings)
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
        # an update answers the crisis's first e-mail: its In-Reply-To and References carry that Message-ID
        thread_prefix=alert_key(profile.id, notice.alert_id, 0) if notice.kind == NoticeKind.UPDATE else None,
    )


ALERT_LEASE = timedelta(minutes=5)  # a check holds the profile's alert lease at most this long, if its process dies


def check_alerts_once(
    store: Store, profile: Profile, settings: Settings, *, now: datetime, owner: str
) -> list[AlertNotice]:
    """check_alerts for the profile, one process at a time (the daemon and the workers check after their own
    work): under the lease «alerts:PROFILE»; [] when another process holds it, since it is checking the same
    mentions now and the next check sees what it missed."""
    name = f"alerts:{profile.id}"
    if not acquire_lease(store, owner, now=now, ttl=ALERT_LEASE, name=name):
        return []
    try:
        with store.session() as session:
            return check_alerts(session, profile, settings, now=now)
    finally:
        release_lease(store, owner, name=name)
