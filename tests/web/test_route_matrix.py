"""Every route in app.url_map, for every role: the expected status, or the test fails.

Objects in URLs belong to tenant A (office A, company A), so the B roles must get 404 where a
route is tenant-scoped. A route missing from ROUTES fails test_every_route_is_in_the_table.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.helpers import bearer, token_for
from tests.api.matrix import API_ROUTES, request_kwargs
from tests.world import build_world

ROLES = ["anonymous", "company_a", "company_b", "staff_a", "staff_b", "admin"]
LAST = "auth.logout"
LOGIN = 302  # anonymous users are sent to the login page


def expect(anonymous, company_a, company_b, staff_a, staff_b, admin) -> dict:
    return dict(zip(ROLES, [anonymous, company_a, company_b, staff_a, staff_b, admin], strict=True))


PUBLIC = expect(200, 200, 200, 200, 200, 200)
ANY_USER = expect(LOGIN, 200, 200, 200, 200, 200)
ADMIN_ONLY = expect(LOGIN, 403, 403, 403, 403, 200)
GUEST_ONLY = expect(200, 302, 302, 302, 302, 302)  # logged-in users are sent to their dashboard
COMPANY_ONLY = expect(LOGIN, 200, 200, 403, 403, 403)
STAFF_OR_ADMIN = expect(LOGIN, 403, 403, 200, 200, 200)
ADMIN_POST = expect(LOGIN, 403, 403, 403, 403, 302)
AGREEMENT_POST = expect(LOGIN, 403, 403, 302, 404, 302)


def _sign_token(w) -> str:
    from matchmaker.services.agreements import links

    return links.signing_token(w.signatory_a, 1)


def _certificate_token(w) -> str:
    from matchmaker.services.agreements import links

    return links.certificate_token(w.signed_a)


def _member_a_token(w) -> int:
    from matchmaker.extensions import db
    from matchmaker.orm import ApiToken

    token_for(w.member_a, ["read:profiles"])
    return max(db.session.scalars(select(ApiToken.id).where(ApiToken.user_id == w.member_a.id)))


# endpoint: (method, url built from the world, expected status by role)
ROUTES: dict[str, tuple[str, object, dict]] = {
    "static": ("GET", lambda w: "/static/css/app.css", PUBLIC),
    "main.index": ("GET", lambda w: "/", expect(200, 302, 302, 302, 302, 302)),
    "main.dashboard": ("GET", lambda w: "/dashboard", ANY_USER),
    "main.health": ("GET", lambda w: "/health", PUBLIC),
    "auth.login": ("GET", lambda w: "/auth/login", GUEST_ONLY),
    "auth.logout": ("POST", lambda w: "/auth/logout", expect(LOGIN, 302, 302, 302, 302, 302)),
    "auth.change_password": ("GET", lambda w: "/auth/password", ANY_USER),
    "auth.request_reset": ("GET", lambda w: "/auth/reset", PUBLIC),
    "auth.reset_password": ("GET", lambda w: "/auth/reset/not-a-token", expect(*[302] * 6)),
    # the MFA login step needs a pending marker (a right password moments ago): else to login
    "auth.mfa_code": ("GET", lambda w: "/auth/mfa", expect(*[302] * 6)),
    "auth.mfa_enrol": ("GET", lambda w: "/auth/mfa/enrol", expect(*[302] * 6)),
    "mfa.settings": ("GET", lambda w: "/settings/mfa", ANY_USER),
    # the world's admin is enrolled (admins must be): sent back to the settings
    "mfa.enrol": ("GET", lambda w: "/settings/mfa/enrol", expect(LOGIN, 200, 200, 200, 200, 302)),
    # without a code the settings page comes back with the error next to the field
    "mfa.turn_off": ("POST", lambda w: "/settings/mfa/off", ANY_USER),
    "mfa.recovery_codes": ("POST", lambda w: "/settings/mfa/recovery-codes", ANY_USER),
    "mfa.users": ("GET", lambda w: "/admin/users", ADMIN_ONLY),
    "mfa.reset": ("POST", lambda w: f"/admin/users/{w.staff_b.id}/mfa/reset", ADMIN_POST),
    "admin.outbox": ("GET", lambda w: "/admin/outbox", ADMIN_ONLY),
    "admin.outbox_email": ("GET", lambda w: f"/admin/outbox/{w.email.id}", ADMIN_ONLY),
    "admin.retry_email": (
        "POST",
        lambda w: f"/admin/outbox/{w.email.id}/retry",
        expect(LOGIN, 403, 403, 403, 403, 302),
    ),
    "admin.failed_jobs": ("GET", lambda w: "/admin/jobs", ADMIN_ONLY),
    # one's own sessions: another user's session id answers 404; end it before "end all others"
    "account.sessions_page": ("GET", lambda w: "/account/sessions", ANY_USER),
    "account.end_session": (
        "POST",
        lambda w: f"/account/sessions/{w.session_a.id}/end",
        expect(LOGIN, 302, 404, 404, 404, 404),
    ),
    "account.end_other_sessions": (
        "POST",
        lambda w: "/account/sessions/end-others",
        expect(LOGIN, 302, 302, 302, 302, 302),
    ),
    # companies: sign-up, own pages (company A's ids answer 404 to company B), import, admin
    "signup.signup": ("GET", lambda w: "/signup", GUEST_ONLY),
    "signup.sent": ("GET", lambda w: "/signup/sent", PUBLIC),
    # GET shows a confirm button and changes nothing (its POST confirms); a bad link: to login
    "signup.confirm": ("GET", lambda w: "/signup/confirm/not-a-token", expect(*[302] * 6)),
    "signup.accept_invitation": (
        "GET",
        lambda w: "/signup/invitation/not-a-token",
        expect(*[302] * 6),
    ),
    "signup.naics_search": ("GET", lambda w: "/naics/search?q=software", PUBLIC),
    "my_company.overview": ("GET", lambda w: "/company", COMPANY_ONLY),
    "my_company.edit": ("GET", lambda w: "/company/edit", COMPANY_ONLY),
    "my_company.profiles": ("GET", lambda w: "/company/profiles", COMPANY_ONLY),
    "my_company.new_profile": ("GET", lambda w: "/company/profiles/new", COMPANY_ONLY),
    "my_company.edit_profile": (
        "GET",
        lambda w: f"/company/profiles/{w.profile_a.id}/edit",
        expect(LOGIN, 200, 404, 403, 403, 403),
    ),
    "my_company.members_page": ("GET", lambda w: "/company/members", COMPANY_ONLY),
    "my_company.remove_member": (
        "POST",
        lambda w: f"/company/members/{w.colleague_a.id}/remove",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    "my_company.export_data": ("GET", lambda w: "/company/export.json", COMPANY_ONLY),
    "my_company.delete_account": ("GET", lambda w: "/company/delete", COMPANY_ONLY),
    "companies.import_upload": ("GET", lambda w: "/companies/import", STAFF_OR_ADMIN),
    "companies.import_template": (
        "GET",
        lambda w: "/companies/import/template.csv",
        STAFF_OR_ADMIN,
    ),
    "companies.import_preview": (
        "GET",
        lambda w: f"/companies/import/{w.batch_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 404),
    ),
    "companies.import_run": (
        "POST",
        lambda w: f"/companies/import/{w.batch_a.id}/run",
        expect(LOGIN, 403, 403, 302, 404, 404),
    ),
    "companies.export_csv": ("GET", lambda w: "/companies/export.csv", STAFF_OR_ADMIN),
    "companies.admin_companies": ("GET", lambda w: "/admin/companies", ADMIN_ONLY),
    "companies.admin_company": (
        "GET",
        lambda w: f"/admin/companies/{w.company_a.id}",
        ADMIN_ONLY,
    ),
    "companies.verify": ("POST", lambda w: f"/admin/companies/{w.company_a.id}/verify", ADMIN_POST),
    "companies.suspend": (
        "POST",
        lambda w: f"/admin/companies/{w.company_b.id}/suspend",
        ADMIN_POST,
    ),
    "companies.merge": ("POST", lambda w: f"/admin/companies/{w.company_b.id}/merge", ADMIN_POST),
    # cities, offices, staff (issue 4)
    "organisations.cities": ("GET", lambda w: "/admin/cities", ADMIN_ONLY),
    "organisations.new_city": ("GET", lambda w: "/admin/cities/new", ADMIN_ONLY),
    "organisations.edit_city": ("GET", lambda w: f"/admin/cities/{w.city_a.id}/edit", ADMIN_ONLY),
    "organisations.offices": ("GET", lambda w: "/admin/offices", ADMIN_ONLY),
    "organisations.new_office": ("GET", lambda w: "/admin/offices/new", ADMIN_ONLY),
    "organisations.office": ("GET", lambda w: f"/admin/offices/{w.office_a.id}", ADMIN_ONLY),
    "organisations.edit_office": (
        "GET",
        lambda w: f"/admin/offices/{w.office_a.id}/edit",
        ADMIN_ONLY,
    ),
    "organisations.invite_staff": (
        "POST",
        lambda w: f"/admin/offices/{w.office_a.id}/staff",
        ADMIN_ONLY,
    ),
    "organisations.resend_invitation": (
        "POST",
        lambda w: f"/admin/staff/{w.invitee_a.id}/invite",
        expect(LOGIN, 403, 403, 403, 403, 302),
    ),
    "organisations.deactivate_staff": (
        "POST",
        lambda w: f"/admin/staff/{w.invitee_a.id}/deactivate",
        expect(LOGIN, 403, 403, 403, 403, 302),
    ),
    "organisations.activate_staff": (
        "POST",
        lambda w: f"/admin/staff/{w.invitee_a.id}/activate",
        expect(LOGIN, 403, 403, 403, 403, 302),
    ),
    "organisations.accept_invitation": ("GET", lambda w: "/invite/not-a-token", expect(*[302] * 6)),
    # the office dashboard and priorities: office A's draft is 404 for office B's staff
    "priorities.dashboard": ("GET", lambda w: "/office", expect(LOGIN, 403, 403, 200, 200, 200)),
    "priorities.new_priority": (
        "GET",
        lambda w: "/office/priorities/new",
        expect(LOGIN, 403, 403, 200, 200, 403),
    ),
    "priorities.priority": (
        "GET",
        lambda w: f"/priorities/{w.draft_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "priorities.edit_priority": (
        "GET",
        lambda w: f"/priorities/{w.draft_a.id}/edit",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    # the review work (issue 6): office A's suggestion is 404 for office B's staff
    "queue.office_queue": ("GET", lambda w: "/queue", expect(LOGIN, 403, 403, 200, 200, 403)),
    "queue.suggestion": (
        "GET",
        lambda w: f"/suggestions/{w.suggestion_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "queue.act": (
        "POST",
        lambda w: f"/suggestions/{w.suggestion_a.id}/claim",
        expect(LOGIN, 403, 403, 302, 404, 302),
    ),
    "queue.bulk_decline": (
        "POST",
        lambda w: "/queue/decline",
        expect(LOGIN, 403, 403, 302, 302, 403),
    ),
    "oversight.flagged": ("GET", lambda w: "/admin/review", ADMIN_ONLY),
    "oversight.queues": ("GET", lambda w: "/admin/queues", ADMIN_ONLY),
    "oversight.office_queue": ("GET", lambda w: f"/admin/queues/{w.office_a.id}", ADMIN_ONLY),
    "oversight.audit_log": ("GET", lambda w: "/admin/audit", ADMIN_ONLY),
    "oversight.audit_csv": ("GET", lambda w: "/admin/audit.csv", ADMIN_ONLY),
    "auth_audit.events": ("GET", lambda w: "/admin/auth-events", ADMIN_ONLY),
    "auth_audit.events_csv": ("GET", lambda w: "/admin/auth-events.csv", ADMIN_ONLY),
    "demand.overview": ("GET", lambda w: "/demand", STAFF_OR_ADMIN),
    "demand.table_csv": ("GET", lambda w: "/demand.csv?dimension=state", STAFF_OR_ADMIN),
    "demand.trend_csv": ("GET", lambda w: "/demand/trend.csv", STAFF_OR_ADMIN),
    "routing.rules": ("GET", lambda w: "/admin/routing", ADMIN_ONLY),
    "routing.move_rule": ("POST", lambda w: f"/admin/routing/{w.rule_a.id}/move", ADMIN_POST),
    "routing.delete_rule": ("POST", lambda w: f"/admin/routing/{w.rule_b.id}/delete", ADMIN_POST),
    "routing.sensitivity": ("GET", lambda w: "/admin/sensitivity", ADMIN_ONLY),
    "routing.remove_country": (
        "POST",
        lambda w: f"/admin/sensitivity/{w.sensitive_a.id}/delete",
        ADMIN_POST,
    ),
    "notifications.settings": (
        "GET",
        lambda w: "/settings/notifications",
        expect(LOGIN, 403, 403, 200, 200, 403),
    ),
    "notifications.unsubscribe": ("GET", lambda w: "/unsubscribe/not-a-token", expect(*[400] * 6)),
    # companies browse visible open priorities (office A's is visible to every company)
    "opportunities.browse": (
        "GET",
        lambda w: "/opportunities",
        expect(LOGIN, 200, 200, 403, 403, 403),
    ),
    "opportunities.interest": (
        "GET",
        lambda w: f"/opportunities/{w.priority_a.id}/interest",
        expect(LOGIN, 200, 200, 403, 403, 403),
    ),
    # introductions (issue 10): office A's request to company A; the other tenants get 404
    "introductions.office_list": (
        "GET",
        lambda w: "/introductions",
        expect(LOGIN, 403, 403, 200, 200, 200),
    ),
    "introductions.detail": (
        "GET",
        lambda w: f"/introductions/{w.introduction_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "introductions.message": (
        "POST",
        lambda w: f"/introductions/{w.introduction_a.id}/messages",
        expect(LOGIN, 403, 403, 302, 404, 302),
    ),
    "introductions.audit_log": ("GET", lambda w: "/admin/introduction-events", ADMIN_ONLY),
    "introductions.audit_csv": ("GET", lambda w: "/admin/introduction-events.csv", ADMIN_ONLY),
    "company_introductions.company_list": (
        "GET",
        lambda w: "/company/introductions",
        COMPANY_ONLY,
    ),
    "company_introductions.detail": (
        "GET",
        lambda w: f"/company/introductions/{w.introduction_a.id}",
        expect(LOGIN, 200, 404, 403, 403, 403),
    ),
    "company_introductions.answer": (
        "POST",
        lambda w: f"/company/introductions/{w.introduction_a.id}/decline",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    "company_introductions.message": (
        "POST",
        lambda w: f"/company/introductions/{w.introduction_a.id}/messages",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    "company_introductions.block": (
        "POST",
        lambda w: f"/company/introductions/{w.introduction_a.id}/block",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    # engagements and partnerships (issue 10.2-3): office A's meeting and follow-up with company A
    "engagements.new": (
        "GET",
        lambda w: f"/introductions/{w.engagement_a.introduction_id}/engagements/new",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "engagements.edit": (
        "GET",
        lambda w: f"/engagements/{w.engagement_a.id}/edit",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "engagements.cancel": (
        "POST",
        lambda w: f"/engagements/{w.engagement_a.id}/cancel",
        expect(LOGIN, 403, 403, 302, 404, 302),
    ),
    "engagements.result": (
        "GET",
        lambda w: f"/engagements/{w.engagement_a.id}/result",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "engagements.rate": (
        "POST",
        lambda w: f"/company/engagements/{w.engagement_a.id}/rating",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    "partnerships.step": (
        "GET",
        lambda w: f"/introductions/{w.engagement_a.introduction_id}/close",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "partnerships.follow_up": (
        "GET",
        lambda w: f"/follow-ups/{w.follow_up_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "company_introductions.unblock": (
        "POST",
        lambda w: f"/company/introductions/blocks/{w.block_a.id}/delete",
        expect(LOGIN, 302, 404, 403, 403, 403),
    ),
    # agreements (issue 10.4): office A's MOU with company A, out for signature; company A sees
    # it (not its drafts); the other tenants get 404. Invalid (empty) forms change nothing.
    "agreements.new": (
        "GET",
        lambda w: f"/introductions/{w.agreement_a.introduction_id}/agreements/new",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "agreements.detail": (
        "GET",
        lambda w: f"/agreements/{w.agreement_a.id}",
        expect(LOGIN, 200, 404, 200, 404, 200),
    ),
    "agreements.document": (
        "GET",
        lambda w: f"/agreements/{w.agreement_a.id}/document",
        expect(LOGIN, 200, 404, 200, 404, 200),
    ),
    "agreements.edit": ("POST", lambda w: f"/agreements/{w.agreement_a.id}/edit", AGREEMENT_POST),
    "agreements.add_signatory": (
        "POST",
        lambda w: f"/agreements/{w.agreement_a.id}/signatories",
        AGREEMENT_POST,
    ),
    "agreements.signatory_action": (
        "POST",
        lambda w: f"/agreements/{w.agreement_a.id}/signatories/{w.signatory_a.id}/remind",
        AGREEMENT_POST,
    ),
    "agreements.upload_version": (
        "POST",
        lambda w: f"/agreements/{w.agreement_a.id}/versions",
        AGREEMENT_POST,
    ),
    "agreements.act": (
        "POST",
        lambda w: f"/agreements/{w.agreement_a.id}/withdraw",
        AGREEMENT_POST,
    ),
    "agreements.audit_log": ("GET", lambda w: "/admin/agreement-events", ADMIN_ONLY),
    "agreements.audit_csv": ("GET", lambda w: "/admin/agreement-events.csv", ADMIN_ONLY),
    # a signatory's link needs no account: the same answer for everyone
    "signing.review": ("GET", lambda w: f"/sign/{_sign_token(w)}", PUBLIC),
    "signing.document": ("GET", lambda w: f"/sign/{_sign_token(w)}/document", PUBLIC),
    # an empty form shows the page again with the errors; a bad link is refused (400)
    "signing.sign": ("POST", lambda w: f"/sign/{_sign_token(w)}/sign", PUBLIC),
    "signing.decline": ("POST", lambda w: "/sign/not-a-token/decline", expect(*[400] * 6)),
    "signing.certificate": (
        "GET",
        lambda w: f"/agreements/certificate/{_certificate_token(w)}",
        PUBLIC,
    ),
    "signing.certificate_document": (
        "GET",
        lambda w: f"/agreements/certificate/{_certificate_token(w)}/document",
        PUBLIC,
    ),
    "signing.certificate_pdf": (
        "GET",
        lambda w: f"/agreements/certificate/{_certificate_token(w)}/certificate.pdf",
        PUBLIC,
    ),
    "signing.verify": ("GET", lambda w: "/verify", PUBLIC),
    # city briefing (issue 11.2): staff brief on their own city (B asking for A's city: 404)
    "briefing.start": ("GET", lambda w: "/briefing", STAFF_OR_ADMIN),
    "briefing.document": (
        "GET",
        lambda w: f"/briefing/document?city_id={w.city_a.id}&start=2026-01-01&end=2026-03-31",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "briefing.pdf": (
        "GET",
        lambda w: f"/briefing/briefing.pdf?city_id={w.city_a.id}&start=2026-01-01&end=2026-03-31",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    "briefing.feature": (
        "GET",
        lambda w: f"/introductions/{w.follow_up_a.introduction_id}/briefing",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    # an empty form removes nothing: back to the feature's page
    "briefing.unfeature": (
        "POST",
        lambda w: f"/introductions/{w.follow_up_a.introduction_id}/briefing/remove",
        expect(LOGIN, 403, 403, 302, 404, 302),
    ),
    # staff see their own office (the default) and city; another office's metrics answer 404
    "metrics.page": ("GET", lambda w: "/metrics", STAFF_OR_ADMIN),
    "metrics.csv": (
        "GET",
        lambda w: f"/metrics.csv?scope=office:{w.office_a.id}",
        expect(LOGIN, 403, 403, 200, 404, 200),
    ),
    # personal API tokens (issue 14)
    "api_tokens.tokens_page": ("GET", lambda w: "/account/tokens", ANY_USER),
    "api_tokens.create": (
        "POST",
        lambda w: "/account/tokens",
        expect(LOGIN, 422, 422, 422, 422, 422),  # an empty form: the errors, nothing made
    ),
    # company A's member's token: everyone else gets 404
    "api_tokens.revoke": (
        "POST",
        lambda w: f"/account/tokens/{_member_a_token(w)}/revoke",
        expect(LOGIN, 302, 404, 404, 404, 404),
    ),
}
# /api/v1 (issue 14): a browser session is no API credential (401); bearer tokens per role are
# in API_ROUTES (tests/api/matrix.py), checked by test_api_route_matrix below.
API_PUBLIC = ("api-docs.openapi_json", "api_docs.docs")
for _key, _row in API_ROUTES.items():
    if " " not in _key:  # one row per endpoint: its first method
        ROUTES[_key] = (_row[0], _row[1], PUBLIC if _key in API_PUBLIC else expect(*[401] * 6))


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ROUTES))
    stale = sorted(set(ROUTES) - endpoints)
    assert not missing, f"routes without an authorization row: {missing}"
    assert not stale, f"rows for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(app, client, auth, role):
    world = build_world()
    user = world.user(role)
    if user is not None:
        assert auth.login(user.email).status_code == 302
    failures = []
    # Logging out ends the session the later requests need, so it goes last.
    for endpoint, (method, url, expected) in sorted(ROUTES.items(), key=lambda r: r[0] == LAST):
        with client.open(url(world), method=method) as response:
            status = response.status_code
        if status != expected[role]:
            failures.append(f"{method} {endpoint}: {status} != {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_api_route_matrix(app, client, role):
    """Every /api/v1 route with a bearer token of each role (all the role's scopes)."""
    world = build_world()
    user = world.user(role)
    headers = bearer(token_for(user)) if user is not None else {}
    failures = []
    for endpoint, (method, url, body, expected) in sorted(API_ROUTES.items()):
        kwargs = request_kwargs(body(world)) if body else {}
        path = url(world)
        with client.open(path, method=method, headers=headers, **kwargs) as response:
            status = response.status_code
            if status != expected[role]:
                failures.append(f"{method} {endpoint}: {status} != {expected[role]}")
            if status >= 400 and path.startswith("/api/"):
                assert response.content_type == "application/problem+json", endpoint
    assert not failures, "\n".join(failures)
