"""Configuration layers and the refusal to run production without a key."""

import pytest

from kerapu import create_app


def test_production_refuses_missing_secret_key(monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DEPLOYMENT": "production", "SECRET_KEY": None})


def test_production_refuses_short_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DEPLOYMENT": "production", "SECRET_KEY": "short"})


def test_production_cookies_are_secure():
    app = create_app({"DEPLOYMENT": "production", "SECRET_KEY": "k" * 40})

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_variables_override_defaults(monkeypatch):
    monkeypatch.setenv("FLASK_SEARCH_MAX_LENGTH", "50")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/d")

    app = create_app({"DEPLOYMENT": "testing", "SECRET_KEY": "k" * 40})

    assert app.config["SEARCH_MAX_LENGTH"] == 50
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h:5432/d"


def test_unknown_deployment_is_refused():
    with pytest.raises(RuntimeError, match="DEPLOYMENT"):
        create_app({"DEPLOYMENT": "staging", "SECRET_KEY": "k" * 40})
