"""Commands for the review work: the daily run (snoozes, the sensitivity policy, the digests)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from matchmaker.extensions import db


def register_review_commands(app: Flask) -> None:
    """Attach `send-digests` to `flask --app matchmaker`."""

    @app.cli.command("send-digests")
    def send_digests() -> None:
        """Wake snoozed suggestions, apply today's sensitivity policy and email the daily digests
        (run from cron)."""
        from matchmaker.jobs import enqueue
        from matchmaker.services.review.daily import run_daily

        if current_app.config.get("REDIS_URL"):
            enqueue("daily_digests")
            db.session.commit()
            click.echo("queued the digest job on the RQ workers")
            return
        run = run_daily(db.session)  # its emails' delivery ran when it committed
        click.echo(
            f"woke {run.woken} snoozed suggestion(s); re-routed or flagged {run.rerouted}; "
            f"reminded {run.reminded} and expired {run.lapsed} introduction request(s); "
            f"{run.follow_ups} partnership follow-up(s) due; "
            f"queued {run.digests} digest(s)"
        )
