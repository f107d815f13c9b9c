"""The API's resources through the same services as the pages: the queue and its transitions
(with the race), priorities, profiles, introductions; each tenant sees only its own."""

from __future__ import annotations

import threading

from flask.testing import FlaskClient
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import (
    AuthEvent,
    InterestProfile,
    Priority,
    ReviewEvent,
    Suggestion,
    SuggestionStatus,
)
from tests import factories as f
from tests.api.helpers import bearer, token_for
from tests.world import build_world


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()["items"]}


def test_queue_filters_and_keyset_cursor(app, client):
    staff = f.StaffFactory()
    priority = f.PriorityFactory(office=staff.office)
    rows = [
        f.SuggestionFactory(priority=priority, score=0.9 - i / 100, routed_office=staff.office)
        for i in range(53)
    ]
    headers = bearer(token_for(staff))
    first = client.get("/api/v1/suggestions", headers=headers).get_json()
    assert [i["id"] for i in first["items"]] == [r.id for r in rows[:50]]
    assert first["items"][0]["routed_at"].endswith("+00:00")
    assert first["next"].startswith("/api/v1/suggestions?cursor=")
    second = client.get(first["next"], headers=headers).get_json()
    assert [i["id"] for i in second["items"]] == [r.id for r in rows[50:]]
    assert second["next_cursor"] is None and second["next"] is None
    high = client.get("/api/v1/suggestions?min_score=0.89", headers=headers)
    assert _ids(high) == {rows[0].id, rows[1].id}
    bad = client.get("/api/v1/suggestions?sector=abc&country=DEU", headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"sector", "country"}


def test_suggestion_detail_has_explanation_and_history(client):
    staff = f.StaffFactory(name="Ana Alvarez")
    row = f.SuggestionFactory(
        priority=f.PriorityFactory(office=staff.office), explanation={"summary": "Same sector"}
    )
    headers = bearer(token_for(staff))
    claimed = client.post(
        f"/api/v1/suggestions/{row.id}/claim", json={"version": 1}, headers=headers
    )
    assert claimed.status_code == 200
    body = client.get(f"/api/v1/suggestions/{row.id}", headers=headers).get_json()
    assert body["status"] == "in_review" and body["version"] == 2
    assert body["explanation"] == {"summary": "Same sector"}
    assert body["history"][-1]["actor"] == "Ana Alvarez"
    assert body["history"][-1]["to_status"] == "in_review"


def test_transition_details_are_checked_by_the_service(client):
    staff = f.StaffFactory()
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=staff.office))
    headers = bearer(token_for(staff))
    response = client.post(
        f"/api/v1/suggestions/{row.id}/decline",
        json={"version": 1, "reason": "other"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "note": ["Say why in the note when the reason is “Other”."]
    }
    db.session.expire_all()
    assert db.session.get(Suggestion, row.id).status == SuggestionStatus.SUGGESTED


def test_stale_version_answers_409_naming_who_decided(client):
    office = f.OfficeFactory()
    ana = f.StaffFactory(office=office, name="Ana Alvarez")
    ben = f.StaffFactory(office=office, name="Ben Brown")
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=office))
    url = f"/api/v1/suggestions/{row.id}"
    ok = client.post(f"{url}/claim", json={"version": 1}, headers=bearer(token_for(ana)))
    assert ok.status_code == 200
    late = client.post(
        f"{url}/decline",
        json={"version": 1, "reason": "not_a_fit"},
        headers=bearer(token_for(ben)),
    )
    assert late.status_code == 409
    assert late.content_type == "application/problem+json"
    assert "Ana Alvarez got there first" in late.get_json()["detail"]


def test_two_clients_racing_one_wins_the_other_gets_409(app):
    """Two API clients, each in its own thread and connection, act on the same version."""
    office = f.OfficeFactory()
    ana = f.StaffFactory(office=office, name="Ana Alvarez")
    ben = f.StaffFactory(office=office, name="Ben Brown")
    row = f.SuggestionFactory(priority=f.PriorityFactory(office=office))
    tokens = {"accept": token_for(ana), "decline": token_for(ben)}
    bodies = {"accept": {"version": 1}, "decline": {"version": 1, "reason": "not_a_fit"}}
    ident = row.id
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def act(action: str) -> None:
        client = FlaskClient(app)
        barrier.wait()
        # buffered and closed: the jobs the request left (the introduction's email) run now,
        # in this thread, and its database connection goes back to the pool
        with client.post(
            f"/api/v1/suggestions/{ident}/{action}",
            json=bodies[action],
            headers=bearer(tokens[action]),
            buffered=True,
        ) as response:
            results[action] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=act, args=(a,)) for a in ("accept", "decline")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409], results
    winner = next(a for a, (s, _) in results.items() if s == 200)
    loser_body = next(b for s, b in results.values() if s == 409)
    name = "Ana Alvarez" if winner == "accept" else "Ben Brown"
    assert f"{name} got there first" in loser_body["detail"]
    db.session.expire_all()
    final = db.session.get(Suggestion, ident)
    assert final.version == 2
    events = db.session.scalars(select(ReviewEvent).where(ReviewEvent.suggestion_id == ident))
    assert len([e for e in events if e.actor_id]) == 1


def test_priorities_create_update_status(client):
    staff = f.StaffFactory()
    headers = bearer(token_for(staff))
    body = {
        "title": "Harbour  logistics",
        "description": "Sensors for cargo flows.",
        "naics_sectors": ["5132"],
        "partnership_types": ["pilot_project"],
    }
    created = client.post("/api/v1/priorities", json=body, headers=headers)
    assert created.status_code == 201
    data = created.get_json()
    assert data["title"] == "Harbour logistics"  # the service's cleaning, not a copy of it
    assert data["status"] == "draft" and data["office_id"] == staff.office_id
    assert data["created_at"].endswith("+00:00")
    ident = data["id"]
    opened = client.post(
        f"/api/v1/priorities/{ident}/status", json={"status": "open", "version": 1}, headers=headers
    )
    assert opened.status_code == 200 and opened.get_json()["status"] == "open"
    back = client.put(
        f"/api/v1/priorities/{ident}",
        json={**body, "status": "draft", "version": 2},
        headers=headers,
    )
    assert back.status_code == 409  # a refused transition: published priorities stay published
    db.session.expire_all()
    assert db.session.get(Priority, ident).status == "open"


def test_profiles_create_pause_and_stale_update(client):
    member = f.CompanyMemberFactory()
    headers = bearer(token_for(member))
    body = {
        "title": "Port sensors",
        "partnership_types": ["pilot_project"],
        "naics_sectors": ["5132"],
    }
    created = client.post("/api/v1/profiles", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    ident = created.get_json()["id"]
    assert created.get_json()["states"] == ["any"]
    paused = client.post(f"/api/v1/profiles/{ident}/pause", json={"version": 1}, headers=headers)
    assert paused.status_code == 200 and paused.get_json()["status"] == "paused"
    stale = client.put(f"/api/v1/profiles/{ident}", json={**body, "version": 1}, headers=headers)
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(InterestProfile, ident).status == "paused"
    listed = client.get("/api/v1/profiles?status=paused", headers=headers)
    assert _ids(listed) == {ident}


def test_lists_paginate_by_cursor(client):
    staff = f.StaffFactory()
    made = [f.PriorityFactory(office=staff.office) for _ in range(5)]
    headers = bearer(token_for(staff))
    first = client.get("/api/v1/priorities?limit=3", headers=headers).get_json()
    second = client.get(first["next"], headers=headers).get_json()
    seen = [i["id"] for i in first["items"] + second["items"]]
    assert seen == sorted((p.id for p in made), reverse=True)
    assert second["next"] is None


def test_each_tenant_sees_only_its_own(client):
    w = build_world()
    token = {
        r: bearer(token_for(w.user(r))) for r in ("company_a", "company_b", "staff_a", "staff_b")
    }
    assert w.suggestion_a.id in _ids(client.get("/api/v1/suggestions", headers=token["staff_a"]))
    assert w.suggestion_a.id not in _ids(
        client.get("/api/v1/suggestions", headers=token["staff_b"])
    )
    staff_b_priorities = _ids(client.get("/api/v1/priorities", headers=token["staff_b"]))
    assert staff_b_priorities and not staff_b_priorities & {w.priority_a.id, w.draft_a.id}
    assert w.profile_a.id in _ids(client.get("/api/v1/profiles", headers=token["company_a"]))
    assert w.profile_a.id not in _ids(client.get("/api/v1/profiles", headers=token["company_b"]))
    intro = w.introduction_a.id
    assert intro in _ids(client.get("/api/v1/introductions", headers=token["company_a"]))
    assert intro in _ids(client.get("/api/v1/introductions", headers=token["staff_a"]))
    assert intro not in _ids(client.get("/api/v1/introductions", headers=token["company_b"]))
    assert intro not in _ids(client.get("/api/v1/introductions", headers=token["staff_b"]))
    meeting, signed = w.engagement_a.id, w.signed_a.id
    for role, sees in (
        ("company_a", True),
        ("staff_a", True),
        ("company_b", False),
        ("staff_b", False),
    ):
        assert (meeting in _ids(client.get("/api/v1/engagements", headers=token[role]))) is sees
        assert (signed in _ids(client.get("/api/v1/agreements", headers=token[role]))) is sees


def test_companies_do_not_see_draft_agreements(client):
    w = build_world()
    draft = f.AgreementFactory(introduction=w.agreement_a.introduction, status="draft")
    company = bearer(token_for(w.member_a))
    office = bearer(token_for(w.staff_a))
    assert draft.id not in _ids(client.get("/api/v1/agreements", headers=company))
    assert draft.id in _ids(client.get("/api/v1/agreements", headers=office))
    body = client.get("/api/v1/engagements", headers=company).get_json()
    assert body["items"] and all("notes" not in item for item in body["items"])


def test_token_use_is_not_a_login(client):
    """Bearer requests start no browser session and record no login events."""
    staff = f.StaffFactory()
    headers = bearer(token_for(staff))
    before = db.session.scalar(select(db.func.count()).select_from(AuthEvent))
    response = client.get("/api/v1/priorities", headers=headers)
    assert "Set-Cookie" not in response.headers
    assert db.session.scalar(select(db.func.count()).select_from(AuthEvent)) == before


def test_company_search_staff_see_active_ones_only(client):
    active = f.CompanyFactory(name="Harbour Sensors Ltd")
    suspended = f.CompanyFactory(name="Harbour Cranes Ltd", status="suspended")
    staff, admin = bearer(token_for(f.StaffFactory())), bearer(token_for(f.AdminFactory()))
    assert _ids(client.get("/api/v1/companies?q=harbour", headers=staff)) == {active.id}
    every = _ids(client.get("/api/v1/companies?q=harbour", headers=admin))
    assert every == {active.id, suspended.id}
    only = _ids(client.get("/api/v1/companies?q=harbour&status=suspended", headers=admin))
    assert only == {suspended.id}
