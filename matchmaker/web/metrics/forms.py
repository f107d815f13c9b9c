"""The metrics page's chooser: whose figures (scope) and which period (from the query string)."""

from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import Optional

from matchmaker.services.metrics.period import DEFAULT_PRESET, PRESETS
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form


class MetricsForm(Form):
    class Meta:
        csrf = False

    # The service decides what a scope may be (another office's answers 404), not the choices.
    scope = SelectField("Figures for", default="", validate_choice=False)
    preset = SelectField("Period", choices=choices(PRESETS.items()), default=DEFAULT_PRESET)
    since = DateField("From", validators=[Optional()], description="With “Dates below”")
    until = DateField("To", validators=[Optional()], description="Inclusive")
