"""The company-demand page's filters (read from the query string)."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField, ValidationError
from wtforms.validators import Optional

from matchmaker import codes
from matchmaker.services.demand.dimensions import Dimension
from matchmaker.services.demand.report import DemandFilters
from matchmaker.services.demand.trend import DEFAULT_PERIOD, PERIODS
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form


def _optional_country(_form, field) -> None:
    field.data = (field.data or "").strip().upper()
    if field.data and not codes.is_country(field.data):
        raise ValidationError("Use a two-letter ISO country code, such as DE or JP.")


class DemandFilterForm(Form):
    class Meta:
        csrf = False

    dimension = SelectField(
        "Split demand by",
        choices=choices((d.value, d.label) for d in Dimension),
        default=Dimension.SECTOR2.value,
    )
    months = SelectField(
        "Period",
        choices=choices((str(m), f"Last {m} months") for m in PERIODS),
        default=str(DEFAULT_PERIOD),
        description="The trend's window and the “new in period” column.",
    )
    country = StringField(
        "Headquarters country",
        validators=[Optional(), _optional_country],
        description="ISO code, such as DE; empty for every country.",
        render_kw={"size": 4, "maxlength": 2},
    )
    gaps = BooleanField("Only gaps (no open priority anywhere)")

    def filters(self) -> DemandFilters:
        """The valid filters; an invalid one is left at its default."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        return DemandFilters(
            dimension=Dimension(self.dimension.data) if ok["dimension"] else Dimension.SECTOR2,
            months=int(self.months.data) if ok["months"] else DEFAULT_PERIOD,
            country=(self.country.data or "") if ok["country"] else "",
            gaps_only=bool(self.gaps.data) if ok["gaps"] else False,
        )
