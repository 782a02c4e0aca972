"""The public site: catalogue, detail, region select, contacts, errors."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kerapu.models import Cooperation, Mitra, Program, User
from kerapu.services import progress
from kerapu.services.accounts import utcnow


def rows(html):
    """Kegiatan names of the table rows in ``html``, in order."""
    return re.findall(r'data-label="Kegiatan"><div>([^<]*)<br>', html)


def summary(html):
    return re.search(r'class="summary">\s*([^<]*?)\s*</p>', html).group(1)


def test_catalogue_lists_ten_programs_with_summary(client, db):
    response = client.get("/program")

    assert response.status_code == 200
    html = response.text
    total = db.session.query(Program).filter(Program.visibility != "DRAF").count()
    assert summary(html) == f"Tampilkan 1 s/d 10 dari {total} data"
    assert len(rows(html)) == 10
    assert "<html" in html
    for column in ("No", "Kegiatan", "PPK", "Volume", "Lokasi", "Kab/Kota",
                   "Provinsi", "Unit Kerja", "Nilai", "Informasi Selengkapnya",
                   "Keterangan"):  # fmt: skip
        assert f'<th scope="col">{column}</th>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("jereweh", ["Penanganan Titik Rawan Kecelakaan Jereweh - Benete"]),
        ("JEREWEH", ["Penanganan Titik Rawan Kecelakaan Jereweh - Benete"]),
        ("jérêwéh", ["Penanganan Titik Rawan Kecelakaan Jereweh - Benete"]),
        (
            "paku jalan banjar",
            [
                "Pengadaan Bahan Paku Jalan Memantul Bujur Sangkar, Ruas Jalan "
                "Martapura - Ds. Tungkap"
            ],
        ),
        (
            "digital twin jakarta",
            ["Penyiapan Platform Digital Twin Bidang Jalan dan Jembatan"],
        ),
        (
            "drainase mabuun",
            ["Penanganan Drainase Ruas Jalan Kelua - Tanjung - Mabuun"],
        ),
        ("%", []),
        ("_", []),
        ("'\"<script>", []),
        ("🚧", []),
        ("zzzzqqq", []),
    ],
)
def test_search_matches_every_word(client, query, expected):
    response = client.get("/program", query_string={"q": query})

    assert response.status_code == 200
    assert rows(response.text) == expected


def test_search_by_prefix_while_typing(client):
    for typed in ("j", "je", "jer", "jere", "jerew"):
        response = client.get("/program", query_string={"q": typed})
        names = rows(response.text)
        assert any("Jereweh" in name for name in names) or len(names) == 10


def test_search_finds_by_unit_kerja_and_province(client):
    response = client.get("/program", query_string={"q": "bpjn nusa tenggara barat"})

    assert "Jereweh - Benete" in response.text


def test_search_escapes_html_in_query(client):
    response = client.get("/program", query_string={"q": "<b>x</b>"})

    assert "<b>x</b>" not in response.text
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text


def test_fragment_is_rows_block_with_vary(htmx):
    response = htmx("/program", q="paku")

    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert response.text.lstrip().startswith('<section id="program-rows"')
    assert "<html" not in response.text
    assert response.headers["HX-Push-Url"] == "/program?q=paku"


def test_history_restore_gets_whole_page(client):
    response = client.get(
        "/program",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_page_links_keep_filters(client):
    response = client.get("/program", query_string={"q": "jalan", "per_page": "25"})

    links = re.findall(r'href="(/program\?[^"]*page=2[^"]*)"', response.text)
    assert links
    assert all("q=jalan" in link and "per_page=25" in link for link in links)


@pytest.mark.parametrize(
    ("params", "status", "page_text"),
    [
        ({"page": "abc"}, 200, "Tampilkan 1 s/d 10"),
        ({"page": "-1"}, 200, "Tampilkan 1 s/d 10"),
        ({"page": "0"}, 200, "Tampilkan 1 s/d 10"),
        ({"page": "1e3"}, 200, "Tampilkan 1 s/d 10"),
        ({"per_page": "100000"}, 200, "Tampilkan 1 s/d 100"),
        ({"per_page": "-5"}, 200, "Tampilkan 1 s/d 10"),
        ({"per_page": "x"}, 200, "Tampilkan 1 s/d 10"),
    ],
)
def test_paging_parameters_are_clamped(client, params, status, page_text):
    response = client.get("/program", query_string=params)

    assert response.status_code == status
    assert page_text in response.text


def test_page_beyond_last_shows_last_page(client, db):
    total = db.session.query(Program).filter(Program.visibility != "DRAF").count()

    response = client.get("/program", query_string={"page": "99999"})

    last_start = (total - 1) // 10 * 10 + 1
    assert (
        summary(response.text)
        == f"Tampilkan {last_start} s/d {total} dari {total} data"
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"provinsi": "99"}, "Provinsi: Pilihan tidak dikenal"),
        ({"provinsi": "<script>"}, "Provinsi: Pilihan tidak dikenal"),
        ({"kategori": "abc"}, "Kategori: Pilihan tidak dikenal"),
        ({"balai": "99999"}, "Unit Kerja: Pilihan tidak dikenal"),
        ({"q": "a" * 10_000}, "Kata kunci terlalu panjang"),
        ({"q": " ".join("abcdefghijklmnopqrstu")}, "Terlalu banyak kata"),
        ({"kabupaten": "63.99"}, "Kab/Kota: Pilihan tidak dikenal"),
    ],
)
def test_bad_filters_get_400_with_message(client, htmx, params, message):
    response = client.get("/program", query_string=params)

    assert response.status_code == 400
    assert message in response.text
    assert rows(response.text) == []
    fragment = htmx("/program", **params)
    assert fragment.status_code == 400
    assert 'id="program-rows"' in fragment.text
    assert message in fragment.text


def test_province_filter_offers_38_provinces(client):
    response = client.get("/program")

    select = re.search(r'<select id="provinsi".*?</select>', response.text, re.S)
    assert select.group(0).count("<option") == 39  # "Semua Provinsi" + 38


def test_province_and_regency_filters(client):
    response = client.get("/program", query_string={"provinsi": "63"})
    assert "Kab. Kotabaru" in response.text
    assert "Kab. Sumbawa Barat" not in response.text

    response = client.get(
        "/program", query_string={"provinsi": "63", "kabupaten": "63.03"}
    )
    assert rows(response.text) == [
        "Pengadaan Bahan Paku Jalan Memantul Bujur Sangkar, Ruas Jalan "
        "Martapura - Ds. Tungkap"
    ] or all(
        "Kab. Banjar" in row
        for row in re.findall(r'data-label="Kab/Kota">([^<]*)<', response.text)
    )


def test_regency_of_other_province_is_dropped(client):
    response = client.get(
        "/program", query_string={"provinsi": "52", "kabupaten": "63.03"}
    )

    assert response.status_code == 200
    assert "Jereweh" in response.text
    assert 'value="63.03"' not in response.text


def test_regency_alone_implies_its_province(client):
    response = client.get("/program", query_string={"kabupaten": "52.07"})

    assert '<option value="52" selected>' in response.text
    assert "Jereweh" in response.text


def test_draft_programs_stay_out_of_catalogue(client, make_program):
    draft = make_program(name="Program Draf Rahasia", visibility="DRAF")

    assert "Program Draf Rahasia" not in client.get("/program?q=rahasia").text
    assert client.get(f"/program/{draft.id}").status_code == 404


def test_new_public_program_is_found(client, make_program):
    make_program(name="Pembangunan Jembatan Kaliurang")

    response = client.get("/program", query_string={"q": "kaliurang"})

    assert rows(response.text) == ["Pembangunan Jembatan Kaliurang"]


def test_program_detail_shows_every_fact(client, db):
    program = (
        db.session.query(Program)
        .filter_by(name="Penanganan Titik Rawan Kecelakaan Jereweh - Benete")
        .one()
    )

    response = client.get(f"/program/{program.id}")

    assert response.status_code == 200
    html = response.text
    for text in (
        "Pembangunan Jalan",
        "Pelaksanaan Preservasi dan Peningkatan Kapasitas Jalan Nasional",
        "BPJN Nusa Tenggara Barat",
        "PPK 2.1",
        "1,25 km",
        "Jereweh - Benete",
        "0+000 sampai 1+255.83",
        "Kab. Sumbawa Barat",
        "Nusa Tenggara Barat",
        "Rp. 31.312.163.000",
        "Ajukan Program",
    ):
        assert text in html, text


@pytest.mark.parametrize("path", ["/program/0", "/program/999999", "/program/abc"])
def test_unknown_program_is_404_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert "<html" in response.text


def test_error_fragment_for_htmx_goes_to_flash(htmx):
    response = htmx("/program/999999")

    assert response.status_code == 404
    assert "<html" not in response.text
    assert response.headers["HX-Retarget"] == "#flash"


def test_regency_select_fragment(htmx, client):
    response = htmx("/wilayah/kabupaten", provinsi="63")

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div class="field" id="kabupaten-field"')
    assert "<html" not in response.text
    assert "Kab. Banjar" in response.text
    assert " selected" in response.text.split("</option>")[0]
    assert "HX-Request" in response.headers["Vary"]
    page = client.get("/wilayah/kabupaten?provinsi=63")
    assert "<html" in page.text
    assert "Kab. Banjar" in page.text


@pytest.mark.parametrize(("code", "status"), [("", 200), ("zz", 400), ("6", 400)])
def test_regency_select_for_no_or_unknown_province(htmx, code, status):
    response = htmx("/wilayah/kabupaten", provinsi=code)

    assert response.status_code == status
    assert response.text.count("<option") == 1


def test_contacts_filter_by_province(client, htmx):
    everyone = client.get("/kontak").text
    assert everyone.count("<h2>") >= 34

    response = htmx("/kontak", provinsi="94")
    assert response.text.lstrip().startswith('<section id="balai-list"')
    assert response.text.count("<h2>") == 2  # Papua Tengah is split


def test_home_shows_live_figures(client, db, make_program):
    before = client.get("/").text
    make_program(value_idr=7_000_000_000)
    after = client.get("/").text

    assert before != after
    assert "Balai di seluruh Indonesia" in after
    assert ">33<" in after


def test_home_counts_active_mitra_only(client, db, make_mitra):
    def shown():
        text = " ".join(client.get("/").text.split())
        return int(
            re.search(r"Mitra PU aktif</dt>\s*<dd>([\d.]+)<", text)[1].replace(".", "")
        )

    before = shown()
    make_mitra()
    make_mitra(active=False)

    assert shown() == before + 1


def test_partner_and_activity_pages_are_honest_empty_states(client):
    assert "Belum ada Mitra PU terdaftar" in client.get("/mitra").text
    assert "Belum ada kegiatan berjalan" in client.get("/kegiatan").text


def test_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.text == "ok\n"


def test_security_headers(client):
    response = client.get("/program")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "<script>" not in response.text


def test_static_files_are_versioned_and_cached(client):
    html = client.get("/").text
    url = re.search(r'src="(/static/htmx\.min\.js\?v=[0-9a-f]+)"', html).group(1)

    response = client.get(url)
    response.close()

    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "no-cache" not in response.headers["Cache-Control"]


def test_anonymous_reader_gets_no_cookie(client):
    response = client.get("/program")

    assert "Set-Cookie" not in response.headers
    assert "X-CSRFToken" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/program/2147483648",
        "/program/9223372036854775808",
        "/program/99999999999999999999",
    ],
)
def test_huge_program_id_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/program?kabupaten=%00",
        "/program?q=jalan%00",
        "/kontak?provinsi=%00",
        "/wilayah/kabupaten?provinsi=%00",
        "/program?%00=1",
    ],
)
def test_nul_byte_is_400(client, path):
    response = client.get(path)

    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.text


def test_clearing_the_province_clears_the_regency(client):
    response = client.get(
        "/program", query_string={"provinsi": "", "kabupaten": "63.03", "q": ""}
    )

    assert '<option value="" selected>Semua Provinsi' in response.text
    assert 'value="63.03" selected' not in response.text
    assert len(rows(response.text)) == 10


def test_ppk_number_is_one_token(client, db):
    response = client.get("/program", query_string={"q": "ppk 2.1", "per_page": 100})

    ppks = re.findall(r'data-label="PPK">([^<]*)<', response.text)
    assert ppks
    assert all(ppk.startswith("PPK 2.1") for ppk in ppks)


def test_pasted_full_title_is_found(client):
    title = (
        "Pengadaan Bahan Paku Jalan Memantul Bulat (Glass Road Stud), Ruas "
        "Jalan Serongga - Sei Kupang - Manggalau - Kerang"
    )

    response = client.get("/program", query_string={"q": title})

    assert rows(response.text) == [title]


def test_soft_hyphen_inside_a_word_is_ignored(client):
    response = client.get("/program", query_string={"q": "jere\u00adweh"})

    assert "Jereweh - Benete" in response.text


def test_bad_filter_on_htmx_still_pushes_a_tidy_address(htmx):
    response = htmx("/program", q="jalan", provinsi="99", kabupaten="")

    assert response.status_code == 400
    assert response.headers["HX-Push-Url"] == "/program?q=jalan"


def test_unknown_province_regency_select_says_so(htmx):
    response = htmx("/wilayah/kabupaten", provinsi="99")

    assert response.status_code == 400
    assert "Provinsi tidak dikenal" in response.text
    assert response.text.count('id="kabupaten-field"') == 1


def test_reader_with_session_gets_a_fresh_page(client, app):
    client.get("/program")  # an anonymous reader fills the shared copy
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "x")

    response = client.get("/program")

    assert "X-CSRFToken" in response.text


def test_shared_page_changes_with_the_catalogue(client, make_program):
    before = client.get("/program", query_string={"q": "gajahmungkur"})
    make_program(name="Jembatan Gajahmungkur")
    after = client.get("/program", query_string={"q": "gajahmungkur"})

    assert rows(before.text) == []
    assert rows(after.text) == ["Jembatan Gajahmungkur"]


# -- Kegiatan and Daftar Mitra PU ----------------------------------------------


def card(html, element_id):
    """The HTML of the card ``<li id="element_id">`` of a list page."""
    found = re.search(rf'<li id="{element_id}">(.*?)\n      </li>', html, re.S)
    return found[1] if found else None


def photo_name(number):
    return f"photo-{number:032x}.jpg"


@pytest.fixture
def under_way(db, make_mitra, make_program, make_application, advance):
    """Work under way: a mitra's approved application with reports
    ``(days ago, percent, text, photos)``."""

    def make(reports, name="Program Berjalan", mitra=None, statuses=()):
        user = mitra or make_mitra(name=f"PT Pelaksana {name}")
        item = advance(
            make_application(user, make_program(name=name)), "DISETUJUI", *statuses
        )
        for days_ago, percent, text, photos in reports:
            values = progress.ReportValues(
                date.today() - timedelta(days=days_ago), percent, text
            )
            progress.add_report(item, user, values, photos)
        return item

    return make


def test_activities_show_work_with_mitra_progress_and_photos(client, under_way):
    item = under_way(
        [
            (10, 30, "Pengadaan bahan selesai.", [photo_name(1)]),
            (2, 70, "Pemasangan 560 dari 800 buah.", [photo_name(2), photo_name(3)]),
        ],
        name="Pengadaan Paku Jalan Uji Kegiatan",
    )

    response = client.get("/kegiatan")

    assert response.status_code == 200
    shown = card(response.text, f"kegiatan-{item.id}")
    assert shown is not None
    assert "Pengadaan Paku Jalan Uji Kegiatan" in shown
    assert f'href="/program/{item.program_id}"' in shown
    assert "PT Pelaksana Pengadaan Paku Jalan Uji Kegiatan" in shown
    assert "Pelaksanaan" in shown
    assert '<progress max="100" value="70">' in shown
    assert "Pemasangan 560 dari 800 buah." in shown
    assert "Pengadaan bahan selesai." not in shown
    assert f"/berkas/kecil/{photo_name(2)}" in shown
    assert f"/berkas/kecil/{photo_name(3)}" in shown
    assert photo_name(1) not in shown
    assert "BPJN Kalimantan Selatan" in shown


def test_activities_show_finished_work_and_hide_the_rest(
    client, under_way, make_application, advance
):
    done = under_way(
        [], name="Program Sudah Selesai", statuses=("PELAKSANAAN", "SELESAI")
    )
    approved_only = under_way([], name="Program Baru Disetujui")
    waiting = make_application()
    refused = advance(make_application(), "DITOLAK")

    html = client.get("/kegiatan").text

    assert "Selesai" in card(html, f"kegiatan-{done.id}")
    assert '<progress max="100" value="100">' in card(html, f"kegiatan-{done.id}")
    for hidden in (approved_only, waiting, refused):
        assert f'id="kegiatan-{hidden.id}"' not in html


def test_activities_paginate_with_a_working_fragment(client, htmx, db, under_way):
    items = [under_way([(1, 5 * n, f"Laporan {n}.", [])], name=f"Kegiatan {n}")
             for n in range(11)]  # fmt: skip
    total = db.session.scalar(
        select(func.count(Cooperation.id)).where(
            Cooperation.status.in_(["PELAKSANAAN", "SELESAI"])
        )
    )

    first = client.get("/kegiatan")
    second = htmx("/kegiatan", page=2)

    assert f"Tampilkan 1 s/d 10 dari {total} data" in first.text
    assert first.text.count('<li id="kegiatan-') == 10
    assert 'href="/kegiatan?page=2"' in first.text
    assert second.status_code == 200
    assert second.text.lstrip().startswith('<div id="activity-rows"')
    assert "<html" not in second.text
    assert "HX-Request" in second.headers["Vary"]
    assert f"Tampilkan 11 s/d {min(total, 20)} dari {total} data" in second.text
    pages = [first.text, second.text]
    while 'rel="next"' in pages[-1]:
        pages.append(client.get(f"/kegiatan?page={len(pages) + 1}").text)
    shown = re.findall(r'<li id="kegiatan-(\d+)">', "".join(pages))
    assert len(shown) == len(set(shown)) == total
    assert {str(item.id) for item in items} <= set(shown)


def test_partners_list_active_mitra_with_their_programs(
    db, client, make_mitra, make_program, make_application, advance
):
    active = make_mitra(name="PT Aktif Membangun", logo=f"logo-{7:032x}.png")
    taken = advance(
        make_application(active, make_program(name="Jalan Yang Dikerjakan")),
        "DISETUJUI",
    )
    make_application(active, make_program(name="Jalan Yang Masih Diajukan"))
    advance(
        make_application(active, make_program(name="Jalan Yang Ditolak")), "DITOLAK"
    )
    idle = make_mitra(name="PT Belum Ada Program")
    inactive = make_mitra(name="PT Belum Aktivasi", active=False)
    deactivated = make_mitra(name="PT Dinonaktifkan")
    deactivated.deactivated_at = utcnow()
    deleted = make_mitra(name="PT Sudah Dihapus")
    deleted.deleted_at = utcnow()
    db.session.flush()

    html = client.get("/mitra", query_string={"page": 1}).text
    pages = [html]
    while 'rel="next"' in pages[-1]:
        pages.append(client.get(f"/mitra?page={len(pages) + 1}").text)
    html = "".join(pages)

    shown = card(html, f"mitra-{active.mitra.id}")
    assert "PT Aktif Membangun" in shown
    assert "Jalan Yang Dikerjakan" in shown
    assert f'href="/program/{taken.program_id}"' in shown
    assert "Jalan Yang Masih Diajukan" not in shown
    assert "Jalan Yang Ditolak" not in shown
    assert "Kab. Banjar, Kalimantan Selatan" in shown
    assert active.mitra.business_field.name in shown
    assert f'src="/berkas/kecil/logo-{7:032x}.png"' in shown
    assert "Belum ada program berjalan." in card(html, f"mitra-{idle.mitra.id}")
    for user in (inactive, deactivated, deleted):
        assert f'id="mitra-{user.mitra.id}"' not in html
        assert user.mitra.name not in html


def test_partners_paginate_with_a_working_fragment(db, client, htmx, make_mitra):
    for n in range(11):
        make_mitra(name=f"PT Urutan {n:02d}")
    total = db.session.scalar(
        select(func.count(Mitra.id))
        .join(Mitra.user)
        .where(
            User.activated_at.is_not(None),
            User.deactivated_at.is_(None),
            User.deleted_at.is_(None),
        )
    )

    first = client.get("/mitra")
    second = htmx("/mitra", page=2)

    assert f"Tampilkan 1 s/d 10 dari {total} data" in first.text
    assert first.text.count('<li id="mitra-') == 10
    assert second.status_code == 200
    assert second.text.lstrip().startswith('<div id="partner-rows"')
    assert "<html" not in second.text
    assert "HX-Request" in second.headers["Vary"]
    assert f"Tampilkan 11 s/d {min(total, 20)} dari {total} data" in second.text


def test_taken_program_shows_in_catalogue_and_detail(
    db, client, make_program, make_application, advance
):
    program = make_program(name="Jalan Lingkar Uji Keterangan")
    free = make_program(name="Jalan Lingkar Uji Terbuka")
    query = {"q": "jalan lingkar uji"}
    before = client.get("/program", query_string=query).text  # now shared
    advance(make_application(program=program), "DISETUJUI")

    listing = client.get("/program", query_string=query).text
    detail = client.get(f"/program/{program.id}").text

    cells = dict(
        re.findall(
            r'<div>([^<]*)<br>.*?data-label="Keterangan"><span class="badge [a-z]+">'
            r"([^<]*)</span>",
            listing,
            re.S,
        )
    )
    assert "Sudah diambil" not in before
    assert cells == {
        "Jalan Lingkar Uji Keterangan": "Sudah diambil",
        "Jalan Lingkar Uji Terbuka": "Dibuka",
    }
    assert "Program ini sudah diambil oleh Mitra PU" in detail
    assert f'action="/program/{program.id}/ajukan"' not in detail
    assert free.is_open


def test_work_on_an_approved_proposal_shows_in_activities_and_partners(
    client, make_mitra, make_proposal, advance
):
    user = make_mitra(name="PT Pengusul Jembatan")
    item = advance(make_proposal(user, name="Jembatan Usulan Sendiri"), "DISETUJUI")
    values = progress.ReportValues(date.today(), 15, "Pondasi dimulai.")
    progress.add_report(item, user, values, [])

    activities = client.get("/kegiatan").text
    partners = client.get("/mitra").text

    shown = card(activities, f"kegiatan-{item.id}")
    assert "Jembatan Usulan Sendiri" in shown
    assert "PT Pengusul Jembatan" in shown
    assert f'href="/program/{item.program_id}"' in shown
    assert "Pondasi dimulai." in shown
    assert client.get(f"/program/{item.program_id}").status_code == 200
    pages = [partners]
    while 'rel="next"' in pages[-1]:
        pages.append(client.get(f"/mitra?page={len(pages) + 1}").text)
    assert "Jembatan Usulan Sendiri" in card("".join(pages), f"mitra-{user.mitra.id}")
