"""Company demand: counts by dimension, coverage by open priorities, gaps, trend, CSV."""

from __future__ import annotations

import csv
import io

import pytest

from matchmaker.extensions import db
from matchmaker.orm import PriorityStatus
from matchmaker.services.demand import report
from matchmaker.services.demand.chart import bar_chart, nice_top
from matchmaker.services.demand.dimensions import Dimension
from matchmaker.services.demand.report import DemandFilters
from matchmaker.services.demand.trend import demand_trend
from tests import factories as f
from tests.demand_world import TODAY, build_demand_world


@pytest.fixture
def world(app):
    return build_demand_world()


def _rows(dimension: Dimension, **kw) -> dict:
    """bucket -> (companies, active, new in period, paused, covering cities, gap)."""
    rows = report.demand_rows(db.session, DemandFilters(dimension=dimension, months=3, **kw), TODAY)
    return {
        r.bucket: (
            r.demand.companies,
            r.demand.profiles,
            r.demand.new_profiles,
            r.demand.paused_profiles,
            [(c.name, c.priorities) for c in r.coverage.cities],
            r.is_gap,
        )
        for r in rows
    }


def test_two_digit_sectors_count_profiles_once_and_judge_gaps_on_open_priorities(world):
    assert _rows(Dimension.SECTOR2) == {
        # A (5415 and 5413: once) and C (the whole sector 54); Boston's 5415 lies in it
        "54": (2, 2, 2, 0, [("Boston", 1)], False),
        "33": (1, 1, 1, 0, [("Austin", 1)], False),
        # D active, B paused; Denver's priority on 7112 is closed, its draft does not count
        "71": (1, 1, 0, 1, [], True),
    }


def test_three_digit_subsectors_are_covered_by_a_priority_on_the_whole_sector(world):
    assert _rows(Dimension.SECTOR3) == {
        "541": (1, 1, 1, 0, [("Boston", 1)], False),  # C named only "54": not counted here
        "336": (1, 1, 1, 0, [("Austin", 1)], False),  # Austin's priority is on all of 33
        "711": (1, 1, 0, 1, [], True),
    }


def test_partnership_types(world):
    assert _rows(Dimension.TYPE) == {
        "investment": (2, 2, 2, 0, [("Austin", 1)], False),
        "pilot_project": (1, 1, 1, 0, [("Boston", 1)], False),
        "sponsorship": (1, 1, 0, 1, [], True),  # covered only by a closed priority: a gap
    }


def test_headquarters_countries(world):
    assert _rows(Dimension.COUNTRY) == {
        "DE": (1, 1, 1, 1, [("Boston", 1)], False),
        "FR": (1, 1, 0, 0, [], True),  # withdrawn profiles and suspended companies not counted
        "JP": (1, 1, 1, 0, [("Austin", 1)], False),
    }


def test_a_priority_for_any_country_covers_every_country(world):
    f.PriorityFactory(office=world.denver, target_countries=[], status=PriorityStatus.OPEN)
    rows = _rows(Dimension.COUNTRY)
    assert rows["FR"][4:] == ([("Denver", 1)], False)
    assert rows["JP"][4] == [("Austin", 1), ("Denver", 1)]


def test_us_states_are_covered_by_cities_in_them_and_any_state_by_every_open_city(world):
    assert _rows(Dimension.STATE) == {
        "any": (1, 1, 1, 1, [("Austin", 1), ("Boston", 1)], False),
        "CO": (1, 1, 0, 0, [], True),  # Denver is in CO but its priority is closed
        "MA": (1, 1, 1, 0, [("Boston", 1)], False),
        "TX": (1, 1, 1, 0, [("Austin", 1)], False),
    }


def test_country_filter_and_gaps_only(world):
    assert set(_rows(Dimension.SECTOR2, country="JP")) == {"54", "33"}
    assert set(_rows(Dimension.SECTOR2, gaps_only=True)) == {"71"}
    assert _rows(Dimension.SECTOR2, country="IT") == {}


def test_a_bucket_with_only_paused_profiles_is_shown_but_not_a_gap(app):
    f.ProfileFactory(naics_sectors=["6113"], status="paused")
    assert _rows(Dimension.SECTOR2) == {"61": (0, 0, 0, 1, [], False)}


def test_trend_counts_profiles_created_per_month_and_those_active_today(world):
    points = demand_trend(db.session, 3, today=TODAY)
    # April: C; May: B (paused); June: A and E (withdrawn); F's company is suspended
    assert [(p.month, p.created, p.active) for p in points] == [
        ("2026-04", 1, 1),
        ("2026-05", 1, 0),
        ("2026-06", 2, 1),
    ]
    assert [p.created for p in demand_trend(db.session, 12, "FR", today=TODAY)] == [0] * 11 + [1]
    assert len(demand_trend(db.session, 24, today=TODAY)) == 24


def test_the_table_csv_has_every_row_and_every_city(world):
    f.PriorityFactory(office=world.denver, target_countries=[], status=PriorityStatus.OPEN)
    rows = report.demand_rows(db.session, DemandFilters(dimension=Dimension.COUNTRY), TODAY)
    lines = list(csv.DictReader(io.StringIO("".join(report.table_csv(rows)))))
    jp = next(line for line in lines if line["bucket"] == "JP")
    assert jp == {
        "bucket": "JP",
        "label": "Japan",
        "companies": "1",
        "active_profiles": "1",
        "new_in_period": "1",
        "paused_profiles": "0",
        "open_priorities": "2",
        "cities": "Austin, TX (1); Denver, CO (1)",
        "gap": "no",
    }
    assert [line["bucket"] for line in lines] == [r.bucket for r in rows]


def test_the_chart_scales_bars_to_a_round_maximum():
    assert [nice_top(v) for v in (0, 1, 3, 7, 10, 11, 240)] == [1, 1, 5, 10, 10, 20, 500]
    from matchmaker.services.demand.trend import MonthPoint

    chart = bar_chart([MonthPoint("2026-05", 10, 5), MonthPoint("2026-06", 0, 0)])
    full, empty = chart.bars
    assert full.created_height == chart.baseline - full.created_y > 0
    assert full.active_height == pytest.approx(full.created_height / 2, abs=0.1)
    assert empty.created_height == 0
