"""Steps shared by the browser journeys."""

from __future__ import annotations

from tests import factories as f


def log_in(page, base: str, email: str, password: str = f.PASSWORD) -> None:
    """Log in as a person would: the password, then the authenticator's code when MFA is on."""
    code = f.totp_code(email) if f.mfa_credential(email) is not None else None
    page.goto(base + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if code is not None:
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard")
