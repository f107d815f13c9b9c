"""Forms of engagements, outcomes and follow-ups: each turns into the service's input dataclass."""

from __future__ import annotations

from datetime import datetime

from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from matchmaker.orm import EngagementKind, EngagementMode, EngagementStatus, OutcomeKind
from matchmaker.services.introductions.engagement_input import (
    EngagementInput,
    ResultInput,
    zone_names,
)
from matchmaker.services.introductions.outcomes import FollowUpInput, OutcomeInput
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form, MultiCheckboxField

RATINGS = choices([("", "No rating"), *((str(n), f"{n} of 5") for n in range(1, 6))])
RESULTS = choices((s.value, s.label) for s in EngagementStatus if s != EngagementStatus.PLANNED)


def _rating(value) -> int | None:
    return int(value) if value not in (None, "") else None


class EngagementForm(Form):
    version = IntegerField(validators=[Optional()])
    timing = RadioField(
        "This engagement",
        choices=choices([("plan", "is planned: email the invitations"), ("log", "took place")]),
        default="plan",
    )
    kind = SelectField("Kind", choices=choices((k.value, k.label) for k in EngagementKind))
    mode = SelectField("Mode", choices=choices((m.value, m.label) for m in EngagementMode))
    day = DateField("Date", validators=[DataRequired()])
    start = TimeField("Start time", validators=[DataRequired()])
    time_zone = SelectField("Time zone", default="UTC", validators=[DataRequired()])
    duration_minutes = IntegerField(
        "Duration (minutes)", default=60, validators=[InputRequired(), NumberRange(5, 10080)]
    )
    location = StringField(
        "Place", validators=[Optional(), Length(max=300)], description="Needed in person or hybrid."
    )
    meeting_link = StringField(
        "Meeting link",
        validators=[Optional(), Length(max=500)],
        description="https://…, needed when virtual or hybrid.",
    )
    staff_ids = MultiCheckboxField("Office participants", coerce=int)
    member_ids = MultiCheckboxField("Company participants", coerce=int)
    guests = TextAreaField(
        "Guests",
        validators=[Optional(), Length(max=7000)],
        description="One per line: “Name <email>” (invited) or a name.",
    )
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=5000)])
    notes = TextAreaField(
        "Internal notes (office only)",
        validators=[Optional(), Length(max=5000)],
        description="Never shown to the company.",
    )

    def __init__(self, *args, staff=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = choices((z, z) for z in zone_names())
        self.staff_ids.choices = choices((u.id, u.name or u.email) for u in staff)
        self.member_ids.choices = choices((u.id, u.name or u.email) for u in members)

    def data_for_service(self) -> EngagementInput:
        return EngagementInput(
            kind=self.kind.data,
            mode=self.mode.data,
            local_start=datetime.combine(self.day.data, self.start.data),
            time_zone=self.time_zone.data,
            duration_minutes=self.duration_minutes.data,
            location=self.location.data or "",
            meeting_link=self.meeting_link.data or "",
            agenda=self.agenda.data or "",
            notes=self.notes.data or "",
            staff_ids=list(self.staff_ids.data or []),
            member_ids=list(self.member_ids.data or []),
            guests=self.guests.data or "",
            already_happened=self.timing.data == "log",
        )


class VersionForm(Form):
    """A button acting on a record as of the version shown (cancel an engagement)."""

    version = IntegerField(validators=[InputRequired()])


class ResultForm(Form):
    version = IntegerField(validators=[InputRequired()])
    status = RadioField("What happened", choices=RESULTS, default="happened")
    office_rating = SelectField("Your rating", choices=RATINGS, default="")
    next_steps = TextAreaField("Next steps", validators=[Optional(), Length(max=5000)])
    staff_hours = DecimalField(
        "Staff hours spent", places=2, validators=[Optional(), NumberRange(0, 1000)]
    )

    def data_for_service(self) -> ResultInput:
        return ResultInput(
            status=self.status.data,
            office_rating=_rating(self.office_rating.data),
            next_steps=self.next_steps.data or "",
            staff_hours=self.staff_hours.data,
        )


class RatingForm(Form):
    version = IntegerField(validators=[InputRequired()])
    rating = RadioField(
        "Your rating",
        choices=choices((str(n), f"{n} of 5") for n in range(1, 6)),
        validators=[InputRequired()],
    )


class OutcomeForm(Form):
    version = IntegerField(validators=[Optional()])
    kind = SelectField("Kind of outcome", choices=choices((k.value, k.label) for k in OutcomeKind))
    amount = DecimalField("Amount", places=2, validators=[Optional(), NumberRange(0)])
    currency = StringField(
        "Currency", validators=[Optional(), Length(min=3, max=3)], description="ISO 4217, e.g. EUR"
    )
    jobs_expected = IntegerField("Jobs expected", validators=[Optional(), NumberRange(0)])
    starts_on = DateField("Start date", validators=[Optional()])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])

    def data_for_service(self) -> OutcomeInput:
        return OutcomeInput(
            kind=self.kind.data,
            amount=self.amount.data,
            currency=self.currency.data or "",
            jobs_expected=self.jobs_expected.data,
            starts_on=self.starts_on.data,
            description=self.description.data or "",
        )


class CloseForm(Form):
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField("Why is it closed?", validators=[DataRequired(), Length(max=1000)])


class WithdrawForm(Form):
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField(
        "Why (optional; the company is told the request was withdrawn)",
        validators=[Optional(), Length(max=1000)],
    )


class FollowUpForm(Form):
    version = IntegerField(validators=[InputRequired()])
    actual_amount = DecimalField("Actual amount", places=2, validators=[Optional(), NumberRange(0)])
    actual_currency = StringField("Currency", validators=[Optional(), Length(min=3, max=3)])
    actual_jobs = IntegerField("Actual jobs", validators=[Optional(), NumberRange(0)])
    notes = TextAreaField("What happened", validators=[Optional(), Length(max=5000)])

    def data_for_service(self) -> FollowUpInput:
        return FollowUpInput(
            actual_amount=self.actual_amount.data,
            actual_currency=self.actual_currency.data or "",
            actual_jobs=self.actual_jobs.data,
            notes=self.notes.data or "",
        )
