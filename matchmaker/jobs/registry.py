"""Every background job by its stable name, and where its entry point lives.

Names are what the job table and Redis store, so they outlive refactors: moving a task changes
only its path string here. This module imports nothing of the application, so services can
enqueue by name without importing the code the job runs (no import cycles)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

JOBS: dict[str, str] = {
    "deliver_outbox": "matchmaker.tasks:deliver_outbox",
    "send_password_reset": "matchmaker.tasks:send_password_reset",
    "rank_profile": "matchmaker.tasks:rank_profile",
    "rank_priority": "matchmaker.tasks:rank_priority",
    "rank_imported": "matchmaker.tasks:rank_imported",
    "import_companies": "matchmaker.tasks:import_companies",
    "rerank_everything": "matchmaker.tasks:rerank_everything",
    "rerank_coordinate": "matchmaker.tasks:rerank_coordinate",
    "rerank_chunk": "matchmaker.tasks:rerank_chunk",
    "reroute_waiting": "matchmaker.tasks:reroute_waiting",
    "daily_digests": "matchmaker.tasks:daily_digests",
}


class UnknownJob(LookupError):
    """A job name that is not in the registry (a typo, or a job removed since it was stored)."""


def check(name: str) -> str:
    """The name itself, if registered; UnknownJob otherwise."""
    if name not in JOBS:
        raise UnknownJob(f"no job named {name!r}; register it in matchmaker/jobs/registry.py")
    return name


def resolve(name: str) -> Callable:
    """The entry point of a registered job, imported on first use."""
    module, _, attr = JOBS[check(name)].partition(":")
    return getattr(import_module(module), attr)
