"""Validators and fields shared by the forms of several blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, EqualTo, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker import dbrange, passwords, text


def single_line(_form, field) -> None:
    """No line breaks, tabs or other control characters (every single-line text field)."""
    if isinstance(field.data, str) and (message := text.problem(field.data)):
        raise StopValidation(message)


def multi_line(_form, field) -> None:
    """Line breaks and tabs, but no other control characters (every text area)."""
    if isinstance(field.data, str) and (message := text.problem(field.data, multiline=True)):
        raise StopValidation(message)


def database_integer(_form, field) -> None:
    """A whole number the database's integer columns can hold."""
    if isinstance(field.data, int) and not dbrange.in_range(field.data):
        raise StopValidation("This number is too large.")


def input_rule(field) -> object | None:
    """The validator every field of this kind gets first, whatever its form says."""
    if isinstance(field, TextAreaField):
        return multi_line
    if isinstance(field, StringField):  # also password, email, search, hidden and code fields
        return single_line
    if isinstance(field, IntegerField):
        return database_integer
    return None


class Form(FlaskForm):
    """Base of every form of the service (a test checks): each text field refuses control
    characters (a line break in a name reaches email headers; NUL cannot be stored) and each
    integer field numbers the database cannot hold, before its own validators run."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if rule := input_rule(field):
                field.validators = [rule, *field.validators]
            return field


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
