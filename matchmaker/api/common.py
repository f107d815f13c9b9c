"""What every API resource shares: the problem schema, list arguments, keyset pages by id."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC

from flask import abort, request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import Select

from matchmaker.dbrange import parse_id
from matchmaker.extensions import db

LIMIT_DEFAULT, LIMIT_MAX = 25, 100


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "Where the problem is described"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw()),
        metadata={"description": "Messages per field of the request"},
    )


class ListArgs(Schema):
    cursor = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "`next_cursor` of the previous page; absent: the first page"},
    )
    limit = fields.Integer(
        load_default=LIMIT_DEFAULT, validate=validate.Range(1, LIMIT_MAX), metadata={"example": 25}
    )


class PageSchema(Schema):
    next_cursor = fields.String(allow_none=True, required=True)
    next = fields.String(
        allow_none=True, required=True, metadata={"description": "URL of the next page"}
    )


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page envelope schema: {"items": [...], "next_cursor": ..., "next": ...}."""
    return type(
        name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)}
    )


def encode_id(ident: int) -> str:
    return base64.urlsafe_b64encode(f"id:{ident}".encode()).decode().rstrip("=")


def decode_id(cursor: str) -> int:
    """The id a cursor names; a malformed cursor answers 422 naming the field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raw = ""
    kind, _, number = raw.partition(":")
    ident = parse_id(number) if kind == "id" else None
    if ident is None:
        abort(422, description="The cursor is not one this API gave out.")
    return ident


def next_link(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = request.args.to_dict()
    args["cursor"] = cursor
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def keyset_page(query: Select, model, args: dict) -> dict:
    """One page of a (scoped) select, newest id first, and the cursor of the next."""
    limit = args["limit"]
    query = query.order_by(None).order_by(model.id.desc())
    if args.get("cursor"):
        query = query.where(model.id < decode_id(args["cursor"]))
    rows = list(db.session.scalars(query.limit(limit + 1)).unique())
    more, rows = len(rows) > limit, rows[:limit]
    cursor = encode_id(rows[-1].id) if more and rows else None
    return {"items": rows, "next_cursor": cursor, "next": next_link(cursor)}


class Timestamp(fields.DateTime):
    """ISO 8601 with its offset, also for a value a raw SQL expression read back without zone
    (the database keeps UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)
