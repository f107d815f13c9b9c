"""Introductions, engagements and agreements of the own tenant, read-only, through the read
side of services/introductions and services/agreements."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import ListArgs, keyset_page, page_of
from matchmaker.orm import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Engagement,
    EngagementKind,
    EngagementMode,
    EngagementStatus,
    Introduction,
    IntroductionStage,
    Role,
)
from matchmaker.services.agreements.queries import visible_agreements
from matchmaker.services.introductions import queries
from matchmaker.services.introductions.engagement_queries import visible_engagements

blp = api_blueprint(
    "api_introductions",
    url_prefix="/api/v1",
    description="Introductions, their engagements and agreements (read-only)",
)
STAGES = [s.value for s in IntroductionStage]
EVERYONE = (Role.OFFICE_STAFF, Role.COMPANY_MEMBER, Role.ADMIN)


def _values(enum_cls) -> list[str]:
    return [member.value for member in enum_cls]


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


@blp.route("/introductions")
@access("read:introductions", *EVERYONE)
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


class EngagementSchema(Schema):
    """What both sides see of a meeting (the office's internal notes stay out)."""

    id = fields.Integer(required=True)
    introduction_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(_values(EngagementKind)))
    mode = fields.String(required=True, validate=validate.OneOf(_values(EngagementMode)))
    status = fields.String(required=True, validate=validate.OneOf(_values(EngagementStatus)))
    starts_at = fields.DateTime(required=True)
    time_zone = fields.String(required=True)
    duration_minutes = fields.Integer(required=True)
    location = fields.String(required=True)
    agenda = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True)


class AgreementSchema(Schema):
    id = fields.Integer(required=True)
    introduction_id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(_values(AgreementKind)))
    status = fields.String(required=True, validate=validate.OneOf(_values(AgreementStatus)))
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    signed_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(required=True)


@blp.route("/engagements")
@access("read:introductions", *EVERYONE)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(EngagementSchema, "EngagementPage"))
def list_engagements(args):
    """Meetings of the introductions you take part in, newest first."""
    return keyset_page(visible_engagements(current_user), Engagement, args)


@blp.route("/agreements")
@access("read:introductions", *EVERYONE)
@blp.arguments(ListArgs, location="query")
@blp.response(200, page_of(AgreementSchema, "AgreementPage"))
def list_agreements(args):
    """Agreements you may see (companies: once sent for signature), newest first."""
    return keyset_page(visible_agreements(current_user), Agreement, args)
