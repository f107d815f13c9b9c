"""The audit log's filters (read from the query string)."""

from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import Optional

from matchmaker.orm import SuggestionStatus
from matchmaker.services.audit import AuditFilters
from matchmaker.web.fields import choices
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
