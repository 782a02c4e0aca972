"""The shared form fields and the Indonesian messages, in a real form."""

import io
import os
import re

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart
from wtforms.i18n import messages_path

from kerapu.fields import MESSAGES, indonesian_messages
from tests import images
from tests.formapp import make_app

VALID = {
    "name": "PT Jalan Terus 🚧",
    "email": "kontak@jalanterus.co.id",
    "amount": "Rp 500.000.000",
    "whatsapp": "0812-3456-7890",
    "password": "kata sandi panjang",
    "password_again": "kata sandi panjang",
}


@pytest.fixture
def form_app(tmp_path):
    app = make_app(UPLOAD_FOLDER=str(tmp_path / "uploads"))
    yield app
    with app.app_context():
        from kerapu.extensions import db

        db.engine.dispose()


@pytest.fixture
def post(form_app):
    """Send the sample form with a fresh CSRF token, as a browser would."""
    client = form_app.test_client()

    def send(fields, logo=None, filename="logo.png", **kwargs):
        page = client.get("/uji/daftar").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        data = {"csrf_token": token.group(1), **fields}
        if logo is not None:
            data["logo"] = FileStorage(io.BytesIO(logo), filename, "image/png")
        # Encoded in memory: the test client's own encoder spools large
        # bodies to a temporary file it never closes.
        boundary, body = encode_multipart(data)
        return client.post(
            "/uji/daftar",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
            **kwargs,
        )

    return send


def field_error(page, field):
    """The message shown under ``field``, or None."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', page)
    return found and found.group(1)


def test_valid_form_stores_the_logo_and_reads_typed_values(form_app, post):
    response = post(VALID, logo=images.png())

    assert response.status_code == 200
    assert response.json["amount"] == 500_000_000
    assert response.json["whatsapp"] == "+6281234567890"
    folder = form_app.config["UPLOAD_FOLDER"]
    assert sorted(os.listdir(folder)) == sorted(["kecil", response.json["logo"]])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Wajib diisi."),
        ("name", "x" * 21, "Paling banyak 20 karakter."),
        ("email", "bukan-email", "Alamat email tidak valid."),
        ("amount", "", "Wajib diisi."),
        ("amount", "1.500,50", "Tulis Rupiah tanpa sen atau koma"),
        ("amount", "5e8", "Tulis jumlah dengan angka saja"),
        ("amount", "-1", "Jumlah tidak boleh negatif."),
        ("whatsapp", "", "Wajib diisi."),
        ("whatsapp", "021-555-1234", "Isi nomor HP WhatsApp."),
        ("password", "pendek", "Password paling sedikit 12"),
        ("password_again", "lain sekali ya", "Harus sama dengan isian Password."),
    ],
)
def test_bad_input_gets_one_indonesian_message_and_keeps_values(
    form_app, post, field, value, message
):
    fields = VALID | {field: value}
    if field == "password":
        fields["password_again"] = value

    response = post(fields, logo=images.png())
    page = response.text

    assert response.status_code == 422
    error = field_error(page, field)
    assert error is not None
    assert message in error
    assert page.count('class="error" id=') == 1 + ("logo-again" in page)
    if field not in ("password", "password_again") and value:
        assert f'value="{value}"' in page
    assert 'value="PT Jalan Terus 🚧"' in page or field == "name"
    assert not os.path.exists(form_app.config["UPLOAD_FOLDER"])


def test_form_coming_back_asks_for_the_logo_again(post):
    response = post(VALID | {"amount": "abc"}, logo=images.png(), filename="cv.png")

    assert response.status_code == 422
    assert "Berkas cv.png belum tersimpan" in response.text
    assert "Pilih berkasnya lagi" in response.text


def test_missing_logo_is_required(post):
    response = post(VALID)

    assert response.status_code == 422
    assert field_error(response.text, "logo") == "Wajib diisi."


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "kosong.png", "Berkas kosong"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png", "bukan gambar"),
        (b"<html><script>alert(1)</script></html>", "logo.png", "bukan gambar"),
        (images.huge_png(15000, 15000), "bom.png", "Ukuran gambar terlalu besar"),
    ],
)
def test_bad_logo_gets_a_field_message(form_app, post, data, filename, message):
    response = post(VALID, logo=data, filename=filename)

    assert response.status_code == 422
    assert message in field_error(response.text, "logo")
    assert 'value="Rp 500.000.000"' in response.text
    assert not os.path.exists(form_app.config["UPLOAD_FOLDER"])


def test_logo_over_2_mb_gets_a_field_message_and_values_stay(form_app, post):
    # 3 MB: over the 2 MB logo limit and over MAX_CONTENT_LENGTH (1 MB in
    # this app), under the upload form's request limit (6 MB).
    data = images.noise_png((1000, 1000))
    assert len(data) > 2 * form_app.config["MAX_CONTENT_LENGTH"]

    response = post(VALID, logo=data)

    assert response.status_code == 422
    assert "Berkas terlalu besar (2,9 MB). Paling besar 2 MB." == field_error(
        response.text, "logo"
    )
    assert 'value="kontak@jalanterus.co.id"' in response.text


def test_other_forms_keep_the_small_request_limit(form_app):
    response = form_app.test_client().post(
        "/uji/biasa", data=b"x=" + b"a" * 2_000_000, content_type="text/plain"
    )

    assert response.status_code == 413
    assert "paling besar 1 MB" in response.text


def test_stored_logo_has_the_pixels_sent(form_app, post):
    response = post(VALID, logo=images.png(size=(30, 10), color=(1, 2, 3)))

    path = os.path.join(form_app.config["UPLOAD_FOLDER"], response.json["logo"])
    with Image.open(path) as image:
        assert image.size == (30, 10)
        assert image.getpixel((5, 5)) == (1, 2, 3)


def test_every_wtforms_message_has_an_indonesian_one():
    catalogue = open(os.path.join(messages_path(), "wtforms.pot"), encoding="utf-8")
    msgids = set(re.findall(r'^msgid "(.+)"$', catalogue.read(), re.MULTILINE))
    catalogue.close()

    assert msgids == set(MESSAGES)
    assert (
        indonesian_messages.ngettext(
            "Field must be at least %(min)d character long.",
            "Field must be at least %(min)d characters long.",
            12,
        )
        == "Paling sedikit %(min)d karakter."
    )
