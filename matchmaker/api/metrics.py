"""The funnel figures of the metrics page as JSON (services/metrics/figures.py): the same scope,
period and small-number rule; staff see their office or city, admins any scope."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.extensions import db
from matchmaker.orm import Role
from matchmaker.services.metrics.figures import SMALL, funnel_figures
from matchmaker.services.metrics.funnel import STEPS
from matchmaker.services.metrics.period import DEFAULT_PRESET, PRESETS

blp = api_blueprint(
    "api_metrics",
    url_prefix="/api/v1/metrics",
    description="Outcome metrics: the funnel from suggestion to active partnership",
)
STEP_KEYS = [key for key, _ in STEPS]


class MetricsArgs(Schema):
    scope = fields.String(
        load_default="",
        validate=validate.Length(max=40),
        metadata={
            "description": "`office:<id>`, `city:<id>` or `all` (admins); absent: your office "
            "(staff) or all cities (admins). Another office's or city's answers 404.",
            "example": "office:1",
        },
    )
    preset = fields.String(
        load_default=DEFAULT_PRESET,
        validate=validate.OneOf(list(PRESETS)),
        metadata={"description": "The period; `custom` takes `since` and `until`"},
    )
    since = fields.Date(load_default=None, metadata={"description": "With preset=custom"})
    until = fields.Date(
        load_default=None, metadata={"description": "With preset=custom; inclusive"}
    )


class FigureSchema(Schema):
    count = fields.Integer(
        required=True, metadata={"description": "How many items the figure rests on"}
    )
    value = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "null when there is nothing to compute, or when suppressed"},
    )
    suppressed = fields.Boolean(
        required=True,
        metadata={"description": f"True when count is below {SMALL}: only the count is shown"},
    )


class RateSchema(FigureSchema):
    value = fields.Float(
        required=True,
        allow_none=True,
        data_key="rate",
        metadata={"description": "Percentage; null when suppressed"},
    )


class StepSchema(Schema):
    key = fields.String(required=True, validate=validate.OneOf(STEP_KEYS))
    label = fields.String(required=True)
    count = fields.Integer(required=True)
    from_previous = fields.Nested(
        RateSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null for the first step or after an empty one"},
    )
    of_suggested = fields.Nested(RateSchema, required=True, allow_none=True)


class TimingSchema(Schema):
    key = fields.String(
        required=True,
        validate=validate.OneOf(STEP_KEYS[1:]),
        metadata={"description": "The step reached; days since the step before"},
    )
    label = fields.String(required=True)
    median_days = fields.Nested(FigureSchema, required=True)


class ScopeSchema(Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["office", "city", "all"]))
    id = fields.Integer(required=True, allow_none=True, attribute="ident")
    label = fields.String(required=True)


class PeriodSchema(Schema):
    since = fields.Date(required=True)
    until = fields.Date(required=True, metadata={"description": "Inclusive"})


class FunnelSchema(Schema):
    scope = fields.Nested(ScopeSchema, required=True)
    period = fields.Nested(PeriodSchema, required=True)
    small_number = fields.Constant(
        SMALL,
        required=True,
        metadata={"description": "Figures resting on fewer items are suppressed"},
    )
    steps = fields.List(fields.Nested(StepSchema), required=True)
    timings = fields.List(fields.Nested(TimingSchema), required=True)


@blp.route("")
@access("read:metrics", Role.OFFICE_STAFF, Role.ADMIN)
@blp.arguments(MetricsArgs, location="query")
@blp.response(200, FunnelSchema)
def funnel(args):
    """The funnel of suggestions created in the period, followed to today, with the median
    days between its steps (the metrics page's first two tables)."""
    return funnel_figures(
        db.session, current_user, args["scope"], args["preset"], args["since"], args["until"]
    )
