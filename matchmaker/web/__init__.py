"""Blueprints, error pages and template helpers."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from matchmaker import vocab
from matchmaker.extensions import db
from matchmaker.services.errors import Conflict, NotFound


def register(app: Flask) -> None:
    """Attach every blueprint and the error handlers."""
    from matchmaker.web.params import IdConverter, refuse_nul_characters

    # Before any route is added: every `<int:...>` id is bounded to the database's range.
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_characters)
    from matchmaker.web.admin.routes import bp as admin_bp
    from matchmaker.web.auth.routes import bp as auth_bp
    from matchmaker.web.main.routes import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)

    from matchmaker.web.opportunities.routes import bp as opportunities_bp
    from matchmaker.web.organisations.routes import bp as org_bp
    from matchmaker.web.priorities.routes import bp as office_bp

    app.register_blueprint(org_bp)
    app.register_blueprint(office_bp)
    app.register_blueprint(opportunities_bp)

    from matchmaker.web.companies.routes import bp as companies_bp
    from matchmaker.web.my_company.routes import bp as company_bp
    from matchmaker.web.signup.routes import bp as signup_bp

    app.register_blueprint(signup_bp)
    app.register_blueprint(company_bp)
    app.register_blueprint(companies_bp)
    from matchmaker.web.notifications.routes import bp as notify_bp
    from matchmaker.web.oversight.routes import bp as oversight_bp
    from matchmaker.web.queue.routes import bp as queue_bp
    from matchmaker.web.routing.routes import bp as routing_bp

    for blueprint in (queue_bp, oversight_bp, routing_bp, notify_bp):
        app.register_blueprint(blueprint)
    from matchmaker.web.account.routes import bp as account_bp
    from matchmaker.web.auth_audit.routes import bp as auth_audit_bp

    app.register_blueprint(account_bp)
    app.register_blueprint(auth_audit_bp)
    from matchmaker.web.api_tokens.routes import bp as api_tokens_bp

    app.register_blueprint(api_tokens_bp)

    from matchmaker.web.mfa.routes import bp as mfa_bp

    app.register_blueprint(mfa_bp)

    from matchmaker.web.introductions.company import bp as company_introductions_bp
    from matchmaker.web.introductions.office import bp as introductions_bp

    app.register_blueprint(introductions_bp)
    app.register_blueprint(company_introductions_bp)

    from matchmaker.web.introductions.engagements import bp as engagements_bp
    from matchmaker.web.introductions.partnerships import bp as partnerships_bp

    app.register_blueprint(engagements_bp)
    app.register_blueprint(partnerships_bp)
    from matchmaker.web.agreements.office import bp as agreements_bp
    from matchmaker.web.agreements.public import bp as signing_bp

    app.register_blueprint(agreements_bp)
    app.register_blueprint(signing_bp)
    from matchmaker.web.briefing.routes import bp as briefing_bp

    app.register_blueprint(briefing_bp)
    from matchmaker.web.demand.routes import bp as demand_bp

    app.register_blueprint(demand_bp)
    from matchmaker.web.metrics.routes import bp as metrics_bp

    app.register_blueprint(metrics_bp)

    from matchmaker import countries, naics

    app.jinja_env.globals.update(naics_label=naics.label, country_name=countries.name)

    app.jinja_env.globals.update(vocab=vocab, partnership_label=vocab.partnership_label)

    def page(code: int, title: str, message: str, **extra):
        # The failed request may have left the session's transaction aborted (PostgreSQL), and
        # the error page itself reads the database (the signed-in user for the navigation).
        db.session.rollback()
        html = render_template(
            "errors/error.html", code=code, title=title, message=message, **extra
        )
        return html, code

    @app.errorhandler(400)
    def bad_request(err):
        return page(
            400, "Bad request", getattr(err, "description", "") or "The request was not valid."
        )

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return page(
            400, "Form expired", "The form expired or was sent from elsewhere. Please try again."
        )

    @app.errorhandler(403)
    def forbidden(_err):
        return page(403, "Not allowed", "Your account may not see this page.")

    @app.errorhandler(404)
    def not_found(_err):
        return page(404, "Not found", "There is nothing here, or it is not yours to see.")

    @app.errorhandler(409)
    def conflict(err):
        link = {"link": err.link, "link_text": err.link_text} if hasattr(err, "link") else {}
        return page(409, "Someone else got there first", err.description, **link)

    # Service errors no view handled: a record that is not there (or not yours) and a lost race.
    @app.errorhandler(NotFound)
    def service_not_found(_err):
        return not_found(_err)

    @app.errorhandler(Conflict)
    def service_conflict(err):
        return page(409, "Someone else got there first", str(err))

    @app.errorhandler(413)
    def too_large(_err):
        return page(413, "Too large", "The upload is larger than the service accepts.")

    @app.errorhandler(429)
    def too_many(_err):
        return page(429, "Too many attempts", "Too many attempts. Wait a minute and try again.")

    @app.errorhandler(500)
    def server_error(_err):
        return page(500, "Something went wrong", "The error was logged. Please try again later.")
