"""The crisis rules: a burst of negative mentions against the same hours of the previous days (Poisson), crisis
keywords next to a mention, a negative title in a high-reach outlet."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from monitor.config import AlertRules
from monitor.record import MentionView, Prominence, Tone
from monitor.stats import poisson_tail
from monitor.text import search_key

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
