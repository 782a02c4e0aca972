"""The mitra's account journey in Chromium, with and without JavaScript:
register with a logo, read the activation email from a real SMTP server on
loopback, activate, log in, edit the profile, log out."""

import itertools
import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from kerapu.models import Role, Submission, User
from kerapu.services.accounts import utcnow
from kerapu.services.mail import deliver_pending
from tests import images
from tests.browser import live_data
from tests.mailserver import SmtpServer, mail_settings

# The live server commits the mail these tests queue; own_outbox drops it.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("own_outbox")]

PASSWORD = "password-panjang-sekali"
numbers = itertools.count(1)


@pytest.fixture
def smtp(app, monkeypatch):
    """A loopback SMTP server the sender delivers to."""
    server = SmtpServer().start()
    for key, value in mail_settings(server.port).items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.stop()


@pytest.fixture
def logo_path(tmp_path):
    path = tmp_path / "logo-perusahaan.png"
    path.write_bytes(images.png(size=(120, 80)))
    return str(path)


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


@pytest.fixture(autouse=True)
def forget_registrations(app):
    """Remove the accounts these tests registered and their forms' keys, so
    tests that count mitra or accepted forms see the database as it was."""
    started = utcnow()
    yield
    with live_data.session(app) as s:
        registered = s.scalars(
            select(User.id).where(User.role == Role.MITRA, User.created_at >= started)
        ).all()
        live_data.remove_users(s, registered)
        s.execute(
            delete(Submission.__table__).where(
                Submission.purpose == "registration", Submission.created_at >= started
            )
        )


def send_mail(app):
    """Run the sender once, as cron or ``--watch`` would."""
    with app.app_context():
        return deliver_pending()


def register(page, email, company, logo_path, javascript):
    page.goto("/akun/masuk")
    page.locator("#masuk").get_by_role("link", name="Daftar Mitra PU").click()
    expect(page.get_by_role("heading", name="Daftar Mitra PU")).to_be_visible()
    page.get_by_label("Nama Badan Usaha").fill(company)
    page.get_by_label("Jenis Bidang Usaha").select_option(label="Konstruksi")
    page.get_by_label("Email Badan Usaha").fill(email)
    page.get_by_label("Estimasi Nominal Kerja Sama (Rp)").fill("Rp 750.000.000")
    page.get_by_label("Alamat Badan Usaha").fill("Jl. Ahmad Yani Km 3, Banjarmasin")
    page.get_by_label("Logo Badan Usaha").set_input_files(logo_path)
    page.get_by_label("Provinsi").select_option(label="Kalimantan Selatan")
    regency = page.get_by_label("Kabupaten/Kota")
    if javascript:
        # htmx narrows the list to the chosen province.
        expect(regency.locator("optgroup")).to_have_count(0)
        expect(regency.locator("option")).to_have_count(14)
    else:
        expect(regency.locator("optgroup")).to_have_count(38)
    regency.select_option(label="Kab. Banjar")
    page.get_by_label("Nama Contact Person").fill("Siti Rahmah")
    page.get_by_label("Jabatan Contact Person").fill("Direktur Utama")
    page.get_by_label("Kontak WhatsApp").fill("0812-3456-7890")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi Password").fill(PASSWORD)
    page.get_by_label("Saya menyetujui").check()
    page.get_by_role("button", name="Daftar").click()


def walk_the_journey(app, page, smtp, logo_path, javascript):
    number = next(numbers)
    suffix = "js" if javascript else "nojs"
    email = f"kontak{number}-{suffix}-{os.getpid()}@jalanmaju.co.id"
    company = f"PT Jalan Maju {suffix.upper()} {number}"

    register(page, email, company, logo_path, javascript)
    expect(page.get_by_role("heading", name="Pendaftaran berhasil")).to_be_visible()
    expect(page.locator("#terdaftar")).to_contain_text(email)

    # Not active yet: login says so.
    page.goto("/akun/masuk")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#masuk .alert")).to_contain_text("belum aktif")

    assert send_mail(app).sent >= 1
    [message] = smtp.inbox.to(email)
    assert message["Subject"] == "Aktifkan akun Mitra PU KERAPU"
    page.goto(smtp.inbox.link(email, "/akun/aktivasi/"))
    expect(page.get_by_role("heading", name="Akun sudah aktif")).to_be_visible()

    page.get_by_role("link", name="Masuk").last.click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Program saya")).to_be_visible()
    menu = page.locator("details.user-menu")
    expect(menu.locator("summary")).to_have_text(f"Hi, {company}")

    menu.locator("summary").click()
    menu.get_by_role("link", name="Edit Profile").click()
    expect(page.get_by_role("heading", name="Edit Profile")).to_be_visible()
    expect(page.locator("#profil-form img.thumbnail")).to_be_visible()
    profile = page.locator("#profil-form")
    expect(profile.get_by_label("Kontak WhatsApp")).to_have_value("0812-3456-7890")
    profile.get_by_label("Nama Contact Person").fill("Siti Rahmah Hasanah")
    profile.get_by_label("Estimasi Nominal Kerja Sama (Rp)").fill("1.250.000.000")
    profile.get_by_role("button", name="Simpan profil").click()
    expect(page.locator("#flash")).to_contain_text("Profil sudah disimpan.")
    expect(profile.get_by_label("Nama Contact Person")).to_have_value(
        "Siti Rahmah Hasanah"
    )
    expect(profile.get_by_label("Estimasi Nominal Kerja Sama (Rp)")).to_have_value(
        "1.250.000.000"
    )

    menu.locator("summary").click()
    menu.get_by_role("button", name="Logout").click()
    expect(page.locator("#flash")).to_contain_text("Anda sudah keluar")
    expect(page.locator("header nav").get_by_role("link", name="Masuk")).to_be_visible()
    page.goto("/akun/profil")
    expect(page.get_by_role("heading", name="Masuk Mitra PU")).to_be_visible()


def test_account_journey(app, page, smtp, logo_path):
    walk_the_journey(app, page, smtp, logo_path, javascript=True)


def test_account_journey_without_javascript(app, nojs_page, smtp, logo_path):
    walk_the_journey(app, nojs_page, smtp, logo_path, javascript=False)


def test_wrong_region_pair_is_refused_by_the_server(app, nojs_page, logo_path):
    """Without JavaScript the page lets any regency be chosen: the server
    refuses one outside the province and keeps what was typed."""
    page = nojs_page
    email = f"salah-wilayah-{os.getpid()}@contoh.co.id"
    register(page, email, "PT Salah Wilayah", logo_path, javascript=False)
    # register() chose Kalimantan Selatan / Kab. Banjar; choose again, wrongly.
    page.goto("/akun/daftar")
    page.get_by_label("Nama Badan Usaha").fill("PT Salah Wilayah Dua")
    page.get_by_label("Provinsi").select_option(label="Bali")
    page.get_by_label("Kabupaten/Kota").select_option(label="Kab. Banjar")
    page.get_by_role("button", name="Daftar").click()

    expect(page.locator("#kabupaten-error")).to_contain_text("berada di provinsi")
    expect(page.get_by_label("Nama Badan Usaha")).to_have_value("PT Salah Wilayah Dua")
    expect(page.locator("#logo-again, #logo-error").first).to_be_visible()
