"""Forms of the introductions: answering a request, writing in the thread, the lists' filters."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from matchmaker.orm import IntroductionStage
from matchmaker.services.introductions.audit import EventFilters
from matchmaker.services.introductions.messages import MESSAGE_MAX
from matchmaker.services.introductions.queries import IntroductionFilters
from matchmaker.services.introductions.transitions import REASON_MAX
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form

STAGES = choices([("", "Any stage"), *((s.value, s.label) for s in IntroductionStage)])


class AcceptForm(Form):
    version = IntegerField(validators=[InputRequired()])


class DeclineForm(Form):
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=REASON_MAX)])
    block = BooleanField("No more introductions from this office")


class BlockForm(Form):
    """The button "no more introductions from this office" (CSRF only)."""


class MessageForm(Form):
    body = TextAreaField("Your message", validators=[DataRequired(), Length(max=MESSAGE_MAX)])


class IntroductionFilterForm(Form):
    """The lists' filters, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    stage = SelectField("Stage", choices=STAGES, default="")
    q = SearchField("Name", validators=[Optional(), Length(max=100)])

    def filters(self) -> IntroductionFilters:
        """The valid filters; an invalid one is left out."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        office = getattr(self, "office_id", None)
        return IntroductionFilters(
            stage=self.stage.data or "" if ok["stage"] else "",
            q=(self.q.data or "").strip() if ok["q"] else "",
            office_id=(office.data or None) if office and ok["office_id"] else None,
        )


class OfficeIntroductionFilterForm(IntroductionFilterForm):
    """The staff's and admins' list: admins also filter by office."""

    office_id = SelectField("Office", coerce=int, default=0, validators=[Optional()])


class EventFilterForm(Form):
    class Meta:
        csrf = False

    office_id = SelectField("Office", coerce=int, default=0, validators=[Optional()])
    stage = SelectField("Became", choices=STAGES, default="")
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])

    def filters(self) -> EventFilters:
        ok = {name: not f.errors for name, f in self._fields.items()}
        return EventFilters(
            office_id=(self.office_id.data or None) if ok["office_id"] else None,
            stage=self.stage.data or "" if ok["stage"] else "",
            since=self.since.data if ok["since"] else None,
            until=self.until.data if ok["until"] else None,
        )
