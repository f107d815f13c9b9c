"""The office's suggestion queue, one suggestion with its explanation and history, and the
review transitions, all through services/review (the same rules and version check as the page).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import Timestamp, next_link
from matchmaker.authz import office_suggestions, one_or_404
from matchmaker.extensions import db
from matchmaker.orm import Role, Suggestion, SuggestionStatus
from matchmaker.services.review import decisions as review
from matchmaker.services.review import oversight, queue

blp = api_blueprint(
    "api_suggestions",
    url_prefix="/api/v1/suggestions",
    description="The review queue: suggested pairs of a priority and a company",
)
STAFF, BOTH, ADMIN = (Role.OFFICE_STAFF,), (Role.OFFICE_STAFF, Role.ADMIN), (Role.ADMIN,)
STATUSES = [s.value for s in SuggestionStatus]


class QueueArgs(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(list(queue.STATUS_FILTERS)))
    priority_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    sector = fields.String(
        validate=validate.Regexp(r"^\d{2,6}$", error="2 to 6 digits, such as 54."),
        metadata={"description": "A NAICS prefix of the company's sectors"},
    )
    country = fields.String(
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="A two-letter code, such as DE.")
    )
    min_score = fields.Float(validate=validate.Range(0, 1))
    company_initiated = fields.Boolean(load_default=False)
    q = fields.String(validate=validate.Length(max=100), load_default="")
    cursor = fields.String(validate=validate.Length(max=100), load_default="")


class QueueItem(Schema):
    id = fields.Integer(required=True)
    score = fields.Float(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = fields.Integer(required=True)
    company_initiated = fields.Boolean(required=True)
    flagged = fields.Boolean(required=True)
    routed_at = Timestamp(required=True)
    company = fields.String(required=True)
    hq_country = fields.String(required=True)
    priority = fields.String(required=True)
    claimed_by = fields.String(allow_none=True, required=True)


class QueuePage(Schema):
    items = fields.List(fields.Nested(QueueItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    next = fields.String(allow_none=True, required=True)


class EventSchema(Schema):
    at = fields.DateTime(required=True)
    actor = fields.Function(
        lambda e: (e.actor.name or e.actor.email) if e.actor else None, allow_none=True
    )
    from_status = fields.String(allow_none=True, required=True)
    to_status = fields.String(required=True)
    reason = fields.String(required=True)


class SuggestionSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = fields.Integer(required=True)
    score = fields.Float(required=True)
    priority_id = fields.Integer(required=True)
    priority_title = fields.Function(lambda s: s.priority.title, required=True)
    profile_id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    company_name = fields.Function(lambda s: s.company.name, required=True)
    routed_office_id = fields.Integer(allow_none=True, required=True)
    routed_at = fields.DateTime(allow_none=True, required=True)
    flagged = fields.Boolean(required=True)
    company_initiated = fields.Boolean(required=True)
    message = fields.String(required=True)
    assigned_to_id = fields.Integer(allow_none=True, required=True)
    snoozed_until = fields.Date(allow_none=True, required=True)
    decline_reason = fields.String(allow_none=True, required=True)
    decided_at = fields.DateTime(allow_none=True, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    explanation = fields.Dict(required=True, metadata={"description": "Why the pair was suggested"})
    history = fields.List(fields.Nested(EventSchema), required=True)


NOTE = {"validate": validate.Length(max=review.NOTE_MAX), "load_default": ""}


class ClaimIn(Schema):
    version = fields.Integer(required=True, metadata={"description": "The version you read"})


class AcceptIn(ClaimIn):
    note = fields.String(**NOTE, metadata={"description": "Read by the company"})


class DeclineIn(ClaimIn):
    reason = fields.String(required=True, validate=validate.OneOf(list(review.DECLINE_REASONS)))
    note = fields.String(**NOTE)


class SnoozeIn(ClaimIn):
    until = fields.Date(required=True)
    note = fields.String(**NOTE)


class ReassignIn(ClaimIn):
    office_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    note = fields.String(required=True, validate=validate.Length(min=1, max=review.NOTE_MAX))


class ClearIn(ClaimIn):
    note = fields.String(
        required=True, validate=validate.Length(min=review.RATIONALE_MIN, max=review.NOTE_MAX)
    )


# action: (body schema, roles that may take it, what it does)
ACTIONS = {
    "claim": (ClaimIn, STAFF, "Take the suggestion into review (you are its reviewer)."),
    "accept": (AcceptIn, STAFF, "Accept: the company is asked for an introduction."),
    "decline": (DeclineIn, BOTH, "Decline with a reason (admins: a flagged one)."),
    "snooze": (SnoozeIn, STAFF, "Put it aside until a date within a year."),
    "reassign": (ReassignIn, BOTH, "Hand it to another office, saying why."),
    "clear": (ClearIn, ADMIN, "Admins: let the office act on a flagged suggestion."),
}


class _Detail:
    """A suggestion with its review history, as SuggestionSchema reads it."""

    def __init__(self, row: Suggestion):
        self.row = row
        self.history = oversight.suggestion_context(db.session, row)["events"]

    def __getattr__(self, name: str):
        return getattr(self.row, name)


@blp.route("")
@access("read:queue", *STAFF)
@blp.arguments(QueueArgs, location="query")
@blp.response(200, QueuePage)
def list_queue(args):
    """The office's queue with the page's filters, best score first, 50 a page."""
    if args["cursor"] and queue.decode_cursor(args["cursor"]) is None:
        abort(422, description="The cursor is not one this API gave out.")
    filters = queue.QueueFilters(
        status=args["status"],
        priority_id=args.get("priority_id"),
        sector=args.get("sector", ""),
        country=args.get("country", "").upper(),
        min_score=args.get("min_score"),
        company_initiated=args["company_initiated"],
        q=args["q"].strip(),
        after=args["cursor"],
    )
    page = queue.office_queue(db.session, current_user.office_id, filters)
    items = [row._asdict() for row in page.rows]
    return {"items": items, "next_cursor": page.next_cursor, "next": next_link(page.next_cursor)}


@blp.route("/<int:suggestion_id>")
@access("read:queue", *BOTH)
@blp.response(200, SuggestionSchema)
def get_suggestion(suggestion_id: int):
    """One suggestion: the pair, its score explanation and its review history."""
    return _Detail(one_or_404(office_suggestions(), suggestion_id, Suggestion))


def _transition(action: str, schema: type[Schema], roles: tuple, summary: str):
    def view(data, suggestion_id: int):
        one_or_404(office_suggestions(), suggestion_id, Suggestion)
        version = data.pop("version")
        row = review.decide_suggestion(
            db.session, suggestion_id, current_user, action, version, **data
        )
        return _Detail(row)

    view.__name__ = view.__qualname__ = f"{action}_suggestion"
    view.__doc__ = (
        f"{summary}\n\nSend the `version` you read: a stale one answers 409 naming who acted."
    )
    view = blp.response(200, SuggestionSchema)(view)
    view = blp.alt_response(409, response="CONFLICT")(view)
    view = blp.arguments(schema)(view)
    view = access("write:decisions", *roles)(view)
    blp.route(f"/<int:suggestion_id>/{action}", methods=["POST"])(view)


for _action, (_schema, _roles, _summary) in ACTIONS.items():
    _transition(_action, _schema, _roles, _summary)
