"""How a staff member hears about newly routed suggestions."""

from __future__ import annotations

from wtforms import RadioField, SubmitField
from wtforms.validators import DataRequired

from matchmaker.services.review.notifications import MODES
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form


class NotificationForm(Form):
    mode = RadioField(
        "Email me about newly routed suggestions",
        choices=choices(MODES.items()),
        validators=[DataRequired()],
    )
    submit = SubmitField("Save")


class UnsubscribeForm(Form):
    """The confirmation button; the signed token in the URL is the authentication."""

    class Meta:
        csrf = False

    submit = SubmitField("Unsubscribe")
