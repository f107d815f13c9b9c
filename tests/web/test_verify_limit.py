"""The public /verify check is limited to 30 checks an hour per address: the 31st is refused
with 429, while another address (and reading the page) still works."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


def _check(client, address: str) -> int:
    response = client.post(
        "/verify", data={"fingerprint": "0" * 64}, environ_base={"REMOTE_ADDR": address}
    )
    return response.status_code


def test_verify_allows_30_checks_an_hour_per_address(client):
    statuses = [_check(client, "198.51.100.1") for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert _check(client, "198.51.100.2") == 200  # another address has its own allowance
    page = client.get("/verify", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert page.status_code == 200  # only the checks (POST) count
