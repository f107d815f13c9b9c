"""Forms a company member fills: the company profile, interest profiles, members, deletion."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length

from matchmaker import countries, naics, vocab
from matchmaker.orm import ProfileStatus
from matchmaker.services.companies.csv_import.rows import MAX_SECTORS, is_website
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form, MultiCheckboxField


def website(_form, field) -> None:
    """An http(s) address such as https://example.com."""
    field.data = (field.data or "").strip()
    if field.data and not is_website(field.data):
        raise ValidationError("Enter the full address, such as https://www.example.com.")


def naics_sectors(_form, field) -> None:
    """One to five NAICS 2022 codes."""
    if not field.data:
        raise ValidationError("Choose at least one sector.")
    if len(field.data) > MAX_SECTORS:
        raise ValidationError(f"Choose at most {MAX_SECTORS} sectors.")
    if bad := naics.unknown(field.data):
        raise ValidationError("Not NAICS 2022 codes: " + ", ".join(bad[:5]) + ".")


class NaicsPickerField(SelectMultipleField):
    """A <select multiple> of NAICS codes that static/js/naics-picker.js makes searchable."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"data-naics-picker": "", "size": 8})
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        self.choices = choices(naics.choices(self.data or []))


class CompanyFieldsForm(Form):
    """The fields a company fills about itself (shared by sign-up and the edit page)."""

    company_name = StringField("Company name", validators=[DataRequired(), Length(max=200)])
    contact_name = StringField("Contact name", validators=[DataRequired(), Length(max=120)])
    hq_country = SelectField(
        "Headquarters country",
        choices=choices([("", "Choose a country")] + countries.choices()),
        validators=[DataRequired(message="Choose a country.")],
    )
    website = URLField(
        "Website",
        validators=[DataRequired(), Length(max=300), website],
        description="The full address, such as https://www.example.com.",
    )
    size = SelectField(
        "Size",
        choices=choices([("", "Choose a size")] + list(vocab.COMPANY_SIZES.items())),
        validators=[DataRequired(message="Choose a size.")],
    )
    naics_sectors = NaicsPickerField(
        "Sectors (NAICS 2022)",
        validators=[naics_sectors],
        description="One to five sectors. Type a code or words to filter the list; hold Ctrl "
        "(Cmd on a Mac) to choose several.",
    )
    description = TextAreaField(
        "Description",
        validators=[DataRequired(), Length(max=5000)],
        description="What the company does, up to 5,000 characters.",
    )


class CompanyForm(CompanyFieldsForm):
    version = HiddenField()
    submit = SubmitField("Save company profile")


def _states(_form, field) -> None:
    if not field.data:
        field.data = ["any"]
    if "any" in field.data and len(field.data) > 1:
        raise ValidationError("Choose “Any state” or specific states, not both.")


class ProfileForm(Form):
    version = HiddenField()
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    partnership_types = MultiCheckboxField(
        "Partnership types sought", choices=choices(vocab.PARTNERSHIP_TYPES.items())
    )
    naics_sectors = NaicsPickerField("Sectors (NAICS 2022)", validators=[naics_sectors])
    states = SelectMultipleField(
        "US states of interest",
        choices=choices([("any", "Any state")] + list(vocab.US_STATES.items())),
        validators=[_states],
        default=["any"],
        render_kw={"size": 8},
        description="“Any state”, or one or more states.",
    )
    interests = TextAreaField(
        "What you look for in a city",
        validators=[DataRequired(), Length(max=5000)],
        description="Market entry, pilot sites, talent, sponsorship, research partners…",
    )
    status = SelectField(
        "Status",
        choices=choices((s.value, s.value.capitalize()) for s in ProfileStatus),
        default=ProfileStatus.ACTIVE.value,
        description="Only active profiles are matched with city priorities.",
    )
    submit = SubmitField("Save interest profile")

    def validate_partnership_types(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one partnership type.")


class InviteMemberForm(Form):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Send invitation")


class DeleteCompanyForm(Form):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=128)])
    confirm = BooleanField(
        "I understand that the company, its members and its interest profiles are deleted for "
        "good.",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )
    submit = SubmitField("Delete the company account")
