"""Forms for cities, offices, staff invitations and accepting an invitation."""

from __future__ import annotations

from wtforms import (
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
)

from matchmaker import vocab
from matchmaker.orm import OfficeKind
from matchmaker.web.fields import choices, country_code, id_or_none, naics_codes
from matchmaker.web.forms import Form, new_password_fields
from matchmaker.web.my_company.forms import NaicsPickerField  # the companies' searchable picker


class CityForm(Form):
    version = HiddenField()
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    state = StringField(
        "State or region code",
        validators=[
            Optional(),
            Length(max=2),
            Regexp(r"^[A-Za-z0-9]*$", message="Letters or digits only."),
        ],
        description="Two letters, such as MA; required for US cities.",
    )
    country = StringField(
        "Country",
        default="US",
        validators=[DataRequired(), Length(max=2), country_code],
        description="ISO 3166 code, such as US.",
    )
    submit = SubmitField("Save city")


class OfficeForm(Form):
    version = HiddenField()
    city_id = SelectField(
        "City", coerce=id_or_none, validators=[DataRequired(message="Choose a city.")]
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind",
        choices=choices((k.value, k.label) for k in OfficeKind),
        validators=[DataRequired()],
    )
    contact_email = EmailField(
        "Contact email", validators=[DataRequired(), Email(), Length(max=254)]
    )
    sectors = NaicsPickerField(
        "NAICS sectors covered",
        validators=[naics_codes],
        description="None chosen: all sectors. Type a code or words to filter the list.",
        render_kw={"data-naics-picker": "", "data-max": "20", "size": 8},
    )
    states = SelectMultipleField(
        "States covered",
        choices=choices(vocab.US_STATES.items()),
        validators=[Optional()],
        description="Hold Ctrl (or Cmd) to choose several.",
    )
    submit = SubmitField("Save office")


class InviteStaffForm(Form):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    submit = SubmitField("Send invitation")


class AcceptInvitationForm(Form):
    password, confirm = new_password_fields("Choose a password")
    submit = SubmitField("Set password and log in")
