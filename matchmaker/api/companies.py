"""Company search for office staff and admins (services/companies/trust.py's list)."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields, validate

from matchmaker.api.auth import access
from matchmaker.api.blueprints import api_blueprint
from matchmaker.api.common import ListArgs, keyset_page, page_of
from matchmaker.orm import Company, CompanyStatus, Role
from matchmaker.services.companies import trust

blp = api_blueprint(
    "api_companies",
    url_prefix="/api/v1/companies",
    description="Search companies (office staff: active ones; admins: any status)",
)
STATUSES = [s.value for s in CompanyStatus]


class CompanySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    website_domain = fields.String(allow_none=True, required=True)
    hq_country = fields.String(required=True)
    size = fields.String(required=True)
    naics_sectors = fields.List(fields.String(), required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class CompanyArgs(ListArgs):
    q = fields.String(validate=validate.Length(max=100), load_default="")
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        load_default="",
        metadata={"description": "Admins only; staff see active companies"},
    )


@blp.route("")
@access("read:companies", Role.OFFICE_STAFF, Role.ADMIN)
@blp.arguments(CompanyArgs, location="query")
@blp.response(200, page_of(CompanySchema, "CompanyPage"))
def search_companies(args):
    """Companies whose name or website domain contains `q`, newest first."""
    status = args["status"] if current_user.role == Role.ADMIN else CompanyStatus.ACTIVE.value
    return keyset_page(trust.company_list(status, args["q"].strip()), Company, args)
