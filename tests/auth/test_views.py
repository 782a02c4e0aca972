"""Account pages: registration, activation, login, logout, reset, profile."""

import io
import json
import re

import pytest
from sqlalchemy import func, select

from kerapu.models import Mitra, Submission, User
from kerapu.services import tokens
from tests import images
from tests.conftest import PASSWORD, csrf_fields

REGISTRATION = {
    "name": "PT Jalan Maju Bersama",
    "business_field": "1",
    "address": "Jl. A. Yani Km 5, Banjarmasin",
    "email": "Kontak@JalanMaju.co.id",
    "provinsi": "63",
    "kabupaten": "63.03",
    "contact_name": "Siti Rahmah",
    "whatsapp": "0812-3456-7890",
    "contact_position": "Direktur Utama",
    "estimated_value": "Rp. 500.000.000",
    "password": "password-panjang-sekali",
    "password_again": "password-panjang-sekali",
    "consent": "y",
}


def logo_file(data=None, name="logo.png"):
    return (io.BytesIO(data if data is not None else images.png()), name)


@pytest.fixture
def register(client, upload_folder):
    """Send the registration form with ``changes``; ``logo=None`` leaves
    the file out."""

    def send(page_html=None, logo="default", headers=None, **changes):
        html = page_html or client.get("/akun/daftar").text
        fields = csrf_fields(html)
        key = re.search(r'id="key" name="key" type="hidden" value="([^"]+)"', html)
        data = REGISTRATION | {"csrf_token": fields["csrf_token"], "key": key[1]}
        data |= changes
        if logo == "default":
            data["logo"] = logo_file()
        elif logo is not None:
            data["logo"] = logo
        return client.post(
            "/akun/daftar", data=data, content_type="multipart/form-data"
        )

    return send


def count_users():
    from kerapu.extensions import db

    return db.session.scalar(select(func.count(User.id)))


def activation_url(outbox, email):
    message = outbox(email)[-1]
    assert message.template == "activation"
    return re.search(
        r"http://127\.0\.0\.1:5000(/akun/aktivasi/\S+)", message.body_text
    )[1]


# -- Registration -------------------------------------------------------------


def test_register_creates_inactive_account_and_queues_activation(
    db, client, register, outbox, caplog
):
    response = register()

    assert response.status_code == 303
    assert response.headers["Location"] == "/akun/daftar/terkirim"
    user = db.session.scalar(select(User).where(User.email == "kontak@jalanmaju.co.id"))
    assert user is not None
    assert not user.is_activated
    mitra = user.mitra
    assert mitra.name == "PT Jalan Maju Bersama"
    assert mitra.estimated_value_idr == 500_000_000
    assert mitra.whatsapp == "+6281234567890"
    assert mitra.regency_code == "63.03"
    assert mitra.logo
    assert mitra.logo.startswith("logo-")
    assert "UU 27/2022" not in mitra.consent_text  # the law, spelled out
    assert "Nomor 27 Tahun 2022" in mitra.consent_text
    assert mitra.consented_at is not None
    [message] = outbox("kontak@jalanmaju.co.id")
    assert message.template == "activation"
    assert "/akun/aktivasi/" in message.body_text
    assert "/akun/aktivasi/" in message.body_html
    assert f"mitra registered: user {user.id}" in caplog.text
    assert "password-panjang" not in caplog.text
    page = client.get("/akun/daftar/terkirim")
    assert "kontak@jalanmaju.co.id" in page.text
    assert "harus diaktifkan" in page.text


def test_register_twice_with_the_same_form_creates_one_account(
    db, client, register, outbox
):
    html = client.get("/akun/daftar").text

    first = register(page_html=html)
    second = register(page_html=html)

    assert first.status_code == second.status_code == 303
    count = db.session.scalar(
        select(func.count(User.id)).where(User.email == "kontak@jalanmaju.co.id")
    )
    assert count == 1
    assert len(outbox("kontak@jalanmaju.co.id")) == 1


def test_register_taken_email_answers_the_same_and_mails_the_owner(
    db, client, register, make_mitra, outbox
):
    owner = make_mitra(email="kontak@jalanmaju.co.id", name="PT Pemilik Asli")

    response = register()

    assert response.status_code == 303
    assert response.headers["Location"] == "/akun/daftar/terkirim"
    db.session.refresh(owner)
    assert owner.mitra.name == "PT Pemilik Asli"
    [message] = outbox("kontak@jalanmaju.co.id")
    assert message.template == "account_exists"
    assert "/akun/lupa-password" in message.body_text
    assert (
        db.session.scalar(
            select(func.count(Mitra.id)).where(Mitra.name == "PT Jalan Maju Bersama")
        )
        == 0
    )


def test_register_email_of_inactive_account_resends_activation(
    db, register, make_mitra, outbox
):
    make_mitra(email="kontak@jalanmaju.co.id", active=False)

    register()

    [message] = outbox("kontak@jalanmaju.co.id")
    assert message.template == "activation"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Wajib diisi."),
        ({"email": "bukan-email"}, "email", "Alamat email tidak valid"),
        ({"estimated_value": "-5"}, "estimated_value", ""),
        ({"estimated_value": "1,5"}, "estimated_value", ""),
        ({"estimated_value": "1e9"}, "estimated_value", ""),
        ({"whatsapp": "12345"}, "whatsapp", ""),
        ({"whatsapp": "021-5551234"}, "whatsapp", "telepon kantor"),
        ({"kabupaten": "64.01"}, "kabupaten", "berada di provinsi"),
        ({"kabupaten": "99.99"}, "kabupaten", ""),
        ({"provinsi": "99"}, "provinsi", ""),
        ({"business_field": "0"}, "business_field", "Wajib diisi."),
        ({"business_field": "abc"}, "business_field", ""),
        ({"password": "pendek", "password_again": "pendek"}, "password", "12"),
        ({"password_again": "lain-sekali-passwordnya"}, "password_again", "sama"),
        ({"consent": ""}, "consent", "persetujuan"),
        ({"address": "x" * 501}, "address", "500"),
    ],
)
def test_register_bad_input_keeps_values_and_changes_nothing(
    db, register, outbox, changes, field, message
):
    users = count_users()

    response = register(**changes)

    assert response.status_code == 422
    assert "<html" in response.text
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    # Typed values come back (passwords never do).
    assert 'value="Siti Rahmah"' in response.text
    assert "password-panjang-sekali" not in response.text
    assert count_users() == users
    assert outbox() == []


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        (None, "Wajib diisi."),
        (logo_file(b"", "kosong.png"), ""),
        (logo_file(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"), ""),
        (logo_file(b"<html><script>alert(1)</script>", "logo.png"), ""),
        (logo_file(images.huge_png(15000, 15000), "bom.png"), ""),
    ],
)
def test_register_refuses_bad_logo(db, register, upload_folder, logo, message):
    users = count_users()

    response = register(logo=logo)

    assert response.status_code == 422
    assert 'id="logo-error"' in response.text
    assert message in response.text
    assert count_users() == users
    assert not any(upload_folder.glob("logo-*")) if upload_folder.exists() else True


def test_register_with_other_error_asks_for_logo_again(db, register):
    response = register(name="")

    assert response.status_code == 422
    assert 'id="logo-again"' in response.text


def test_register_keeps_non_latin_names_as_typed(db, register):
    register(name="PT 日本道路 🚧 Jaya", contact_name="Ñandú Ölçer")

    mitra = db.session.scalar(select(Mitra).order_by(Mitra.id.desc()))
    assert mitra.name == "PT 日本道路 🚧 Jaya"
    assert mitra.contact_name == "Ñandú Ölçer"


def test_register_with_expired_csrf_keeps_typed_values(db, client, register):
    users = count_users()
    html = client.get("/akun/daftar").text
    client.delete_cookie("session")  # the session (and its CSRF secret) is gone

    response = register(page_html=html)

    assert response.status_code == 422
    assert "Sesi formulir sudah berakhir" in response.text
    assert 'value="PT Jalan Maju Bersama"' in response.text
    assert count_users() == users


def test_register_without_province_lists_regencies_by_province(client):
    page = client.get("/akun/daftar")

    assert '<optgroup label="Kalimantan Selatan">' in page.text
    assert page.text.count("<optgroup") == 38


def test_regency_select_for_forms_asks_to_choose(htmx):
    response = htmx("/wilayah/kabupaten", provinsi="63", untuk="isian")

    assert response.status_code == 200
    assert "-- Pilih --" in response.text
    assert "Semua Kab/Kota" not in response.text
    assert 'name="kabupaten"' in response.text
    assert "Kab. Banjar" in response.text


# -- Activation ---------------------------------------------------------------


def test_activation_link_activates_once(db, client, register, outbox):
    register()
    url = activation_url(outbox, "kontak@jalanmaju.co.id")

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == 200
    assert "Akun sudah aktif" in first.text
    assert first.headers["Referrer-Policy"] == "no-referrer"
    assert second.status_code == 200
    assert "sudah diaktifkan sebelumnya" in second.text
    user = db.session.scalar(select(User).where(User.email == "kontak@jalanmaju.co.id"))
    assert user.is_activated


def test_expired_activation_link_offers_a_new_one(
    db, app, client, make_mitra, monkeypatch, outbox
):
    user = make_mitra(active=False)
    token = tokens.make_token("activation", {"u": user.id, "e": user.email})
    monkeypatch.setitem(app.config, "ACTIVATION_TOKEN_MAX_AGE", -1)

    response = client.get(f"/akun/aktivasi/{token}")

    assert response.status_code == 400
    assert "kedaluwarsa" in response.text
    assert f'value="{user.email}"' in response.text
    assert not db.session.get(User, user.id).is_activated


def test_reset_token_cannot_activate(db, client, make_mitra):
    user = make_mitra(active=False)
    token = tokens.make_token("reset", {"u": user.id, "e": user.email})

    response = client.get(f"/akun/aktivasi/{token}")

    assert response.status_code == 400
    assert "tidak berlaku" in response.text
    assert not db.session.get(User, user.id).is_activated


def test_forged_activation_link_is_refused(client):
    response = client.get("/akun/aktivasi/eyJ1IjoxfQ.ZZZ.abc")

    assert response.status_code == 400


def test_activation_link_is_built_from_public_base_url(db, client, register, outbox):
    register(headers={"Host": "penipu.example", "X-Forwarded-Host": "penipu.example"})

    [message] = outbox("kontak@jalanmaju.co.id")
    assert "penipu" not in message.body_text
    assert "http://127.0.0.1:5000/akun/aktivasi/" in message.body_text


def test_resend_activation_answers_the_same_for_unknown_email(
    db, submit, make_mitra, outbox
):
    user = make_mitra(active=False)

    known = submit("/akun/aktivasi/kirim-ulang", {"email": user.email})
    unknown = submit("/akun/aktivasi/kirim-ulang", {"email": "siapa@entah.id"})

    assert known.status_code == unknown.status_code == 303
    assert [m.template for m in outbox()] == ["activation"]


# -- Login and logout ---------------------------------------------------------


def login(submit, email, password=PASSWORD, **extra):
    return submit("/akun/masuk", {"email": email, "password": password, **extra})


def test_login_goes_to_program_saya_and_greets(db, client, submit, make_mitra):
    user = make_mitra(name="PT Cahaya Aspal")

    response = login(submit, user.email.upper())

    assert response.status_code == 303
    assert response.headers["Location"] == "/saya/program"
    page = client.get("/saya/program")
    assert page.status_code == 200
    assert "Hi, PT Cahaya Aspal" in page.text
    assert "Edit Profile" in page.text
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


@pytest.mark.parametrize("email", ["tidak-ada@contoh.co.id", "mitra1@contoh.co.id"])
def test_login_refusal_does_not_tell_whether_email_exists(
    db, submit, make_mitra, email
):
    make_mitra(email="mitra1@contoh.co.id")

    response = login(submit, email, password="password-yang-salah")

    assert response.status_code == 422
    assert "Email atau password salah." in response.text
    assert 'value="' + email + '"' in response.text


def test_login_to_inactive_account_offers_resend(db, submit, make_mitra):
    user = make_mitra(active=False)

    response = login(submit, user.email)

    assert response.status_code == 422
    assert "belum aktif" in response.text
    assert "/akun/aktivasi/kirim-ulang" in response.text


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/program/1", "/program/1"),
        ("/program?q=jalan&page=2", "/program?q=jalan&page=2"),
        ("https://penipu.example/", "/saya/program"),
        ("//penipu.example/", "/saya/program"),
        ("/\\penipu.example", "/saya/program"),
        ("javascript:alert(1)", "/saya/program"),
        ("program", "/saya/program"),
    ],
)
def test_login_returns_only_to_paths_on_this_site(
    db, submit, make_mitra, target, expected
):
    user = make_mitra()

    response = login(submit, user.email, next=target)

    assert response.headers["Location"] == expected


def test_logout_is_a_post_and_ends_every_session(db, app, client, submit, make_mitra):
    user = make_mitra()
    login(submit, user.email, remember="y")
    copied = client.get_cookie("session").value
    remember = client.get_cookie("remember_token").value
    other_device = app.test_client()
    other_device.set_cookie("session", copied)
    assert other_device.get("/saya/program").status_code == 200

    assert client.get("/akun/keluar").status_code == 405
    html = client.get("/saya/program").text
    response = client.post(
        "/akun/keluar", data={"csrf_token": csrf_fields(html)["csrf_token"]}
    )

    assert response.status_code == 303
    assert other_device.get("/saya/program").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied)
    replay.set_cookie("remember_token", remember)
    assert replay.get("/saya/program").status_code == 302


def test_deactivated_account_loses_its_sessions(db, app, client, login_as, make_mitra):
    from kerapu.services.accounts import deactivate_user

    user = make_mitra()
    login_as(client, user)
    assert client.get("/saya/program").status_code == 200

    deactivate_user(user, user)
    db.session.flush()

    assert client.get("/saya/program").status_code == 302


def test_htmx_request_when_logged_out_gets_401_with_redirect(client):
    response = client.get(
        "/saya/program",
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://127.0.0.1:5000/saya/program?status=DIAJUKAN",
        },
    )

    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == (
        "/akun/masuk?next=/saya/program?status%3DDIAJUKAN"
    )
    assert "<form" not in response.text


# -- Password reset -----------------------------------------------------------


def reset_url(outbox, email):
    message = outbox(email)[-1]
    assert message.template == "reset_password"
    return re.search(r"http://127\.0\.0\.1:5000(/akun/reset/\S+)", message.body_text)[1]


def test_forgot_password_answers_the_same_for_unknown_email(
    db, submit, make_mitra, outbox
):
    user = make_mitra()

    known = submit("/akun/lupa-password", {"email": user.email})
    unknown = submit("/akun/lupa-password", {"email": "tidak@ada.id"})

    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert [m.recipient for m in outbox()] == [user.email]


def test_reset_link_sets_password_once(db, app, client, submit, make_mitra, outbox):
    user = make_mitra()
    submit("/akun/lupa-password", {"email": user.email})
    url = reset_url(outbox, user.email)
    new = {
        "password": "password-baru-yang-panjang",
        "password_again": "password-baru-yang-panjang",
    }

    response = submit(url, new)
    again = client.get(url)

    assert response.status_code == 303
    assert again.status_code == 400
    assert "tidak berlaku" in again.text
    assert (
        login(submit, user.email, password="password-baru-yang-panjang").status_code
        == 303
    )


def test_reset_link_dies_when_password_changes_elsewhere(
    db, client, make_mitra, outbox
):
    from kerapu.services.accounts import request_password_reset, set_password

    user = make_mitra()
    request_password_reset(user.email)
    url = reset_url(outbox, user.email)

    set_password(user, "password-lain-yang-panjang")
    db.session.flush()

    assert client.get(url).status_code == 400


def test_reset_link_expires_after_an_hour(
    db, app, client, make_mitra, outbox, monkeypatch
):
    from kerapu.services.accounts import request_password_reset

    user = make_mitra()
    request_password_reset(user.email)
    url = reset_url(outbox, user.email)
    monkeypatch.setitem(app.config, "RESET_TOKEN_MAX_AGE", -1)

    assert client.get(url).status_code == 400


def test_activation_token_cannot_reset_password(db, client, make_mitra):
    user = make_mitra()
    token = tokens.make_token(
        "activation",
        {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)},
    )

    assert client.get(f"/akun/reset/{token}").status_code == 400


def test_reset_ends_other_sessions(
    db, app, client, submit, make_mitra, outbox, login_as
):
    user = make_mitra()
    other = app.test_client()
    login_as(other, user)
    submit("/akun/lupa-password", {"email": user.email})
    url = reset_url(outbox, user.email)

    submit(
        url,
        {
            "password": "password-baru-yang-panjang",
            "password_again": "password-baru-yang-panjang",
        },
    )

    assert other.get("/saya/program").status_code == 302


# -- Profile ------------------------------------------------------------------


@pytest.fixture
def mitra_client(client, login_as, make_mitra):
    user = make_mitra(name="PT Profil Uji")
    login_as(client, user)
    client.user = user
    return client


def profile_form(client):
    html = client.get("/akun/profil").text
    return html, csrf_fields(html)


def test_profile_shows_stored_values_and_consent(db, mitra_client):
    page = mitra_client.get("/akun/profil")

    assert page.status_code == 200
    assert 'value="PT Profil Uji"' in page.text
    assert 'value="0812-3456-7890"' in page.text
    assert 'value="500.000.000"' in page.text
    assert "Nomor 27 Tahun 2022" in page.text
    assert re.search(r"\d{4} \d\d\.\d\d WITA", page.text)  # Kalimantan Selatan


def test_profile_edit_saves_fields_and_new_logo(db, mitra_client, upload_folder):
    _html, fields = profile_form(mitra_client)
    data = {
        "csrf_token": fields["csrf_token"],
        "name": "PT Profil Baru",
        "business_field": "2",
        "address": "Jl. Baru",
        "provinsi": "52",
        "kabupaten": "52.07",
        "contact_name": "Andi",
        "whatsapp": "+62 813 1111 2222",
        "contact_position": "Manajer",
        "estimated_value": "1.500",
        "logo": logo_file(),
    }

    response = mitra_client.post(
        "/akun/profil", data=data, content_type="multipart/form-data"
    )

    assert response.status_code == 303
    mitra = db.session.get(Mitra, mitra_client.user.mitra.id)
    assert mitra.name == "PT Profil Baru"
    assert mitra.estimated_value_idr == 1500
    assert mitra.regency_code == "52.07"
    assert mitra.whatsapp == "+6281311112222"
    assert mitra.logo.startswith("logo-")
    assert "Profil sudah disimpan." in mitra_client.get("/akun/profil").text


def test_profile_refuses_regency_of_another_province(db, mitra_client):
    _html, fields = profile_form(mitra_client)

    response = mitra_client.post(
        "/akun/profil",
        data={
            **REGISTRATION,
            "csrf_token": fields["csrf_token"],
            "provinsi": "63",
            "kabupaten": "52.07",
        },
    )

    assert response.status_code == 422
    assert "berada di provinsi" in response.text
    assert db.session.get(Mitra, mitra_client.user.mitra.id).regency_code == "63.03"


def test_change_password_needs_the_current_one(db, app, mitra_client, login_as):
    other = app.test_client()
    login_as(other, mitra_client.user)
    _html, fields = profile_form(mitra_client)
    data = {
        "pw-csrf_token": fields["pw-csrf_token"],
        "pw-current_password": "salah-sekali-password",
        "pw-password": "password-baru-yang-panjang",
        "pw-password_again": "password-baru-yang-panjang",
    }

    wrong = mitra_client.post("/akun/profil/password", data=data)
    right = mitra_client.post(
        "/akun/profil/password", data=data | {"pw-current_password": PASSWORD}
    )

    assert wrong.status_code == 422
    assert "Password saat ini salah." in wrong.text
    assert right.status_code == 303
    assert mitra_client.get("/akun/profil").status_code == 200  # this one stays
    assert other.get("/akun/profil").status_code == 302  # the others end


def test_change_email_waits_for_confirmation(db, client, mitra_client, outbox):
    user = mitra_client.user
    old = user.email
    _html, fields = profile_form(mitra_client)

    response = mitra_client.post(
        "/akun/profil/email",
        data={
            "email-csrf_token": fields["email-csrf_token"],
            "email-new_email": "Baru@Contoh.co.id",
            "email-password": PASSWORD,
        },
    )

    assert response.status_code == 303
    assert db.session.get(User, user.id).email == old
    [message] = outbox("baru@contoh.co.id")
    url = re.search(r"http://127\.0\.0\.1:5000(/akun/email/\S+)", message.body_text)[1]
    assert mitra_client.get(url).status_code == 200
    assert db.session.get(User, user.id).email == "baru@contoh.co.id"
    assert [m.template for m in outbox(old)] == ["email_changed"]
    again = mitra_client.get(url)
    assert "sudah menjadi email akun" in again.text


def test_download_personal_data(db, mitra_client):
    as_json = mitra_client.get("/akun/profil/data.json")
    as_csv = mitra_client.get("/akun/profil/data.csv")

    assert as_json.status_code == 200
    assert "attachment" in as_json.headers["Content-Disposition"]
    data = json.loads(as_json.text)
    assert data["mitra"]["nama_contact_person"] == "Budi Santoso"
    assert data["akun"]["email"] == mitra_client.user.email
    assert "password" not in as_json.text.lower().replace("password_diganti", "")
    assert as_csv.mimetype == "text/csv"
    assert "Budi Santoso" in as_csv.text


def test_delete_account_anonymises_and_logs_out(db, mitra_client, upload_folder):
    user = mitra_client.user
    _html, fields = profile_form(mitra_client)

    response = mitra_client.post(
        "/akun/profil/hapus",
        data={
            "hapus-csrf_token": fields["hapus-csrf_token"],
            "hapus-password": PASSWORD,
            "hapus-confirm": "y",
        },
    )

    assert response.status_code == 303
    user = db.session.get(User, user.id)
    assert user.deleted_at is not None
    assert user.password_hash is None
    assert user.mitra.contact_name == "-"
    assert "Budi" not in user.mitra.name
    assert user.email.endswith("@kerapu.invalid")
    assert mitra_client.get("/akun/profil").status_code == 302


def test_staff_cannot_open_mitra_pages(db, client, login_as):
    from kerapu.models import Role
    from kerapu.services.accounts import utcnow

    staff = User(
        email="staf@pu.go.id", role=Role.PUSAT, password_hash="x", activated_at=utcnow()
    )
    db.session.add(staff)
    db.session.flush()
    login_as(client, staff)

    assert client.get("/akun/profil").status_code == 404
    assert client.get("/saya/program").status_code == 404


# -- Races ----------------------------------------------------------------------


def test_registration_records_its_form_key(db, client, register):
    html = client.get("/akun/daftar").text
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', html)[1]

    register(page_html=html)

    assert db.session.get(Submission, key).purpose == "registration"


def test_shared_catalogue_greets_a_remembered_mitra(
    db, app, client, submit, make_mitra
):
    user = make_mitra(name="PT Ingat Saya")
    client.get("/program")  # an anonymous reader fills the shared copy
    login(submit, user.email, remember="y")
    remembered = app.test_client()
    remembered.set_cookie("remember_token", client.get_cookie("remember_token").value)

    page = remembered.get("/program")

    assert "Hi, PT Ingat Saya" in page.text


def test_delete_account_withdraws_pending_work_and_keeps_approved(
    db, mitra_client, make_application, make_proposal, advance, outbox
):
    user = mitra_client.user
    pending = make_application(user)
    sent_back = advance(make_proposal(user), "PERLU_PERBAIKAN")
    approved = advance(make_application(user), "DISETUJUI")
    _html, fields = profile_form(mitra_client)

    mitra_client.post(
        "/akun/profil/hapus",
        data={
            "hapus-csrf_token": fields["hapus-csrf_token"],
            "hapus-password": PASSWORD,
            "hapus-confirm": "y",
        },
    )

    for item in (pending, sent_back, approved):
        db.session.refresh(item)
    assert pending.status.value == "DIBATALKAN"
    assert sent_back.status.value == "DIBATALKAN"
    assert pending.history[-1].note == "Dibatalkan karena akun mitra dihapus."
    assert approved.status.value == "DISETUJUI"
    assert approved.program.taken_by_id == user.mitra.id


@pytest.mark.parametrize(
    ("sent", "stored"), [({}, False), ({"notif-status_mail": "y"}, True)]
)
def test_status_mail_setting_is_saved(db, mitra_client, sent, stored):
    _html, fields = profile_form(mitra_client)

    response = mitra_client.post(
        "/akun/profil/notifikasi",
        data={"notif-csrf_token": fields["notif-csrf_token"], **sent},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/akun/profil#notifikasi"
    assert db.session.get(Mitra, mitra_client.user.mitra.id).notify_by_email is stored
    page = mitra_client.get("/akun/profil").text
    assert ("dimatikan" if not stored else "diaktifkan") in page
    checkbox = re.search(r'<input[^>]*name="notif-status_mail"[^>]*>', page).group()
    assert ("checked" in checkbox) is stored


def test_form_sent_after_the_session_ended_returns_to_its_page(db, client):
    response = client.post(
        "/program/5/ajukan", headers={"Referer": "http://localhost/program/5?q=x"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/akun/masuk?next=/program/5?q%3Dx"
    page = client.get(response.headers["Location"]).text
    assert "Sesi Anda sudah berakhir, jadi kiriman tadi belum diproses." in page


@pytest.mark.parametrize("referer", [None, "https://evil.example/program/5"])
def test_form_sent_after_the_session_ended_never_leaves_the_site(db, client, referer):
    headers = {"Referer": referer} if referer else {}

    response = client.post("/saya/program/1/batalkan", headers=headers)

    assert response.headers["Location"] == "/akun/masuk?next=/saya/program"
