"""Absolute links for emails, always from the configured BASE_URL.

Never from the request: its Host header is the client's to choose, and a link built from it
would send a reset or invitation token to whichever host an attacker names.
"""

from __future__ import annotations

from matchmaker.hosts import base_url_adapter


def external_url(endpoint: str, **values) -> str:
    """An absolute URL to an endpoint under BASE_URL, usable in emails sent from anywhere."""
    return base_url_adapter().build(endpoint, values, force_external=True)
