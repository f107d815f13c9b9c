"""The authentication audit's filters (read from the query string)."""

from __future__ import annotations

from wtforms import DateField, SearchField, SelectField
from wtforms.validators import Length, Optional

from matchmaker.orm import AuthEventKind
from matchmaker.services.accounts.auth_audit import AuthEventFilters
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form


class AuthEventFilterForm(Form):
    class Meta:
        csrf = False

    kind = SelectField(
        "Event",
        choices=choices([("", "Any"), *((k.value, k.label) for k in AuthEventKind)]),
        default="",
    )
    q = SearchField("Email address", validators=[Optional(), Length(max=254)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def filters(self) -> AuthEventFilters:
        """The valid filters; an invalid one is left out."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        return AuthEventFilters(
            kind=self.kind.data or "" if ok["kind"] else "",
            q=self.q.data or "" if ok["q"] else "",
            since=self.since.data if ok["since"] else None,
            until=self.until.data if ok["until"] else None,
        )
