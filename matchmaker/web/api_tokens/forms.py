"""The form that makes a personal API token."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from matchmaker.services.accounts import api_tokens
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form, MultiCheckboxField, single_line


class NewTokenForm(Form):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=api_tokens.NAME_MAX), single_line],
        description="What the token is for, such as “CRM sync”.",
    )
    scopes = MultiCheckboxField(
        "Scopes", validators=[DataRequired(message="Choose at least one scope.")]
    )
    days = SelectField(
        "Expires after",
        coerce=int,
        choices=choices((d, f"{d} days") for d in api_tokens.EXPIRY_DAYS),
        default=90,
    )
    submit = SubmitField("Create token")
