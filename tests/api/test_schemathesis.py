"""Property-based API testing: schemathesis generates requests from /api/v1/openapi.json and
sends them to the app with a token of each role. No server error, no response outside the
description, and no record of another tenant in any answer."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from matchmaker.extensions import db
from matchmaker.orm import Role
from matchmaker.services.companies.csv_import import queued
from tests.api.helpers import bearer, token_for
from tests.api.matrix import IMPORT_CSV
from tests.world import build_world

MAX_EXAMPLES = 3  # per operation and role: the whole run stays well under a minute
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _records(body) -> list[dict]:
    if not isinstance(body, dict):
        return []
    return body["items"] if isinstance(body.get("items"), list) else [body]


def own_tenant_only(user, path: str, body) -> list[str]:
    """What an answer shows of another tenant (empty: nothing)."""
    leaks = []
    for record in _records(body):
        if user.role == Role.OFFICE_STAFF:
            for key in ("office_id", "routed_office_id"):
                if key in record and record[key] != user.office_id and "/reassign" not in path:
                    leaks.append(f"{path}: {key}={record[key]}")
        if user.role == Role.COMPANY_MEMBER and record.get("company_id", user.company_id) != (
            user.company_id
        ):
            leaks.append(f"{path}: company_id={record['company_id']}")
    return leaks


def _strategy(operation, fixed: dict):
    """Generated requests; where the path names a record, also tenant A's own records."""
    names = {p.name for p in operation.path_parameters}
    mine = {k: v for k, v in fixed.items() if k in names}
    if not mine:
        return operation.as_strategy()
    return st.one_of(operation.as_strategy(), operation.as_strategy(path_parameters=mine))


def _explore(
    operation, role: str, auth: dict, user, failures: list, leaks: list, seen: Counter, fixed: dict
) -> None:
    """Send MAX_EXAMPLES generated requests of one operation as one role; collect what fails."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, fixed))
    def run(case):
        try:
            response = case.call_and_validate(headers=auth, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - collected, reported together below
            failures.append(f"{role} {case.method} {case.formatted_path}: {exc}")
            return
        seen[(role, response.status_code // 100)] += 1
        if user is not None and response.status_code < 300:
            leaks.extend(own_tenant_only(user, case.formatted_path, response.json()))

    run()


def test_the_api_conforms_to_its_description_for_every_role(app):
    world = build_world()
    users = {r: world.user(r) for r in ("company_a", "company_b", "staff_a", "staff_b", "admin")}
    headers = {r: bearer(token_for(u)) for r, u in users.items()}
    headers["anonymous"] = {}
    fixed = {
        "priority_id": world.draft_a.id,
        "profile_id": world.profile_a.id,
        "suggestion_id": world.suggestion_a.id,
        "import_id": queued.queue_import(db.session, world.admin, "a.csv", IMPORT_CSV).id,
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    leaks: list[str] = []
    failures: list[str] = []
    seen: Counter = Counter()

    for result in schema.get_all_operations():
        operation = result.ok()
        for role, auth in headers.items():
            _explore(operation, role, auth, users.get(role), failures, leaks, seen, fixed)
    print(sorted(seen.items()))  # noqa: T201 - shown with -s: what the run exercised
    assert not failures, "\n".join(failures[:10])
    assert not leaks, "\n".join(leaks[:10])
    # The run reached past authentication for every role (else it would prove little).
    assert all(seen[(role, 2)] for role in users), seen
