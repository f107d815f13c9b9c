"""Priorities of the office: list, read, post, edit, change status (services/organisations)."""

from __future__ import annotations

from dataclasses import replace

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker import vocab
from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import ListArgs, keyset_page, page_of
from matchmaker.authz import office_priorities, one_or_404
from matchmaker.extensions import db
from matchmaker.orm import Priority, PriorityStatus, Role
from matchmaker.services.organisations import priorities as service

blp = api_blueprint(
    "api_priorities",
    url_prefix="/api/v1/priorities",
    description="An office's city priorities",
)
STAFF, READERS = (Role.OFFICE_STAFF,), (Role.OFFICE_STAFF, Role.ADMIN)
STATUSES = [s.value for s in PriorityStatus]


class PrioritySchema(Schema):
    id = fields.Integer(required=True)
    office_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    naics_sectors = fields.List(fields.String(), required=True)
    partnership_types = fields.List(fields.String(), required=True)
    target_countries = fields.List(fields.String(), required=True)
    horizon = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    visible_to_companies = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PriorityIn(Schema):
    title = fields.String(required=True, validate=validate.Length(max=service.TITLE_MAX))
    description = fields.String(
        required=True, validate=validate.Length(max=service.DESCRIPTION_MAX)
    )
    naics_sectors = fields.List(
        fields.String(validate=validate.Length(max=10)),
        required=True,
        validate=validate.Length(max=50),
    )
    partnership_types = fields.List(
        fields.String(validate=validate.OneOf(list(vocab.PARTNERSHIP_TYPES))),
        required=True,
        validate=validate.Length(max=20),
    )
    target_countries = fields.List(
        fields.String(validate=validate.Length(equal=2)),
        load_default=list,
        validate=validate.Length(max=250),
    )
    horizon = fields.Date(allow_none=True, load_default=None)
    status = fields.String(load_default="draft", validate=validate.OneOf(STATUSES))
    visible_to_companies = fields.Boolean(load_default=False)


class PriorityEdit(PriorityIn):
    version = fields.Integer(required=True, metadata={"description": "The version you read"})


class StatusChange(Schema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = fields.Integer(required=True)


class PriorityArgs(ListArgs):
    q = fields.String(validate=validate.Length(max=100), load_default="")
    status = fields.String(validate=validate.OneOf(STATUSES))


def _input(data: dict) -> service.PriorityInput:
    data = {k: v for k, v in data.items() if k != "version"}
    return service.PriorityInput(**{**data, "status": PriorityStatus(data["status"])})


def _office() -> int | None:
    return None if current_user.role == Role.ADMIN else current_user.office_id


@blp.route("")
@access("read:priorities", *READERS)
@blp.arguments(PriorityArgs, location="query")
@blp.response(200, page_of(PrioritySchema, "PriorityPage"))
def list_priorities(args):
    """The office's priorities (admins: every office's), newest first."""
    filters = service.PriorityFilters(q=args["q"], status=args.get("status", ""))
    return keyset_page(service.filter_priorities(office_priorities(), filters), Priority, args)


@blp.route("", methods=["POST"])
@access("write:priorities", *STAFF)
@blp.arguments(PriorityIn)
@blp.response(201, PrioritySchema)
def create_priority(data):
    """Post a priority for the office, as a draft or open (then ranked in the background)."""
    return service.post_priority(db.session, current_user.office_id, current_user, _input(data))


@blp.route("/<int:priority_id>", endpoint="priority")
class PriorityItem(MethodView):
    """One priority of the office (one rule for both methods: a huge id is 404 for either)."""

    @access("read:priorities", *READERS)
    @blp.response(200, PrioritySchema)
    def get(self, priority_id: int):
        """One priority of the office."""
        return one_or_404(office_priorities(), priority_id, Priority)

    @access("write:priorities", *STAFF)
    @blp.arguments(PriorityEdit)
    @blp.response(200, PrioritySchema)
    def put(self, data, priority_id: int):
        """Replace the priority's fields, as of `version`; 409 when someone saved in between."""
        return service.edit_priority(
            db.session, priority_id, _office(), current_user, _input(data), data["version"]
        )


@blp.route("/<int:priority_id>/status", methods=["POST"])
@access("write:priorities", *STAFF)
@blp.arguments(StatusChange)
@blp.response(200, PrioritySchema)
def change_status(data, priority_id: int):
    """Open, pause or close the priority (pausing or closing withdraws undecided suggestions)."""
    current = service.get_priority(db.session, priority_id, _office())
    fields_now = {
        name: getattr(current, name) for name in service.PriorityInput.__dataclass_fields__
    }
    same = service.PriorityInput(**fields_now)
    return service.edit_priority(
        db.session,
        priority_id,
        _office(),
        current_user,
        replace(same, status=PriorityStatus(data["status"])),
        data["version"],
    )
