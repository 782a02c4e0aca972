"""Demo mitra and their work, so a fresh ``make run`` shows Daftar Mitra PU
and Kegiatan alive: three companies, an application waiting, work under
way with progress reports and photos, and finished work.

The demo companies and the demo Balai officer have no password: nobody can
log in as them. They are made through the same services a real mitra and
Balai use, so their history is what the workflow writes.
"""

import io
import logging
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from kerapu.extensions import db
from kerapu.models import (
    Balai,
    BusinessField,
    Mitra,
    Program,
    Role,
    StatusChange,
    User,
)
from kerapu.services import progress, workflow
from kerapu.services.accounts import CONSENT_TEXT, utcnow
from kerapu.services.uploads import store_image

log = logging.getLogger(__name__)

#: Marks demo accounts; no real address ends like this.
DOMAIN = "demo.kerapu.invalid"

#: (company, bidang usaha, regency, program applied for, states, reports)
#: where reports are (days ago, percent, text).
PARTNERS = [
    (
        "PT Karya Jalan Borneo",
        "Konstruksi",
        "63.71",
        "Pengadaan Bahan Paku Jalan Memantul Bujur Sangkar, Ruas Jalan "
        "Martapura - Ds. Tungkap",
        ("DISETUJUI",),
        [
            (40, 20, "Bahan paku jalan tiba di gudang Martapura dan diperiksa."),
            (12, 65, "Pemasangan 520 dari 800 buah di ruas Martapura - Ds. Tungkap."),
        ],
    ),
    (
        "PT Sinar Terang Nusantara",
        "Energi",
        "63.03",
        "Penanganan Drainase Ruas Jalan Kelua - Tanjung - Mabuun",
        ("DISETUJUI", "SELESAI"),
        [
            (60, 35, "Pembersihan saluran dan galian drainase 12 meter."),
            (21, 100, "Saluran drainase selesai dan berfungsi saat hujan deras."),
        ],
    ),
    (
        "CV Mitra Bangun Sejahtera",
        "Properti",
        "63.07",
        "Rekonstruksi Ruas Jalan Lumpangi - Bts. Kab. Tanah Bumbu Segmen 2",
        (),
        [],
    ),
]


def load_demo_partners():
    """Add the demo companies and their work unless they exist; return how
    many companies were added."""
    if db.session.scalar(select(User.id).where(User.email.like(f"%@{DOMAIN}"))):
        return 0
    officer = demo_officer()
    fields = {f.name: f for f in db.session.scalars(select(BusinessField))}
    added = 0
    for number, (name, field, regency, title, states, reports) in enumerate(
        PARTNERS, start=1
    ):
        program = db.session.scalar(select(Program).where(Program.name == title))
        if program is None or not program.is_open:
            continue
        user = demo_mitra(number, name, fields[field], regency)
        application, _created = workflow.submit_application(user, program)
        for state in states:
            if state == "SELESAI":
                add_reports(application, user, reports)
            workflow.transition(application, state, officer, note=None)
            if state == "DISETUJUI" and reports:
                # Demo work started weeks ago: its history says so.
                set_back(application, days=reports[0][0] + 7)
        if "SELESAI" not in states:
            add_reports(application, user, reports)
        added += 1
    log.info("demo partners added: %d", added)
    return added


def set_back(application, days):
    """Date the demo application's history ``days`` earlier, so its
    reports (which may not predate the approval) can lie in the past. Demo
    data only: real history is never rewritten."""
    db.session.execute(
        update(StatusChange)
        .where(StatusChange.cooperation_id == application.id)
        .values(created_at=utcnow() - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def demo_officer():
    """A Balai officer of BPJN Kalimantan Selatan who cannot log in."""
    balai = db.session.scalar(select(Balai).where(Balai.code == "BPJN-KALSEL"))
    officer = User(
        email=f"balai@{DOMAIN}",
        role=Role.BALAI,
        balai=balai,
        activated_at=utcnow(),
    )
    db.session.add(officer)
    db.session.flush()
    return officer


def demo_mitra(number, name, field, regency_code):
    user = User(email=f"mitra{number}@{DOMAIN}", role=Role.MITRA, activated_at=utcnow())
    mitra = Mitra(
        user=user,
        name=name,
        business_field=field,
        address="Jl. Contoh No. 1",
        province_code=regency_code[:2],
        regency_code=regency_code,
        contact_name="Kontak Demo",
        whatsapp="+6281200000000",
        contact_position="Direktur",
        estimated_value_idr=1_000_000_000,
        consent_text=CONSENT_TEXT,
        consented_at=utcnow(),
        logo=store_image(picture(name, logo=True), "logo"),
        notify_by_email=False,
    )
    db.session.add_all([user, mitra])
    db.session.flush()
    return user


def add_reports(application, user, reports):
    today = progress.today_for(application.mitra)
    for days_ago, percent, text in reports:
        values = progress.ReportValues(today - timedelta(days=days_ago), percent, text)
        photo = store_image(picture(f"{percent}%"), "photo")
        progress.add_report(application, user, values, [photo])


def picture(label, logo=False):
    """A drawn stand-in for a photo (a road with its centre line) or a
    logo, as an upload."""
    size = (160, 160) if logo else (960, 640)
    image = Image.new("RGB", size, "#0b4f8a" if logo else "#9cc4e4")
    draw = ImageDraw.Draw(image)
    width, height = size
    if logo:
        draw.ellipse((16, 16, width - 16, height - 16), fill="#f5b700")
        draw.text((width // 2 - 8, height // 2 - 6), label[:2].upper(), fill="#0b4f8a")
    else:
        draw.rectangle((0, height // 2, width, height), fill="#6b8e4e")
        draw.polygon(
            [
                (width * 0.4, height // 2),
                (width * 0.6, height // 2),
                (width, height),
                (0, height),
            ],
            fill="#4a4f57",
        )
        for step in range(6):
            top = height // 2 + step * height // 12
            draw.rectangle(
                (width // 2 - 4, top, width // 2 + 4, top + height // 30),
                fill="#f5b700",
            )
        draw.text((24, 24), label, fill="#1b2430")
    buffer = io.BytesIO()
    image.save(buffer, "PNG" if logo else "JPEG", quality=80)
    buffer.seek(0)
    return FileStorage(buffer, filename="demo.png" if logo else "demo.jpg")
