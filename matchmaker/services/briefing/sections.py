"""The queries behind each section of a briefing, for one city and period.

Only structured fields and the summaries written for the briefing leave this module: no
engagement notes, introduction notes, messages, outcome descriptions, follow-up notes or
reasons. Counting is done by the database (GROUP BY) where the rows could be many."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker import countries, naics
from matchmaker.orm import (
    Agreement,
    AgreementStatus,
    BriefingFeature,
    Company,
    Engagement,
    EngagementKind,
    EngagementMode,
    EngagementStatus,
    FollowUp,
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    Office,
    Outcome,
)
from matchmaker.services.briefing.period import Period

Stage = IntroductionStage
COUNTED = (AgreementStatus.SIGNED, AgreementStatus.TERMINATED)  # signed, maybe ended since


@dataclass(frozen=True)
class SignedAgreement:
    title: str
    kind: str
    parties: list[str]
    signed_on: date
    fingerprint: str  # SHA-256 of the signed version
    status: str


@dataclass
class Partnership:
    company: str
    country: str
    office: str
    activated_on: date | None
    ended_on: date | None
    outcomes: list[str]
    expected: dict[str, Decimal] = field(default_factory=dict)  # currency -> amount
    jobs_expected: int | None = None
    follow_up: str = ""  # "12-month follow-up" or "" when none was recorded in time
    actual: dict[str, Decimal] = field(default_factory=dict)
    jobs_actual: int | None = None


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class Featured:
    company: str
    office: str
    stage: str
    summary: str
    marked_on: date


def _city_offices(city_id: int):
    return select(Office.id).where(Office.city_id == city_id)


def signed_agreements(session: Session, city_id: int, period: Period) -> list[SignedAgreement]:
    """Agreements of the city's offices signed within the period, oldest first."""
    rows = session.scalars(
        select(Agreement)
        .join(Introduction, Agreement.introduction_id == Introduction.id)
        .where(
            Introduction.office_id.in_(_city_offices(city_id)),
            Agreement.status.in_(COUNTED),
            Agreement.signed_at >= period.since,
            Agreement.signed_at < period.until,
        )
        .options(
            selectinload(Agreement.documents),
            joinedload(Agreement.introduction).joinedload(Introduction.office),
            joinedload(Agreement.introduction).joinedload(Introduction.company),
        )
        .order_by(Agreement.signed_at, Agreement.id)
    ).all()
    return [
        SignedAgreement(
            title=a.title,
            kind=a.kind.label,
            parties=_parties(a),
            signed_on=a.signed_at.date(),
            fingerprint=a.document.sha256 if a.document else "",
            status=a.status.label,
        )
        for a in rows
    ]


def _parties(agreement: Agreement) -> list[str]:
    intro = agreement.introduction
    others = [p.strip() for p in agreement.other_parties.replace(";", "\n").splitlines()]
    return [intro.office.name, intro.company.name, *(p for p in others if p)]


def _stage_times(session: Session, intro_ids: list[int], stage: Stage, first: bool) -> dict:
    """When each introduction entered a stage (its first or last entry)."""
    agg = func.min if first else func.max
    rows = session.execute(
        select(IntroductionEvent.introduction_id, agg(IntroductionEvent.at))
        .where(
            IntroductionEvent.introduction_id.in_(intro_ids),
            IntroductionEvent.to_stage == stage.value,
            IntroductionEvent.from_stage != stage.value,
        )
        .group_by(IntroductionEvent.introduction_id)
    )
    return dict(rows.all())


def partnerships(session: Session, city_id: int, period: Period) -> list[Partnership]:
    """Partnerships active at some time in the period, with outcomes expected and reported."""
    intros = session.scalars(
        select(Introduction)
        .where(
            Introduction.office_id.in_(_city_offices(city_id)),
            Introduction.stage.in_((Stage.ACTIVE, Stage.CLOSED)),
        )
        .options(joinedload(Introduction.company), joinedload(Introduction.office))
        .order_by(Introduction.id)
    ).all()
    ids = [i.id for i in intros]
    activated = _stage_times(session, ids, Stage.ACTIVE, first=True)
    closed = _stage_times(session, ids, Stage.CLOSED, first=False)
    kept = [i for i in intros if _alive(i, activated.get(i.id), closed.get(i.id), period)]
    result = {i.id: _partnership(i, activated.get(i.id), closed.get(i.id)) for i in kept}
    _add_outcomes(session, result)
    _add_follow_ups(session, result, period)
    return list(result.values())


def _alive(intro: Introduction, start: datetime | None, end: datetime | None, period) -> bool:
    """Active at some time in the period: not activated after it, not closed before it (a
    closed introduction counts only if it was an active partnership first)."""
    if start is not None and start >= period.until:
        return False
    if intro.stage == Stage.ACTIVE:
        return True
    return start is not None and end is not None and end >= period.since


def _partnership(intro: Introduction, activated: datetime | None, closed: datetime | None):
    return Partnership(
        company=intro.company.name,
        country=countries.name(intro.company.hq_country),
        office=intro.office.name,
        activated_on=activated.date() if activated else None,
        ended_on=closed.date() if closed and intro.stage == Stage.CLOSED else None,
        outcomes=[],
    )


def _add_outcomes(session: Session, result: dict[int, Partnership]) -> None:
    rows = session.scalars(
        select(Outcome).where(Outcome.introduction_id.in_(list(result))).order_by(Outcome.id)
    )
    for o in rows:
        p = result[o.introduction_id]
        p.outcomes.append(o.kind.label)
        if o.amount is not None:
            p.expected[o.currency] = p.expected.get(o.currency, Decimal(0)) + o.amount
        if o.jobs_expected is not None:
            p.jobs_expected = (p.jobs_expected or 0) + o.jobs_expected


def _add_follow_ups(session: Session, result: dict[int, Partnership], period: Period) -> None:
    """The latest follow-up recorded before the period's end: what actually happened."""
    rows = session.scalars(
        select(FollowUp)
        .where(
            FollowUp.introduction_id.in_(list(result)),
            FollowUp.done_at.is_not(None),
            FollowUp.done_at < period.until,
        )
        .order_by(FollowUp.months)
    )
    for u in rows:  # later months overwrite earlier ones
        p = result[u.introduction_id]
        p.follow_up = f"{u.months}-month follow-up"
        p.actual = {u.actual_currency: u.actual_amount} if u.actual_amount is not None else {}
        p.jobs_actual = u.actual_jobs


def totals(rows: list[Partnership]) -> list[tuple[str, Decimal | int, Decimal | int | None]]:
    """Expected against reported, summed over the partnerships: per currency, then jobs."""
    expected: dict[str, Decimal] = defaultdict(Decimal)
    actual: dict[str, Decimal] = defaultdict(Decimal)
    for p in rows:
        for currency, amount in p.expected.items():
            expected[currency] += amount
        for currency, amount in p.actual.items():
            actual[currency] += amount
    lines = [
        (f"Investment ({c})", expected.get(c, Decimal(0)), actual.get(c))
        for c in sorted(set(expected) | set(actual))
    ]
    jobs_expected = [p.jobs_expected for p in rows if p.jobs_expected is not None]
    jobs_actual = [p.jobs_actual for p in rows if p.jobs_actual is not None]
    if jobs_expected or jobs_actual:
        lines.append(("Jobs", sum(jobs_expected), sum(jobs_actual) if jobs_actual else None))
    return lines


def _happened(city_id: int, period: Period):
    return (
        Engagement.office_id.in_(_city_offices(city_id)),
        Engagement.status == EngagementStatus.HAPPENED,
        Engagement.starts_at >= period.since,
        Engagement.starts_at < period.until,
    )


def engagement_mix(session: Session, city_id: int, period: Period) -> dict[tuple[str, str], int]:
    """Engagements that took place in the period, counted by (mode, kind)."""
    rows = session.execute(
        select(Engagement.mode, Engagement.kind, func.count())
        .where(*_happened(city_id, period))
        .group_by(Engagement.mode, Engagement.kind)
    )
    return {(EngagementMode(m).value, EngagementKind(k).value): n for m, k, n in rows}


def companies_engaged(
    session: Session, city_id: int, period: Period
) -> tuple[int, list[Count], list[Count]]:
    """Companies met in the period: how many, by 2-digit NAICS sector and by home country."""
    met = (
        select(Introduction.company_id)
        .join(Engagement, Engagement.introduction_id == Introduction.id)
        .where(*_happened(city_id, period))
    )
    rows = session.execute(
        select(Company.naics_sectors, Company.hq_country).where(Company.id.in_(met))
    ).all()
    sectors: Counter[str] = Counter()
    for codes, _country in rows:
        for sector in sorted({str(c)[:2] for c in codes or []}) or [""]:
            sectors[naics.label(sector) if sector else "Sector not given"] += 1
    by_country = Counter(countries.name(country) for _codes, country in rows)
    return len(rows), _counts(sectors), _counts(by_country)


def _counts(counter: Counter) -> list[Count]:
    return [Count(label, n) for label, n in sorted(counter.items(), key=lambda x: (-x[1], x[0]))]


def featured(session: Session, city_id: int, period: Period) -> list[Featured]:
    """Items staff featured, for introductions alive during the period."""
    rows = session.scalars(
        select(BriefingFeature)
        .join(Introduction, BriefingFeature.introduction_id == Introduction.id)
        .where(
            BriefingFeature.office_id.in_(_city_offices(city_id)),
            Introduction.requested_at < period.until,
            (Introduction.stage != Stage.CLOSED) | (Introduction.updated_at >= period.since),
        )
        .options(
            joinedload(BriefingFeature.introduction).joinedload(Introduction.company),
            joinedload(BriefingFeature.introduction).joinedload(Introduction.office),
        )
        .order_by(BriefingFeature.marked_at, BriefingFeature.id)
    ).all()
    return [
        Featured(
            company=f.introduction.company.name,
            office=f.introduction.office.name,
            stage=f.introduction.stage.label,
            summary=f.summary,
            marked_on=f.marked_at.date(),
        )
        for f in rows
    ]
