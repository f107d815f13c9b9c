"""Pages without an account: a signatory's signing page (from the emailed link), the signing
certificate, and the public /verify check of a file or a fingerprint."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from matchmaker.extensions import db, limiter
from matchmaker.services.agreements import documents, queries, signing
from matchmaker.services.errors import Conflict, DomainError
from matchmaker.web.agreements import files
from matchmaker.web.agreements.forms import DeclineForm, SignForm, VerifyForm
from matchmaker.web.forms import attach_error

bp = Blueprint("signing", __name__)


@bp.url_value_preprocessor  # runs before every before_request, which may read the form
def _upload_limit(endpoint, _values):
    if endpoint == "signing.verify":
        files.allow_large_upload()


def _refused(exc: DomainError):
    """A link that cannot be used (expired, used, replaced, voided, withdrawn): said plainly."""
    return render_template("signing/refused.html", message=str(exc)), 400


def _page(token: str, form: SignForm | None = None, decline: DeclineForm | None = None):
    """The review page of a valid link, or the refusal."""
    try:
        signatory = signing.open_link(db.session, token)
    except DomainError as exc:
        return _refused(exc)
    agreement = signatory.agreement
    form = form or SignForm(formdata=None, sha256=agreement.document.sha256)
    return render_template(
        "signing/review.html",
        token=token,
        signatory=signatory,
        agreement=agreement,
        document=agreement.document,
        signatures=queries.current_signatures(db.session, agreement),
        form=form,
        decline=decline or DeclineForm(formdata=None),
    )


@bp.route("/sign/<token>")
def review(token: str):
    """The document to sign, its fingerprint, and the signing and declining forms."""
    return _page(token)


@bp.route("/sign/<token>/document")
def document(token: str):
    """The PDF a signatory is asked to sign, while their link is valid."""
    try:
        agreement = signing.open_link(db.session, token).agreement
    except DomainError as exc:
        return _refused(exc)
    doc, content = queries.document_file(db.session, agreement)
    return files.pdf_response(doc.sha256, doc.number, content, bool(request.args.get("download")))


def _client() -> signing.Client:
    return signing.Client(request.remote_addr or "", request.user_agent.string or "")


@bp.route("/sign/<token>/sign", methods=["POST"])
def sign(token: str):
    """Sign: the typed full name, the consent and the fingerprint seen."""
    form = SignForm()
    if form.validate_on_submit():
        data = (form.name.data, form.consent.data, form.sha256.data)
        try:
            agreement = signing.sign(db.session, token, *data, _client())
        except signing.InvalidSignature as exc:
            attach_error(form, exc)
        except Conflict:
            raise
        except DomainError as exc:
            return _refused(exc)
        else:
            return render_template("signing/done.html", agreement=agreement, signed=True)
    return _page(token, form=form)


@bp.route("/sign/<token>/decline", methods=["POST"])
def decline(token: str):
    """Decline to sign, with an optional reason (the office is told)."""
    form = DeclineForm()
    if not form.validate_on_submit():
        return _page(token, decline=form)
    try:
        agreement = signing.decline(db.session, token, form.reason.data or "")
    except Conflict:
        raise
    except DomainError as exc:
        return _refused(exc)
    return render_template("signing/done.html", agreement=agreement, signed=False)


@bp.route("/agreements/certificate/<token>")
def certificate(token: str):
    """The signing certificate: the fingerprint and every signature (printable)."""
    return render_template("signing/certificate.html", token=token, **_certificate(token))


@bp.route("/agreements/certificate/<token>/document")
def certificate_document(token: str):
    """The signed PDF, for whoever holds the certificate's link."""
    doc = _certificate(token)["document"]
    content = documents.content_of(db.session, doc.sha256)
    return files.pdf_response(doc.sha256, doc.number, content, download=True)


@bp.route("/agreements/certificate/<token>/certificate.pdf")
def certificate_pdf(token: str):
    """The signing certificate as a generated PDF, to keep or forward."""
    name, content = queries.certificate_pdf(db.session, token)
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _certificate(token: str) -> dict:
    return queries.certificate(db.session, token)  # a bad or stale link: NotFound, the 404


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def verify():
    """Check a PDF or a fingerprint against the fully signed agreements."""
    form, result = VerifyForm(), None
    if form.validate_on_submit():
        upload = files.uploaded(form.document)[0] if form.document.data else None
        try:
            result = queries.verify(
                db.session, content=upload, fingerprint=form.fingerprint.data or ""
            )
        except DomainError as exc:
            attach_error(form, exc)
    return render_template("signing/verify.html", form=form, result=result)
