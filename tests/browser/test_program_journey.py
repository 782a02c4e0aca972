"""The mitra's program journey in Chromium, with and without JavaScript:
apply to a program from the catalogue, follow it in Program saya, propose a
program, and once the Balai has approved (through the service, until the
Balai screens exist) report progress with a photo and find it on Kegiatan.

Each test logs in as a fresh mitra (tests/browser/live_data.py) and takes
it away afterwards with all it did, so the program it took is open again.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import images
from tests.browser.helpers import (
    JEREWEH,
    log_in,
    mark_document,
    names,
    same_document,
    summary,
    wait_until,
)
from tests.browser.live_data import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("own_outbox", "upload_folder"),
]

THANKS = (
    "Terima kasih, Usulan Program KSPU Anda telah kami terima dan akan "
    "dilakukan verifikasi."
)
PROPOSAL = "Pelebaran Jalan Martapura - Astambul"
REPORT = "Galian dan timbunan selesai; pemasangan rambu sedang berjalan."


@pytest.fixture
def png_photo(tmp_path):
    path = tmp_path / "foto-kemajuan.png"
    path.write_bytes(images.png(size=(640, 480), color=(70, 110, 60)))
    return path


@pytest.fixture
def jpeg_photo(tmp_path):
    path = tmp_path / "foto-kemajuan.jpg"
    path.write_bytes(images.jpeg_with_exif(size=(640, 480)))
    return path


def flash(page):
    return page.locator("#flash")


def row(page, title):
    """The Program saya row of ``title``."""
    return page.locator("#program-rows tbody tr", has_text=title)


def badge(page, title):
    return row(page, title).locator('td[data-label="Keterangan"] .badge')


def find_jereweh(page, javascript):
    """Search the catalogue for "jereweh" and open the program."""
    page.locator("header nav").get_by_role("link", name="Program Kerja Sama").click()
    if javascript:
        page.locator("#q").press_sequentially("jereweh", delay=20)
    else:
        page.locator("#q").fill("jereweh")
        with page.expect_navigation():
            page.get_by_role("button", name="Cari", exact=True).click()
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [JEREWEH]
    page.get_by_role("link", name=re.compile(r"^Lihat detail")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(JEREWEH)


def open_program_saya(page, company):
    """Program saya through the user menu "Hi, <company>"."""
    menu = page.locator("details.user-menu")
    expect(menu.locator("summary")).to_have_text(f"Hi, {company}")
    menu.locator("summary").click()
    menu.get_by_role("link", name="Program", exact=True).click()
    expect(page.get_by_role("heading", name="Program saya")).to_be_visible()


def propose(page, javascript):
    """Fill Usulan Program with valid values and send it."""
    heading = page.get_by_role("heading", name="Usulan Program Kerja Sama")
    expect(heading).to_be_visible()
    page.get_by_label("Kategori Program").select_option(label="Pembangunan Jalan")
    page.get_by_label("Usulan Nama Paket").fill(PROPOSAL)
    page.get_by_label("Lokasi", exact=True).fill("Ruas Jalan Martapura - Astambul")
    page.get_by_label("Provinsi").select_option(label="Kalimantan Selatan")
    regency = page.get_by_label("Kabupaten/Kota")
    if javascript:
        # htmx narrows the list to the chosen province.
        expect(regency.locator("optgroup")).to_have_count(0)
        expect(regency.locator("option", has_text="Kab. Banjar")).to_have_count(1)
    regency.select_option(label="Kab. Banjar")
    page.get_by_label("Uraian Program").fill("Pelebaran jalan sepanjang 2 km.")
    page.get_by_label("Uraian Kegiatan").fill("Galian, timbunan, perkerasan aspal.")
    page.get_by_label("Estimasi Waktu Pelaksanaan (bulan)").fill("8")
    page.get_by_label("Estimasi Nilai Kerja Sama (Rp)").fill("Rp 500.000.000")
    page.get_by_role("button", name="Kirim Usulan").click()


def report_progress(page, photo):
    page.get_by_role("link", name="Update Kegiatan").click()
    expect(page.get_by_role("heading", name="Update Kegiatan")).to_be_visible()
    expect(page.get_by_label("Tanggal")).not_to_have_value("")
    page.get_by_label("Kemajuan (%)").fill("35")
    page.get_by_label("Uraian kemajuan").fill(REPORT)
    page.get_by_label("Foto (paling banyak 5)").set_input_files(photo)
    page.get_by_role("button", name="Simpan laporan").click()


def expect_loaded(page, image):
    """``image`` is shown: decoded, with pixels."""
    image.scroll_into_view_if_needed()
    wait_until(
        page, lambda: image.evaluate("img => img.complete && img.naturalWidth > 0")
    )


def walk_the_journey(page, live_accounts, photo, javascript):
    mitra = live_accounts.mitra(logo=images.png(size=(120, 80)))
    staff = live_accounts.staff("BPJN-NTB")
    log_in(page, mitra.email, PASSWORD)

    # Ajukan Program: one click, then the item waits for the Balai.
    find_jereweh(page, javascript)
    page.get_by_role("button", name="Ajukan Program").click()
    expect(flash(page)).to_contain_text(
        "Pengajuan terkirim. Pengajuan Anda menunggu verifikasi oleh "
        "BPJN Nusa Tenggara Barat."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(JEREWEH)

    open_program_saya(page, mitra.name)
    expect(badge(page, JEREWEH)).to_have_text("Proses Pengajuan")
    expect(row(page, JEREWEH).locator('td[data-label="Unit Kerja"]')).to_have_text(
        "BPJN Nusa Tenggara Barat"
    )

    # Usulan Program from the banner under the list.
    page.locator("aside.banner").get_by_role("link", name="Ajukan Program").click()
    propose(page, javascript)
    expect(flash(page)).to_have_text(THANKS)
    expect(page.get_by_role("heading", name="Program saya")).to_be_visible()
    expect(badge(page, PROPOSAL)).to_have_text("Proses Pengajuan")
    expect(row(page, PROPOSAL)).to_contain_text("Usulan")
    expect(row(page, PROPOSAL).locator('td[data-label="Nilai"]')).to_have_text(
        "Rp. 500.000.000"
    )

    # The Balai approves; an open list shows it on focus, in place.
    application = live_accounts.cooperation_id(mitra, JEREWEH)
    live_accounts.move(application, "DISETUJUI", staff)
    if javascript:
        mark_document(page)
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        expect(badge(page, JEREWEH)).to_have_text("Disetujui")
        assert same_document(page)
    else:
        page.reload()
        expect(badge(page, JEREWEH)).to_have_text("Disetujui")
    expect(badge(page, PROPOSAL)).to_have_text("Proses Pengajuan")

    # Update Kegiatan with a photo; the first report starts the work.
    details = row(page, JEREWEH).locator('td[data-label="Update Kegiatan"]')
    details.get_by_role("link", name="Klik Detail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(JEREWEH)
    report_progress(page, photo)
    expect(flash(page)).to_have_text("Laporan kemajuan tersimpan.")
    expect(page.locator(f"#status-{application}")).to_have_text("Pelaksanaan")
    expect(page.locator("#riwayat .badge")).to_have_text(
        ["Proses Pengajuan", "Disetujui", "Pelaksanaan"]
    )
    report = page.locator("#laporan ol.reports > li")
    expect(report).to_have_count(1)
    expect(report).to_contain_text("35%")
    expect(report).to_contain_text(REPORT)
    expect_loaded(page, report.locator("ul.photos img"))

    # Kegiatan: the public sees the work, its mitra, progress and photo.
    page.locator("header nav").get_by_role("link", name="Kegiatan").click()
    card = page.locator("ul.activities > li", has_text=JEREWEH)
    expect(card).to_have_count(1)
    expect(card.get_by_role("heading", level=2)).to_have_text(JEREWEH)
    expect(card).to_contain_text(mitra.name)
    expect(card.locator(".badge")).to_have_text("Pelaksanaan")
    expect(card).to_contain_text("35%")
    expect(card).to_contain_text(REPORT)
    photo_link = card.locator("ul.photos a")
    expect(photo_link).to_have_count(1)
    expect_loaded(page, photo_link.locator("img"))
    full = page.request.get(photo_link.get_attribute("href"))
    assert full.ok
    assert full.headers["content-type"] in ("image/png", "image/jpeg")

    # Daftar Mitra PU names the program the mitra took.
    page.locator("header nav").get_by_role("link", name="Daftar Mitra PU").click()
    partner = page.locator("ul.partners > li", has_text=mitra.name)
    expect(partner.get_by_role("link", name=JEREWEH)).to_be_visible()


def test_program_journey(page, live_accounts, png_photo):
    walk_the_journey(page, live_accounts, png_photo, javascript=True)


def test_program_journey_without_javascript(nojs_page, live_accounts, jpeg_photo):
    walk_the_journey(nojs_page, live_accounts, jpeg_photo, javascript=False)


@pytest.fixture
def proposal_form(live_accounts):
    """Open Usulan Program as a fresh mitra on ``page``."""

    def open_form(page):
        mitra = live_accounts.mitra()
        log_in(page, mitra.email, PASSWORD)
        page.goto("/usulan/baru")
        return page.get_by_label("Uraian Program")

    return open_form


def test_proposal_counter_counts_live(page, proposal_form):
    text = proposal_form(page)
    counter = page.locator("#description-count")

    expect(counter).to_have_text("Sisa 1000 dari 1000 karakter.")
    text.press_sequentially("Jalan", delay=10)

    expect(counter).to_have_text("Sisa 995 dari 1000 karakter.")
    text.fill("x" * 1200)
    expect(text).to_have_value("x" * 1000)
    expect(counter).to_have_text("Sisa 0 dari 1000 karakter.")


def test_proposal_limit_holds_without_javascript(nojs_page, proposal_form):
    text = proposal_form(nojs_page)

    expect(nojs_page.locator("#description-count")).to_be_hidden()
    expect(text).to_have_attribute("maxlength", "1000")
    expect(nojs_page.locator("#usulan")).to_contain_text("Paling banyak 1000 karakter.")
    text.fill("x" * 1200)
    expect(text).to_have_value("x" * 1000)
