"""The email outbox: delivered through a real SMTP server, never lost while SMTP is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.orm import EmailStatus, OutboxEmail, utcnow
from matchmaker.services import mail
from tests.smtp import free_port


def _queue(to="someone@example.org", subject="Hello", headers=None, body="Body text"):
    """An email waiting in the outbox, as an earlier round left it (no delivery job runs)."""
    email = OutboxEmail(to=to, subject=subject, body=body, headers=headers or {})
    db.session.add(email)
    db.session.commit()
    return email


def test_queue_email_is_delivered_once_its_transaction_commits(app, mailbox):
    mail.queue_email(db.session, "new@example.org", "Welcome", "Body text")
    assert mailbox.to("new@example.org") == []  # nothing leaves before the commit
    db.session.commit()
    [message] = mailbox.to("new@example.org")
    assert message["Subject"] == "Welcome"


def test_control_characters_in_headers_fold_to_spaces(app, mailbox):
    mail.queue_email(
        db.session,
        "user@example.org",
        "Welcome Evil\r\nBcc: victim@example.org\x00",
        "Body text",
        {"List-Unsubscribe": "<http://localhost/u/1>\nBcc: other@example.org"},
    )
    db.session.commit()
    [message] = mailbox.messages
    assert message["Subject"] == "Welcome Evil Bcc: victim@example.org"
    assert message["List-Unsubscribe"] == "<http://localhost/u/1> Bcc: other@example.org"
    assert message["Bcc"] is None and message["To"] == "user@example.org"


def test_an_email_that_cannot_be_built_fails_alone_and_the_rest_go_out(app, mailbox, runner):
    poisoned = _queue(to="first@example.org", headers={"X-Note\r\nBcc": "a@example.org"})
    legacy = _queue(to="second@example.org", subject="Acme\r\nInc joined")  # queued before cleaning
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 1 email(s)" in result.output
    db.session.refresh(poisoned)
    assert poisoned.status == EmailStatus.FAILED
    assert "cannot build this email: ValueError: invalid email header name" in poisoned.last_error
    [message] = mailbox.to("second@example.org")
    assert message["Subject"] == "Acme Inc joined"
    db.session.refresh(legacy)
    assert legacy.status == EmailStatus.SENT


def test_a_recipient_the_server_refuses_fails_alone_and_the_rest_go_out(app, mailbox):
    refused = _queue(to="nobody@refused.example")
    _queue(to="good@example.org")
    assert mail.deliver_outbox() == 1
    assert len(mailbox.to("good@example.org")) == 1
    db.session.refresh(refused)
    assert refused.status == EmailStatus.FAILED
    assert "SMTPRecipientsRefused" in refused.last_error and "550" in refused.last_error


def test_admins_see_why_an_email_failed_in_the_outbox(app, client, auth, mailbox):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    _queue(to="nobody@refused.example", subject="Refused one")
    mail.deliver_outbox()
    auth.login("admin@example.org")
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Refused one" in page and "No such mailbox here" in page


def test_a_header_name_that_is_not_one_is_refused_when_queued(app):
    with pytest.raises(ValueError, match="invalid email header name"):
        mail.queue_email(db.session, "a@example.org", "Hi", "Body", {"X-A\nBcc": "b"})


def test_queued_email_is_delivered_over_smtp(app, mailbox):
    email = _queue(headers={"List-Unsubscribe": "<http://localhost/u/1>"})
    assert mail.deliver_outbox() == 1
    [message] = mailbox.to("someone@example.org")
    assert message["Subject"] == "Hello"
    assert message["From"] == app.config["MAIL_SENDER"]
    assert message["List-Unsubscribe"] == "<http://localhost/u/1>"
    db.session.refresh(email)
    assert email.status == EmailStatus.SENT and email.transport == "smtp" and email.attempts == 1


def test_email_waits_with_back_off_while_smtp_is_down_then_goes_out(app, mailbox):
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    email = _queue()
    assert mail.deliver_outbox() == 0
    db.session.refresh(email)
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1 and "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert mail.deliver_outbox() == 0  # not due yet: no second try
    db.session.refresh(email)
    assert email.attempts == 1

    app.config["MAIL_PORT"] = mailbox.port
    email.next_attempt_at = utcnow()
    db.session.commit()
    assert mail.deliver_outbox() == 1
    assert len(mailbox.to("someone@example.org")) == 1


def test_email_is_marked_failed_after_the_last_try(app):
    app.config["MAIL_PORT"] = free_port()
    email = _queue()
    for _ in range(mail.MAX_ATTEMPTS):
        email.next_attempt_at = utcnow()
        db.session.commit()
        mail.deliver_outbox()
        db.session.refresh(email)
    assert email.status == EmailStatus.FAILED
    mail.requeue_failed(db.session, email.id)  # delivery fails again inline, but it is pending
    db.session.refresh(email)
    assert email.status == EmailStatus.PENDING and email.attempts == 1


def test_without_smtp_emails_are_printed_and_kept(app, capsys):
    app.config["MAIL_SERVER"] = None
    _queue(subject="Printed")
    assert mail.deliver_outbox() == 1
    assert "Subject: Printed" in capsys.readouterr().err
    email = db.session.scalar(select(OutboxEmail))
    assert email.transport == "console"


def test_backoff_doubles_up_to_an_hour():
    assert [mail.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert mail.backoff(20).total_seconds() == 3600


def test_admin_outbox_lists_and_filters_emails(app, client, auth):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    _queue(to="first@example.org", subject="Welcome aboard")
    _queue(to="second@example.org", subject="Reset <b>now</b>")
    auth.login("admin@example.org")
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "first@example.org" in page and "second@example.org" in page
    assert "Reset &lt;b&gt;now&lt;/b&gt;" in page
    filtered = client.get("/admin/outbox?q=first").get_data(as_text=True)
    assert "first@example.org" in filtered and "second@example.org" not in filtered
    empty = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "No emails match these filters." in empty


def test_one_time_links_are_removed_from_the_stored_copy_once_sent(app, mailbox):
    link = "http://localhost/auth/reset/abc.def-123"
    email = mail.queue_email(db.session, "a@example.org", "Reset", f"Open {link} soon.\n")
    db.session.commit()
    mail.deliver_outbox()
    assert link in mailbox.to("a@example.org")[0].get_payload(decode=True).decode()
    db.session.refresh(email)
    assert link not in email.body and mail.REDACTED in email.body


def test_admins_never_see_one_time_links_in_the_outbox(app, client, auth):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    link = "http://localhost/signup/confirm/secret-token"
    email = _queue(to="a@example.org", subject="Confirm", body=f"Open {link}\n")  # not sent yet
    auth.login("admin@example.org")
    page = client.get(f"/admin/outbox/{email.id}").get_data(as_text=True)
    assert "secret-token" not in page and mail.REDACTED in page


def test_a_refused_smtp_connection_stops_the_round_instead_of_timing_out_per_email(app):
    app.config["MAIL_PORT"] = free_port()
    first, second = _queue(to="one@example.org"), _queue(to="two@example.org")
    assert mail.deliver_outbox() == 0
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.attempts, second.attempts) == (1, 0)
    assert second.status == EmailStatus.PENDING


def test_each_email_is_committed_as_soon_as_it_is_sent(app, mailbox, monkeypatch):
    _queue(to="one@example.org")
    _queue(to="two@example.org")
    real = mail._send_smtp
    calls = []

    def send_then_fail_on_second(messages):
        calls.append(messages)
        if len(calls) == 2:
            raise RuntimeError("worker killed mid-round")
        real(messages)

    monkeypatch.setattr(mail, "_send_smtp", send_then_fail_on_second)
    with pytest.raises(RuntimeError):
        mail.deliver_outbox()
    db.session.rollback()
    statuses = dict(db.session.execute(select(OutboxEmail.to, OutboxEmail.status)).all())
    assert statuses == {"one@example.org": "sent", "two@example.org": "pending"}


def test_retrying_an_email_that_did_not_fail_says_so(app, client, auth):
    from tests import factories as f

    f.AdminFactory(email="admin@example.org")
    email = _queue()
    mail.deliver_outbox()
    auth.login("admin@example.org")
    page = client.post(f"/admin/outbox/{email.id}/retry", follow_redirects=True)
    assert "This email is sent: only failed emails are retried." in page.get_data(as_text=True)
    assert "queued again" not in page.get_data(as_text=True)
