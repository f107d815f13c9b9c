"""Pages shared by the login step and the settings: the enrolment page with its QR code."""

from __future__ import annotations

import segno
from flask import render_template

from matchmaker.orm import User
from matchmaker.services.accounts import mfa
from matchmaker.web.mfa.forms import EnrolForm


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG made here, as a data: URI (CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, light="#fff")


def enrolment_page(form: EnrolForm, user: User, required: bool = False):
    """The QR code and the secret in text; after a wrong code the same secret is shown again."""
    enrolment = mfa.start_enrolment(user, form.token.data)
    form.token.data = enrolment.token
    return render_template(
        "mfa/enrol.html",
        form=form,
        enrolment=enrolment,
        qr=qr_data_uri(enrolment.uri),
        required=required,
        account=user.email,
    )
