"""Introductions of the own tenant, read-only (services/introductions/queries.py)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import ListArgs, keyset_page, page_of
from matchmaker.orm import Introduction, IntroductionStage, Role
from matchmaker.services.introductions import queries

blp = api_blueprint(
    "api_introductions",
    url_prefix="/api/v1/introductions",
    description="Introductions between an office and a company (read-only)",
)
STAGES = [s.value for s in IntroductionStage]


class IntroductionSchema(Schema):
    id = fields.Integer(required=True)
    suggestion_id = fields.Integer(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    office_id = fields.Integer(required=True)
    office_name = fields.Function(lambda i: i.office.name, required=True)
    company_id = fields.Integer(required=True)
    company_name = fields.Function(lambda i: i.company.name, required=True)
    priority_id = fields.Integer(required=True)
    priority_title = fields.Function(lambda i: i.priority.title, required=True)
    requested_at = fields.DateTime(required=True)
    answered_at = fields.DateTime(allow_none=True, required=True)
    expires_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True)


class IntroductionArgs(ListArgs):
    stage = fields.String(validate=validate.OneOf(STAGES), load_default="")
    q = fields.String(validate=validate.Length(max=100), load_default="")


@blp.route("")
@access("read:introductions", Role.OFFICE_STAFF, Role.COMPANY_MEMBER, Role.ADMIN)
@blp.arguments(IntroductionArgs, location="query")
@blp.response(200, page_of(IntroductionSchema, "IntroductionPage"))
def list_introductions(args):
    """The office's introductions (a company: its own; admins: all), newest first."""
    filters = queries.IntroductionFilters(stage=args["stage"], q=args["q"])
    if current_user.role == Role.COMPANY_MEMBER:
        query = queries.company_introductions(current_user.company_id, filters)
    else:
        office = current_user.office_id if current_user.role == Role.OFFICE_STAFF else None
        query = queries.office_introductions(office, filters)
    return keyset_page(query, Introduction, args)
