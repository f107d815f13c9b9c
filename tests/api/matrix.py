"""The /api/v1 rows of the route x role matrix: each endpoint with a bearer token of each role
(every scope the role may grant), objects of tenant A, the expected status per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from matchmaker.extensions import db
from matchmaker.orm import InterestProfile, Priority, utcnow
from matchmaker.services.companies.csv_import import queued
from tests import factories as f


def expect(anonymous, company_a, company_b, staff_a, staff_b, admin) -> dict:
    roles = ["anonymous", "company_a", "company_b", "staff_a", "staff_b", "admin"]
    return dict(zip(roles, [anonymous, company_a, company_b, staff_a, staff_b, admin], strict=True))


PUBLIC = expect(*[200] * 6)
STAFF_LIST = expect(401, 403, 403, 200, 200, 403)
COMPANY_LIST = expect(401, 200, 200, 403, 403, 403)
PROFILE_A = expect(401, 200, 404, 403, 403, 403)
PRIORITY_A = expect(401, 403, 403, 200, 404, 403)


def _version(model, ident: int) -> int:
    db.session.expire_all()
    return db.session.get(model, ident).version


def fresh_suggestion(w) -> int:
    """A new suggestion of office A (its own profile of company A): one per transition."""
    profile = f.ProfileFactory(company=w.company_a)
    return f.SuggestionFactory(priority=w.priority_a, profile=profile).id


def _priority_body(w) -> dict:
    return {
        "title": "Harbour logistics pilot",
        "description": "Sensors for the harbour's cargo flows.",
        "naics_sectors": ["5132"],
        "partnership_types": ["pilot_project"],
        "status": "open",
        "version": _version(Priority, w.draft_a.id),
    }


def _profile_body(w, version: bool = True) -> dict:
    body = {
        "title": "Smart port sensors",
        "partnership_types": ["pilot_project"],
        "naics_sectors": ["5132"],
    }
    if version:
        body["version"] = _version(InterestProfile, w.profile_a.id)
    return body


@dataclass(frozen=True)
class Raw:
    """A body that is not JSON (the CSV import)."""

    data: bytes
    content_type: str


def request_kwargs(body) -> dict:
    """The test client's arguments for a row's body."""
    if isinstance(body, Raw):
        return {"data": body.data, "content_type": body.content_type}
    return {"json": body}


IMPORT_CSV = (
    b"external_id,name,website,hq_country,size,naics_sectors\r\n"
    b"matrix-1,Matrix Harbour Tech,https://matrix-harbour.example,DE,sme,3332\r\n"
)


def _admin_import(w) -> str:
    batch = queued.queue_import(db.session, w.admin, "matrix.csv", IMPORT_CSV)
    return f"/api/v1/companies/imports/{batch.id}"


def _suggestion(action: str):
    return lambda w: f"/api/v1/suggestions/{fresh_suggestion(w)}/{action}"


# endpoint (and " PUT" for the second method of one rule): (method, url from the world, JSON
# body from the world or None, expected status by role)
API_ROUTES: dict[str, tuple] = {
    "api-docs.openapi_json": ("GET", lambda w: "/api/v1/openapi.json", None, PUBLIC),
    "api_docs.docs": ("GET", lambda w: "/api/v1/docs", None, PUBLIC),
    "api_priorities.list_priorities": (
        "GET",
        lambda w: "/api/v1/priorities",
        None,
        expect(401, 403, 403, 200, 200, 200),
    ),
    "api_priorities.priority": (
        "GET",
        lambda w: f"/api/v1/priorities/{w.draft_a.id}",
        None,
        expect(401, 403, 403, 200, 404, 200),
    ),
    "api_priorities.create_priority": (
        "POST",
        lambda w: "/api/v1/priorities",
        lambda w: {k: v for k, v in _priority_body(w).items() if k != "version"},
        expect(401, 403, 403, 201, 201, 403),
    ),
    "api_priorities.priority PUT": (
        "PUT",
        lambda w: f"/api/v1/priorities/{w.draft_a.id}",
        _priority_body,
        PRIORITY_A,
    ),
    "api_priorities.change_status": (
        "POST",
        lambda w: f"/api/v1/priorities/{w.draft_a.id}/status",
        lambda w: {"status": "open", "version": _version(Priority, w.draft_a.id)},
        PRIORITY_A,
    ),
    "api_profiles.list_profiles": ("GET", lambda w: "/api/v1/profiles", None, COMPANY_LIST),
    "api_profiles.profile": (
        "GET",
        lambda w: f"/api/v1/profiles/{w.profile_a.id}",
        None,
        PROFILE_A,
    ),
    "api_profiles.create_profile": (
        "POST",
        lambda w: "/api/v1/profiles",
        lambda w: _profile_body(w, version=False),
        expect(401, 201, 201, 403, 403, 403),
    ),
    "api_profiles.profile PUT": (
        "PUT",
        lambda w: f"/api/v1/profiles/{w.profile_a.id}",
        _profile_body,
        PROFILE_A,
    ),
    "api_profiles.pause_profile": (
        "POST",
        lambda w: f"/api/v1/profiles/{w.profile_a.id}/pause",
        lambda w: {"version": _version(InterestProfile, w.profile_a.id)},
        PROFILE_A,
    ),
    "api_suggestions.list_queue": ("GET", lambda w: "/api/v1/suggestions", None, STAFF_LIST),
    "api_suggestions.get_suggestion": (
        "GET",
        lambda w: f"/api/v1/suggestions/{w.suggestion_a.id}",
        None,
        expect(401, 403, 403, 200, 404, 200),
    ),
    "api_suggestions.claim_suggestion": (
        "POST",
        _suggestion("claim"),
        lambda w: {"version": 1},
        expect(401, 403, 403, 200, 404, 403),
    ),
    "api_suggestions.accept_suggestion": (
        "POST",
        _suggestion("accept"),
        lambda w: {"version": 1, "note": "Welcome to the harbour."},
        expect(401, 403, 403, 200, 404, 403),
    ),
    # admins decline flagged suggestions only: this one is not (409, a refused transition)
    "api_suggestions.decline_suggestion": (
        "POST",
        _suggestion("decline"),
        lambda w: {"version": 1, "reason": "not_a_fit"},
        expect(401, 403, 403, 200, 404, 409),
    ),
    "api_suggestions.snooze_suggestion": (
        "POST",
        _suggestion("snooze"),
        lambda w: {"version": 1, "until": (utcnow().date() + timedelta(days=7)).isoformat()},
        expect(401, 403, 403, 200, 404, 403),
    ),
    "api_suggestions.reassign_suggestion": (
        "POST",
        _suggestion("reassign"),
        lambda w: {"version": 1, "office_id": w.office_b.id, "note": "Their port team."},
        expect(401, 403, 403, 200, 404, 200),
    ),
    # only flagged suggestions wait for an admin's clearing: this one does not (409)
    "api_suggestions.clear_suggestion": (
        "POST",
        _suggestion("clear"),
        lambda w: {"version": 1, "note": "Cleared after review."},
        expect(401, 403, 403, 403, 403, 409),
    ),
    "api_companies.search_companies": (
        "GET",
        lambda w: "/api/v1/companies?q=a",
        None,
        expect(401, 403, 403, 200, 200, 200),
    ),
    "api_metrics.funnel": (
        "GET",
        lambda w: "/api/v1/metrics",
        None,
        expect(401, 403, 403, 200, 200, 200),
    ),
    "api_company_imports.start_import": (
        "POST",
        lambda w: "/api/v1/companies/imports",
        lambda w: Raw(IMPORT_CSV, "text/csv"),
        expect(401, 403, 403, 403, 403, 202),
    ),
    # the admin's own import: another admin's would be 404
    "api_company_imports.get_import": (
        "GET",
        _admin_import,
        None,
        expect(401, 403, 403, 403, 403, 200),
    ),
    "api_introductions.list_engagements": (
        "GET",
        lambda w: "/api/v1/engagements",
        None,
        expect(401, 200, 200, 200, 200, 200),
    ),
    "api_introductions.list_agreements": (
        "GET",
        lambda w: "/api/v1/agreements",
        None,
        expect(401, 200, 200, 200, 200, 200),
    ),
    "api_introductions.list_introductions": (
        "GET",
        lambda w: "/api/v1/introductions",
        None,
        expect(401, 200, 200, 200, 200, 200),
    ),
}
