"""Forms of the city briefing: the city and period asked for, and a featured item's summary."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from matchmaker.services.briefing.features import SUMMARY_MAX, SUMMARY_MIN
from matchmaker.web.forms import Form


class BriefingForm(Form):
    """Read from the query string (GET): the briefing's address can be bookmarked or shared."""

    class Meta:
        csrf = False

    city_id = SelectField("City", coerce=int, default=0)
    start = DateField("First day", validators=[DataRequired("Give the first day (YYYY-MM-DD).")])
    end = DateField("Last day", validators=[DataRequired("Give the last day (YYYY-MM-DD).")])

    def __init__(self, *args, cities: list[tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if cities is None:  # staff: their own city, no choice
            del self.city_id
        else:
            self.city_id.choices = [(0, "Choose a city"), *cities]

    def chosen_city(self) -> int | None:
        field = getattr(self, "city_id", None)
        return (field.data or None) if field is not None else None

    def query(self) -> dict:
        """The arguments that lead to the same briefing (for the PDF and print links)."""
        args = {"start": self.start.data.isoformat(), "end": self.end.data.isoformat()}
        if city := self.chosen_city():
            args["city_id"] = city
        return args


class FeatureForm(Form):
    version = IntegerField(default=0)
    summary = TextAreaField(
        "Summary for the briefing",
        validators=[DataRequired("Write the summary."), Length(max=SUMMARY_MAX + 200)],
        description=(
            f"One paragraph, {SUMMARY_MIN} to {SUMMARY_MAX} characters, for elected officials: "
            "what was achieved and why it matters. It is printed as written."
        ),
    )


class RemoveFeatureForm(Form):
    version = IntegerField(validators=[InputRequired()])
