"""Admins keep the routing rules (ordered) and the sensitivity policy."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from matchmaker.authz import admin_required
from matchmaker.extensions import db
from matchmaker.services.errors import DomainError
from matchmaker.services.organisations import offices as org
from matchmaker.services.review import routing_rules
from matchmaker.web.fields import with_placeholder
from matchmaker.web.forms import attach_error
from matchmaker.web.routing.forms import RuleForm, SensitiveCountryForm

bp = Blueprint("routing", __name__, url_prefix="/admin")


def rule_form() -> RuleForm:
    form = RuleForm()
    form.city_id.choices = [(0, "Any city"), *org.city_choices(db.session)]
    form.target_office_id.choices = with_placeholder(
        "Choose an office", org.office_choices(db.session)
    )
    return form


@bp.route("/routing", methods=["GET", "POST"])
@admin_required
def rules():
    """The routing rules in the order they are tried; add one."""
    form = rule_form()
    if form.validate_on_submit():
        data = routing_rules.RuleInput(
            name=form.name.data,
            target_office_id=form.target_office_id.data,
            naics_prefix=form.naics_prefix.data or "",
            hq_country=form.hq_country.data or "",
            partnership_type=form.partnership_type.data or "",
            city_id=form.city_id.data or None,
        )
        try:
            routing_rules.add_rule(db.session, current_user, data)
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(
                "The rule was added; waiting suggestions nobody touched were re-routed.", "success"
            )
            return redirect(url_for("routing.rules"))
    return render_template("routing/rules.html", form=form, rules=routing_rules.rules(db.session))


@bp.route("/routing/<int:rule_id>/move", methods=["POST"])
@admin_required
def move_rule(rule_id: int):
    """Try a rule earlier ("up") or later ("down")."""
    routing_rules.move_rule(db.session, rule_id, request.form.get("direction", ""))
    flash("The order was changed.", "success")
    return redirect(url_for("routing.rules"))


@bp.route("/routing/<int:rule_id>/delete", methods=["POST"])
@admin_required
def delete_rule(rule_id: int):
    """Remove a rule."""
    routing_rules.delete_rule(db.session, rule_id)
    flash("The rule was removed.", "success")
    return redirect(url_for("routing.rules"))


@bp.route("/sensitivity", methods=["GET", "POST"])
@admin_required
def sensitivity():
    """The sensitive-partnership policy: countries, notes, effective dates."""
    form = SensitiveCountryForm()
    if form.validate_on_submit():
        try:
            routing_rules.add_sensitive_country(
                db.session,
                current_user,
                form.country.data,
                form.note.data or "",
                form.effective_from.data,
            )
        except DomainError as exc:
            attach_error(form, exc)
        else:
            flash(f"{form.country.data} is on the sensitivity list.", "success")
            return redirect(url_for("routing.sensitivity"))
    return render_template(
        "routing/sensitivity.html", form=form, entries=routing_rules.policy(db.session)
    )


@bp.route("/sensitivity/<int:entry_id>/delete", methods=["POST"])
@admin_required
def remove_country(entry_id: int):
    """Take a country off the sensitivity list."""
    routing_rules.remove_sensitive_country(db.session, entry_id)
    flash("The country was taken off the list.", "success")
    return redirect(url_for("routing.sensitivity"))
