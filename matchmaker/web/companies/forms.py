"""Forms for staff and admins: the CSV import, and verifying, suspending, merging companies."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from matchmaker.web.forms import Form


class ImportUploadForm(Form):
    file = FileField(
        "CSV file",
        validators=[
            FileRequired("Choose a CSV file."),
            FileAllowed(["csv", "txt"], "Upload a .csv file."),
        ],
        description="UTF-8, comma-separated, at most 5 MB and 20,000 rows.",
    )
    submit = SubmitField("Upload and preview")


class ImportRunForm(Form):
    submit = SubmitField("Import all rows")


class CompanyDecisionForm(Form):
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save")


class MergeCompanyForm(Form):
    target_id = IntegerField(
        "Merge into company number",
        validators=[DataRequired(), NumberRange(min=1)],
        description="Members, interest profiles and suggestions move to that company.",
    )
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Merge")
