"""Small horizontal bar charts drawn on the server as SVG: this module computes the geometry,
templates/metrics/_chart.html draws it (colours come from classes in static/css/app.css)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
LABEL_W = 150  # the row labels, left of the bars
VALUE_W = 70  # the value, right of the longest bar
BAR_H = 18
GAP = 8
PAD = 6


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the figure as the table shows it
    y: int
    width: float  # 0 for a figure that is not charted (too small, or none)
    charted: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bar_x: int
    bar_h: int
    bars: list[Bar]

    def text_y(self, bar: Bar) -> float:
        return bar.y + self.bar_h * 0.75


def bar_chart(rows: list[tuple[str, float | None, str]]) -> Chart:
    """(label, value or None, text) per row: one bar each, scaled to the largest value."""
    span = WIDTH - LABEL_W - VALUE_W
    top = max((v for _, v, _ in rows if v is not None and v > 0), default=0.0)
    bars = []
    for n, (label, value, text) in enumerate(rows):
        charted = value is not None
        width = round(span * value / top, 1) if charted and top and value > 0 else 0.0
        bars.append(Bar(label, text, PAD + n * (BAR_H + GAP), width, charted))
    height = PAD * 2 + max(len(rows), 1) * (BAR_H + GAP) - GAP
    return Chart(WIDTH, height, LABEL_W, BAR_H, bars)
