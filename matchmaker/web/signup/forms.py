"""Forms of the public pages: company sign-up and accepting an invitation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from matchmaker.web.company.forms import CompanyFieldsForm
from matchmaker.web.forms import strong_password

PASSWORD_HELP = "12 to 128 characters; common passwords are refused."  # noqa: S105 - help text


class SignupForm(CompanyFieldsForm):
    email = EmailField(
        "Work email",
        validators=[DataRequired(), Email(), Length(max=254)],
        description="We send a confirmation link here; it is also your login.",
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), strong_password], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Sign up")


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Password", validators=[DataRequired(), strong_password], description=PASSWORD_HELP
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Join the company")


class ConfirmSignupForm(FlaskForm):
    """The button behind an emailed confirmation link: only a POST confirms (and logs in)."""

    submit = SubmitField("Confirm my email")
