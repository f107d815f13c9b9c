"""An SMTP server that accepts connections and never answers costs no page: mail leaves after
the response (or on a worker), and sign-up and reset do the same work for any address."""

from __future__ import annotations

import threading
from importlib.metadata import version

import pytest
from sqlalchemy import select

from matchmaker import passwords
from matchmaker.extensions import db
from matchmaker.orm import BackgroundJob, EmailStatus, OutboxEmail
from tests import factories as f
from tests.smtp import SilentSMTP
from tests.web.test_company_pages import SIGNUP


@pytest.fixture
def silent_smtp(app):
    server = SilentSMTP()
    app.config["MAIL_PORT"] = server.port
    yield server
    server.stop()


def _jobs() -> list[tuple[str, list]]:
    db.session.expire_all()
    found = [(j.name, j.args) for j in db.session.scalars(select(BackgroundJob))]
    db.session.commit()  # let go of SQLite's lock: the after-response work needs it
    return found


AGENT = f"Werkzeug/{version('werkzeug')}"  # the test client's browser, kept for the event


def test_a_reset_request_answers_before_any_mail_is_sent(app, client, silent_smtp):
    f.StaffFactory(email="staff@example.org")
    response = client.post("/auth/reset", data={"email": "staff@example.org"}, buffered=False)
    # The answer is here, and the SMTP server has not even been called yet.
    assert response.status_code == 302
    assert silent_smtp.connections() == 0
    assert _jobs() == [("send_password_reset", ["staff@example.org", "127.0.0.1", AGENT])]
    # Closing the response (the server has sent it) runs the delivery: it waits on SMTP.
    closing = threading.Thread(target=response.close)
    closing.start()
    silent_smtp.hang_up_on_next()
    closing.join()
    email = db.session.scalar(select(OutboxEmail))
    assert email.to == "staff@example.org" and email.status == EmailStatus.PENDING
    assert "SMTPServerDisconnected" in email.last_error  # kept for the next round


def test_health_answers_without_touching_smtp(app, client, silent_smtp):
    db.session.add(OutboxEmail(to="a@example.org", subject="s", body="b"))
    db.session.commit()
    response = client.get("/health")
    assert response.status_code == 200 and response.json["outbox"]["pending"] == 1
    assert silent_smtp.connections() == 0


@pytest.mark.parametrize("email", ["staff@example.org", "nobody@example.org"])
def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses(client, email):
    f.StaffFactory(email="staff@example.org")
    response = client.post("/auth/reset", data={"email": email}, buffered=False)
    assert response.status_code == 302
    # One recorded job, no email yet: the look-up happens after the response.
    assert _jobs() == [("send_password_reset", [email, "127.0.0.1", AGENT])]
    assert db.session.scalars(select(OutboxEmail)).all() == []
    db.session.commit()
    response.close()


@pytest.mark.parametrize("email", ["gwen@wyvern.example", "taken@wyvern.example"])
def test_sign_up_does_the_same_work_for_new_and_known_addresses(client, monkeypatch, email):
    f.CompanyMemberFactory(email="taken@wyvern.example")
    hashes = []
    real = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda p: hashes.append(p) or real(p))
    response = client.post("/signup", data={**SIGNUP, "email": email}, buffered=False)
    assert response.status_code == 302
    assert hashes == [SIGNUP["password"]]  # the slow step runs on both paths, once
    assert _jobs() == [("deliver_outbox", [])]  # one email each, not delivered in the request
    response.close()
