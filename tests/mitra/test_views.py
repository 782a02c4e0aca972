"""The mitra's pages: Ajukan Program, Usulan Program, Program saya, the item
page with its actions, and Update Kegiatan."""

import html as htmllib
import io
import re
from datetime import date, timedelta

import pytest
from markupsafe import escape
from PIL import Image
from sqlalchemy import func, select

from kerapu.models import (
    Application,
    Category,
    Cooperation,
    ProgramVisibility,
    ProgressPhoto,
    ProgressReport,
    Proposal,
    Role,
    Status,
    StatusChange,
    Submission,
)
from kerapu.services import progress, workflow
from tests import images
from tests.conftest import csrf_fields

S = Status

THANKS = (
    "Terima kasih, Usulan Program KSPU Anda telah kami terima dan akan "
    "dilakukan verifikasi."
)


# -- Reading pages ------------------------------------------------------------


def flashes(html):
    """The flash messages of a page, as the user reads them."""
    area = re.search(r'<div id="flash"[^>]*>(.*?)</div>', html, re.S)
    found = re.findall(r'<p class="flash [^"]*">(.*?)</p>', area[1] if area else "")
    return [htmllib.unescape(text) for text in found]


def field_error(html, field_id):
    """The message shown under the field with ``field_id``, or None."""
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return htmllib.unescape(found[1]) if found else None


def hidden(html, name):
    """The value of the hidden input ``name`` of a page."""
    found = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return found[1] if found else None


def badges(html):
    """{item id: status label} of the Program saya rows."""
    return {
        int(item_id): label
        for item_id, label in re.findall(
            r'<span class="badge status-[a-z_]+" id="status-(\d+)">([^<]*)</span>', html
        )
    }


def count(db, model, *where):
    """Rows of ``model`` (matching ``where``) in the database."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def status_of(db, item):
    """The item's status as the database holds it."""
    return db.session.scalar(
        select(Cooperation.status).where(Cooperation.id == item.id)
    )


def session_token(client):
    """A CSRF token of the client's session, good for any form of it
    (prefixed or not): what a page with such a form would carry."""
    return csrf_fields(client.get("/usulan/baru").text)["csrf_token"]


def follow(client, response):
    """GET where a 303 points, as the browser does."""
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"])


@pytest.fixture
def mitra(db, client, make_mitra, login_as):
    """A mitra (its user), logged in on ``client``."""
    user = make_mitra(name="PT Jalan Lurus Sentosa")
    login_as(client, user)
    return user


@pytest.fixture
def kalsel_staff(db, make_staff):
    return make_staff("BPJN-KALSEL")


# -- Ajukan Program -----------------------------------------------------------


def apply(submit, program):
    return submit(f"/program/{program.id}/ajukan", {}, page=f"/program/{program.id}")


def test_program_page_offers_ajukan_to_a_mitra(client, mitra, make_program):
    program = make_program()

    page = client.get(f"/program/{program.id}")

    assert f'action="/program/{program.id}/ajukan"' in page.text
    assert "Ajukan Program" in page.text
    assert "diverifikasi oleh BPJN Kalimantan Selatan" in page.text


def test_apply_registers_the_mitra_and_names_the_balai(
    db, client, submit, mitra, make_program, kalsel_staff, outbox
):
    program = make_program(name="Penanganan Titik Rawan Kecelakaan Uji")

    response = apply(submit, program)

    application = db.session.scalar(
        select(Application).where(Application.mitra_id == mitra.mitra.id)
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/saya/program/{application.id}"
    assert application.program_id == program.id
    assert application.status is S.DIAJUKAN
    page = follow(client, response)
    assert flashes(page.text) == [
        "Pengajuan terkirim. Pengajuan Anda menunggu verifikasi oleh "
        "BPJN Kalimantan Selatan."
    ]
    assert "Proses Pengajuan" in page.text
    (mail,) = outbox()
    assert mail.recipient == kalsel_staff.email
    assert mail.subject == (
        "Pengajuan program baru: Penanganan Titik Rawan Kecelakaan Uji"
    )

    again = client.get(f"/program/{program.id}")
    assert "Anda sudah mengajukan program ini." in again.text
    assert f'action="/program/{program.id}/ajukan"' not in again.text


def test_double_click_on_ajukan_makes_one_application(
    db, client, mitra, make_program, outbox
):
    program = make_program()
    token = csrf_fields(client.get(f"/program/{program.id}").text)["csrf_token"]

    first = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": token})
    second = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": token})

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(db, Application, Application.program_id == program.id) == 1
    assert flashes(follow(client, second).text)[-1] == (
        "Anda sudah mengajukan program ini."
    )


def test_double_click_that_slips_past_the_check_is_caught_by_the_database(
    db, client, mitra, make_program, make_application, monkeypatch
):
    """Two clicks at once: both look for an application before either has
    written one. The unique index refuses the second insert, and the view
    answers with the first application."""
    program = make_program()
    token = session_token(client)
    first = make_application(mitra, program)
    looked = []

    def not_yet_visible(mitra_id, program_id):
        looked.append(program_id)
        if len(looked) == 1:
            return None
        return db.session.scalar(
            select(Application).where(
                Application.mitra_id == mitra_id,
                Application.program_id == program_id,
            )
        )

    monkeypatch.setattr(workflow, "live_application", not_yet_visible)

    response = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/saya/program/{first.id}"
    assert len(looked) == 2
    assert count(db, Application, Application.program_id == program.id) == 1
    assert flashes(follow(client, response).text)[-1] == (
        "Anda sudah mengajukan program ini."
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"visibility": ProgramVisibility.DITUTUP},
            "Program ini sudah ditutup dan tidak menerima pengajuan.",
        ),
        ({"taken": True}, "Program ini sudah diambil oleh mitra lain."),
    ],
    ids=["closed", "taken"],
)
def test_apply_to_closed_or_taken_program_says_why(
    db, client, mitra, make_program, make_mitra, outbox, changes, message
):
    program = make_program(**{k: v for k, v in changes.items() if k != "taken"})
    if changes.get("taken"):
        program.taken_by_id = make_mitra().mitra.id
    page = client.get(f"/program/{program.id}")
    assert f'action="/program/{program.id}/ajukan"' not in page.text
    token = session_token(client)
    before = count(db, Cooperation, Cooperation.mitra_id == mitra.mitra.id)

    response = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": token})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/program/{program.id}"
    assert flashes(follow(client, response).text) == [message]
    assert count(db, Cooperation, Cooperation.mitra_id == mitra.mitra.id) == before
    assert outbox() == []


def test_apply_to_draft_program_is_404(db, client, mitra, make_program):
    program = make_program(visibility=ProgramVisibility.DRAF)
    token = session_token(client)

    response = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": token})

    assert response.status_code == 404
    assert count(db, Cooperation, Cooperation.program_id == program.id) == 0


def test_apply_by_staff_is_404(db, client, login_as, make_staff, make_program):
    program = make_program()
    login_as(client, make_staff("BPJN-KALSEL"))

    response = client.post(f"/program/{program.id}/ajukan")

    assert response.status_code == 404
    assert count(db, Cooperation, Cooperation.program_id == program.id) == 0
    assert "Hanya akun Mitra PU yang dapat mengajukan program." in (
        client.get(f"/program/{program.id}").text
    )


def test_apply_without_a_valid_token_stores_nothing(db, client, mitra, make_program):
    program = make_program()

    response = client.post(f"/program/{program.id}/ajukan", data={"csrf_token": "x"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/program/{program.id}"
    assert flashes(follow(client, response).text) == [
        "Sesi formulir sudah berakhir. Klik Ajukan Program sekali lagi."
    ]
    assert count(db, Cooperation, Cooperation.program_id == program.id) == 0


# -- Usulan Program -----------------------------------------------------------


def category_id(db, name="Jembatan dan Flyover"):
    return db.session.scalar(select(Category.id).where(Category.name == name))


@pytest.fixture
def proposal_form(db, client, mitra):
    """The Usulan Program form's fields, filled in validly, with the token
    and one-time key of a freshly opened form."""

    def fill(**changes):
        html = client.get("/usulan/baru").text
        return {
            "csrf_token": csrf_fields(html)["csrf_token"],
            "key": hidden(html, "key"),
            "category": str(category_id(db)),
            "name": "Jembatan Sungai Martapura Usulan",
            "location": "Ruas Jalan Martapura - Astambul",
            "provinsi": "63",
            "kabupaten": "63.03",
            "description": "Pembangunan jembatan rangka baja 60 m.",
            "activities": "Pondasi, bangunan atas, oprit.",
            "duration_months": "18",
            "value": "Rp 500.000.000",
        } | changes

    return fill


def test_proposal_form_offers_the_fields(client, mitra):
    page = client.get("/usulan/baru")

    assert page.status_code == 200
    for label in (
        "Kategori Program",
        "Usulan Nama Paket",
        "Lokasi",
        "Provinsi",
        "Kabupaten/Kota",
        "Uraian Program",
        "Uraian Kegiatan",
        "Estimasi Waktu Pelaksanaan (bulan)",
        "Estimasi Nilai Kerja Sama (Rp)",
    ):
        assert label in page.text
    assert '<option value="0">-- Pilih --</option>' in page.text
    assert page.text.count('maxlength="1000"') == 2


def test_banner_under_program_list_leads_to_the_proposal_form(client, mitra):
    page = client.get("/saya/program")

    assert "Usulan Program Kerja Sama dengan Pelaku Usaha" in page.text
    assert 'href="/usulan/baru"' in page.text


def test_proposal_is_received_with_thanks(
    db, client, mitra, proposal_form, kalsel_staff, outbox
):
    response = client.post("/usulan/baru", data=proposal_form())

    assert response.status_code == 303
    assert response.headers["Location"] == "/saya/program"
    page = follow(client, response)
    assert flashes(page.text) == [THANKS]
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.mitra_id == mitra.mitra.id)
    )
    assert proposal.name == "Jembatan Sungai Martapura Usulan"
    assert proposal.category_id == category_id(db)
    assert proposal.regency_code == "63.03"
    assert proposal.balai.code == "BPJN-KALSEL"
    assert proposal.duration_months == 18
    assert proposal.value_idr == 500_000_000
    assert proposal.status is S.DIAJUKAN
    assert badges(page.text) == {proposal.id: "Proses Pengajuan"}
    assert "Jembatan Sungai Martapura Usulan" in page.text
    (mail,) = outbox()
    assert mail.recipient == kalsel_staff.email
    assert mail.subject == "Usulan program baru: Jembatan Sungai Martapura Usulan"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("500000000", 500_000_000),
        ("500.000.000", 500_000_000),
        ("Rp 500.000.000", 500_000_000),
        ("Rp. 1.250.000", 1_250_000),
    ],
)
def test_proposal_amount_as_people_type_it(
    db, client, mitra, proposal_form, text, amount
):
    response = client.post("/usulan/baru", data=proposal_form(value=text))

    assert response.status_code == 303
    assert (
        db.session.scalar(
            select(Proposal.value_idr).where(Proposal.mitra_id == mitra.mitra.id)
        )
        == amount
    )


TOO_LONG = "x" * 1001

#: (changes to a valid form, field id, message shown under it)
INVALID_PROPOSALS = [
    ({"category": "0"}, "category", "Wajib diisi."),
    ({"category": ""}, "category", "Wajib diisi."),
    ({"category": "999999"}, "category", "Pilihan tidak dikenal. Pilih dari daftar."),
    ({"name": ""}, "name", "Wajib diisi."),
    ({"name": "   "}, "name", "Wajib diisi."),
    ({"location": ""}, "location", "Wajib diisi."),
    ({"provinsi": ""}, "provinsi", "Wajib diisi."),
    ({"kabupaten": ""}, "kabupaten", "Wajib diisi."),
    (
        {"kabupaten": "52.07"},
        "kabupaten",
        "Pilih kabupaten/kota yang berada di provinsi yang dipilih.",
    ),
    (
        {"kabupaten": "99.99"},
        "kabupaten",
        "Pilih kabupaten/kota yang berada di provinsi yang dipilih.",
    ),
    ({"description": ""}, "description", "Wajib diisi."),
    ({"description": TOO_LONG}, "description", "Paling banyak 1000 karakter."),
    ({"activities": ""}, "activities", "Wajib diisi."),
    ({"activities": TOO_LONG}, "activities", "Paling banyak 1000 karakter."),
    ({"duration_months": ""}, "duration_months", "Wajib diisi."),
    ({"duration_months": "0"}, "duration_months", "Isi antara 1 dan 120 bulan."),
    ({"duration_months": "121"}, "duration_months", "Isi antara 1 dan 120 bulan."),
    ({"duration_months": "1000"}, "duration_months", "Isi antara 1 dan 120 bulan."),
    ({"duration_months": "-3"}, "duration_months", "Isi antara 1 dan 120 bulan."),
    ({"duration_months": "abc"}, "duration_months", "Isi dengan bilangan bulat."),
    ({"duration_months": "1.5"}, "duration_months", "Isi dengan bilangan bulat."),
    (
        {"duration_months": "9" * 30},
        "duration_months",
        "Isi antara 1 dan 120 bulan.",
    ),
    ({"value": ""}, "value", "Wajib diisi."),
    ({"value": "-500000"}, "value", "Jumlah tidak boleh negatif."),
    ({"value": "Rp -500.000"}, "value", "Jumlah tidak boleh negatif."),
    (
        {"value": "1.500,50"},
        "value",
        "Tulis Rupiah tanpa sen atau koma, misalnya 1.500.000.",
    ),
    (
        {"value": "500000,5"},
        "value",
        "Tulis Rupiah tanpa sen atau koma, misalnya 1.500.000.",
    ),
    (
        {"value": "1.5"},
        "value",
        "Titik memisahkan ribuan: tulis 1.500.000 atau 1500000.",
    ),
    (
        {"value": "5e8"},
        "value",
        "Tulis jumlah dengan angka saja, misalnya 500.000.000.",
    ),
    ({"value": "0"}, "value", "Jumlah harus lebih dari nol."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    INVALID_PROPOSALS,
    ids=[f"{f}={next(iter(c.values()))[:12]!r}" for c, f, _m in INVALID_PROPOSALS],
)
def test_proposal_with_bad_input_comes_back_with_a_message(
    db, client, mitra, proposal_form, outbox, changes, field, message
):
    submissions = count(db, Submission)

    response = client.post("/usulan/baru", data=proposal_form(**changes))

    assert response.status_code == 422
    assert "<html" in response.text
    assert field_error(response.text, field) == message
    assert f'id="{field}-error-2"' not in response.text  # one message, not two
    assert "Ada isian yang perlu diperbaiki." in response.text
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 0
    assert count(db, Submission) == submissions
    assert outbox() == []
    if field != "name":
        assert 'value="Jembatan Sungai Martapura Usulan"' in response.text


def test_proposal_with_missing_fields_lists_each(db, client, mitra, proposal_form):
    data = {
        key: value
        for key, value in proposal_form().items()
        if key in ("csrf_token", "key")
    }

    response = client.post("/usulan/baru", data=data)

    assert response.status_code == 422
    for field in ("category", "name", "location", "provinsi", "kabupaten",
                  "description", "activities", "duration_months", "value"):  # fmt: skip
        assert field_error(response.text, field), field
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 0


def test_same_proposal_form_sent_twice_makes_one_proposal(
    db, client, mitra, proposal_form
):
    data = proposal_form()

    first = client.post("/usulan/baru", data=data)
    second = client.post("/usulan/baru", data=data)

    assert first.status_code == second.status_code == 303
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 1
    assert flashes(follow(client, second).text)[-1] == THANKS


def test_proposal_after_expired_session_keeps_what_was_typed(
    db, client, mitra, proposal_form
):
    data = proposal_form(description="Uraian yang panjang & <penting>.")
    with client.session_transaction() as session:
        session.pop("csrf_token", None)  # the session's CSRF secret is gone

    response = client.post("/usulan/baru", data=data)

    assert response.status_code == 422
    assert "Sesi formulir sudah berakhir" in response.text
    assert 'value="Jembatan Sungai Martapura Usulan"' in response.text
    assert "Uraian yang panjang &amp; &lt;penting&gt;." in response.text
    assert 'value="Rp 500.000.000"' in response.text
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 0
    fields = csrf_fields(response.text)
    retry = client.post("/usulan/baru", data=data | fields)
    assert retry.status_code == 303
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 1


def test_line_breaks_count_once_as_the_browser_counts_them(
    db, client, mitra, proposal_form
):
    """A textarea's maxlength counts a line break as one character, but the
    browser sends it as CRLF: text at the limit must still fit."""
    at_limit = ("a" * 99 + "\r\n") * 10  # 1000 characters in the browser

    accepted = client.post(
        "/usulan/baru",
        data=proposal_form(description=at_limit, activities=at_limit),
    )
    over = client.post("/usulan/baru", data=proposal_form(description=at_limit + "b"))

    assert accepted.status_code == 303
    stored = db.session.scalar(
        select(Proposal).where(Proposal.mitra_id == mitra.mitra.id)
    )
    assert stored.description == ("a" * 99 + "\n") * 9 + "a" * 99
    assert over.status_code == 422
    assert field_error(over.text, "description") == "Paling banyak 1000 karakter."
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 1


@pytest.mark.parametrize(
    "changes",
    [{"name": "Jalan\x00Baru"}, {"description": "Uraian\x00"}, {"x\x00": "1"}],
    ids=["name", "description", "field-name"],
)
def test_nul_byte_in_a_form_is_400_not_500(db, client, mitra, proposal_form, changes):
    response = client.post("/usulan/baru", data=proposal_form(**changes))

    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.text
    assert count(db, Proposal, Proposal.mitra_id == mitra.mitra.id) == 0


def test_proposal_form_is_for_mitra_only(client, login_as, make_staff):
    login_as(client, make_staff("BPJN-KALSEL"))

    assert client.get("/usulan/baru").status_code == 404
    assert client.post("/usulan/baru").status_code == 404


# -- Program saya -------------------------------------------------------------


def rows_of(html):
    return re.findall(r'<tr id="item-(\d+)">', html)


def test_program_saya_lists_own_items_with_status(
    db, client, mitra, make_mitra, make_application, make_proposal, advance
):
    waiting = make_application(mitra)
    approved = advance(make_application(mitra), "DISETUJUI")
    sent_back = advance(make_proposal(mitra), "PERLU_PERBAIKAN")
    refused = advance(make_proposal(mitra, name="Usulan Ditolak"), "DITOLAK")
    someone_elses = make_application(make_mitra())

    page = client.get("/saya/program")

    assert page.status_code == 200
    assert badges(page.text) == {
        waiting.id: "Proses Pengajuan",
        approved.id: "Disetujui",
        sent_back.id: "Perlu Perbaikan",
        refused.id: "Ditolak",
    }
    assert str(someone_elses.id) not in rows_of(page.text)
    for column in ("No", "Kegiatan", "PPK", "Volume", "Lokasi", "Unit Kerja",
                   "Nilai", "Update Kegiatan", "Keterangan"):  # fmt: skip
        assert f'<th scope="col">{column}</th>' in page.text
        assert f'data-label="{column}"' in page.text  # the phone layout
    assert f'href="/saya/program/{approved.id}"' in page.text
    assert "Klik Detail" in page.text
    assert "Rp. 1.000.000" in page.text  # the program's Nilai
    assert "Rp. 750.000.000" in page.text  # the proposal's estimate


def test_program_saya_badge_is_current_on_the_next_request(
    db, client, mitra, make_application, kalsel_staff
):
    item = make_application(mitra)
    assert badges(client.get("/saya/program").text)[item.id] == "Proses Pengajuan"

    workflow.transition(item, S.DISETUJUI, kalsel_staff)

    assert badges(client.get("/saya/program").text)[item.id] == "Disetujui"


def test_program_saya_filters_by_status(
    db, client, htmx, mitra, make_application, advance
):
    waiting = make_application(mitra)
    approved = advance(make_application(mitra), "DISETUJUI")

    page = client.get("/saya/program", query_string={"status": "DISETUJUI"})
    fragment = htmx("/saya/program", status="DIAJUKAN")

    assert page.status_code == 200
    assert rows_of(page.text) == [str(approved.id)]
    assert 'option selected value="DISETUJUI"' in page.text
    assert fragment.status_code == 200
    assert rows_of(fragment.text) == [str(waiting.id)]
    empty = client.get("/saya/program", query_string={"status": "SELESAI"})
    assert rows_of(empty.text) == []
    assert "Tidak ada program dengan status ini" in empty.text


@pytest.mark.parametrize("value", ["BATAL", "diajukan", "' OR 1=1 --", "9" * 50])
def test_program_saya_bad_status_is_400_with_message(
    client, htmx, mitra, make_application, value
):
    make_application(mitra)

    page = client.get("/saya/program", query_string={"status": value})
    fragment = htmx("/saya/program", status=value)

    assert page.status_code == 400
    assert "<html" in page.text
    assert "Status: Pilihan tidak dikenal. Pilih dari daftar." in page.text
    assert fragment.status_code == 400
    assert fragment.text.lstrip().startswith('<div id="program-rows"')
    assert "Pilihan tidak dikenal" in fragment.text


def test_program_saya_ten_a_page_with_pager(db, client, htmx, mitra, make_proposal):
    items = [make_proposal(mitra, name=f"Usulan Nomor {n:02d}") for n in range(12)]

    first = client.get("/saya/program")
    second = client.get("/saya/program", query_string={"page": 2})
    filtered = client.get("/saya/program", query_string={"status": "DIAJUKAN"})

    assert len(rows_of(first.text)) == 10
    assert "Tampilkan 1 s/d 10 dari 12 data" in first.text
    assert 'href="/saya/program?page=2"' in first.text
    assert rows_of(second.text) == [str(item.id) for item in reversed(items[:2])]
    assert "Tampilkan 11 s/d 12 dari 12 data" in second.text
    assert 'rel="prev"' in second.text
    assert 'href="/saya/program?status=DIAJUKAN&amp;page=2"' in filtered.text
    assert rows_of(client.get("/saya/program?page=99").text) == rows_of(second.text)
    assert rows_of(client.get("/saya/program?page=abc").text) == rows_of(first.text)


def test_program_saya_fragment_is_the_rows(htmx, client, mitra, make_application):
    make_application(mitra)

    fragment = htmx("/saya/program")
    page = client.get("/saya/program")

    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="program-rows"')
    assert "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in page.headers["Vary"]
    assert 'hx-trigger="every 60s, focus from:window"' in fragment.text


def test_unchanged_list_answers_304(db, client, mitra, make_application, kalsel_staff):
    item = make_application(mitra)
    headers = {"HX-Request": "true"}

    first = client.get("/saya/program", headers=headers)
    etag = first.headers["ETag"]
    again = client.get("/saya/program", headers=headers | {"If-None-Match": etag})

    assert first.status_code == 200
    assert "private" in first.headers["Cache-Control"]
    assert again.status_code == 304
    assert again.data == b""

    workflow.transition(item, S.PERLU_PERBAIKAN, kalsel_staff, note="Lengkapi.")
    changed = client.get("/saya/program", headers=headers | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert badges(changed.text)[item.id] == "Perlu Perbaikan"


def test_program_saya_when_empty_points_to_the_catalogue(client, mitra):
    page = client.get("/saya/program")

    assert "Belum ada program yang Anda ajukan atau usulkan." in page.text
    assert 'href="/program"' in page.text


# -- The item page -------------------------------------------------------------


def test_item_page_shows_the_timeline_with_notes(
    db, client, mitra, make_application, advance
):
    item = advance(make_application(mitra), "PERLU_PERBAIKAN")

    page = client.get(f"/saya/program/{item.id}")

    assert page.status_code == 200
    timeline = page.text.split('id="riwayat"', 1)[1]
    assert timeline.index("Proses Pengajuan") < timeline.index("Perlu Perbaikan")
    assert "<blockquote>Lengkapi data.</blockquote>" in timeline
    assert "BPJN Kalimantan Selatan" in timeline
    assert "WITA" in timeline  # the mitra's time zone
    assert "BPJN Kalimantan Selatan meminta perbaikan." in page.text


def test_notes_in_the_timeline_are_shown_as_text(
    db, client, mitra, make_application, kalsel_staff
):
    item = make_application(mitra)
    note = '<script>alert("x")</script> & "kutip"'
    workflow.transition(item, S.DITOLAK, kalsel_staff, note=note)

    page = client.get(f"/saya/program/{item.id}")

    assert "<script>alert" not in page.text
    assert f"<blockquote>{escape(note)}</blockquote>" in page.text


def test_item_page_of_a_proposal_shows_its_facts(db, client, mitra, make_proposal):
    item = make_proposal(mitra)

    page = client.get(f"/saya/program/{item.id}")

    assert page.status_code == 200
    for fact in ("Pelebaran Jalan Martapura Lama", "Ruas Jalan Martapura - Astambul",
                 "Kab. Banjar", "Kalimantan Selatan", "6 bulan",
                 "Rp. 750.000.000"):  # fmt: skip
        assert fact in page.text


@pytest.mark.parametrize("kind", ["application", "proposal"])
@pytest.mark.parametrize("path", [(), ("PERLU_PERBAIKAN",)])
def test_withdraw_while_being_verified(
    db, client, submit, mitra, make_application, make_proposal, advance,
    kalsel_staff, outbox, kind, path,
):  # fmt: skip
    item = make_application(mitra) if kind == "application" else make_proposal(mitra)
    advance(item, *path)
    url = f"/saya/program/{item.id}"
    assert 'id="batalkan"' in client.get(url).text
    before = len(outbox(kalsel_staff.email))

    response = submit(
        f"{url}/batalkan",
        {"batal-note": "Kami fokus di program lain.", "batal-seen_status": ""},
        page=url,
        field="batal-csrf_token",
    )

    assert response.status_code == 303
    assert response.headers["Location"] == url
    assert status_of(db, item) is S.DIBATALKAN
    change = db.session.scalars(
        select(StatusChange)
        .where(StatusChange.cooperation_id == item.id)
        .order_by(StatusChange.sequence.desc())
    ).first()
    assert change.actor_id == mitra.id
    assert change.note == "Kami fokus di program lain."
    page = follow(client, response)
    label = "Pengajuan" if kind == "application" else "Usulan"
    assert flashes(page.text) == [f"{label} sudah dibatalkan."]
    assert 'id="batalkan"' not in page.text
    (mail,) = outbox(kalsel_staff.email)[before:]
    assert "dibatalkan mitra" in mail.subject


@pytest.mark.parametrize(
    ("path", "label"),
    [
        (("DISETUJUI",), "Disetujui"),
        (("DITOLAK",), "Ditolak"),
        (("DISETUJUI", "PELAKSANAAN"), "Pelaksanaan"),
        (("DIBATALKAN",), "Dibatalkan"),
    ],
)
def test_withdraw_after_verification_is_refused(
    db, client, mitra, make_application, advance, path, label
):
    item = advance(make_application(mitra), *path)
    url = f"/saya/program/{item.id}"
    page = client.get(url).text
    assert 'id="batalkan"' not in page
    rows = count(db, StatusChange)
    token = session_token(client)

    response = client.post(f"{url}/batalkan", data={"batal-csrf_token": token})

    assert response.status_code == 303
    assert flashes(follow(client, response).text) == [
        f"Status {label} tidak dapat diubah menjadi Dibatalkan."
    ]
    assert count(db, StatusChange) == rows
    assert status_of(db, item).label == label


def test_withdraw_from_a_stale_page_changes_nothing(
    db, client, mitra, make_application, kalsel_staff
):
    item = make_application(mitra)
    url = f"/saya/program/{item.id}"
    html = client.get(url).text
    assert hidden(html, "batal-seen_status") == "DIAJUKAN"
    workflow.transition(item, S.PERLU_PERBAIKAN, kalsel_staff, note="Lengkapi data.")
    rows = count(db, StatusChange)

    response = client.post(
        f"{url}/batalkan",
        data={
            "batal-csrf_token": csrf_fields(html)["batal-csrf_token"],
            "batal-seen_status": "DIAJUKAN",
        },
    )

    assert response.status_code == 303
    assert flashes(follow(client, response).text) == [
        "Status sudah berubah menjadi Perlu Perbaikan sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi."
    ]
    assert count(db, StatusChange) == rows
    assert item.status is S.PERLU_PERBAIKAN


def test_withdraw_with_expired_token_comes_back_with_the_note(
    db, client, mitra, make_application
):
    item = make_application(mitra)

    response = client.post(
        f"/saya/program/{item.id}/batalkan",
        data={"batal-csrf_token": "kedaluwarsa", "batal-note": "Catatan saya"},
    )

    assert response.status_code == 422
    assert "Sesi formulir sudah berakhir" in response.text
    assert "Catatan saya</textarea>" in response.text
    assert status_of(db, item) is S.DIAJUKAN


def test_resubmit_an_application_sent_back(
    db, client, submit, mitra, make_application, advance, outbox
):
    item = advance(make_application(mitra), "PERLU_PERBAIKAN")
    url = f"/saya/program/{item.id}"
    assert 'id="ajukan-ulang"' in client.get(url).text

    response = submit(
        f"{url}/ajukan-ulang",
        {"ulang-note": "Dokumen sudah kami lengkapi."},
        page=url,
        field="ulang-csrf_token",
    )

    assert response.status_code == 303
    assert item.status is S.DIAJUKAN
    assert item.history[-1].note == "Dokumen sudah kami lengkapi."
    page = follow(client, response)
    assert flashes(page.text) == ["Pengajuan sudah diajukan ulang ke Balai."]
    assert 'id="ajukan-ulang"' not in page.text


def test_resubmit_while_waiting_is_refused(db, client, mitra, make_application):
    item = make_application(mitra)
    url = f"/saya/program/{item.id}"
    token = csrf_fields(client.get(url).text)["batal-csrf_token"]
    rows = count(db, StatusChange)

    response = client.post(f"{url}/ajukan-ulang", data={"ulang-csrf_token": token})

    assert response.status_code == 303
    assert flashes(follow(client, response).text) == [
        "Status Proses Pengajuan tidak dapat diubah menjadi Proses Pengajuan."
    ]
    assert count(db, StatusChange) == rows


def test_resubmit_of_a_proposal_goes_through_its_revision(
    db, client, mitra, make_proposal, advance
):
    item = advance(make_proposal(mitra), "PERLU_PERBAIKAN")
    rows = count(db, StatusChange)

    response = client.post(f"/saya/program/{item.id}/ajukan-ulang")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/saya/program/{item.id}/ubah"
    assert count(db, StatusChange) == rows


# -- Revising a proposal --------------------------------------------------------


def revision_data(html, **changes):
    data = {
        "csrf_token": csrf_fields(html)["csrf_token"],
        "seen_status": hidden(html, "seen_status"),
        "category": re.search(
            r'<select id="category"[^>]*>.*?<option selected value="(\d+)"', html, re.S
        )[1],
        "name": hidden_text(html, "name"),
        "location": hidden_text(html, "location"),
        "provinsi": "63",
        "kabupaten": "63.03",
        "description": "Pelebaran jalan sepanjang 2 km.",
        "activities": "Galian, timbunan, perkerasan aspal.",
        "duration_months": hidden_text(html, "duration_months"),
        "value": hidden_text(html, "value"),
    }
    return data | changes


def hidden_text(html, name):
    """The value a text input of the page holds."""
    return htmllib.unescape(
        re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)[1]
    )


def test_revision_form_holds_the_proposal_and_the_balai_note(
    db, client, mitra, make_proposal, advance
):
    item = advance(make_proposal(mitra), "PERLU_PERBAIKAN")

    page = client.get(f"/saya/program/{item.id}/ubah")

    assert page.status_code == 200
    assert "Catatan BPJN Kalimantan Selatan:" in page.text
    assert "Lengkapi data." in page.text
    assert hidden_text(page.text, "name") == "Pelebaran Jalan Martapura Lama"
    assert hidden_text(page.text, "value") == "750.000.000"
    assert hidden_text(page.text, "duration_months") == "6"
    assert hidden(page.text, "seen_status") == "PERLU_PERBAIKAN"


def test_revised_proposal_goes_back_to_the_balai_of_its_new_regency(
    db, client, mitra, make_proposal, advance, make_staff, outbox
):
    item = advance(make_proposal(mitra), "PERLU_PERBAIKAN")
    ntb = make_staff("BPJN-NTB")
    url = f"/saya/program/{item.id}/ubah"
    html = client.get(url).text

    response = client.post(
        url,
        data=revision_data(
            html,
            name="Pelebaran Jalan Taliwang",
            provinsi="52",
            kabupaten="52.07",
            note="Lokasi kami pindahkan.",
        ),
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/saya/program/{item.id}"
    db.session.expire_all()
    item = db.session.get(Proposal, item.id)
    assert item.status is S.DIAJUKAN
    assert item.name == "Pelebaran Jalan Taliwang"
    assert item.balai.code == "BPJN-NTB"
    assert item.regency_code == "52.07"
    assert item.history[-1].note == "Lokasi kami pindahkan."
    page = follow(client, response)
    assert flashes(page.text) == ["Usulan sudah diperbaiki dan diajukan ulang."]
    assert "Menunggu verifikasi oleh BPJN Nusa Tenggara Barat." in page.text
    (mail,) = outbox(ntb.email)
    assert "diajukan ulang" in mail.subject
    assert "Yth. Admin BPJN Nusa Tenggara Barat," in mail.body_text


def test_revision_with_bad_input_changes_nothing(
    db, client, mitra, make_proposal, advance
):
    item = advance(make_proposal(mitra), "PERLU_PERBAIKAN")
    url = f"/saya/program/{item.id}/ubah"
    html = client.get(url).text
    rows = count(db, StatusChange)

    response = client.post(
        url, data=revision_data(html, duration_months="1000", name="Baru")
    )

    assert response.status_code == 422
    assert field_error(response.text, "duration_months") == (
        "Isi antara 1 dan 120 bulan."
    )
    assert count(db, StatusChange) == rows
    db.session.expire_all()
    item = db.session.get(Proposal, item.id)
    assert item.name == "Pelebaran Jalan Martapura Lama"
    assert item.status is S.PERLU_PERBAIKAN


def test_revision_only_while_sent_back(db, client, mitra, make_proposal, advance):
    item = advance(make_proposal(mitra), "PERLU_PERBAIKAN")
    url = f"/saya/program/{item.id}/ubah"
    html = client.get(url).text
    advance(item, "DIBATALKAN")
    rows = count(db, StatusChange)

    shown = client.get(url)
    assert shown.status_code == 303
    assert shown.headers["Location"] == f"/saya/program/{item.id}"
    assert flashes(follow(client, shown).text) == [
        "Usulan ini tidak sedang menunggu perbaikan."
    ]

    # The form from a tab opened before: sent back to the item, told why.
    sent = client.post(url, data=revision_data(html, name="Terlambat"))

    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/saya/program/{item.id}"
    assert flashes(follow(client, sent).text) == [
        "Usulan dapat diubah hanya saat berstatus Perlu Perbaikan."
    ]
    assert count(db, StatusChange) == rows
    db.session.expire_all()
    assert db.session.get(Proposal, item.id).name == "Pelebaran Jalan Martapura Lama"


def test_revision_of_an_application_is_404(db, client, mitra, make_application):
    item = make_application(mitra)

    assert client.get(f"/saya/program/{item.id}/ubah").status_code == 404
    assert client.post(f"/saya/program/{item.id}/ubah").status_code == 404


# -- Update Kegiatan ------------------------------------------------------------


@pytest.fixture
def approved(db, mitra, make_application, advance):
    """The logged-in mitra's approved application."""
    return advance(make_application(mitra), "DISETUJUI")


def photo(data=None, name="foto.png"):
    return (io.BytesIO(data if data is not None else images.png()), name)


@pytest.fixture
def send_report(client):
    """Post the Update Kegiatan form (new, or the correction of ``report``)
    as opened just now, with ``changes``."""

    def send(item, report=None, photos=(), html=None, **changes):
        url = f"/saya/program/{item.id}/laporan/" + (
            f"{report.id}/ubah" if report else "baru"
        )
        html = html or client.get(url).text
        data = {
            "csrf_token": csrf_fields(html)["csrf_token"],
            "key": hidden(html, "key"),
            "reported_on": date.today().isoformat(),
            "percent": "25",
            "description": "Galian tanah selesai di STA 0+000 sampai 0+400.",
        } | changes
        if photos:
            data["photos"] = list(photos)
        return client.post(url, data=data, content_type="multipart/form-data")

    return send


def reports_of(db, item):
    return db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.cooperation_id == item.id)
        .order_by(ProgressReport.id)
    ).all()


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("PERLU_PERBAIKAN",),
        ("DITOLAK",),
        ("DIBATALKAN",),
        ("DISETUJUI", "PELAKSANAAN", "SELESAI"),
    ],
    ids=lambda path: path[-1] if path else "DIAJUKAN",
)
def test_update_kegiatan_only_on_approved_work(
    db, client, mitra, make_application, advance, upload_folder, path
):
    item = advance(make_application(mitra), *path)
    url = f"/saya/program/{item.id}/laporan/baru"
    assert url not in client.get(f"/saya/program/{item.id}").text
    token = session_token(client)
    reports = count(db, ProgressReport, ProgressReport.cooperation_id == item.id)

    shown = client.get(url)
    sent = client.post(
        url,
        data={
            "csrf_token": token,
            "reported_on": date.today().isoformat(),
            "percent": "10",
            "description": "Mulai.",
            "photos": [photo()],
        },
        content_type="multipart/form-data",
    )

    for response in (shown, sent):
        assert response.status_code == 303
        assert response.headers["Location"] == f"/saya/program/{item.id}"
    assert flashes(follow(client, sent).text)[-1] == (
        "Laporan kemajuan dapat dibuat setelah program disetujui."
    )
    assert (
        count(db, ProgressReport, ProgressReport.cooperation_id == item.id) == reports
    )
    assert not upload_folder.exists() or not any(upload_folder.rglob("*.png"))


def test_first_report_starts_the_work_and_shows_on_the_item(
    db, client, send_report, approved, upload_folder
):
    page = client.get(f"/saya/program/{approved.id}")
    assert f'href="/saya/program/{approved.id}/laporan/baru"' in page.text
    form = client.get(f"/saya/program/{approved.id}/laporan/baru")
    # Today where the mitra is (WITA), which is not always today in UTC.
    today_there = progress.today_for(approved.mitra)
    assert f'value="{today_there.isoformat()}"' in form.text

    response = send_report(approved, photos=[photo(images.jpeg_with_exif())])

    assert response.status_code == 303
    assert response.headers["Location"] == f"/saya/program/{approved.id}#laporan"
    (report,) = reports_of(db, approved)
    assert report.percent == 25
    assert report.reported_on == date.today()
    assert approved.status is S.PELAKSANAAN
    page = follow(client, response)
    assert flashes(page.text) == ["Laporan kemajuan tersimpan."]
    assert 'value="25"' in page.text
    assert "Galian tanah selesai" in page.text
    (stored,) = report.photos
    assert re.fullmatch(r"photo-[0-9a-f]{32}\.jpg", stored.name)
    assert f'src="/berkas/kecil/{stored.name}"' in page.text


def test_photo_is_stored_re_encoded_without_metadata(
    db, send_report, approved, upload_folder
):
    original = images.jpeg_with_exif(size=(60, 20))

    send_report(approved, photos=[photo(original, "kamera.jpg")])

    (report,) = reports_of(db, approved)
    (stored,) = report.photos
    data = (upload_folder / stored.name).read_bytes()
    assert data != original
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (20, 60)  # turned upright by its EXIF
        assert not image.getexif()
    assert (upload_folder / "kecil" / stored.name).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"percent": "101"}, "percent", "Isi antara 0 dan 100."),
        ({"percent": "-1"}, "percent", "Isi antara 0 dan 100."),
        ({"percent": "12.5"}, "percent", "Isi dengan bilangan bulat."),
        ({"percent": ""}, "percent", "Wajib diisi."),
        ({"description": ""}, "description", "Wajib diisi."),
        ({"description": "x" * 2001}, "description", "Paling banyak 2000 karakter."),
        ({"reported_on": "kemarin"}, "reported_on", "Tanggal tidak valid."),
        (
            {"reported_on": (date.today() + timedelta(days=2)).isoformat()},
            "reported_on",
            "Tanggal laporan tidak boleh setelah hari ini.",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else next(iter(v.values()))[:12],
)
def test_report_with_bad_input_comes_back_with_a_message(
    db, send_report, approved, upload_folder, changes, field, message
):
    response = send_report(approved, photos=[photo()], **changes)

    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert reports_of(db, approved) == []
    assert approved.status is S.DISETUJUI
    assert not upload_folder.exists() or not any(upload_folder.rglob("photo-*"))
    assert "foto.png" in response.text  # asked to choose the photo again


def test_report_below_the_last_one_is_refused(db, send_report, approved):
    send_report(approved, percent="40")

    response = send_report(approved, percent="39")

    assert response.status_code == 422
    assert field_error(response.text, "percent") == (
        "Kemajuan tidak boleh lebih kecil dari laporan sebelumnya (40%)."
    )
    assert [r.percent for r in reports_of(db, approved)] == [40]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([photo() for _ in range(6)], "Paling banyak 5 foto sekaligus."),
        (
            [photo(b"bukan gambar, hanya teks\n" * 20, "catatan.png")],
            "catatan.png: Berkas ini bukan gambar PNG, JPEG atau WebP.",
        ),
        (
            [photo(), photo(b"", "kosong.png")],
            "kosong.png: Berkas kosong. Pilih gambar PNG, JPEG atau WebP.",
        ),
    ],
    ids=["six", "text-as-png", "empty"],
)
def test_report_photos_are_checked(
    db, send_report, approved, upload_folder, files, message
):
    response = send_report(approved, photos=files)

    assert response.status_code == 422
    assert field_error(response.text, "photos") == message
    assert reports_of(db, approved) == []
    assert not upload_folder.exists() or not any(upload_folder.rglob("photo-*"))


def test_five_photos_are_fine(db, send_report, approved, upload_folder):
    response = send_report(approved, photos=[photo() for _ in range(5)])

    assert response.status_code == 303
    (report,) = reports_of(db, approved)
    assert len(report.photos) == 5
    assert len(list(upload_folder.glob("photo-*"))) == 5


def test_same_report_sent_twice_is_stored_once(
    db, client, send_report, approved, upload_folder
):
    html = client.get(f"/saya/program/{approved.id}/laporan/baru").text

    first = send_report(approved, html=html, photos=[photo()])
    second = send_report(approved, html=html, photos=[photo()])

    assert first.status_code == second.status_code == 303
    (report,) = reports_of(db, approved)
    assert flashes(follow(client, second).text)[-1] == "Laporan ini sudah tersimpan."
    names = {p.name for p in report.photos}
    assert {path.name for path in upload_folder.glob("photo-*")} == names


def test_nul_byte_in_a_report_is_400_not_500(db, send_report, approved):
    response = send_report(approved, description="Mulai\x00.")

    assert response.status_code == 400
    assert reports_of(db, approved) == []


def test_author_corrects_a_report_until_acknowledged(
    db, client, send_report, approved, make_staff, upload_folder
):
    send_report(approved, photos=[photo(), photo(images.webp(), "b.webp")])
    (report,) = reports_of(db, approved)
    first, second = (p.name for p in report.photos)
    url = f"/saya/program/{approved.id}/laporan/{report.id}/ubah"
    page = client.get(f"/saya/program/{approved.id}")
    assert f'href="{url}"' in page.text
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="25"' in form.text
    assert f'value="{first}"' in form.text

    response = send_report(
        approved,
        report=report,
        percent="30",
        description="Diperbaiki: galian sampai STA 0+500.",
        remove=[first],
        photos=[photo(images.png(color=(0, 0, 200)), "baru.png")],
    )

    assert response.status_code == 303
    assert flashes(follow(client, response).text) == [
        "Laporan kemajuan sudah diperbaiki."
    ]
    db.session.expire_all()
    report = db.session.get(ProgressReport, report.id)
    assert report.percent == 30
    assert report.description == "Diperbaiki: galian sampai STA 0+500."
    names = [p.name for p in report.photos]
    assert len(names) == 2
    assert names[0] == second
    assert first not in names
    assert not (upload_folder / first).exists()
    assert not (upload_folder / "kecil" / first).exists()
    assert (upload_folder / names[1]).exists()

    progress.acknowledge_report(report, make_staff("BPJN-KALSEL"))
    db.session.commit()
    assert f'href="{url}"' not in client.get(f"/saya/program/{approved.id}").text
    shown = client.get(url)
    assert shown.status_code == 303
    assert flashes(follow(client, shown).text) == [
        "Laporan ini tidak dapat diubah lagi."
    ]
    sent = send_report(approved, report=report, html=form.text, percent="90")
    assert sent.status_code == 303
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).percent == 30


def test_correction_with_bad_input_keeps_the_report(db, send_report, approved):
    send_report(approved, percent="20")
    (report,) = reports_of(db, approved)

    response = send_report(approved, report=report, percent="101")

    assert response.status_code == 422
    assert field_error(response.text, "percent") == "Isi antara 0 dan 100."
    db.session.expire_all()
    assert db.session.get(ProgressReport, report.id).percent == 20


def test_correction_cannot_remove_photos_of_another_report(
    db, send_report, approved, upload_folder
):
    send_report(approved, photos=[photo()])
    send_report(approved, photos=[photo()], percent="30")
    first, second = reports_of(db, approved)
    other_photo = first.photos[0].name

    response = send_report(approved, report=second, percent="30", remove=[other_photo])

    assert response.status_code == 303
    assert count(db, ProgressPhoto, ProgressPhoto.name == other_photo) == 1
    assert (upload_folder / other_photo).exists()


def test_report_forms_are_for_mitra_only(client, login_as, make_staff, approved):
    login_as(client, make_staff("BPJN-KALSEL"))

    response = client.get(f"/saya/program/{approved.id}/laporan/baru")

    assert response.status_code == 404


def test_staff_role_cannot_open_program_saya(client, login_as, make_staff):
    login_as(client, make_staff(None, role=Role.PUSAT))

    assert client.get("/saya/program").status_code == 404
