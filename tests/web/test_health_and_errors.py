"""The health check and the error pages."""

from matchmaker import __version__, create_app
from tests import factories as f


def test_health_reports_version_database_redis_and_backlogs(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "version": __version__,
        "database": "ok",
        "redis": "not configured",
        "outbox": {"pending": 0, "oldest_pending_seconds": None},
        "jobs": {"pending": 0, "queued": 0, "running": 0, "failed": 0},
    }


def test_health_reports_the_age_of_the_oldest_waiting_email(app, client):
    from datetime import timedelta

    from matchmaker.extensions import db
    from matchmaker.orm import OutboxEmail, utcnow

    db.session.add(
        OutboxEmail(
            to="a@example.org", subject="s", body="b", created_at=utcnow() - timedelta(minutes=5)
        )
    )
    db.session.add(OutboxEmail(to="b@example.org", subject="s", body="b"))
    db.session.commit()
    outbox = client.get("/health").json["outbox"]
    assert outbox["pending"] == 2 and 300 <= outbox["oldest_pending_seconds"] < 400


def test_health_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            # A directory cannot be opened as a database file: every query fails.
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}",
        }
    )
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_unknown_page_shows_the_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert '<a class="skip-link"' in response.get_data(as_text=True)


def test_forbidden_page_explains_itself(client, auth):
    from tests import factories as f

    f.StaffFactory(email="staff@example.org")
    auth.login("staff@example.org")
    response = client.get("/admin/outbox")
    assert response.status_code == 403
    assert "Your account may not see this page." in response.get_data(as_text=True)


def test_a_service_not_found_answers_404_through_the_one_app_handler(client, auth):
    # Views no longer catch NotFound themselves: the app turns it into the 404 page.
    admin = f.AdminFactory()
    auth.login(admin.email)
    response = client.post("/admin/routing/999/delete")
    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.get_data(as_text=True)
