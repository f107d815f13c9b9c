"""The trend chart's geometry: bars for an inline SVG drawn by the template (no script)."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.services.demand.trend import MonthPoint

WIDTH, HEIGHT = 480, 160
LEFT, BOTTOM, TOP = 32, 24, 8  # room for the axis labels


@dataclass(frozen=True)
class Bar:
    month: str
    x: float
    width: float
    created_y: float
    created_height: float
    active_y: float
    active_height: float
    label: str  # the month shown under the bar ("" to skip a crowded label)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    top_value: int  # the value at the top of the axis
    baseline: float
    left: int


def nice_top(value: int) -> int:
    """A round axis maximum at or above value: 1, 2, 5, 10, 20, 50 ..."""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude >= value:
                return m * magnitude
        magnitude *= 10


def bar_chart(points: list[MonthPoint]) -> Chart:
    """Created (full bar) and still active (inner bar) per month, scaled to the chart."""
    top = nice_top(max([p.created for p in points] + [1]))
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(1, len(points))
    every = max(1, len(points) // 12)  # at most about 12 month labels
    bars = []
    for i, p in enumerate(points):
        created_h = plot_h * p.created / top
        active_h = plot_h * p.active / top
        x = LEFT + i * slot + slot * 0.15
        bars.append(
            Bar(
                p.month,
                round(x, 1),
                round(slot * 0.7, 1),
                round(TOP + plot_h - created_h, 1),
                round(created_h, 1),
                round(TOP + plot_h - active_h, 1),
                round(active_h, 1),
                p.month[2:] if i % every == 0 else "",
            )
        )
    return Chart(WIDTH, HEIGHT, bars, top, TOP + plot_h, LEFT)
