"""Authorization in one place: role decorators and query-scoping helpers for tenant rows."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from matchmaker.extensions import db
from matchmaker.orm import Company, InterestProfile, Priority, Role, Suggestion


def roles_required(*roles: Role) -> Callable:
    """Only logged-in users with one of the roles may enter; anyone else gets 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_required = roles_required(Role.OFFICE_STAFF)
staff_or_admin_required = roles_required(Role.OFFICE_STAFF, Role.ADMIN)
company_required = roles_required(Role.COMPANY_MEMBER)


def own_company_id() -> int:
    """The company of the logged-in company member."""
    if not current_user.is_authenticated or current_user.role != Role.COMPANY_MEMBER:
        abort(403)
    return current_user.company_id


def own_office_id() -> int:
    """The office of the logged-in staff member."""
    if not current_user.is_authenticated or current_user.role != Role.OFFICE_STAFF:
        abort(403)
    return current_user.office_id


def company_profiles() -> Select:
    """The interest profiles the logged-in company member may see."""
    return select(InterestProfile).where(InterestProfile.company_id == own_company_id())


def office_priorities() -> Select:
    """The priorities the logged-in staff member's office owns (admins: all)."""
    query = select(Priority)
    if current_user.role == Role.ADMIN:
        return query
    return query.where(Priority.office_id == own_office_id())


def office_suggestions() -> Select:
    """The suggestions routed to the logged-in staff member's office (admins: all)."""
    query = select(Suggestion)
    if current_user.role == Role.ADMIN:
        return query
    return query.where(Suggestion.routed_office_id == own_office_id())


def one_or_404(query: Select, ident: int, model) -> object:
    """The row with this id inside a scoped query; another tenant's id answers 404."""
    row = db.session.scalars(query.where(model.id == ident)).first()
    if row is None:
        abort(404)
    return row


def own_company() -> Company:
    company = db.session.get(Company, own_company_id())
    if company is None:
        abort(404)
    return company
