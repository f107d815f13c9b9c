"""Validators and fields shared by the forms of several blueprints."""

from __future__ import annotations

from wtforms import ValidationError

from matchmaker import passwords


def strong_password(_form, field) -> None:
    """WTForms validator applying the password policy."""
    try:
        passwords.check_policy(field.data or "")
    except passwords.WeakPassword as exc:
        raise ValidationError(str(exc)) from exc
