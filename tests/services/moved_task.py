"""A job entry point that "moved" here (tests/services/test_jobs.py)."""

from tests.services.test_jobs import record_call


def run(value: str) -> None:
    record_call(value)
