"""The monthly report's charts (matplotlib, Romanian labels), as PNG data URIs for the HTML.

Figures are made with matplotlib's object interface, never pyplot's global figure registry: the daemon draws the
month's reports in their own thread while the web workspace may draw a preview in another.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from monitor.deliver.imagology import MonthlyIndicators, OutletActivity, TargetIndicators
from monitor.deliver.render import month_ro, number_ro
from monitor.record import OutletKind, Tone

DPI = 130
TONE_COLOURS = {Tone.POSITIVE: "#2e7d4f", Tone.NEUTRAL: "#9aa5b1", Tone.NEGATIVE: "#c0392b"}
KIND_COLOURS = {
    "local": "#1f4e79",
    "national": "#4a90c2",
    "agency": "#8fbce6",
    "tv": "#e08e0b",
    "radio": "#f5c26b",
    "institution": "#7f8c8d",
}
_Row = TypeVar("_Row", TargetIndicators, OutletActivity)
SERIES = ("#1f4e79", "#e08e0b", "#2e7d4f", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d")

matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "legend.frameon": False,
        "svg.fonttype": "path",
    }
)


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def _percent(value: float, _position: float) -> str:
    return number_ro(value * 100) + "%"


def _bar_chart(rows: Sequence[_Row], size: tuple[float, float], draw: Callable[[Axes, Sequence[_Row]], None]) -> str:
    """Horizontal bars drawn by `draw`, a bar per row, in a figure as tall as the rows need (`size`: the height
    without rows and per row); a notice instead when there are no rows."""
    base, per_row = size
    figure, axes = _figure(7.6, base + per_row * max(len(rows), 1))
    if rows:
        draw(axes, rows)
    else:
        axes.axis("off")
        figure.text(0.5, 0.5, "Nicio apariție în această lună", ha="center", va="center", color="#555555")
    return _data_uri(figure)


def _appearing(indicators: MonthlyIndicators) -> list[TargetIndicators]:
    return [t for t in indicators.targets if t.appearances]


def _stack(axes: Axes, names: list[str], layers: list[tuple[str, str, list[float]]], **bars: Any) -> list[list[float]]:
    """Horizontal bars stacked left to right, a layer per (label, colour, a value per name); where each layer
    starts on every row, then where the rows end."""
    edges = [[0.0] * len(names)]
    for label, colour, values in layers:
        axes.barh(names, values, left=edges[-1], color=colour, label=label, **bars)
        edges.append([a + b for a, b in zip(edges[-1], values, strict=True)])
    return edges


def _legend_below(axes: Axes, rows: int, columns: int) -> None:
    """The legend of a chart of target rows, under it (further down when there are few rows)."""
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25 if rows > 2 else -0.45), ncol=columns)


def volume_chart(indicators: MonthlyIndicators) -> str:
    """Appearances per target per day, the previous month's daily total, bursts and alerts marked."""
    figure, axes = _figure(7.6, 3.2)
    days = [day.day for day in indicators.days]
    previous_total = [sum(values) for values in zip(*(t.previous_daily for t in indicators.targets), strict=True)]
    if previous_total:
        previous_days = list(range(1, len(previous_total) + 1))
        axes.plot(
            previous_days,
            previous_total,
            color="#b0b7bf",
            linestyle="--",
            linewidth=1.2,
            label=f"toate țintele, {month_ro(indicators.previous_days[0])}",
        )
    colours = {}
    for index, target in enumerate(indicators.targets):
        colour = SERIES[index % len(SERIES)]
        colours[target.target_id] = colour
        axes.plot(days, target.daily, color=colour, linewidth=1.8, marker="o", markersize=2.5, label=target.name)
    for number, burst in enumerate(indicators.bursts):
        axes.scatter(
            [burst.day.day],
            [burst.count],
            s=90,
            marker="^",
            color=colours.get(burst.target_id, "#c0392b"),
            edgecolors="black",
            linewidths=0.8,
            zorder=5,
            label="explozie de apariții" if number == 0 else None,
        )
    for number, alert in enumerate(indicators.alerts):
        day = alert.started_at.astimezone(indicators.zone).day
        axes.axvline(
            day, color="#c0392b", linestyle=":", linewidth=1.2, label="alertă de criză" if number == 0 else None
        )
    axes.set_xlim(0.5, max(len(days), len(previous_total)) + 0.5)
    axes.set_xlabel(f"ziua lunii ({month_ro(indicators.month)})")
    axes.set_ylabel("apariții pe zi")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", color="#e5e8eb")
    axes.set_title("Volumul aparițiilor pe zile, față de luna anterioară")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=8)
    return _data_uri(figure)


def tone_chart(indicators: MonthlyIndicators) -> str:
    """The tone mix of each target, as shares of its appearances."""

    def draw(axes: Axes, targets: Sequence[TargetIndicators]) -> None:
        layers = [
            (tone.label, TONE_COLOURS[tone], [getattr(t.tone, tone) / t.appearances for t in targets][::-1])
            for tone in Tone
        ]
        edges = _stack(axes, [t.name for t in targets][::-1], layers, height=0.6)
        for (_, _, values), starts in zip(layers, edges, strict=False):
            for row, (start, value) in enumerate(zip(starts, values, strict=True)):
                if value >= 0.08:
                    axes.text(
                        start + value / 2, row, _percent(value, 0), ha="center", va="center", color="white", fontsize=8
                    )
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(FuncFormatter(_percent))
        axes.set_title("Tonul aparițiilor, pe ținte")
        _legend_below(axes, len(targets), 3)

    return _bar_chart(_appearing(indicators), (0.5, 0.45), draw)


def share_chart(indicators: MonthlyIndicators) -> str:
    """Share of voice of each target, split by outlet kind."""

    def draw(axes: Axes, targets: Sequence[TargetIndicators]) -> None:
        kinds = [k.kind for k in indicators.kinds]
        layers = [
            (
                OutletKind(kind).label,
                KIND_COLOURS.get(kind, "#7f8c8d"),
                [t.by_kind.get(kind, 0) / indicators.appearances for t in targets][::-1],
            )
            for kind in kinds
        ]
        ends = _stack(axes, [t.name for t in targets][::-1], layers)[-1]
        for row, value in enumerate(ends):
            axes.text(value + 0.01, row, _percent(value, 0), va="center", fontsize=8)
        axes.set_xlim(0, min(1.0, max(ends) * 1.15 + 0.05))
        axes.xaxis.set_major_formatter(FuncFormatter(_percent))
        axes.set_title("Ponderea în totalul aparițiilor (share of voice), pe tipuri de publicații")
        _legend_below(axes, len(targets), len(kinds))

    return _bar_chart(_appearing(indicators), (0.5, 0.45), draw)


def outlets_chart(indicators: MonthlyIndicators, limit: int = 10) -> str:
    """The most active outlets, their appearances split by tone."""

    def draw(axes: Axes, outlets: Sequence[OutletActivity]) -> None:
        layers = [
            (tone.label, TONE_COLOURS[tone], [float(getattr(o.tone, tone)) for o in outlets][::-1]) for tone in Tone
        ]
        _stack(axes, [o.name for o in outlets][::-1], layers, height=0.65)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel("apariții")
        axes.set_title("Cele mai active publicații")
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.6 / len(outlets)), ncol=3)

    return _bar_chart(indicators.outlets[:limit], (0.6, 0.32), draw)


def draw_charts(indicators: MonthlyIndicators) -> dict[str, str]:
    """Every chart of the report, by name."""
    return {
        "volume": volume_chart(indicators),
        "tone": tone_chart(indicators),
        "share": share_chart(indicators),
        "outlets": outlets_chart(indicators),
    }
