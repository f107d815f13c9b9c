"""Fixtures for the service tests."""

from __future__ import annotations

import pytest

from matchmaker.services.companies import registration, trust


@pytest.fixture
def no_ranking(monkeypatch) -> None:
    """Saving companies and profiles records no re-rank job: these tests look at other effects."""
    for module in (registration, trust):
        monkeypatch.setattr(module, "enqueue", lambda name, *args, **kwargs: None)
