"""Validators and fields shared by the forms of several blueprints."""

from __future__ import annotations

from wtforms import PasswordField, SelectMultipleField, ValidationError
from wtforms.validators import DataRequired, EqualTo
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker import passwords


def strong_password(_form, field) -> None:
    """WTForms validator applying the password policy."""
    try:
        passwords.check_policy(field.data or "")
    except passwords.WeakPassword as exc:
        raise ValidationError(str(exc)) from exc


PASSWORD_HELP = "12 to 128 characters; common passwords are refused."  # noqa: S105 - help text


def new_password_fields(
    label: str = "Password", repeat: str = "Repeat the password"
) -> tuple[PasswordField, PasswordField]:
    """A password field under the policy and its confirmation: `password, confirm = ...`."""
    password = PasswordField(
        label, validators=[DataRequired(), strong_password], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        repeat, validators=[DataRequired(), EqualTo("password", message="The passwords differ.")]
    )
    return password, confirm


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice rendered as checkboxes (templates/macros/forms.html knows its name)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def attach_error(form, exc: Exception, default: str | None = None) -> None:
    """Show a service error next to the field it names, else above the form."""
    name = getattr(exc, "field", None) or default
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))
