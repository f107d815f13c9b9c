"""Commands for the review work: the daily digest (and waking snoozed suggestions)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from matchmaker.extensions import db


def register_review_commands(app: Flask) -> None:
    """Attach `send-digests` to `flask --app matchmaker`."""

    @app.cli.command("send-digests")
    def send_digests() -> None:
        """Wake snoozed suggestions whose date came and email the daily digests (run from cron)."""
        from matchmaker.jobs import enqueue
        from matchmaker.services.mail import deliver_outbox
        from matchmaker.services.notifications import daily_digests, send_digests
        from matchmaker.services.review import wake_snoozed

        if current_app.config.get("REDIS_URL"):
            enqueue(daily_digests)
            click.echo("queued the digest job on the RQ workers")
            return
        woken = wake_snoozed(db.session)
        sent = send_digests(db.session)
        delivered = deliver_outbox() if sent else 0
        click.echo(f"woke {woken} snoozed suggestion(s); queued {sent} digest(s); sent {delivered}")
