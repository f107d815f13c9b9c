"""The city briefing service: what each section holds for a hand-built city, who may brief on
which city, the period's rules, and the "feature in briefing" mark."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import BriefingFeature, IntroductionEvent
from matchmaker.services.briefing import features, report
from matchmaker.services.briefing.period import InvalidPeriod, Period, make_period
from matchmaker.services.errors import Conflict, NotFound
from tests import factories as f
from tests.briefing_world import END, SECRETS, START, build_city

PERIOD = Period(START, END)
TODAY = date(2026, 12, 4)
SUMMARY = "A Greek fan-engagement firm runs its first US stadium pilot with 40 jobs planned."


@pytest.fixture
def city(app):
    return build_city()


def test_the_briefing_holds_the_citys_achievements_of_the_period(city):
    b = report.build_briefing(db.session, city.ana, None, PERIOD)
    assert b.city.id == city.office.city_id
    assert [a.title for a in b.agreements] == ["Stadium pilot MOU"]
    signed = b.agreements[0]
    assert signed.fingerprint == city.agreement.document.sha256 and len(signed.fingerprint) == 64
    assert signed.parties == ["Boston Global", "Ζήτα Αθλητική", "Chamber of Commerce"]
    assert signed.signed_on == date(2026, 2, 10) and signed.kind == "Memorandum of understanding"
    [p] = b.partnerships  # the partnership closed in 2025 is not in it
    assert p.company == "Ζήτα Αθλητική" and p.activated_on == date(2026, 3, 1)
    assert p.expected == {"EUR": Decimal("2500000.00")} and p.jobs_expected == 40
    assert p.actual == {"EUR": Decimal("1000000.00")} and p.jobs_actual == 12
    assert b.totals == [
        ("Investment (EUR)", Decimal("2500000.00"), Decimal("1000000.00")),
        ("Jobs", 40, 12),
    ]
    # Both Boston offices' engagements that took place in the period; not cancelled, not 2025.
    assert b.mix.cells == {("virtual", "meeting"): 1, ("in_person", "site_visit"): 1,
                           ("virtual", "call"): 1}  # fmt: skip
    assert b.mix.total == 3 and b.mix.mode_total("virtual") == 2
    assert b.companies == 2
    assert {c.label: c.count for c in b.countries} == {"Greece": 1, "Canada": 1}
    sectors = {c.label: c.count for c in b.sectors}
    assert sectors["51 · Information"] == 2 and sectors["33 · Manufacturing"] == 1


def test_a_briefing_never_holds_confidential_or_internal_text(city):
    features.mark_feature(db.session, city.intro.id, city.ana, SUMMARY)
    b = report.build_briefing(db.session, city.admin, city.office.city_id, PERIOD)
    text = repr(asdict(b.mix)) + repr(b)
    for secret in SECRETS:
        assert secret not in text
    assert SUMMARY in text


def test_staff_brief_on_their_own_city_only(city):
    b = report.build_briefing(db.session, city.ana, city.office.city_id, PERIOD)
    assert "Denver water MOU" not in [a.title for a in b.agreements]
    with pytest.raises(NotFound):
        report.build_briefing(db.session, city.ana, city.far_office.city_id, PERIOD)
    with pytest.raises(NotFound):
        report.build_briefing(db.session, city.member, city.office.city_id, PERIOD)
    far = report.build_briefing(db.session, city.dan, None, PERIOD)
    assert [a.title for a in far.agreements] == ["Denver water MOU"]
    admin = report.build_briefing(db.session, city.admin, city.far_office.city_id, PERIOD)
    assert [a.title for a in admin.agreements] == ["Denver water MOU"]
    with pytest.raises(report.CityRequired):
        report.build_briefing(db.session, city.admin, None, PERIOD)


def test_a_period_without_anything_is_empty(city):
    b = report.build_briefing(
        db.session, city.ana, None, Period(date(2024, 1, 1), date(2024, 3, 31))
    )
    assert b.empty and not b.agreements and not b.partnerships and b.companies == 0


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (None, date(2026, 1, 2), "start", "first day"),
        (date(2026, 1, 2), None, "end", "last day"),
        (date(2026, 3, 1), date(2026, 2, 1), "end", "on or after the first day"),
        (date(2027, 1, 1), date(2027, 2, 1), "start", "today at the latest"),
        (date(2020, 1, 1), date(2024, 1, 1), "end", "at most three years"),
        (date(1999, 12, 31), date(2000, 2, 1), "start", "2000-01-01 or later"),
    ],
)
def test_periods_are_validated(start, end, field, message):
    with pytest.raises(InvalidPeriod, match=message) as caught:
        make_period(start, end, TODAY)
    assert caught.value.field == field


def test_a_period_is_whole_days_inclusive():
    period = make_period(date(2026, 1, 1), date(2026, 12, 31), TODAY)
    assert period.days == 365 and str(period) == "2026-01-01 to 2026-12-31"


def _events(intro_id: int) -> list[str]:
    rows = db.session.scalars(
        select(IntroductionEvent.reason).where(IntroductionEvent.introduction_id == intro_id)
    )
    return [r for r in rows if "briefing" in r]


def test_staff_mark_edit_and_remove_a_feature_each_recorded(city):
    feature = features.mark_feature(db.session, city.intro.id, city.ana, f"  {SUMMARY}\n more. ")
    assert feature.summary == f"{SUMMARY} more." and feature.version == 1
    features.edit_feature(db.session, city.intro.id, city.ana, SUMMARY + " Edited.", 1)
    assert features.feature_of(db.session, city.intro.id).summary.endswith("Edited.")
    b = report.build_briefing(db.session, city.tom, None, PERIOD)  # a colleague office reads it
    assert [x.summary for x in b.featured] == [SUMMARY + " Edited."]
    features.remove_feature(db.session, city.intro.id, city.ana, 2)
    assert features.feature_of(db.session, city.intro.id) is None
    assert _events(city.intro.id) == [
        "featured in the city briefing",
        "briefing summary edited",
        "removed from the city briefing",
    ]


def test_a_stale_version_is_a_conflict_and_changes_nothing(city):
    features.mark_feature(db.session, city.intro.id, city.ana, SUMMARY)
    features.edit_feature(db.session, city.intro.id, city.admin, SUMMARY + " By the admin.", 1)
    with pytest.raises(Conflict):
        features.edit_feature(db.session, city.intro.id, city.ana, SUMMARY + " Mine.", 1)
    with pytest.raises(Conflict):
        features.remove_feature(db.session, city.intro.id, city.ana, 1)
    with pytest.raises(Conflict):  # marked meanwhile by someone else
        features.save_feature(db.session, city.intro.id, city.ana, SUMMARY, 0)
    assert features.feature_of(db.session, city.intro.id).summary.endswith("By the admin.")


def test_another_office_cannot_mark_even_in_the_same_city(city):
    for someone in (city.tom, city.dan, city.member):
        with pytest.raises(NotFound):
            features.mark_feature(db.session, city.intro.id, someone, SUMMARY)
    assert db.session.scalar(select(BriefingFeature)) is None


@pytest.mark.parametrize(
    ("summary", "message"),
    [
        ("Too short.", "at least 40"),
        ("x" * 1201, "under 1200"),
        (SUMMARY + "\n\nA second paragraph.", "one paragraph"),
        (SUMMARY + "\x00", "control characters"),
    ],
)
def test_summaries_are_one_paragraph_of_a_bounded_length(city, summary, message):
    with pytest.raises(features.InvalidSummary if "control" not in message else Exception,
                       match=message):  # fmt: skip
        features.mark_feature(db.session, city.intro.id, city.ana, summary)
    assert db.session.scalar(select(BriefingFeature)) is None


def test_a_request_still_waiting_cannot_be_featured(city):
    waiting = f.IntroductionFactory(suggestion__priority=f.PriorityFactory(office=city.office))
    with pytest.raises(features.InvalidTransition):
        features.mark_feature(db.session, waiting.id, city.ana, SUMMARY)
