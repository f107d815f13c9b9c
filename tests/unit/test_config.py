"""Configuration layers: defaults, instance/config.py, MATCHMAKER_* environment variables."""

import os
import stat

from flask import Flask

from matchmaker import config, create_app


def _app(tmp_path) -> Flask:
    return Flask("matchmaker", instance_path=str(tmp_path), instance_relative_config=True)


def test_a_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = _app(tmp_path)
    config.load(first, None)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    second = _app(tmp_path)
    config.load(second, None)
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_instance_config_then_environment_override_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("PAGE_SIZE = 40\nMAIL_SENDER = 'From instance'\n")
    monkeypatch.setenv("MATCHMAKER_MAIL_SENDER", "From env <env@example.org>")
    monkeypatch.setenv("MATCHMAKER_MAIL_PORT", "2525")
    monkeypatch.setenv("MATCHMAKER_DATABASE_URL", "postgres://db.internal/matchmaker")
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "from-the-environment")
    app = _app(tmp_path)
    config.load(app, None)
    assert app.config["PAGE_SIZE"] == 40
    assert app.config["MAIL_SENDER"] == "From env <env@example.org>"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.internal/matchmaker"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_test_config_replaces_the_instance_and_environment_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_PAGE_SIZE", "99")
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    assert app.config["PAGE_SIZE"] == 25
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_trusted_hosts_default_to_the_base_url_host_and_loopback(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_BASE_URL", "https://Matchmaker.example.org:8443/app")
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "x")
    app = _app(tmp_path)
    config.load(app, None)
    assert app.config["TRUSTED_HOSTS"] == ["matchmaker.example.org", "localhost", "127.0.0.1"]


def test_trusted_hosts_from_the_environment_are_a_comma_separated_list(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_TRUSTED_HOSTS", "a.example, B.example,")
    monkeypatch.setenv("MATCHMAKER_SECRET_KEY", "x")
    app = _app(tmp_path)
    config.load(app, None)
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]
    blank = config.trusted_hosts(" , ", "http://h.example")  # never [], which means any host
    assert blank == ["h.example", "localhost", "127.0.0.1"]
