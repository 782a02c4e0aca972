"""Stored images served as images only, under names that never change."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from kerapu.services.uploads import store_image
from tests import images


@pytest.fixture
def logo(app, upload_folder):
    with app.app_context():
        data = images.png(size=(400, 200)) + b"<script>alert(1)</script>"
        return store_image(FileStorage(io.BytesIO(data), "logo.png"), "logo")


@pytest.mark.parametrize("thumbnail", [False, True])
def test_stored_image_is_served_with_safe_headers(app, client, logo, thumbnail):
    with app.test_request_context():
        from kerapu.web import image_url, thumbnail_url

        url = thumbnail_url(logo) if thumbnail else image_url(logo)

    response = client.get(url)

    assert response.status_code == 200
    assert url == ("/berkas/kecil/" if thumbnail else "/berkas/") + logo
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; sandbox"
    )
    assert response.headers["Content-Disposition"] == "inline"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.data.startswith(b"\x89PNG")
    assert b"<script>" not in response.data
    assert "Set-Cookie" not in response.headers


def test_repeat_request_gets_304(client, logo):
    first = client.get(f"/berkas/{logo}")

    again = client.get(
        f"/berkas/{logo}", headers={"If-None-Match": first.headers["ETag"]}
    )

    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize(
    "path",
    [
        "/berkas/logo-" + "0" * 32 + ".png",
        "/berkas/kecil/logo-" + "0" * 32 + ".png",
        "/berkas/..%2f..%2fkerapu%2fconfig.py",
        "/berkas/../instance/config.py",
        "/berkas/%2e%2e/%2e%2e/etc/passwd",
        "/berkas/kecil/..%2fkecil%2flogo.png",
        "/berkas/config.py",
        "/berkas/logo-" + "0" * 32 + ".svg",
        "/berkas/LOGO-" + "0" * 32 + ".PNG",
        "/berkas/logo-" + "0" * 32 + ".png%00.html",
        "/berkas/" + "a" * 5000,
        "/berkas/kecil",
        "/berkas/",
    ],
)
def test_unknown_or_malformed_names_are_404(client, upload_folder, path):
    (upload_folder / "kecil").mkdir(parents=True)
    (upload_folder / "config.py").write_text("SECRET_KEY = 'rahasia'")

    response = client.get(path)

    assert response.status_code in (404, 400)
    assert "rahasia" not in response.text
