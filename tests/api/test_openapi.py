"""The OpenAPI 3.1 description is generated from the code and served with a documentation page
that needs no script and no CDN (the CSP allows neither inline code nor other origins)."""

from __future__ import annotations

import re


def test_description_is_openapi_3_1_with_bearer_scopes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    claim = spec["paths"]["/api/v1/suggestions/{suggestion_id}/claim"]["post"]
    assert claim["security"] == [{"bearer": ["write:decisions"]}]
    assert "409" in claim["responses"]
    problem = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == ["application/problem+json"]
    # request bodies refuse unknown fields, as the API does
    assert spec["components"]["schemas"]["PriorityIn"]["additionalProperties"] is False


def test_documentation_page_lists_operations_within_the_csp(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "GET /api/v1/suggestions" in html and "write:decisions" in html
    assert 'id="problem-409"' in html and 'id="schema-Priority"' in html
    assert "<script" not in html and "style=" not in html
    assert not re.search(r'(src|href)="https?://', html)  # nothing from another origin
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
