"""Posting to an introduction's message thread: the same step for the office and the company."""

from __future__ import annotations

from flask import flash, redirect
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.services.errors import DomainError
from matchmaker.services.introductions import messages, people
from matchmaker.web.introductions.forms import MessageForm


def post_from_form(introduction_id: int, back: str):
    """Validate the message form, post it (emailed to the other side), flash, go back."""
    people.visible_introduction(db.session, introduction_id, current_user)  # else 404
    form = MessageForm()
    if form.validate_on_submit():
        try:
            messages.post_message(db.session, introduction_id, current_user, form.body.data)
        except DomainError as exc:
            flash(str(exc), "error")
        else:
            flash("Message sent.", "success")
    else:
        flash("Write a message first.", "error")
    return redirect(back)
