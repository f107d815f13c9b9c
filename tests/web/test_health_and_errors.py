"""The health check and the error pages."""

from matchmaker import __version__, create_app


def test_health_reports_version_and_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "version": __version__, "database": "ok"}


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
