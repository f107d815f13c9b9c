"""Flask commands: demo data, the worker, mail delivery, job retries."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from matchmaker.extensions import db


def fail(message: str) -> None:
    """Stop a command with a one-line reason and a non-zero exit."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def register(app: Flask) -> None:
    """Attach the project's commands to `flask --app matchmaker`."""
    from matchmaker.cli_ranking import evaluate_command, rank_command, train_command
    from matchmaker.demo import demo_command

    for command in (demo_command, train_command, rank_command, evaluate_command):
        app.cli.add_command(command)

    from matchmaker.company_commands import register_commands

    register_commands(app)

    from matchmaker.review_commands import register_review_commands

    register_review_commands(app)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker(burst: bool) -> None:
        """Run an RQ worker for background jobs (needs MATCHMAKER_REDIS_URL)."""
        from rq import SimpleWorker

        from matchmaker.jobs import import_job_modules, queue

        if not current_app.config.get("REDIS_URL"):
            fail("MATCHMAKER_REDIS_URL is not set; without Redis, jobs run in the web process.")
        import_job_modules()
        q = queue()
        # SimpleWorker runs jobs in this process, inside this command's app context and engine.
        SimpleWorker([q], connection=q.connection).work(burst=burst, with_scheduler=True)

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Deliver every due email in the outbox (run it from cron without Redis)."""
        from matchmaker.services.mail import deliver_outbox

        sent = deliver_outbox()
        click.echo(f"sent {sent} email(s)")

    @app.cli.command("retry-jobs")
    def retry_jobs() -> None:
        """Run again the background jobs that failed every retry."""
        from matchmaker.jobs import import_job_modules, retry_failed

        import_job_modules()
        ok, failed = retry_failed()
        click.echo(f"{ok} job(s) succeeded, {failed} still failing")
        if failed:
            sys.exit(1)

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.password_option()
    def create_admin(email: str, password: str) -> None:
        """Create an admin account."""
        from matchmaker.orm import Role
        from matchmaker.services.accounts import create_user
        from matchmaker.services.errors import DomainError

        try:
            create_user(db.session, email, Role.ADMIN, password=password, name="Admin")
        except DomainError as exc:
            fail(str(exc))
        click.echo(f"admin {email} created")

    @app.cli.command("reset-mfa")
    @click.argument("email")
    def reset_mfa(email: str) -> None:
        """Remove a user's two-step verification (e.g. the only admin lost their phone)."""
        from matchmaker.services import accounts, mfa
        from matchmaker.services.errors import DomainError

        user = accounts.find_user(db.session, email)
        if user is None:
            fail(f"no account for {email}")
        try:
            mfa.reset_mfa(db.session, user.id, None)
        except DomainError as exc:
            fail(str(exc))
        click.echo(f"two-step verification of {user.email} reset; they set it up again at login")
