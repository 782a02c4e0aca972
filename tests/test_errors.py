"""Error pages: Indonesian, a fragment for htmx, a whole page otherwise."""

import pytest
from flask import abort
from flask_wtf.csrf import generate_csrf

from kerapu import create_app

SECRET = "test-secret-key-that-is-long-enough-0123456789"


@pytest.fixture
def error_app(database_url):
    """A separate app with routes that fail on purpose."""
    app = create_app(
        {
            "DEPLOYMENT": "testing",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAX_CONTENT_LENGTH": 1024,
            "WTF_CSRF_ENABLED": True,
        }
    )

    @app.get("/gagal/<int:code>")
    def fail(code):
        abort(code)

    @app.get("/rusak")
    def broken():
        raise RuntimeError("boom")

    @app.post("/kirim")
    def post():
        return "ok"

    @app.get("/token")
    def token():
        # As a form page does: rendering a token starts the session.
        return generate_csrf()

    yield app
    with app.app_context():
        from kerapu.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Permintaan tidak valid"),
        (403, "Akses ditolak"),
        (404, "Halaman tidak ditemukan"),
        (413, "Berkas terlalu besar"),
        (422, "Isian belum benar"),
        (429, "Terlalu banyak permintaan"),
        (500, "Terjadi kesalahan pada server"),
    ],
)
def test_error_pages(error_app, code, title):
    client = error_app.test_client()

    page = client.get(f"/gagal/{code}")
    fragment = client.get(f"/gagal/{code}", headers={"HX-Request": "true"})

    assert page.status_code == code
    assert "<html" in page.text
    assert title in page.text
    assert fragment.status_code == code
    assert "<html" not in fragment.text
    assert title in fragment.text
    assert fragment.headers["HX-Retarget"] == "#flash"
    assert "HX-Request" in fragment.headers["Vary"]


def test_unexpected_exception_is_logged_500(error_app, caplog):
    response = error_app.test_client().get("/rusak")

    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in response.text
    assert "unhandled error: RuntimeError" in caplog.text


def test_post_without_csrf_token_is_refused(error_app):
    response = error_app.test_client().post("/kirim", data={"x": "1"})

    assert response.status_code == 400
    assert "Sesi formulir sudah berakhir" in response.text


def test_post_with_csrf_header_is_accepted(error_app):
    client = error_app.test_client()
    client.get("/token")
    page = client.get("/program").text
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]

    response = client.post("/kirim", headers={"X-CSRFToken": token})

    assert response.status_code == 200


def test_body_larger_than_limit_is_413_page(error_app):
    client = error_app.test_client()
    token = client.get("/token").text

    response = client.post(
        "/kirim", data={"x": "a" * 5000}, headers={"X-CSRFToken": token}
    )

    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.text


def test_wrong_method_is_405_with_allow(client):
    response = client.post("/program")

    assert response.status_code in (400, 405)
    assert "<html" in response.text
