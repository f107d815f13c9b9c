"""The company's interest profiles: list, read, create, edit, pause (services/companies)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker import vocab
from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import ListArgs, keyset_page, page_of
from matchmaker.authz import company_profiles, one_or_404
from matchmaker.extensions import db
from matchmaker.orm import InterestProfile, ProfileStatus, Role
from matchmaker.services.companies import registration as service

blp = api_blueprint(
    "api_profiles",
    url_prefix="/api/v1/profiles",
    description="A company's interest profiles: what it looks for in a city",
)
COMPANY = (Role.COMPANY_MEMBER,)
STATUSES = [s.value for s in ProfileStatus]


class ProfileSchema(Schema):
    id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    title = fields.String(required=True)
    partnership_types = fields.List(fields.String(), required=True)
    naics_sectors = fields.List(fields.String(), required=True)
    states = fields.List(fields.String(), required=True)
    interests = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ProfileIn(Schema):
    title = fields.String(required=True, validate=validate.Length(max=200))
    partnership_types = fields.List(
        fields.String(validate=validate.OneOf(list(vocab.PARTNERSHIP_TYPES))),
        required=True,
        validate=validate.Length(max=20),
    )
    naics_sectors = fields.List(
        fields.String(validate=validate.Length(max=10)),
        required=True,
        validate=validate.Length(max=vocab.MAX_COMPANY_SECTORS),
    )
    states = fields.List(
        fields.String(validate=validate.Length(max=3)),
        load_default=lambda: ["any"],
        validate=validate.Length(max=60),
        metadata={"description": 'US state codes, or ["any"]'},
    )
    interests = fields.String(load_default="", validate=validate.Length(max=5000))
    status = fields.String(load_default="active", validate=validate.OneOf(STATUSES))


class ProfileEdit(ProfileIn):
    version = fields.Integer(required=True, metadata={"description": "The version you read"})


class VersionIn(Schema):
    version = fields.Integer(required=True)


class ProfileArgs(ListArgs):
    q = fields.String(validate=validate.Length(max=100), load_default="")
    status = fields.String(validate=validate.OneOf(STATUSES), load_default="")


def _data(data: dict, **override) -> service.ProfileData:
    values = {k: v for k, v in data.items() if k != "version"} | override
    return service.ProfileData(**{**values, "status": ProfileStatus(values["status"])})


@blp.route("")
@access("read:profiles", *COMPANY)
@blp.arguments(ProfileArgs, location="query")
@blp.response(200, page_of(ProfileSchema, "ProfilePage"))
def list_profiles(args):
    """The company's interest profiles, newest first."""
    query = service.profile_list(current_user.company_id, args["q"].strip(), args["status"])
    return keyset_page(query, InterestProfile, args)


@blp.route("", methods=["POST"])
@access("write:profiles", *COMPANY)
@blp.arguments(ProfileIn)
@blp.response(201, ProfileSchema)
def create_profile(data):
    """Add an interest profile (an active one is matched in the background)."""
    return service.create_profile(db.session, current_user.company_id, _data(data))


@blp.route("/<int:profile_id>", endpoint="profile")
class ProfileItem(MethodView):
    """One interest profile of the company (one rule for both methods)."""

    @access("read:profiles", *COMPANY)
    @blp.response(200, ProfileSchema)
    def get(self, profile_id: int):
        """One interest profile of the company."""
        return one_or_404(company_profiles(), profile_id, InterestProfile)

    @access("write:profiles", *COMPANY)
    @blp.arguments(ProfileEdit)
    @blp.response(200, ProfileSchema)
    def put(self, data, profile_id: int):
        """Replace the profile's fields as of `version`; 409 when someone saved in between."""
        return service.update_profile(
            db.session,
            current_user.company_id,
            profile_id,
            _data(data),
            data["version"],
            current_user,
        )


@blp.route("/<int:profile_id>/pause", methods=["POST"])
@access("write:profiles", *COMPANY)
@blp.arguments(VersionIn)
@blp.response(200, ProfileSchema)
def pause_profile(data, profile_id: int):
    """Pause the profile: its undecided suggestions leave the offices' queues."""
    profile = one_or_404(company_profiles(), profile_id, InterestProfile)
    current = ProfileSchema(only=list(ProfileIn._declared_fields)).dump(profile)
    return service.update_profile(
        db.session,
        current_user.company_id,
        profile_id,
        _data(current, status=ProfileStatus.PAUSED.value),
        data["version"],
        current_user,
    )
