"""Scheduled company commands: `profile-reminders` and `expire-signups` (run them daily)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from matchmaker.extensions import db


def register_commands(app: Flask) -> None:
    """Attach the company upkeep commands to `flask --app matchmaker`."""

    @app.cli.command("profile-reminders")
    def profile_reminders() -> None:
        """Remind owners of profiles untouched for 12 months; pause them 30 days later."""
        from matchmaker.services.companies import upkeep

        try:
            total = upkeep.count_profile_upkeep(db.session)
            with click.progressbar(length=total, label="interest profiles") as bar:
                reminded, paused = upkeep.send_profile_reminders(db.session, progress=bar.update)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {type(exc).__name__}") from exc
        click.echo(f"{reminded} reminder(s) sent, {paused} profile(s) paused")

    @app.cli.command("expire-signups")
    def expire_signups() -> None:
        """Delete company sign-ups left unconfirmed for more than seven days, and invitations
        to join a company that were not accepted in time."""
        from matchmaker.services.companies import upkeep

        try:
            removed = upkeep.expire_signups(db.session)
            invitations = upkeep.expire_invitations(db.session)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"database error: {type(exc).__name__}") from exc
        click.echo(
            f"{removed} unconfirmed sign-up(s) deleted, {invitations} expired invitation(s) deleted"
        )
