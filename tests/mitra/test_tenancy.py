"""A mitra reaches only its own applications, proposals and reports.

The matrix is read from the URL map: every route of the mitra blueprint
that takes a ``cooperation_id`` or ``report_id``, with every method, is
asked by mitra B with mitra A's ids (as a page and as htmx) and must answer
404 and change nothing. A new route is in the matrix the moment it exists.
"""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from kerapu.models import (
    Application,
    Balai,
    Cooperation,
    OutboxMessage,
    Program,
    ProgressPhoto,
    ProgressReport,
    Proposal,
    Status,
    StatusChange,
    Submission,
)
from kerapu.services import progress
from tests import images
from tests.conftest import csrf_fields

S = Status

COUNTED = [
    Cooperation,
    StatusChange,
    ProgressReport,
    ProgressPhoto,
    Submission,
    OutboxMessage,
    Program,
]


def mitra_routes(app):
    """(endpoint, method, rule) of every mitra route that names an item."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.partition(".")[0] != "mitra":
            continue
        if not {"cooperation_id", "report_id"} & set(rule.arguments):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def fill(rule, **values):
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def snapshot(db):
    """What a request might change: row counts, and each item's status."""
    counts = {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in COUNTED
    }
    statuses = dict(
        db.session.execute(select(Cooperation.id, Cooperation.status)).all()
    )
    percents = dict(
        db.session.execute(select(ProgressReport.id, ProgressReport.percent)).all()
    )
    return counts, statuses, percents


@pytest.fixture
def owner(db, make_mitra, make_application, make_proposal, advance):
    """Mitra A and one item for each kind of route: an application sent
    back (withdraw, resubmit), a proposal sent back (revise), approved work
    with a report (Update Kegiatan, corrections)."""
    user = make_mitra(name="PT Pemilik Asli")
    work = advance(make_application(user), "DISETUJUI")
    values = progress.ReportValues(date.today(), 20, "Laporan milik A.")
    report = progress.add_report(work, user, values, [])
    return {
        "user": user,
        "sent_back": advance(make_application(user), "PERLU_PERBAIKAN"),
        "revision": advance(make_proposal(user), "PERLU_PERBAIKAN"),
        "work": work,
        "report": report,
    }


def target(endpoint, owner):
    """Mitra A's item a route of ``endpoint`` would act on."""
    if endpoint == "mitra.revise_proposal":
        return owner["revision"]
    if endpoint in ("mitra.withdraw", "mitra.resubmit"):
        return owner["sent_back"]
    return owner["work"]


def form_data(token):
    """A body that would be valid for any of the routes, with every
    prefix, and with fields the server owns thrown in."""
    return {
        "csrf_token": token,
        "batal-csrf_token": token,
        "ulang-csrf_token": token,
        "batal-note": "Dibatalkan oleh orang lain.",
        "ulang-note": "Diajukan ulang oleh orang lain.",
        "seen_status": "PERLU_PERBAIKAN",
        "category": "1",
        "name": "Nama Diganti Orang Lain",
        "location": "Di mana saja",
        "provinsi": "63",
        "kabupaten": "63.03",
        "description": "Diganti.",
        "activities": "Diganti.",
        "duration_months": "3",
        "value": "1.000.000",
        "reported_on": date.today().isoformat(),
        "percent": "99",
        "status": "SELESAI",
        "photos": (io.BytesIO(images.png()), "foto.png"),
    }


def test_matrix_covers_the_item_routes(app):
    endpoints = {endpoint for endpoint, _, _ in mitra_routes(app)}
    assert endpoints >= {
        "mitra.show_program",
        "mitra.revise_proposal",
        "mitra.withdraw",
        "mitra.resubmit",
        "mitra.new_report",
        "mitra.edit_report",
    }


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_another_mitras_ids_answer_404_and_change_nothing(
    app, db, client, make_mitra, login_as, owner, upload_folder, htmx
):
    intruder = make_mitra(name="PT Penyusup")
    login_as(client, intruder)
    token = csrf_fields(client.get("/usulan/baru").text)["csrf_token"]
    headers = {"HX-Request": "true"} if htmx else {}
    checked = []
    for endpoint, method, rule in mitra_routes(app):
        item = target(endpoint, owner)
        path = fill(rule, cooperation_id=item.id, report_id=owner["report"].id)
        before = snapshot(db)

        response = client.open(
            path,
            method=method,
            headers=headers,
            data=form_data(token) if method == "POST" else None,
            content_type="multipart/form-data" if method == "POST" else None,
        )

        assert response.status_code == 404, (endpoint, method)
        assert "Nama Diganti" not in response.text
        assert "PT Pemilik Asli" not in response.text
        if htmx:
            assert "<html" not in response.text, endpoint
        assert snapshot(db) == before, (endpoint, method)
        checked.append((endpoint, method))
    assert len(checked) == len(mitra_routes(app)) >= 9
    assert not upload_folder.exists() or not any(upload_folder.rglob("photo-*"))


def test_the_same_requests_by_the_owner_are_not_404(
    app, db, client, login_as, owner, upload_folder
):
    """The control of the matrix: A's own ids reach the views."""
    login_as(client, owner["user"])
    for endpoint, method, rule in mitra_routes(app):
        item = target(endpoint, owner)
        path = fill(rule, cooperation_id=item.id, report_id=owner["report"].id)

        response = client.open(path, method=method)

        assert response.status_code in (200, 303, 422), (endpoint, method)


def test_report_of_another_item_answers_404(
    db, client, login_as, owner, make_application, advance
):
    """A's own cooperation id with a report id of A's other work, and B's
    own cooperation with A's report."""
    user = owner["user"]
    other_work = advance(make_application(user), "DISETUJUI")
    login_as(client, user)

    response = client.get(
        f"/saya/program/{other_work.id}/laporan/{owner['report'].id}/ubah"
    )

    assert response.status_code == 404


def test_intruder_with_own_item_and_anothers_report_gets_404(
    db, client, make_mitra, login_as, owner, make_application, advance
):
    intruder = make_mitra()
    own = advance(make_application(intruder), "DISETUJUI")
    login_as(client, intruder)
    token = csrf_fields(client.get("/usulan/baru").text)["csrf_token"]
    before = snapshot(db)

    url = f"/saya/program/{own.id}/laporan/{owner['report'].id}/ubah"
    shown = client.get(url)
    sent = client.post(url, data=form_data(token), content_type="multipart/form-data")

    assert shown.status_code == sent.status_code == 404
    assert snapshot(db) == before


def test_unknown_ids_look_the_same_as_anothers(db, client, make_mitra, login_as):
    login_as(client, make_mitra())

    for path in ("/saya/program/999999", "/saya/program/2147483647/ubah",
                 "/saya/program/999999/laporan/1/ubah"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.get("/saya/program/2147483648").status_code == 404


def test_lists_show_only_own_items(db, client, make_mitra, login_as, owner):
    intruder = make_mitra()
    login_as(client, intruder)

    page = client.get("/saya/program")
    by_status = client.get("/saya/program", query_string={"status": "DISETUJUI"})
    fragment = client.get("/saya/program", headers={"HX-Request": "true"})

    for response in (page, by_status, fragment):
        assert response.status_code == 200
        assert "Belum ada program" in response.text or "Tidak ada program" in (
            response.text
        )
        for item in ("sent_back", "revision", "work"):
            assert f'id="item-{owner[item].id}"' not in response.text


def test_program_page_shows_only_own_application(
    db, client, make_mitra, login_as, owner
):
    program = owner["sent_back"].program
    login_as(client, make_mitra())

    page = client.get(f"/program/{program.id}")

    assert "Anda sudah mengajukan program ini." not in page.text
    assert f"/saya/program/{owner['sent_back'].id}" not in page.text


# -- Fields the server owns -----------------------------------------------------


def test_proposal_ignores_status_mitra_balai_and_program_in_the_form(
    db, client, make_mitra, login_as, owner
):
    intruder = make_mitra()
    login_as(client, intruder)
    html = client.get("/usulan/baru").text
    ntb = db.session.scalar(select(Balai.id).where(Balai.code == "BPJN-NTB"))
    program = owner["work"].program
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', html)[1]

    response = client.post(
        "/usulan/baru",
        data=form_data(csrf_fields(html)["csrf_token"])
        | {
            "key": key,
            "status": "DISETUJUI",
            "kind": "PENGAJUAN",
            "mitra_id": str(owner["user"].mitra.id),
            "mitra": str(owner["user"].mitra.id),
            "balai_id": str(ntb),
            "balai": str(ntb),
            "program_id": str(program.id),
            "id": str(owner["revision"].id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.mitra_id == intruder.mitra.id)
    )
    assert proposal.id != owner["revision"].id
    assert proposal.status is S.DIAJUKAN
    assert proposal.balai.code == "BPJN-KALSEL"
    assert proposal.program_id is None
    assert len(proposal.history) == 1
    assert db.session.get(Proposal, owner["revision"].id).name != (
        "Nama Diganti Orang Lain"
    )


def test_revision_ignores_status_and_mitra_in_the_form(
    db, client, login_as, owner, make_mitra
):
    other = make_mitra()
    proposal = owner["revision"]
    login_as(client, owner["user"])
    url = f"/saya/program/{proposal.id}/ubah"
    html = client.get(url).text

    response = client.post(
        url,
        data=form_data(csrf_fields(html)["csrf_token"])
        | {
            "status": "DISETUJUI",
            "mitra_id": str(other.mitra.id),
            "balai_id": "1",
            "program_id": str(owner["work"].program_id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.status is S.DIAJUKAN
    assert proposal.mitra_id == owner["user"].mitra.id
    assert proposal.balai.code == "BPJN-KALSEL"
    assert proposal.program_id is None


def test_apply_ignores_mitra_in_the_form(
    db, client, make_mitra, make_program, login_as, owner
):
    intruder = make_mitra()
    login_as(client, intruder)
    program = make_program()
    token = csrf_fields(client.get("/usulan/baru").text)["csrf_token"]

    response = client.post(
        f"/program/{program.id}/ajukan",
        data={
            "csrf_token": token,
            "mitra_id": str(owner["user"].mitra.id),
            "status": "DISETUJUI",
            "balai_id": "1",
        },
    )

    assert response.status_code == 303
    application = db.session.scalar(
        select(Application).where(Application.program_id == program.id)
    )
    assert application.mitra_id == intruder.mitra.id
    assert application.status is S.DIAJUKAN
    assert application.balai_id == program.balai_id


def test_report_ignores_author_and_acknowledgement_in_the_form(
    db, client, login_as, owner, upload_folder
):
    work = owner["work"]
    login_as(client, owner["user"])
    url = f"/saya/program/{work.id}/laporan/baru"
    html = client.get(url).text

    response = client.post(
        url,
        data=form_data(csrf_fields(html)["csrf_token"])
        | {
            "percent": "30",
            "author_id": "1",
            "acknowledged_at": "2026-01-01",
            "cooperation_id": str(owner["sent_back"].id),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 303
    report = db.session.scalar(
        select(ProgressReport).order_by(ProgressReport.id.desc())
    )
    assert report.cooperation_id == work.id
    assert report.author_id == owner["user"].id
    assert not report.is_acknowledged
    assert db.session.get(Cooperation, work.id).status is S.PELAKSANAAN
