"""The links of agreements: a signatory's single-use signing link and the certificate's link.

The signing link names the signatory, the document version it was sent for and a nonce that
changes with every invitation and is cleared once used: so a used, replaced or voided link fails.
"""

from __future__ import annotations

import secrets

from flask import current_app

from matchmaker.orm import Agreement, Signatory
from matchmaker.tokens import InvalidToken, make_token, read_token
from matchmaker.urls import external_url

SIGN = "agreement-sign"
CERTIFICATE = "agreement-certificate"
CERTIFICATE_MAX_AGE = 20 * 365 * 24 * 3600  # a certificate is kept as long as the agreement


def new_nonce() -> str:
    return secrets.token_hex(16)


def signing_token(signatory: Signatory, document_number: int) -> str:
    return make_token(SIGN, {"s": signatory.id, "n": signatory.link_nonce, "d": document_number})


def read_signing_token(token: str) -> tuple[int, str, int]:
    """(signatory id, nonce, document number) of a link; InvalidToken when forged or expired."""
    payload = read_token(SIGN, token, current_app.config["AGREEMENT_LINK_MAX_AGE"])
    try:
        return int(payload["s"]), str(payload["n"]), int(payload["d"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("This link is not valid.") from exc


def signing_url(signatory: Signatory, document_number: int) -> str:
    return external_url("signing.review", token=signing_token(signatory, document_number))


def certificate_token(agreement: Agreement) -> str:
    return make_token(CERTIFICATE, {"a": agreement.id, "h": agreement.document.sha256})


def read_certificate_token(token: str) -> tuple[int, str]:
    payload = read_token(CERTIFICATE, token, CERTIFICATE_MAX_AGE)
    try:
        return int(payload["a"]), str(payload["h"])
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidToken("This link is not valid.") from exc


def certificate_url(agreement: Agreement) -> str:
    return external_url("signing.certificate", token=certificate_token(agreement))
