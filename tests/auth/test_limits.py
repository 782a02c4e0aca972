"""Rate limits of the account forms, on an app with limits switched on.

The suite's app switches limits off (RATELIMIT_ENABLED), so these tests
build their own, with tight limits that a test can reach quickly."""

import re

import pytest

from kerapu import create_app
from kerapu.extensions import limiter
from tests.conftest import csrf_fields


@pytest.fixture
def limited_app(app, database_url):
    limited = create_app(
        {
            "DEPLOYMENT": "testing",
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ACCOUNT_FORMS_PER_IP": "6 per minute",
            "RATELIMIT_ACCOUNT_FORMS_PER_EMAIL": "3 per minute",
        }
    )
    with limited.app_context():
        limiter.reset()
    yield limited
    with limited.app_context():
        limiter.reset()
        from kerapu.extensions import db

        db.engine.dispose()


def failed_login(client, email, address):
    html = client.get("/akun/masuk").text
    return client.post(
        "/akun/masuk",
        data={
            "csrf_token": csrf_fields(html)["csrf_token"],
            "email": email,
            "password": "password-yang-salah",
        },
        environ_base={"REMOTE_ADDR": address},
    )


def test_login_is_limited_per_account_across_addresses(limited_app):
    client = limited_app.test_client()
    answers = [
        failed_login(client, "korban@contoh.co.id", f"10.0.0.{n}").status_code
        for n in range(1, 5)
    ]

    assert answers == [422, 422, 422, 429]
    other = failed_login(client, "lain@contoh.co.id", "10.0.0.9")
    assert other.status_code == 422


def test_login_is_limited_per_address_across_accounts(limited_app):
    client = limited_app.test_client()
    answers = [
        failed_login(client, f"orang{n}@contoh.co.id", "10.0.1.1").status_code
        for n in range(7)
    ]

    assert answers[:6] == [422] * 6
    assert answers[6] == 429


def test_limited_answer_says_how_long_to_wait(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        failed_login(client, "korban@contoh.co.id", "10.0.2.1")

    response = failed_login(client, "korban@contoh.co.id", "10.0.2.1")

    assert response.status_code == 429
    text = " ".join(response.text.split())
    assert re.search(r"Coba lagi dalam [12] menit\.", text)
    assert 0 < int(response.headers["Retry-After"]) <= 61


def test_forgot_password_is_limited_per_email(limited_app):
    client = limited_app.test_client()
    answers = []
    for _ in range(4):
        html = client.get("/akun/lupa-password").text
        answers.append(
            client.post(
                "/akun/lupa-password",
                data={
                    "csrf_token": csrf_fields(html)["csrf_token"],
                    "email": "bukan email",  # refused: nothing is stored
                },
            ).status_code
        )

    assert answers == [422, 422, 422, 429]


def test_limits_are_configuration(app, client, db):
    """The suite's app switches them off: many failures, never a 429."""
    for _ in range(8):
        html = client.get("/akun/masuk").text
        response = client.post(
            "/akun/masuk",
            data={
                "csrf_token": csrf_fields(html)["csrf_token"],
                "email": "korban@contoh.co.id",
                "password": "password-yang-salah",
            },
        )
        assert response.status_code == 422


def test_behind_a_proxy_each_client_has_its_own_limit(app, database_url):
    proxied = create_app(
        {
            "DEPLOYMENT": "testing",
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ACCOUNT_FORMS_PER_IP": "2 per minute",
            "RATELIMIT_ACCOUNT_FORMS_PER_EMAIL": "50 per minute",
            "PROXY_COUNT": 1,
        }
    )
    client = proxied.test_client()
    with proxied.app_context():
        limiter.reset()

    def attempt(client_address):
        html = client.get("/akun/masuk").text
        return client.post(
            "/akun/masuk",
            data={
                "csrf_token": csrf_fields(html)["csrf_token"],
                "email": f"x{client_address}@contoh.co.id",
                "password": "password-yang-salah",
            },
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},  # the proxy
        ).status_code

    assert [attempt("203.0.113.1") for _ in range(3)] == [422, 422, 429]
    assert attempt("203.0.113.2") == 422
    with proxied.app_context():
        limiter.reset()
        from kerapu.extensions import db

        db.engine.dispose()
