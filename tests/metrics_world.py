"""A hand-built world for the metrics: office A's funnel with known counts, timings, modes and
outcomes; office B in the same city; office X in another city; one suggestion outside the period.

Period: 2026-01-01 to 2026-03-31. Office A's cohort (31 suggestions):
  10 only suggested; 8 accepted, the company declined; 1 accepted twice (an expired request, then
  an accepted one); 6 introduced and engaged (first meeting: 3 virtual, 3 in person);
  5 signed (first meeting virtual, then one in person) ; 1 active (first meeting hybrid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.orm import IntroductionEvent, Outcome
from matchmaker.services.introductions import milestones
from tests import factories as f

START = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
SINCE, UNTIL = "2026-01-01", "2026-03-31"
# Office A, expected: suggested, accepted, introduced, engaged, signed, active.
FUNNEL_A = [31, 21, 13, 12, 6, 1]
SIGN_DAYS = [10, 11, 12, 13, 14, 30]  # engaged -> signed: median 12.5


@dataclass
class MetricsWorld:
    city: object
    office_a: object
    office_b: object
    office_x: object
    staff_a: object
    staff_b: object
    staff_x: object


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def suggestion(office, created: datetime, status: str = "suggested"):
    s = f.SuggestionFactory(priority=f.PriorityFactory(office=office), status=status)
    s.created_at = created
    return s


def introduction(office, stage: str, events: dict[str, float], created: float = 0, s=None):
    """A suggestion of `office` accepted on day 2 whose introduction reached `stage`."""
    s = s or suggestion(office, day(created), "accepted")
    intro = f.IntroductionFactory(suggestion=s, stage=stage, requested_at=day(created + 2))
    previous = "requested"
    for to_stage, at in events.items():
        db.session.add(
            IntroductionEvent(
                introduction_id=intro.id, at=day(at), from_stage=previous, to_stage=to_stage
            )
        )
        previous = to_stage
    return intro


def meeting(intro, mode: str, at: float, **values):
    return f.EngagementFactory(
        introduction=intro, mode=mode, status="happened", starts_at=day(at), **values
    )


def signed(intro, at: float) -> None:
    agreement = f.AgreementFactory(introduction=intro, status="signed")
    agreement.signed_at = day(at)
    db.session.add(agreement)


def build_metrics_world() -> MetricsWorld:
    city = f.CityFactory(name="Springfield")
    a = f.OfficeFactory(name="Springfield Trade", city=city)
    b = f.OfficeFactory(name="Springfield Growth", city=city)
    x = f.OfficeFactory(name="Shelbyville Office")
    for _ in range(10):
        suggestion(a, day(0))
    for _ in range(8):
        introduction(a, "declined", {"declined": 4})
    twice = suggestion(a, day(0), "introduced")
    introduction(a, "expired", {"expired": 40}, s=twice)
    introduction(a, "introduced", {"introduced": 5}, s=twice)
    for mode in ["virtual"] * 3 + ["in_person"] * 3:
        intro = introduction(a, "engaged", {"introduced": 5, "engaged": 10})
        meeting(intro, mode, 10, office_rating=4, staff_hours=Decimal("1.5"))
    for sign_day in SIGN_DAYS[:5]:
        intro = introduction(
            a,
            "agreement_signed",
            {"introduced": 5, "engaged": 10, "agreement_signed": 10 + sign_day},
        )
        meeting(intro, "virtual", 10, office_rating=4, company_rating=5, staff_hours=Decimal("2"))
        meeting(intro, "in_person", 11)
        signed(intro, 10 + sign_day)
    active = introduction(
        a,
        "active",
        {"introduced": 5, "engaged": 10, "agreement_signed": 40, "active": 45},
    )
    meeting(active, "hybrid", 10, office_rating=5, staff_hours=Decimal("3"))
    signed(active, 40)
    db.session.add_all(
        [
            Outcome(
                introduction_id=active.id,
                kind="investment",
                amount=Decimal("1000000"),
                currency="EUR",
                jobs_expected=20,
                recorded_at=day(46),
            ),
            Outcome(introduction_id=active.id, kind="pilot", jobs_expected=5, recorded_at=day(46)),
            Outcome(introduction_id=active.id, kind="office_opening", recorded_at=day(46)),
        ]
    )
    f.FollowUpFactory(
        introduction=active,
        done_at=day(60),
        actual_jobs=12,
        actual_amount=Decimal("400000"),
        actual_currency="EUR",
    )
    # Outside the period: a whole journey office A's funnel must not count.
    old = introduction(a, "active", {"introduced": 1, "engaged": 2}, created=-60)
    signed(old, -30)
    for _ in range(3):
        introduction(b, "requested", {})
    for _ in range(2):
        introduction(x, "requested", {})
    db.session.flush()
    milestones.backfill(db.session)  # the events and agreements above were added by hand
    db.session.commit()
    return MetricsWorld(
        city,
        a,
        b,
        x,
        f.StaffFactory(office=a, email="ana@springfield.example"),
        f.StaffFactory(office=b, email="bo@springfield.example"),
        f.StaffFactory(office=x, email="xi@shelbyville.example"),
    )
