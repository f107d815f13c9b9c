"""Every route in app.url_map, for every role: the expected status, or the test fails.

Objects in URLs belong to tenant A (office A, company A), so the B roles must get 404 where a
route is tenant-scoped. A route missing from ROUTES fails test_every_route_is_in_the_table.
"""

from __future__ import annotations

import pytest

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
    "admin.outbox": ("GET", lambda w: "/admin/outbox", ADMIN_ONLY),
    "admin.outbox_email": ("GET", lambda w: f"/admin/outbox/{w.email.id}", ADMIN_ONLY),
    "admin.retry_email": (
        "POST",
        lambda w: f"/admin/outbox/{w.email.id}/retry",
        expect(LOGIN, 403, 403, 403, 403, 302),
    ),
    "admin.failed_jobs": ("GET", lambda w: "/admin/jobs", ADMIN_ONLY),
}


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
