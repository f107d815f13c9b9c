"""GET /api/v1/metrics: the metrics page's funnel as JSON, with the same counts, the same scope
rules (another office 404, companies 403) and the small-number rule made explicit."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.api.helpers import bearer, token_for
from tests.metrics_world import FUNNEL_A, SINCE, UNTIL, build_metrics_world

PERIOD = f"preset=custom&since={SINCE}&until={UNTIL}"


@pytest.fixture
def world(app):
    return build_metrics_world()


def test_staff_read_their_office_funnel_with_small_numbers_marked(client, world):
    headers = bearer(token_for(world.staff_a))
    response = client.get(f"/api/v1/metrics?{PERIOD}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["scope"] == {
        "key": f"office:{world.office_a.id}",
        "kind": "office",
        "id": world.office_a.id,
        "label": "Springfield Trade (your office)",
    }
    assert body["period"] == {"since": SINCE, "until": UNTIL}
    assert body["small_number"] == 5
    steps = body["steps"]
    assert [s["key"] for s in steps] == [
        "suggested", "accepted", "introduced", "engaged", "signed", "active"
    ]  # fmt: skip
    assert [s["count"] for s in steps] == FUNNEL_A
    assert steps[0]["from_previous"] is None and steps[0]["of_suggested"] is None
    # 21 of 31 accepted: a rate; 1 active: the count only, marked suppressed
    assert steps[1]["from_previous"] == {"count": 21, "rate": 67.7, "suppressed": False}
    assert steps[5]["of_suggested"] == {"count": 1, "rate": None, "suppressed": True}
    signed = next(t for t in body["timings"] if t["key"] == "signed")
    assert signed["median_days"] == {"count": 6, "value": 12.5, "suppressed": False}
    active = next(t for t in body["timings"] if t["key"] == "active")
    assert active["median_days"]["suppressed"] is True and active["median_days"]["value"] is None


def test_the_json_matches_the_page(client, auth, world):
    """The API and the page's CSV give the same counts and rates (one service behind both)."""
    body = client.get(f"/api/v1/metrics?{PERIOD}", headers=bearer(token_for(world.staff_a)))
    auth.login(world.staff_a.email)
    lines = client.get(f"/metrics.csv?{PERIOD}").get_data(as_text=True).splitlines()
    for step in body.get_json()["steps"][1:]:
        rate = step["from_previous"]
        shown = f"{rate['rate']:.1f}%" if rate["rate"] is not None else f"n={rate['count']}"
        assert f"Funnel,{step['label']},From the step before,{shown}" in lines


def test_scopes_follow_the_page_rules(client, world):
    staff_b = bearer(token_for(world.staff_b))
    other = client.get(
        f"/api/v1/metrics?scope=office:{world.office_a.id}&{PERIOD}", headers=staff_b
    )
    assert other.status_code == 404 and other.mimetype == "application/problem+json"
    assert "not yours to see" in other.get_json()["detail"]
    city = client.get(f"/api/v1/metrics?scope=city:{world.city.id}&{PERIOD}", headers=staff_b)
    assert city.status_code == 200 and city.get_json()["scope"]["kind"] == "city"
    assert client.get("/api/v1/metrics?scope=all", headers=staff_b).status_code == 404
    staff_x = bearer(token_for(world.staff_x))
    assert (
        client.get(f"/api/v1/metrics?scope=city:{world.city.id}", headers=staff_x).status_code
        == 404
    )
    member = f.CompanyMemberFactory()
    response = client.get("/api/v1/metrics", headers=bearer(token_for(member, ["read:profiles"])))
    assert response.status_code == 403
    admin = bearer(token_for(f.AdminFactory()))
    for scope in ("all", f"city:{world.city.id}", f"office:{world.office_x.id}"):
        got = client.get(f"/api/v1/metrics?scope={scope}&{PERIOD}", headers=admin)
        assert got.status_code == 200 and got.get_json()["scope"]["key"] == scope
    everything = client.get(f"/api/v1/metrics?scope=all&{PERIOD}", headers=admin).get_json()
    assert everything["steps"][0]["count"] > FUNNEL_A[0]


def test_a_token_without_the_scope_is_refused(client, world):
    headers = bearer(token_for(world.staff_a, ["read:queue"]))
    response = client.get("/api/v1/metrics", headers=headers)
    assert response.status_code == 403 and "read:metrics" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("preset=custom&until=2026-01-01", "since", "Enter the first day of the period."),
        (
            "preset=custom&since=2026-02-01&until=2026-01-01",
            "until",
            "The last day is before the first day.",
        ),
        ("preset=custom&since=not-a-date", "since", "Not a valid date."),
        ("preset=forever", "preset", "Must be one of"),
    ],
)
def test_an_invalid_period_is_a_422_problem_naming_the_field(client, world, query, field, message):
    response = client.get(f"/api/v1/metrics?{query}", headers=bearer(token_for(world.staff_a)))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert message in response.get_json()["errors"][field][0]
