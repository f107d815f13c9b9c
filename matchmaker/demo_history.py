"""A year of demo partnership history, built through the real services.

After the ranking wrote the demo's suggestions, `load_history` plays the last ~12 months
through the services a user's clicks call: offices accept or decline suggestions
(services/review/decisions.py), companies answer the introduction requests, engagements are
logged with their results, ratings and staff hours, agreements are drafted with a small generated
PDF, signed by their signatories through their signing links, partnerships become active with
outcomes and their due follow-ups recorded, and one signed partnership is featured in its city's
briefing. It is seeded (random.Random(SEED)): the same database gives the same history.

Times. Where a service takes a `now` the loader passes the simulated time; an engagement in the
past is *logged* (the service's own path for one that took place), never planned. The services
without a clock (a decision, an agreement's steps, a signature) stamp the real time: right
after each such step `demo_clock.Clock.settle` moves the timestamps written in this run (the
only ones at or after the run's start) back to the simulated time. Validation is the
services' own, unchanged. Suggestions are dated a few days before their decision so the
funnel's order holds.

Emails. Like the rest of the demo (accounts come confirmed), the history sends nothing: the
delivery jobs are held while it runs, then the emails it queued (all to `.example` addresses)
and their jobs are deleted.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.demo_clock import Clock, demo_pdf, emails_held
from matchmaker.demo_plan import Plan, make_plans
from matchmaker.orm import (
    Agreement,
    Engagement,
    FollowUp,
    Introduction,
    IntroductionStage,
    Office,
    Suggestion,
    SuggestionStatus,
    User,
    utcnow,
)
from matchmaker.services.introductions.transitions import EXPIRE_AFTER

SEED = 2026
MODES = ("virtual", "in_person", "hybrid")
KINDS = ("call", "meeting", "site_visit", "meeting", "event")


def _at(today: datetime, days: float) -> datetime:
    return today - timedelta(days=days)


class History:
    def __init__(self, session: Session, home_office: str, member_email: str, echo) -> None:
        self.session, self.echo = session, echo
        self.rng = random.Random(SEED)
        self.clock = Clock(session)
        now = utcnow()
        self.today = now.replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
        self.home = session.scalar(select(Office).where(Office.name == home_office))
        self.member = session.scalar(select(User).where(User.email == member_email))
        self.counts = {"decisions": 0, "introductions": 0, "engagements": 0, "signed": 0}

    # people -------------------------------------------------------------------------------------
    def staff(self, office_id: int) -> User:
        return self.session.scalar(
            select(User).where(User.office_id == office_id).order_by(User.id).limit(1)
        )

    def member_of(self, company_id: int) -> User:
        return self.session.scalar(
            select(User).where(User.company_id == company_id).order_by(User.id).limit(1)
        )

    # playing ------------------------------------------------------------------------------------
    def decide(self, plan: Plan) -> Introduction | None:
        from matchmaker.services.review.decisions import DECLINE_REASONS, decide_suggestion

        s, when = plan.suggestion, _at(self.today, plan.days)
        s.created_at = s.routed_at = when - timedelta(days=self.rng.randint(2, 12))
        self.session.commit()
        staff = self.staff(s.routed_office_id)
        if plan.accept:
            note = "A strong fit for our priority: we would like to introduce you."
            decide_suggestion(self.session, s.id, staff, "accept", s.version, note=note)
        else:
            reason = self.rng.choice(sorted(set(DECLINE_REASONS) - {"other", "sensitive"}))
            decide_suggestion(self.session, s.id, staff, "decline", s.version, reason=reason)
        self.clock.settle(when)
        self.counts["decisions"] += 1
        if not plan.accept:
            return None
        self.counts["introductions"] += 1
        intro = self.session.scalar(select(Introduction).where(Introduction.suggestion_id == s.id))
        intro.expires_at = when + EXPIRE_AFTER  # the request's 30 days count from its time
        self.session.commit()
        return intro

    def answer(self, intro: Introduction, action: str, when: datetime) -> None:
        from matchmaker.services.introductions.transitions import transition

        member = self.member_of(intro.company_id)
        reason = "" if action == "accept" else "Not a priority for us this year."
        transition(self.session, intro.id, member, action, intro.version, reason, now=when)

    def engage(self, intro: Introduction, when: datetime, n: int) -> None:
        from matchmaker.services.introductions.engagement_input import (
            EngagementInput,
            ResultInput,
        )
        from matchmaker.services.introductions.engagements import (
            plan_engagement,
            rate_as_company,
            record_result,
        )

        staff, member = self.staff(intro.office_id), self.member_of(intro.company_id)
        mode = MODES[self.counts["engagements"] % len(MODES)]
        kind = KINDS[self.rng.randrange(len(KINDS))]
        data = EngagementInput(
            kind=kind,
            mode=mode,
            local_start=when.replace(tzinfo=None),
            time_zone="UTC",
            duration_minutes=60,
            location="" if mode == "virtual" else f"{intro.office.name}, meeting room {n}",
            meeting_link="" if mode == "in_person" else "https://meet.example/demo",
            agenda="Introductions, the priority, possible next steps.",
            staff_ids=[staff.id],
            member_ids=[member.id],
            already_happened=True,
        )
        after = when + timedelta(hours=2)
        e = plan_engagement(self.session, intro.id, staff, data, now=after)
        self.clock.settle(after)
        no_show = self.rng.random() < 0.1
        result = ResultInput(
            status="no_show" if no_show else "happened",
            office_rating=None if no_show else self.rng.randint(3, 5),
            next_steps="" if no_show else "Share the project brief; meet again in a month.",
            staff_hours=Decimal(self.rng.choice(("1.5", "2", "3", "4.5", "6"))),
        )
        e = record_result(self.session, e.id, staff, result, e.version, now=after)
        if not no_show and self.rng.random() < 0.6:
            rate_as_company(
                self.session, e.id, member, self.rng.randint(3, 5), e.version, now=after
            )
        self.counts["engagements"] += 1

    def draft(self, intro: Introduction, when: datetime, company_signs: bool) -> None:
        from matchmaker.services.agreements import drafting, links, signing

        staff, member = self.staff(intro.office_id), self.member_of(intro.company_id)
        title = f"Memorandum of understanding: {intro.company.name.strip()}"[:200]
        details = drafting.AgreementDetails(title=title, kind="mou")
        a = drafting.create_agreement(
            self.session, intro.id, staff, details, demo_pdf(title), "mou.pdf"
        )
        office, company = intro.office.name, intro.company.name
        a = drafting.add_signatory(
            self.session, a.id, staff, a.version, staff.name, staff.email, office
        )
        a = drafting.add_signatory(
            self.session, a.id, staff, a.version, member.name, member.email, company
        )
        a = drafting.send_for_signature(self.session, a.id, staff, a.version)
        self.clock.settle(when)
        client = signing.Client("127.0.0.1", "Matchmaker demo loader")
        for row in list(a.signatories):
            if row.email == member.email and not company_signs:
                continue
            token = links.signing_token(row, a.document.number)
            signing.sign(self.session, token, row.name, True, a.document.sha256, client)
            when += timedelta(days=2)
            self.clock.settle(when)
        if company_signs:
            self.counts["signed"] += 1

    def activate(self, intro: Introduction, when: datetime, feature: bool) -> None:
        from matchmaker.services.briefing.features import mark_feature
        from matchmaker.services.introductions import outcomes

        staff = self.staff(intro.office_id)
        first = outcomes.OutcomeInput(
            kind=self.rng.choice(("investment", "pilot", "jobs", "office_opening")),
            amount=Decimal(self.rng.randrange(2, 40) * 50_000),
            currency="USD",
            jobs_expected=self.rng.randrange(5, 60),
            description="Expected from the signed memorandum.",
        )
        outcomes.activate_partnership(self.session, intro.id, staff, first, intro.version, when)
        self.clock.settle(when)
        if feature:
            summary = f"{intro.company.name.strip()} and {intro.office.name} signed a partnership."
            mark_feature(self.session, intro.id, staff, summary, now=when + timedelta(days=1))
        due = self.session.scalars(
            select(FollowUp)
            .where(FollowUp.introduction_id == intro.id, FollowUp.due_on < self.today.date())
            .order_by(FollowUp.months)
        ).all()
        for follow_up in due:
            done = datetime.combine(follow_up.due_on, datetime.min.time(), UTC)
            data = outcomes.FollowUpInput(
                actual_amount=Decimal(self.rng.randrange(1, 20) * 25_000),
                actual_currency="USD",
                actual_jobs=self.rng.randrange(2, 30),
                notes="On track.",
            )
            outcomes.record_follow_up(
                self.session, follow_up.id, staff, data, follow_up.version, done
            )

    def play(self, plan: Plan) -> None:
        intro = self.decide(plan)
        if intro is None or not plan.answer:
            return
        start = _at(self.today, plan.days)
        self.answer(intro, plan.answer, start + timedelta(days=2))
        for n in range(plan.engagements):
            self.engage(intro, start + timedelta(days=7 + 14 * n), n + 1)
        if plan.sign:
            self.draft(intro, start + timedelta(days=36), company_signs=True)
        if plan.activate:
            self.activate(intro, start + timedelta(days=45), plan.feature)

    def company_journey(self) -> str:
        """The demo member's company: one request waiting for its answer, and one agreement
        waiting for its signature (the office signed already). Returns the member's signing
        link: its email is not sent, so the demo prints it."""
        from matchmaker.services.agreements import links

        link = ""
        rows = self.session.scalars(
            select(Suggestion)
            .where(
                Suggestion.company_id == self.member.company_id,
                Suggestion.status == SuggestionStatus.SUGGESTED,
            )
            .order_by(Suggestion.priority_id)
        ).all()
        rows = [s for s in rows if not s.awaiting_admin]
        if len(rows) >= 2:
            intro = self.decide(Plan(rows[1], 60, True))
            start = _at(self.today, 60)
            self.answer(intro, "accept", start + timedelta(days=2))
            self.engage(intro, start + timedelta(days=10), 1)
            self.draft(intro, _at(self.today, 12), company_signs=False)
            agreement = self.session.scalar(
                select(Agreement).where(Agreement.introduction_id == intro.id)
            )
            row = next(r for r in agreement.signatories if r.email == self.member.email)
            link = links.signing_url(row, agreement.document.number)
        if rows:
            self.decide(Plan(rows[0], 3, True))
        return link


def load_history(session: Session, home_office: str, member_email: str, echo=print) -> dict:
    """Play the demo history; returns what it counted."""
    started = time.perf_counter()
    with emails_held(session):
        history = History(session, home_office, member_email, echo)
        plans = make_plans(session, history.rng, history.home, history.member, history.today)
        for k, plan in enumerate(plans, 1):
            history.play(plan)
            if k % 10 == 0:
                echo(f"  history: {k}/{len(plans)} suggestions played")
        link = history.company_journey()
    counts = history.counts
    counts["engagements"] = session.scalar(select(func.count(Engagement.id)))
    counts["active"] = session.scalar(
        select(func.count(Introduction.id)).where(Introduction.stage == IntroductionStage.ACTIVE)
    )
    echo(
        "history: {decisions} office decisions, {introductions} introductions, "
        "{engagements} engagements, {signed} signed agreements, {active} active "
        "partnerships in {seconds:.1f} s".format(**counts, seconds=time.perf_counter() - started)
    )
    if link:
        echo(f"  the demo company member's signing link (valid 14 days): {link}")
    return counts
