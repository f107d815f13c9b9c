"""axe-core over the main pages of every role: no serious or critical accessibility violation.

axe-core is vendored (tests/e2e/vendor/axe.min.js, see its README there) and injected into each
page; nothing is downloaded when the tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories as f
from tests.e2e.browser import log_in

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = {"serious", "critical"}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + n.html.slice(0, 120)),
  }));
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    # The app's Content-Security-Policy forbids inline scripts, and an injected script tag is
    # one: the test tool, not the page, is let through.
    return {**browser_context_args, "bypass_csp": True}


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def check(page, base: str, paths: list[str]) -> None:
    problems = []
    for path in paths:
        response = page.goto(base + path)
        assert response.status in (200, 400, 409), (path, response.status)
        problems += [f"{path}: {v}" for v in serious_violations(page)]
    assert not problems, "\n".join(problems)


def test_public_pages_have_no_serious_violations(live_server, page):
    check(page, live_server.url, ["/", "/auth/login", "/signup", "/auth/reset"])
    # A form showing its errors: the fields say they are invalid and name their message.
    page.goto(live_server.url + "/auth/login")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert not serious_violations(page)
    page.goto(live_server.url + "/signup")
    page.get_by_role("button", name="Sign up").click()
    assert not serious_violations(page)


def test_company_pages_have_no_serious_violations(live_server, page):
    member = f.CompanyMemberFactory()
    profile = f.ProfileFactory(company=member.company)
    f.PriorityFactory(visible_to_companies=True)
    intro = f.IntroductionFactory(suggestion__profile=profile)
    met = f.EngagementFactory(  # a meeting that took place: its rating form shows
        introduction__suggestion__profile=profile, status="happened"
    )
    email, profile_id, intro_id, met_id = member.email, profile.id, intro.id, met.introduction_id
    log_in(page, live_server.url, email)
    check(
        page,
        live_server.url,
        [
            "/dashboard",
            "/company",
            "/company/edit",
            "/company/profiles",
            "/company/profiles/new",
            f"/company/profiles/{profile_id}/edit",
            "/company/members",
            "/opportunities",
            "/company/introductions",
            f"/company/introductions/{intro_id}",
            f"/company/introductions/{met_id}",
        ],
    )


def test_staff_pages_have_no_serious_violations(live_server, page):
    staff = f.StaffFactory()
    priority = f.PriorityFactory(office=staff.office)
    row = f.SuggestionFactory(priority=priority, explanation={"sentences": ["Shared sectors."]})
    intro = f.IntroductionFactory(suggestion__priority=priority)
    email, priority_id, row_id, intro_id = staff.email, priority.id, row.id, intro.id
    met = f.EngagementFactory(introduction__suggestion__priority=priority)
    follow_up = f.FollowUpFactory(introduction=met.introduction)
    met_id, met_intro, follow_up_id = met.id, met.introduction_id, follow_up.id
    log_in(page, live_server.url, email)
    check(
        page,
        live_server.url,
        [
            "/dashboard",
            "/office",
            "/queue",
            f"/suggestions/{row_id}",
            f"/priorities/{priority_id}",
            f"/priorities/{priority_id}/edit",
            "/office/priorities/new",
            "/companies/import",
            "/settings/notifications",
            "/introductions",
            f"/introductions/{intro_id}",
            f"/introductions/{met_intro}",
            f"/introductions/{met_intro}/engagements/new",
            f"/engagements/{met_id}/edit",
            f"/engagements/{met_id}/result",
            f"/introductions/{met_intro}/close",
            f"/follow-ups/{follow_up_id}",
        ],
    )


def test_admin_pages_have_no_serious_violations(live_server, page):
    admin = f.AdminFactory()
    row = f.SuggestionFactory(flagged=True)
    office_id, city_id, row_id = row.routed_office_id, row.priority.office.city_id, row.id
    company_id = row.company_id
    log_in(page, live_server.url, admin.email)
    check(
        page,
        live_server.url,
        [
            "/dashboard",
            "/admin/cities",
            "/admin/cities/new",
            f"/admin/cities/{city_id}/edit",
            "/admin/offices",
            "/admin/offices/new",
            f"/admin/offices/{office_id}",
            "/admin/companies",
            f"/admin/companies/{company_id}",
            "/admin/outbox",
            "/admin/jobs",
            "/admin/review",
            f"/suggestions/{row_id}",
            "/admin/queues",
            f"/admin/queues/{office_id}",
            "/admin/routing",
            "/admin/sensitivity",
            "/admin/audit",
            "/introductions",
            "/admin/introduction-events",
            "/companies/import",
            "/admin/users",
            "/admin/auth-events",
            "/account/sessions",
            "/settings/mfa",
        ],
    )


def test_signing_pages_have_no_serious_violations(live_server, page):
    from matchmaker.extensions import db
    from matchmaker.orm import Signature, utcnow
    from matchmaker.services.agreements import links

    invited = f.SignatoryFactory(name="Ben Boss", email="ben@fan.example")
    signed = f.AgreementFactory(status="signed", signed_at=utcnow())
    signer = f.SignatoryFactory(agreement=signed, name="Anna Mayor", status="signed")
    db.session.add(
        Signature(
            signatory=signer,
            document=signed.document,
            typed_name="Anna Mayor",
            email=signer.email,
            ip_address="127.0.0.1",
            user_agent="TestBrowser/1.0",
            sha256=signed.document.sha256,
        )
    )
    db.session.commit()
    sign = links.signing_token(invited, 1)
    certificate = links.certificate_token(signed)
    check(
        page,
        live_server.url,
        [
            f"/sign/{sign}",
            "/sign/not-a-valid-link",  # the refusal page (400)
            f"/agreements/certificate/{certificate}",
            "/verify",
        ],
    )
    # The signing form showing its errors (no name, no consent).
    page.goto(f"{live_server.url}/sign/{sign}")
    page.get_by_role("button", name="Sign the document").click()
    assert not serious_violations(page)
