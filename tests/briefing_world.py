"""A hand-built city for the briefing tests: Boston (two offices) with a signed agreement, an
active partnership with outcomes and a follow-up, engagements of each kind of result, confidential
texts everywhere they may be written; and Denver, another city, with its own signed agreement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.orm import IntroductionEvent, IntroductionMessage, Outcome
from tests import factories as f

START, END = date(2026, 1, 1), date(2026, 6, 30)
SECRETS = [
    "SECRET-ENGAGEMENT-NOTE",
    "SECRET-INTRODUCTION-NOTE",
    "SECRET-MESSAGE",
    "SECRET-FOLLOW-UP-NOTE",
    "SECRET-OUTCOME-DESCRIPTION",
    "SECRET-VERIFICATION-NOTE",
    "SECRET-CLOSE-REASON",
]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


@dataclass
class City:
    office: object
    colleague_office: object
    far_office: object
    ana: object  # staff of the Boston office
    tom: object  # staff of the other Boston office
    dan: object  # staff of Denver
    admin: object
    member: object
    intro: object  # the active partnership
    agreement: object
    far_agreement: object


def build_city() -> City:
    office = f.OfficeFactory(name="Boston Global")
    colleague_office = f.OfficeFactory(name="Boston Trade", city=office.city)
    far_office = f.OfficeFactory(name="Denver Desk")
    company = f.CompanyFactory(
        name="Ζήτα Αθλητική",
        hq_country="GR",
        naics_sectors=["5132", "3345"],
        verification_note="SECRET-VERIFICATION-NOTE",
    )
    other = f.CompanyFactory(name="Maple Pilots", hq_country="CA", naics_sectors=["5132"])
    intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=company),
        stage="active",
        note="SECRET-INTRODUCTION-NOTE",
        requested_at=at("2025-11-01"),
    )
    agreement = f.AgreementFactory(
        introduction=intro,
        title="Stadium pilot MOU",
        status="signed",
        signed_at=at("2026-02-10"),
        other_parties="Chamber of Commerce",
    )
    db.session.add_all(
        [
            IntroductionEvent(
                introduction_id=intro.id,
                at=at("2026-03-01"),
                from_stage="agreement_signed",
                to_stage="active",
            ),
            IntroductionMessage(introduction_id=intro.id, side="office", body="SECRET-MESSAGE"),
            Outcome(
                introduction_id=intro.id,
                kind="investment",
                amount=Decimal("2500000"),
                currency="EUR",
                jobs_expected=40,
                description="SECRET-OUTCOME-DESCRIPTION",
            ),
        ]
    )
    f.FollowUpFactory(
        introduction=intro,
        months=6,
        done_at=at("2026-06-01"),
        actual_amount=Decimal("1000000"),
        actual_currency="EUR",
        actual_jobs=12,
        notes="SECRET-FOLLOW-UP-NOTE",
    )
    # Engagements: two took place in the period, one was cancelled, one is before it.
    f.EngagementFactory(
        introduction=intro, status="happened", mode="virtual", kind="meeting",
        starts_at=at("2026-02-01"), notes="SECRET-ENGAGEMENT-NOTE",
    )  # fmt: skip
    f.EngagementFactory(
        introduction=intro, status="happened", mode="in_person", kind="site_visit",
        starts_at=at("2026-03-05"),
    )  # fmt: skip
    f.EngagementFactory(
        introduction=intro, status="cancelled", mode="virtual", kind="call",
        starts_at=at("2026-03-06"),
    )  # fmt: skip
    f.EngagementFactory(
        introduction=intro, status="happened", mode="hybrid", kind="call",
        starts_at=at("2025-12-01"),
    )  # fmt: skip
    # The colleague office of the same city met another company: counted for the city.
    f.EngagementFactory(
        introduction__suggestion__priority=f.PriorityFactory(office=colleague_office),
        introduction__suggestion__profile=f.ProfileFactory(company=other),
        status="happened", mode="virtual", kind="call", starts_at=at("2026-04-02"),
    )  # fmt: skip
    # A partnership closed before the period: not in it.
    old = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=office),
        suggestion__profile=f.ProfileFactory(company=other),
        stage="closed",
        close_reason="SECRET-CLOSE-REASON",
    )
    db.session.add_all(
        [
            IntroductionEvent(introduction_id=old.id, at=at("2025-03-01"),
                              from_stage="agreement_signed", to_stage="active"),
            IntroductionEvent(introduction_id=old.id, at=at("2025-09-01"),
                              from_stage="active", to_stage="closed"),
        ]
    )  # fmt: skip
    far_intro = f.IntroductionFactory(
        suggestion__priority=f.PriorityFactory(office=far_office), stage="agreement_signed"
    )
    far_agreement = f.AgreementFactory(
        introduction=far_intro,
        title="Denver water MOU",
        status="signed",
        signed_at=at("2026-02-11"),
    )
    db.session.commit()
    return City(
        office=office,
        colleague_office=colleague_office,
        far_office=far_office,
        ana=f.StaffFactory(office=office, email="ana@boston.example", name="Ana Alvarez"),
        tom=f.StaffFactory(office=colleague_office, email="tom@boston.example"),
        dan=f.StaffFactory(office=far_office, email="dan@denver.example"),
        admin=f.AdminFactory(email="root@example.org"),
        member=f.CompanyMemberFactory(company=company, email="mia@zeta.example"),
        intro=intro,
        agreement=agreement,
        far_agreement=far_agreement,
    )
