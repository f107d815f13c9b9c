"""Forms for routing rules and the sensitivity policy."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from matchmaker import vocab
from matchmaker.web.fields import choices, country_code, id_or_none
from matchmaker.web.forms import Form


class RuleForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    naics_prefix = StringField(
        "NAICS prefix",
        validators=[Optional(), Regexp(r"^\d{2,6}$", message="2 to 6 digits, such as 3361.")],
        description="The company's or profile's sectors start with it. Empty: any sector.",
    )
    hq_country = StringField(
        "Company headquarters country",
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message="A two-letter code, such as DE.")],
        description="Empty: any country.",
    )
    partnership_type = SelectField(
        "Partnership type",
        choices=choices([("", "Any"), *vocab.PARTNERSHIP_TYPES.items()]),
        default="",
    )
    city_id = SelectField("The priority's city", coerce=int, default=0)
    target_office_id = SelectField(
        "Send to office",
        coerce=id_or_none,
        validators=[DataRequired(message="Choose the office to send them to.")],
    )
    submit = SubmitField("Add rule")


class SensitiveCountryForm(Form):
    country = StringField(
        "Country", validators=[DataRequired(), country_code], description="ISO code, such as RU."
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=1000)])
    effective_from = DateField("Effective from", validators=[DataRequired()])
    submit = SubmitField("Add to the list")
