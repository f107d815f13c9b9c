"""Forms of the public pages: company sign-up and accepting an invitation."""

from __future__ import annotations

from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from matchmaker.web.forms import Form, new_password_fields
from matchmaker.web.my_company.forms import CompanyFieldsForm


class SignupForm(CompanyFieldsForm):
    email = EmailField(
        "Work email",
        validators=[DataRequired(), Email(), Length(max=254)],
        description="We send a confirmation link here; it is also your login.",
    )
    password, confirm = new_password_fields()
    submit = SubmitField("Sign up")


class AcceptInvitationForm(Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password, confirm = new_password_fields()
    submit = SubmitField("Join the company")


class ConfirmSignupForm(Form):
    """The button behind an emailed confirmation link: only a POST confirms (and logs in)."""

    submit = SubmitField("Confirm my email")
