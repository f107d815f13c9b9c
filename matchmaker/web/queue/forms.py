"""Forms of the office queue: its filters, and one form per review action."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from matchmaker.dbrange import parse_id
from matchmaker.services.review import decisions as review
from matchmaker.services.review import queue
from matchmaker.services.review.queue import QueueFilters
from matchmaker.web.fields import choices, id_or_none
from matchmaker.web.forms import Form

REASONS = choices([("", "Choose a reason"), *review.DECLINE_REASONS.items()])


class QueueFilterForm(Form):
    """The queue's filters, read from the query string (GET: no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField("Status", choices=choices(queue.STATUS_LABELS.items()), default="open")
    priority_id = SelectField("Priority", coerce=int, default=0, validators=[Optional()])
    sector = StringField(
        "Sector (NAICS prefix)",
        validators=[Optional(), Regexp(r"^\d{2,6}$", message="2 to 6 digits, such as 54.")],
    )
    country = StringField(
        "Company country",
        validators=[Optional(), Regexp(r"^[A-Za-z]{2}$", message="A two-letter code, such as DE.")],
    )
    min_score = DecimalField("Minimum score", places=2, validators=[Optional(), NumberRange(0, 1)])
    company_initiated = BooleanField("Company-initiated only")
    q = StringField("Company name", validators=[Optional(), Length(max=100)])
    after = HiddenField(validators=[Optional(), Length(max=100)])

    def filters(self) -> QueueFilters:
        """The valid filters as the service takes them; an invalid one is left out."""
        ok = {name: not f.errors for name, f in self._fields.items()}
        return QueueFilters(
            status=self.status.data if ok["status"] else "open",
            priority_id=self.priority_id.data if ok["priority_id"] else None,
            sector=(self.sector.data or "").strip() if ok["sector"] else "",
            country=(self.country.data or "").strip().upper() if ok["country"] else "",
            min_score=float(self.min_score.data)
            if ok["min_score"] and self.min_score.data is not None
            else None,
            company_initiated=bool(self.company_initiated.data),
            q=(self.q.data or "").strip() if ok["q"] else "",
            after=(self.after.data or "") if ok["after"] else "",
        )


class ActionForm(Form):
    """Every action carries the version of the suggestion the user saw."""

    version = IntegerField(validators=[InputRequired()])

    def details(self) -> dict:
        return {}


class ClaimForm(ActionForm):
    pass


class AcceptForm(ActionForm):
    note = TextAreaField(
        "Note to the company (optional)",
        validators=[Optional(), Length(max=review.NOTE_MAX)],
        description="The company reads it with the introduction request.",
    )

    def details(self) -> dict:
        return {"note": self.note.data or ""}


class DeclineForm(ActionForm):
    reason = SelectField("Reason", choices=REASONS, validators=[DataRequired()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=review.NOTE_MAX)])

    def details(self) -> dict:
        return {"reason": self.reason.data, "note": self.note.data or ""}


class SnoozeForm(ActionForm):
    until = DateField("Snooze until", validators=[DataRequired()])
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=review.NOTE_MAX)])

    def details(self) -> dict:
        return {"until": self.until.data, "note": self.note.data or ""}


class ReassignForm(ActionForm):
    office_id = SelectField(
        "Office",
        coerce=id_or_none,
        validators=[DataRequired(message="Choose the office to hand it to.")],
    )
    note = TextAreaField(
        "Note to the other office", validators=[DataRequired(), Length(max=review.NOTE_MAX)]
    )

    def details(self) -> dict:
        return {"office_id": self.office_id.data, "note": self.note.data}


class ClearForm(ActionForm):
    note = TextAreaField(
        "Rationale",
        validators=[DataRequired(), Length(min=review.RATIONALE_MIN, max=review.NOTE_MAX)],
        description="Recorded on the suggestion and shown to the office.",
    )

    def details(self) -> dict:
        return {"note": self.note.data}


class FlagDeclineForm(ClearForm):
    """An admin declines a flagged suggestion: the reason is "sensitive", the note the rationale."""

    def details(self) -> dict:
        return {"reason": "sensitive", "note": self.note.data}


class BulkDeclineForm(Form):
    items = SelectMultipleField("Suggestions", validators=[DataRequired()], validate_choice=False)
    reason = SelectField("Reason", choices=REASONS, validators=[DataRequired()])
    note = StringField("Note", validators=[Optional(), Length(max=review.NOTE_MAX)])

    def pairs(self) -> list[tuple[int, int]]:
        """The selected "id:version" values; malformed ones are dropped."""
        result = []
        for value in self.items.data or []:
            ident, _, version = str(value).partition(":")
            ident, version = parse_id(ident), parse_id(version)
            if ident is not None and version is not None:
                result.append((ident, version))
        return result


def option_pairs(field) -> list[tuple]:
    """A select's choices as (value, label) pairs, for the queue's hand-written selects."""
    return [tuple(choice)[:2] for choice in field.choices]


FORMS: dict[str, type[ActionForm]] = {
    "claim": ClaimForm,
    "accept": AcceptForm,
    "decline": DeclineForm,
    "snooze": SnoozeForm,
    "reassign": ReassignForm,
    "clear": ClearForm,
}


def form_for(action: str, admin: bool) -> type[ActionForm] | None:
    """The form of an action; an admin's decline is the flagged-suggestion decision."""
    if admin and action == "decline":
        return FlagDeclineForm
    return FORMS.get(action)
