"""Forms of agreements: drafting (details, signatories, versions, actions), signing, /verify."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from matchmaker.orm import AgreementKind, SigningOrder
from matchmaker.services.agreements.drafting import REASON_MAX as REASON
from matchmaker.services.agreements.drafting import AgreementDetails
from matchmaker.web.fields import choices
from matchmaker.web.forms import Form

KINDS = choices([(k.value, k.label) for k in AgreementKind])
ORDERS = choices(
    [
        (SigningOrder.PARALLEL.value, "Parallel: everyone is asked at once"),
        (SigningOrder.SEQUENTIAL.value, "Sequential: in the order listed, each after the previous"),
    ]
)
PDF_HELP = "A PDF of at most 10 MB. Its SHA-256 fingerprint identifies it from then on."


class AgreementForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=KINDS)
    other_parties = TextAreaField(
        "Other parties (optional, one per line)",
        validators=[Optional(), Length(max=2000)],
        description="The office and the company are parties already.",
    )
    signing_order = SelectField("Signing order", choices=ORDERS)

    def details(self) -> AgreementDetails:
        return AgreementDetails(
            self.title.data or "",
            self.kind.data,
            self.other_parties.data or "",
            self.signing_order.data,
        )


class NewAgreementForm(AgreementForm):
    document = FileField(
        "Document", validators=[FileRequired("Choose the PDF.")], description=PDF_HELP
    )


class EditAgreementForm(AgreementForm):
    version = IntegerField(validators=[InputRequired()])


class VersionForm(Form):
    version = IntegerField(validators=[InputRequired()])
    document = FileField(
        "New version", validators=[FileRequired("Choose the PDF.")], description=PDF_HELP
    )


class SignatoryForm(Form):
    version = IntegerField(validators=[InputRequired()])
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = StringField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    party = SelectField("Signs for", choices=[])


class ActionForm(Form):
    """Send, remind, remove, withdraw, terminate: the version seen, a reason where one applies."""

    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField("Reason", validators=[Optional(), Length(max=REASON)])


class SignForm(Form):
    name = StringField(
        "Your full name", validators=[DataRequired("Type your full name to sign."), Length(max=120)]
    )
    consent = BooleanField(
        "I agree to sign this document electronically, and that my typed name is my signature.",
        validators=[DataRequired("Tick the box to agree to sign electronically.")],
    )
    sha256 = HiddenField(validators=[DataRequired(), Length(max=64)])


class DeclineForm(Form):
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=REASON)])


class VerifyForm(Form):
    document = FileField("The PDF to check", description="At most 10 MB; it is not kept.")
    fingerprint = StringField(
        "…or its SHA-256 fingerprint", validators=[Optional(), Length(max=200)]
    )


class EventFilterForm(Form):
    class Meta:
        csrf = False

    action = SelectField("Action", default="")
    q = StringField("Agreement title", validators=[Optional(), Length(max=100)])
