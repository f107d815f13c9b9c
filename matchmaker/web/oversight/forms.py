"""The audit log's filters (read from the query string)."""

from __future__ import annotations

from wtforms import DateField, SearchField, SelectField, StringField
from wtforms.validators import Length, Optional

from matchmaker.orm import SuggestionStatus
from matchmaker.services.review.audit import AuditFilters
from matchmaker.services.review.oversight import FLAGGED_SHOW, FLAGGED_SORT, FlaggedFilters
from matchmaker.web.fields import choices, country_code
from matchmaker.web.forms import Form


class AuditFilterForm(Form):
    class Meta:
        csrf = False

    actor_id = SelectField("Who", coerce=int, default=0, validators=[Optional()])
    office_id = SelectField("Office", coerce=int, default=0, validators=[Optional()])
    status = SelectField(
        "Became",
        choices=choices(
            [("", "Any"), *((s.value, s.value.replace("_", " ")) for s in SuggestionStatus)]
        ),
        default="",
    )
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def filters(self) -> AuditFilters:
        """The valid filters; an invalid one is left out."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        return AuditFilters(
            actor_id=self.actor_id.data or None if ok["actor_id"] else None,
            office_id=self.office_id.data or None if ok["office_id"] else None,
            status=self.status.data or "" if ok["status"] else "",
            since=self.since.data if ok["since"] else None,
            until=self.until.data if ok["until"] else None,
        )


class FlaggedFilterForm(Form):
    """The sensitivity review list's search, filters and order (from the query string)."""

    class Meta:
        csrf = False

    q = SearchField("Company or priority", validators=[Optional(), Length(max=100)])
    country = StringField(
        "Country code", validators=[Optional(), country_code], description="Headquarters, e.g. CN"
    )
    office_id = SelectField("Office", coerce=int, default=0, validators=[Optional()])
    show = SelectField("Show", choices=choices(FLAGGED_SHOW.items()), default="waiting")
    sort = SelectField("Order", choices=choices(FLAGGED_SORT.items()), default="oldest")

    def filters(self) -> FlaggedFilters:
        """The valid filters; an invalid one is left out."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        return FlaggedFilters(
            show=self.show.data if ok["show"] else "waiting",
            q=(self.q.data or "").strip() if ok["q"] else "",
            country=(self.country.data or "") if ok["country"] else "",
            office_id=(self.office_id.data or None) if ok["office_id"] else None,
            sort=self.sort.data if ok["sort"] else "oldest",
        )
