"""Metrics on a hand-built world (tests/metrics_world.py): each suggestion counted once per step,
medians, the split by engagement mode, outcomes, the small-number rule, scoping and periods."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.extensions import db
from matchmaker.services.errors import NotFound
from matchmaker.services.metrics.period import InvalidPeriod, resolve_period
from matchmaker.services.metrics.report import metrics_report, rate
from tests import factories as f
from tests.metrics_world import FUNNEL_A, build_metrics_world

PERIOD = ("custom", date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def world(app):
    return build_metrics_world()


def panel(report, key):
    found = next(p for p in report.panels if p.key == key)
    return {row.label: row.cells for row in found.rows}


def test_funnel_counts_each_suggestion_once_per_step(world):
    report = metrics_report(db.session, world.staff_a, "", *PERIOD)
    funnel = panel(report, "funnel")
    assert [int(cells[0]) for cells in funnel.values()] == FUNNEL_A
    assert funnel["Accepted by the office"][1:] == ["67.7%", "67.7%"]  # 21 of 31
    assert funnel["Agreement signed"][1:] == ["50.0%", "19.4%"]  # 6 of 12, 6 of 31


def test_medians_between_steps_are_computed_in_the_database(world):
    report = metrics_report(db.session, world.staff_a, "", *PERIOD)
    timings = panel(report, "timings")
    assert timings["Suggested to accepted by the office"] == ["2.0", "21"]
    assert timings["Introduction accepted to engaged"] == ["5.0", "12"]
    assert timings["Engaged to agreement signed"] == ["12.5", "6"]  # even count: mean of 12, 13
    assert timings["Agreement signed to active partnership"] == ["n=1", "1"]


def test_decisions_are_split_by_the_mode_of_the_first_meeting(world):
    report = metrics_report(db.session, world.staff_a, "", *PERIOD)
    assert panel(report, "mode_conversion") == {
        "Virtual": ["62.5%", "8", "5"],
        "In person": ["n=0", "3", "0"],
        "Hybrid": ["n=1", "1", "1"],
    }
    assert panel(report, "mode_meetings")["Virtual"] == ["2.0", "10", "5"]
    assert panel(report, "mode_office_rating")["Virtual"] == ["4.0", "8"]
    assert panel(report, "mode_company_rating")["Virtual"] == ["5.0", "5"]
    assert panel(report, "mode_hours") == {
        "Virtual": ["14.5", "8"],
        "In person": ["4.5", "8"],
        "Hybrid": ["3.0", "1"],
    }


def test_outcomes_by_currency_jobs_pilots_and_offices_opened(world):
    report = metrics_report(db.session, world.staff_a, "", *PERIOD)
    assert panel(report, "investment") == {"EUR": ["1,000,000.00", "400,000.00"]}
    kinds = panel(report, "outcomes")
    assert kinds["Pilot"] == ["1"] and kinds["Office opening"] == ["1"]
    assert list(panel(report, "jobs").values()) == [["25"], ["12"]]


def test_small_numbers_show_the_count_and_are_not_charted(world):
    assert rate(4, 10) == ("n=4", None)
    assert rate(5, 10) == ("50.0%", 50.0)
    assert rate(0, 0) == ("–", None)
    report = metrics_report(db.session, world.staff_a, "", *PERIOD)
    hybrid = next(p for p in report.panels if p.key == "mode_conversion").chart.bars[2]
    assert (hybrid.text, hybrid.charted, hybrid.width) == ("n=1", False, 0.0)


def test_a_city_adds_its_other_offices_and_nothing_else(world):
    city = metrics_report(db.session, world.staff_a, f"city:{world.city.id}", *PERIOD)
    assert panel(city, "funnel")["Suggested"][0] == "34"  # 31 of office A, 3 of office B
    everything = metrics_report(db.session, f.AdminFactory(), "all", *PERIOD)
    assert panel(everything, "funnel")["Suggested"][0] == "36"


def test_staff_see_only_their_office_and_city(world):
    for key in (f"office:{world.office_b.id}", f"city:{world.office_x.city_id}", "all"):
        with pytest.raises(NotFound):
            metrics_report(db.session, world.staff_a, key, *PERIOD)
    b = metrics_report(db.session, world.staff_b, "", *PERIOD)
    assert panel(b, "funnel")["Suggested"][0] == "3"


def test_companies_have_no_metrics(world):
    with pytest.raises(NotFound):
        metrics_report(db.session, f.CompanyMemberFactory(), "", *PERIOD)


def test_an_empty_period_is_all_zeros(world):
    report = metrics_report(
        db.session, world.staff_a, "", "custom", date(2024, 1, 1), date(2024, 2, 1)
    )
    assert [cells[0] for cells in panel(report, "funnel").values()] == ["0"] * 6
    assert panel(report, "investment") == {}


TODAY = date(2026, 4, 10)


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("last_30", (date(2026, 3, 12), TODAY)),
        ("last_90", (date(2026, 1, 11), TODAY)),
        ("this_year", (date(2026, 1, 1), TODAY)),
        ("last_year", (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_presets(preset, expected):
    period = resolve_period(preset, None, None, TODAY)
    assert (period.since, period.until) == expected


@pytest.mark.parametrize(
    ("preset", "since", "until", "field", "message"),
    [
        ("custom", None, date(2026, 1, 1), "since", "Enter the first day"),
        ("custom", date(2026, 1, 1), None, "until", "Enter the last day"),
        ("custom", date(2026, 2, 1), date(2026, 1, 1), "until", "before the first day"),
        ("custom", date(1999, 2, 1), date(2026, 1, 1), "since", "at the earliest"),
        ("custom", date(2000, 2, 1), date(2026, 1, 1), "until", "at most ten years"),
        ("forever", None, None, "preset", "Choose one of the periods"),
    ],
)
def test_invalid_periods_say_why_next_to_the_field(preset, since, until, field, message):
    with pytest.raises(InvalidPeriod, match=message) as caught:
        resolve_period(preset, since, until, TODAY)
    assert caught.value.field == field
