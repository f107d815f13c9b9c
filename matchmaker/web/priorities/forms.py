"""Forms for posting and editing a priority."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional

from matchmaker import codes, naics, vocab
from matchmaker.orm import PriorityStatus
from matchmaker.services.organisations.priorities import DESCRIPTION_MAX, TITLE_MAX
from matchmaker.web.fields import CodeListField, choices, country_codes, naics_codes
from matchmaker.web.forms import Form, MultiCheckboxField
from matchmaker.web.my_company.forms import NaicsPickerField  # the companies' searchable picker

STATUS_LABELS = {
    PriorityStatus.DRAFT: "Draft (only your office sees it)",
    PriorityStatus.OPEN: "Open (ranked against companies)",
    PriorityStatus.PAUSED: "Paused (withdraws undecided suggestions)",
    PriorityStatus.CLOSED: "Closed (withdraws undecided suggestions)",
}

NEW_STATUSES = (PriorityStatus.DRAFT, PriorityStatus.OPEN)
MAX_SECTORS = 10


def required_list(_form, field) -> None:
    """At least one choice."""
    if not field.data:
        raise ValidationError("Choose at least one.")


class PostPriorityForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(
        "Description",
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
        description="What the city wants to achieve and what kind of partner it looks for.",
    )
    naics_sectors = NaicsPickerField(
        "NAICS 2022 sectors",
        validators=[required_list, naics_codes],
        description="Type a code or words to filter the list; hold Ctrl (Cmd on a Mac) to choose "
        "several.",
        render_kw={"data-naics-picker": "", "data-max": str(MAX_SECTORS), "size": 8},
    )
    partnership_types = MultiCheckboxField(
        "Partnership types sought",
        choices=choices(vocab.PARTNERSHIP_TYPES.items()),
        validators=[required_list],
    )
    target_countries = CodeListField(
        "Target countries",
        validators=[Optional(), country_codes],
        description="ISO codes separated by commas, such as DE, JP. Leave empty for any country.",
    )
    horizon = DateField("Horizon", validators=[Optional()], description="When it should be done.")
    status = SelectField(
        "Status",
        choices=choices((s.value, STATUS_LABELS[s]) for s in NEW_STATUSES),
        default=PriorityStatus.DRAFT.value,
    )
    visible_to_companies = BooleanField("Companies may see it and express interest")
    submit = SubmitField("Post priority")


class EditPriorityForm(PostPriorityForm):
    version = HiddenField()
    status = SelectField("Status", choices=choices((s.value, t) for s, t in STATUS_LABELS.items()))
    submit = SubmitField("Save priority")

    def limit_statuses(self, current: PriorityStatus) -> None:
        """A published priority cannot go back to draft: do not offer it."""
        if current != PriorityStatus.DRAFT:
            published = [s for s in STATUS_LABELS if s != PriorityStatus.DRAFT]
            self.status.choices = choices((s.value, STATUS_LABELS[s]) for s in published)


def prefill(args) -> dict:
    """Start values for a new priority from a link (the company-demand page's gaps): only known
    NAICS codes, partnership types and countries are taken; anything else is ignored."""

    def listed(name: str, known) -> list[str]:
        return [c for c in codes.split_codes(",".join(args.getlist(name))) if known(c)]

    return {
        "naics_sectors": listed("naics_sectors", naics.is_valid),
        "partnership_types": [
            t for t in args.getlist("partnership_types") if t in vocab.PARTNERSHIP_TYPES
        ],
        "target_countries": listed("target_countries", codes.is_country),
    }
