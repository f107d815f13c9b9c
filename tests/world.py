"""Two tenants of each kind, for authorization tests: everything of A must be hidden from B."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.orm import utcnow
from tests import factories as f


@dataclass
class World:
    admin: object
    office_a: object
    office_b: object
    staff_a: object
    staff_b: object
    company_a: object
    company_b: object
    member_a: object
    member_b: object
    profile_a: object
    profile_b: object
    priority_a: object
    priority_b: object
    suggestion_a: object
    email: object
    city_a: object = None  # office A's city
    draft_a: object = None  # a draft priority of office A, hidden from companies
    invitee_a: object = None  # invited to office A, no password set yet
    colleague_a: object = None  # a second member of company A
    batch_a: object = None  # a CSV import uploaded by staff A
    rule_a: object = None  # a routing rule sending suggestions to office A
    rule_b: object = None  # a second routing rule (deleted by the matrix)
    sensitive_a: object = None  # an entry of the sensitivity policy
    session_a: object = None  # a live server-side session of company A's member (another device)
    introduction_a: object = None  # office A's request to company A, waiting for the answer
    block_a: object = None  # company A asked for no more introductions from office B
    engagement_a: object = None  # a meeting of office A and company A, yesterday, result due
    follow_up_a: object = None  # the 6-month follow-up of office A's partnership with company A
    agreement_a: object = None  # an MOU between office A and company A, out for signature
    signatory_a: object = None  # invited to sign agreement_a (their link is live)
    signed_a: object = None  # an MOU between office A and company A everyone signed

    def user(self, role: str):
        """The user acting as a role name of the matrix, or None for anonymous."""
        return {
            "anonymous": None,
            "company_a": self.member_a,
            "company_b": self.member_b,
            "staff_a": self.staff_a,
            "staff_b": self.staff_b,
            "admin": self.admin,
        }[role]


def build_world() -> World:
    from matchmaker.extensions import db
    from matchmaker.orm import OutboxEmail

    office_a, office_b = f.OfficeFactory(name="Office A"), f.OfficeFactory(name="Office B")
    company_a, company_b = f.CompanyFactory(name="Company A"), f.CompanyFactory(name="Company B")
    profile_a, profile_b = f.ProfileFactory(company=company_a), f.ProfileFactory(company=company_b)
    priority_a, priority_b = f.PriorityFactory(office=office_a), f.PriorityFactory(office=office_b)
    email = OutboxEmail(to="someone@example.org", subject="Hello", body="Body")
    db.session.add(email)
    db.session.commit()
    world = World(
        admin=f.AdminFactory(email="admin@example.org"),
        office_a=office_a,
        office_b=office_b,
        staff_a=f.StaffFactory(email="staff-a@example.org", office=office_a),
        staff_b=f.StaffFactory(email="staff-b@example.org", office=office_b),
        company_a=company_a,
        company_b=company_b,
        member_a=f.CompanyMemberFactory(email="member-a@example.org", company=company_a),
        member_b=f.CompanyMemberFactory(email="member-b@example.org", company=company_b),
        profile_a=profile_a,
        profile_b=profile_b,
        priority_a=priority_a,
        priority_b=priority_b,
        suggestion_a=f.SuggestionFactory(priority=priority_a, profile=profile_a),
        email=email,
        city_a=office_a.city,
        draft_a=f.PriorityFactory(office=office_a, status="draft", visible_to_companies=False),
        invitee_a=f.StaffFactory(
            email="invitee-a@example.org", office=office_a, password_hash=None
        ),
    )
    world.colleague_a = f.CompanyMemberFactory(email="colleague-a@example.org", company=company_a)
    world.batch_a = f.ImportBatchFactory(uploaded_by_id=world.staff_a.id)
    world.rule_a = f.RoutingRuleFactory(target_office=office_a, hq_country="JP")
    world.rule_b = f.RoutingRuleFactory(target_office=office_b, hq_country="FR")
    world.sensitive_a = f.SensitiveCountryFactory(country="RU")
    world.session_a = f.UserSessionFactory(user_id=world.member_a.id)
    world.introduction_a = f.IntroductionFactory(
        suggestion__priority=priority_a, suggestion__profile=f.ProfileFactory(company=company_a)
    )
    world.block_a = f.IntroductionBlockFactory(company_id=company_a.id, office_id=office_b.id)
    world.engagement_a = f.EngagementFactory(
        introduction__suggestion__priority=priority_a,
        introduction__suggestion__profile=f.ProfileFactory(company=company_a),
    )
    world.follow_up_a = f.FollowUpFactory(
        introduction__suggestion__priority=priority_a,
        introduction__suggestion__profile=f.ProfileFactory(company=company_a),
    )
    connected = f.IntroductionFactory(
        stage="agreement_drafted",
        suggestion__priority=priority_a,
        suggestion__profile=f.ProfileFactory(company=company_a),
    )
    world.agreement_a = f.AgreementFactory(introduction=connected)
    world.signatory_a = f.SignatoryFactory(agreement=world.agreement_a)
    world.signed_a = f.AgreementFactory(introduction=connected, status="signed", signed_at=utcnow())
    return world
