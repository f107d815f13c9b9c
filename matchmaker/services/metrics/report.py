"""The metrics page as panels: one table and one small chart per panel, from the same rows, and
the CSV of exactly those rows.

Small numbers: a rate, average or median resting on fewer than SMALL items is shown as that
count ("n=3"), never as a percentage or an average, and is not charted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from matchmaker.csv_cells import csv_line
from matchmaker.orm import OutcomeKind, User
from matchmaker.services.metrics.charts import Chart, bar_chart
from matchmaker.services.metrics.figures import (  # noqa: F401 - SMALL: the rule this page shows
    SMALL,
    average_figure,
    rate_figure,
    resolve,
)
from matchmaker.services.metrics.funnel import funnel
from matchmaker.services.metrics.modes import by_mode
from matchmaker.services.metrics.outcomes import outcomes
from matchmaker.services.metrics.period import Period
from matchmaker.services.metrics.scope import Scope

CSV_HEADER = ["chart", "row", "column", "value"]


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]  # as the table shows them, one per column after the first
    value: float | None  # what the chart draws (None: not charted)


@dataclass
class Panel:
    key: str
    title: str
    columns: list[str]  # the first names the rows
    rows: list[Row]
    note: str = ""
    empty: str = ""  # shown instead of an empty table

    @property
    def chart(self) -> Chart:
        return bar_chart([(r.label, r.value, r.cells[0]) for r in self.rows])


@dataclass
class Report:
    scope: Scope
    period: Period
    panels: list[Panel] = field(default_factory=list)

    @property
    def filename(self) -> str:
        where = self.scope.key.replace(":", "-")
        return f"metrics-{where}-{self.period.since}-{self.period.until}.csv"


def small(n: int) -> str:
    return f"n={n}"


def rate(part: int, whole: int) -> tuple[str, float | None]:
    """A percentage, or the count when it rests on fewer than SMALL items."""
    figure = rate_figure(part, whole)
    if figure is None:
        return "–", None
    if figure.suppressed:
        return small(part), None
    return f"{figure.value:.1f}%", figure.value


def average(value: float | None, n: int, digits: int = 1) -> tuple[str, float | None]:
    """An average (or median) of n items, or the count when n is below SMALL."""
    figure = average_figure(value, n, digits)
    if figure.suppressed:
        return small(n), None
    if figure.value is None:
        return "–", None
    return f"{value:.{digits}f}", figure.value


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def funnel_panels(session: Session, scope: Scope, period: Period) -> list[Panel]:
    steps, medians = funnel(session, scope, period)
    rows = []
    for n, step in enumerate(steps):
        previous = rate(step.count, steps[n - 1].count)[0] if n else "–"
        of_all = rate(step.count, steps[0].count)[0] if n else "–"
        rows.append(Row(step.label, [str(step.count), previous, of_all], step.count))
    timing = []
    for m in medians:
        text, value = average(m.days, m.n)
        timing.append(Row(m.label, [text, str(m.n)], value))
    return [
        Panel(
            "funnel",
            "Funnel",
            ["Step", "Suggestions", "From the step before", "Of all suggested"],
            rows,
            "Suggestions created in the period, each counted once in every step it reached "
            "(up to today).",
        ),
        Panel(
            "timings",
            "Median days between steps",
            ["Between", "Median days", "Suggestions"],
            timing,
            "Over the suggestions of the period that took both steps.",
        ),
    ]


def mode_panels(session: Session, scope: Scope, period: Period) -> list[Panel]:
    modes = by_mode(session, scope, period)

    def panel(key, title, columns, make, note=""):
        rows = []
        for m in modes:
            text, value, *rest = make(m)
            rows.append(Row(m.label, [text, *rest], value))
        return Panel(key, title, ["Mode", *columns], rows, note)

    return [
        panel(
            "mode_conversion",
            "First meeting to signed agreement",
            ["Conversion", "First meetings", "Reached an agreement"],
            lambda m: (
                *rate(m.converted, m.first_meetings),
                str(m.first_meetings),
                str(m.converted),
            ),
            "Introductions by the mode of their first meeting held in the period.",
        ),
        panel(
            "mode_meetings",
            "Meetings per signed agreement",
            ["Meetings per agreement", "Meetings", "Signed agreements"],
            lambda m: (
                *average(
                    m.meetings_of_converted / m.agreements if m.agreements else None, m.agreements
                ),
                str(m.meetings_of_converted),
                str(m.agreements),
            ),
            "Meetings held by the introductions that reached an agreement, by first meeting mode.",
        ),
        panel(
            "mode_office_rating",
            "Office rating (1 to 5)",
            ["Average", "Ratings"],
            lambda m: (*average(m.office_rating, m.office_ratings), str(m.office_ratings)),
        ),
        panel(
            "mode_company_rating",
            "Company rating (1 to 5)",
            ["Average", "Ratings"],
            lambda m: (*average(m.company_rating, m.company_ratings), str(m.company_ratings)),
        ),
        panel(
            "mode_hours",
            "Staff hours logged (cost)",
            ["Hours", "Meetings held"],
            lambda m: (f"{m.staff_hours:.1f}", round(m.staff_hours, 1), str(m.meetings)),
            "Engagements in the period, whatever their result.",
        ),
    ]


def outcome_panels(session: Session, scope: Scope, period: Period) -> list[Panel]:
    o = outcomes(session, scope, period)
    kinds = [
        Row(kind.label, [str(o.by_kind.get(kind, 0))], o.by_kind.get(kind, 0))
        for kind in OutcomeKind
    ]
    jobs = [
        Row("Expected (outcomes recorded)", [str(o.jobs_expected)], o.jobs_expected),
        Row(
            f"Reported at follow-up ({o.follow_ups} done)", [str(o.jobs_reported)], o.jobs_reported
        ),
    ]
    currencies = sorted(set(o.investment) | set(o.invested))
    money_rows = [
        Row(
            c,
            [money(o.investment.get(c, Decimal(0))), money(o.invested.get(c, Decimal(0)))],
            float(o.investment.get(c, 0)),
        )
        for c in currencies
    ]
    return [
        Panel(
            "outcomes",
            "Outcomes recorded",
            ["Kind", "Partnership outcomes"],
            kinds,
            "Pilots, offices opened and other results recorded in the period.",
        ),
        Panel("jobs", "Jobs", ["Jobs", "Number"], jobs, "Follow-ups completed in the period."),
        Panel(
            "investment",
            "Investment by currency",
            ["Currency", "Expected", "Reported at follow-up"],
            money_rows,
            "Amounts are never converted: compare within a currency.",
            "No investment was recorded in the period.",
        ),
    ]


def metrics_report(
    session: Session,
    user: User,
    scope_key: str,
    preset: str,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> Report:
    """The metrics of a scope the user may see, for a period (NotFound, InvalidPeriod)."""
    scope, period = resolve(session, user, scope_key, preset, since, until, today)
    report = Report(scope, period)
    report.panels += funnel_panels(session, scope, period)
    report.panels += mode_panels(session, scope, period)
    report.panels += outcome_panels(session, scope, period)
    return report


def report_csv(report: Report) -> Iterator[str]:
    """Every table cell of the report, one line each: chart, row, column, value."""
    yield csv_line(CSV_HEADER)
    for panel in report.panels:
        for row in panel.rows:
            for column, cell in zip(panel.columns[1:], row.cells, strict=True):
                yield csv_line([panel.title, row.label, column, cell])
