"""Home, the role-aware dashboard and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from matchmaker import __version__
from matchmaker.extensions import csrf, db, limiter
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import health as health_service

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Send visitors to their dashboard, or to log in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    """What the logged-in user has to do, by role."""
    summary = dashboard_service.summary_for(db.session, current_user)
    return render_template("main/dashboard.html", summary=summary)


@bp.route("/health")
@csrf.exempt
@limiter.exempt
def health():
    """Database, Redis and backlogs for monitors; 503 only when the database is down."""
    report = health_service.check(db.session)
    body = {
        "status": report.status,
        "version": __version__,
        "database": report.database,
        "redis": report.redis,
        "outbox": report.outbox,
        "jobs": report.jobs,
    }
    return jsonify(body), 503 if report.status == "error" else 200
