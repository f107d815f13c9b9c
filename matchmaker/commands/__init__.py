"""Flask commands (`flask --app matchmaker ...`): demo data, the worker, mail delivery, job
retries, accounts; ranking, company and review commands live in this package's modules.

A command that cannot do its work raises click.ClickException: one line on stderr, exit 1."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app

from matchmaker.extensions import db


def register(app: Flask) -> None:
    """Attach the project's commands to `flask --app matchmaker`."""
    from matchmaker.commands.ranking import (
        evaluate_command,
        export_labels_command,
        rank_command,
        train_command,
    )
    from matchmaker.demo import demo_command

    for command in (
        demo_command,
        train_command,
        rank_command,
        evaluate_command,
        export_labels_command,
    ):
        app.cli.add_command(command)

    from matchmaker.commands.companies import register_commands

    register_commands(app)

    from matchmaker.commands.review import register_review_commands

    register_review_commands(app)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def worker(burst: bool) -> None:
        """Run an RQ worker for background jobs (needs MATCHMAKER_REDIS_URL); every
        JOBS_SWEEP_SECONDS it also hands over jobs and emails that are due (retries, and what
        waited while Redis was down)."""
        from matchmaker.jobs import queue, worker_class

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException(
                "MATCHMAKER_REDIS_URL is not set; without Redis, jobs run in the web process."
            )
        q = queue(worker=True)
        interval = int(current_app.config["JOBS_SWEEP_SECONDS"])
        # A SimpleWorker runs jobs in this process, inside this command's app context; its
        # blocking wait is no longer than the sweep interval, so sweeps happen when idle too.
        worker = worker_class()(
            [q], connection=q.connection, maintenance_interval=interval, worker_ttl=interval + 15
        )
        worker.work(burst=burst, with_scheduler=True)

    @app.cli.command("send-mail")
    def send_mail() -> None:
        """Deliver every due email in the outbox (run it from cron without Redis)."""
        from matchmaker.services.mail import deliver_outbox

        sent = deliver_outbox()
        click.echo(f"sent {sent} email(s)")

    @app.cli.command("retry-jobs")
    def retry_jobs() -> None:
        """Run here, now, every background job not done: failed ones, retries that are waiting,
        and jobs Redis could not take (run it from cron)."""
        from matchmaker.jobs import retry_all

        ok, failed = retry_all()
        click.echo(f"{ok} job(s) succeeded, {failed} still failing")
        if failed:
            sys.exit(1)

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.password_option()
    def create_admin(email: str, password: str) -> None:
        """Create an admin account."""
        from matchmaker.orm import Role
        from matchmaker.services.accounts.credentials import create_user
        from matchmaker.services.errors import ServiceError

        try:
            create_user(db.session, email, Role.ADMIN, password=password, name="Admin")
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"admin {email} created")

    @app.cli.command("reset-mfa")
    @click.argument("email")
    def reset_mfa(email: str) -> None:
        """Remove a user's two-step verification (e.g. the only admin lost their phone)."""
        from matchmaker.services.accounts import credentials as accounts
        from matchmaker.services.accounts import mfa
        from matchmaker.services.errors import ServiceError

        user = accounts.find_user(db.session, email)
        if user is None:
            raise click.ClickException(f"no account for {email}")
        try:
            mfa.reset_mfa(db.session, user.id, None)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"two-step verification of {user.email} reset; they set it up again at login")
