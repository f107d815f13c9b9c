"""Numbers read from URLs and query strings, bounded to what the database can hold.

Every `<int:...>` route argument goes through IdConverter (registered as the app's "int"
converter) and every list page reads ?page= through page_number(), so no view passes an
unbounded number from a URL to a query.
"""

from __future__ import annotations

from flask import abort, current_app, request
from werkzeug.routing import IntegerConverter

from matchmaker.dbrange import INT_MAX, parse_id
from matchmaker.extensions import db

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200


class IdConverter(IntegerConverter):
    """`<int:...>`: an id the database cannot hold matches no route, so it answers 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def page_number() -> int:
    """?page=: 1 when absent; a bad or huge number answers 400 saying what is accepted."""
    raw = request.args.get("page", "")
    if raw == "":
        return 1
    value = parse_id(raw)
    if value is None or value > MAX_PAGE:
        abort(400, description=f"The page number must be a whole number from 1 to {MAX_PAGE:,}.")
    return value


def id_arg(name: str) -> int | None:
    """An optional id in the query string (a filter): absent is None, a bad one answers 400."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        abort(400, description=f"{name} must be a whole number from 1 to {INT_MAX:,}.")
    return value


def paginate(query, per_page: int | None = None):
    """One page of a select, the page number read by page_number(), the size fixed by the app
    (never by the query string)."""
    size = min(per_page or current_app.config["PAGE_SIZE"], MAX_PER_PAGE)
    return db.paginate(query, page=page_number(), per_page=size, error_out=False)


def refuse_nul_characters() -> None:
    """before_request: NUL in a query string or form value answers 400. PostgreSQL cannot store
    or compare text holding NUL, and no field of this service has a use for it."""
    values = [v for _, vs in request.args.lists() for v in vs]
    values += (request.view_args or {}).values()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        values += [v for _, vs in request.form.lists() for v in vs]
    if any("\x00" in str(v) for v in values):
        abort(
            400,
            description="The request contains a NUL character (code 0), which no field "
            "accepts. Remove it and try again.",
        )
