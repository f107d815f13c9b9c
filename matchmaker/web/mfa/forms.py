"""Forms for giving a code, setting up an authenticator app and the admin's user search."""

from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from matchmaker.web.forms import Form

CODE_HELP = "The 6-digit code your authenticator app shows, or one of your recovery codes."


def code_field(label: str = "Code", description: str = CODE_HELP) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(message="Enter a code."), Length(max=32)],
        description=description,
    )


class CodeForm(Form):
    """The second login step, turning MFA off, or asking for new recovery codes."""

    code = code_field()
    submit = SubmitField("Verify")


class EnrolForm(Form):
    # The signed secret being set up travels with the form, so nothing is stored before the
    # first code proves the app has it.
    token = HiddenField()
    code = code_field("First code", "The 6-digit code your app shows after scanning.")
    submit = SubmitField("Turn on two-step verification")
