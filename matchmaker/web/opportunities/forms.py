"""The expression-of-interest form."""

from __future__ import annotations

from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from matchmaker.services.review.opportunities import MESSAGE_MAX
from matchmaker.web.forms import Form


class InterestForm(Form):
    profile_id = SelectField(
        "For which of your interest profiles",
        coerce=int,
        validators=[InputRequired(message="Choose an interest profile.")],
    )
    message = TextAreaField(
        "Message to the office",
        validators=[DataRequired(), Length(max=MESSAGE_MAX)],
        description=f"A few sentences on why your company fits (up to {MESSAGE_MAX} characters).",
    )
    submit = SubmitField("Express interest")
