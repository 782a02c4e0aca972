"""Two requests on the same item at once, in real threads: one wins, the
other gets a message, and the history has one new row.

The requests run against committed data (another thread cannot see the
``db`` fixture's transaction), so this module makes its own rows and
deletes them afterwards. On PostgreSQL a barrier holds both requests just
before they write, after each has read the old status, so they really
overlap; SQLite makes writing requests wait their turn (BEGIN IMMEDIATE,
kerapu/__init__.py), and the second reads what the first wrote.
"""

import html as htmllib
import re
import threading

import pytest
from sqlalchemy import delete, func, select

from kerapu.extensions import db
from kerapu.models import (
    BusinessField,
    Cooperation,
    Mitra,
    OutboxMessage,
    Program,
    ProgramVisibility,
    Regency,
    Role,
    Status,
    StatusChange,
    User,
)
from kerapu.services import workflow
from kerapu.services.accounts import CONSENT_TEXT, utcnow
from tests.conftest import csrf_fields, password_hash

S = Status


def add_user(email, role, **values):
    user = User(
        email=email,
        password_hash=password_hash(),
        role=role,
        activated_at=utcnow(),
        **values,
    )
    db.session.add(user)
    return user


@pytest.fixture
def sent_back(app):
    """A committed application in PERLU_PERBAIKAN, of a mitra of its own;
    every row it made is deleted after the test."""
    with app.app_context():
        mail_before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        regency = db.session.get(Regency, "63.03")
        program = db.session.scalar(
            select(Program)
            .where(
                Program.visibility == ProgramVisibility.DIBUKA,
                Program.taken_by_id.is_(None),
            )
            .order_by(Program.id)
        )
        mitra_user = add_user("balapan@contoh.co.id", Role.MITRA)
        mitra = Mitra(
            user=mitra_user,
            name="PT Uji Balapan",
            business_field=db.session.scalar(select(BusinessField).limit(1)),
            address="Jl. Uji No. 2",
            province_code=regency.province_code,
            regency_code=regency.code,
            contact_name="Rina",
            whatsapp="+6281234567891",
            contact_position="Direktur",
            estimated_value_idr=1_000_000,
            consent_text=CONSENT_TEXT,
            consented_at=utcnow(),
        )
        staff = add_user("staf-balapan@pu.go.id", Role.PUSAT)
        db.session.add(mitra)
        db.session.flush()
        item, _created = workflow.submit_application(mitra_user, program)
        workflow.transition(item, S.PERLU_PERBAIKAN, staff, note="Lengkapi data.")
        db.session.commit()
        ids = {
            "item": item.id,
            "mitra_user": mitra_user.id,
            "login": mitra_user.get_id(),
            "staff": staff.id,
        }
        db.session.remove()
    yield ids
    with app.app_context():
        db.session.execute(
            delete(StatusChange).where(StatusChange.cooperation_id == ids["item"])
        )
        db.session.execute(delete(Cooperation).where(Cooperation.id == ids["item"]))
        db.session.execute(delete(Mitra).where(Mitra.user_id == ids["mitra_user"]))
        db.session.execute(
            delete(User).where(User.id.in_([ids["mitra_user"], ids["staff"]]))
        )
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > mail_before))
        db.session.commit()
        db.session.remove()


def flashes(html):
    return [
        htmllib.unescape(text)
        for text in re.findall(r'<p class="flash [^"]*">(.*?)</p>', html)
    ]


def test_withdraw_and_resubmit_at_once_one_wins(app, sent_back, monkeypatch):
    item_id = sent_back["item"]
    url = f"/saya/program/{item_id}"
    requests = {"batalkan": "batal", "ajukan-ulang": "ulang"}
    clients = {}
    for action, prefix in requests.items():
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = sent_back["login"]
            session["_fresh"] = True
        html = client.get(url).text
        clients[action] = (client, csrf_fields(html)[f"{prefix}-csrf_token"])

    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        # Both requests have read PERLU_PERBAIKAN when they get here.
        both_read = threading.Barrier(2, timeout=10)
        record = workflow.record

        def record_together(*args):
            both_read.wait()
            return record(*args)

        monkeypatch.setattr(workflow, "record", record_together)

    start = threading.Barrier(2, timeout=10)
    results, errors = {}, []

    def send(action):
        client, token = clients[action]
        prefix = requests[action]
        try:
            start.wait()
            response = client.post(
                f"{url}/{action}",
                data={
                    f"{prefix}-csrf_token": token,
                    f"{prefix}-seen_status": "PERLU_PERBAIKAN",
                },
            )
            page = client.get(response.headers["Location"])
            results[action] = (response.status_code, flashes(page.text))
        except Exception as error:  # reported below, on the main thread
            errors.append(error)

    threads = [threading.Thread(target=send, args=(a,)) for a in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert {status for status, _ in results.values()} == {303}
    with app.app_context():
        rows = db.session.scalars(
            select(StatusChange)
            .where(StatusChange.cooperation_id == item_id)
            .order_by(StatusChange.sequence)
        ).all()
        final = db.session.scalar(
            select(Cooperation.status).where(Cooperation.id == item_id)
        )
        db.session.remove()
    assert len(rows) == 3  # submitted, sent back, and one of the two
    assert rows[-1].from_status is S.PERLU_PERBAIKAN
    assert final is rows[-1].to_status
    won = "batalkan" if final is S.DIBATALKAN else "ajukan-ulang"
    lost = "ajukan-ulang" if won == "batalkan" else "batalkan"
    assert results[won][1] == [
        "Pengajuan sudah dibatalkan."
        if won == "batalkan"
        else "Pengajuan sudah diajukan ulang ke Balai."
    ]
    assert results[lost][1] == [
        f"Status sudah berubah menjadi {final.label} sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi."
    ]
