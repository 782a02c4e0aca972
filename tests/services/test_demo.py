"""Demo data: the real samples exactly, and plausible generated programs."""

import re

from sqlalchemy import select

from kerapu.models import Program
from kerapu.services import demo

STA = re.compile(r"^\d+\+\d{3}(\.\d{2})?$")


def test_samples_are_loaded_once(db):
    assert demo.load_sample_programs() == 0
    names = set(db.session.scalars(select(Program.name)))
    assert {s["name"] for s in demo.SAMPLE_PROGRAMS} <= names


def test_generated_programs_are_plausible(db):
    before = db.session.query(Program).count()

    made = demo.generate_programs(300, seed=99)

    programs = db.session.scalars(
        select(Program).order_by(Program.id.desc()).limit(300)
    )
    programs = list(programs)
    assert made == 300
    assert db.session.query(Program).count() == before + 300
    assert {p.volume_unit for p in programs} >= {"km", "m", "buah", "titik", "unit"}
    values = [p.value_idr for p in programs]
    assert min(values) < 100_000_000
    assert max(values) > 10_000_000_000
    assert len({p.balai_id for p in programs}) > 20
    assert len({p.category_id for p in programs}) == 10
    assert all(re.fullmatch(r"PPK \d\.\d", p.ppk) for p in programs)
    assert all(
        STA.match(p.sta_start) and STA.match(p.sta_end) for p in programs if p.sta_start
    )


def test_generated_programs_leave_sample_searches_exact(client):
    demo.generate_programs(2000, seed=11)

    response = client.get("/program", query_string={"q": "paku jalan banjar"})

    assert "Tampilkan 1 s/d 1 dari 1 data" in response.text


def test_generated_programs_lie_in_their_balai_region(db):
    demo.generate_programs(100, seed=5)
    programs = db.session.scalars(
        select(Program).order_by(Program.id.desc()).limit(100)
    )

    for program in programs:
        if program.balai.code != "PUSAT":
            assert program.regency.balai_id == program.balai_id


def test_format_sta():
    assert demo._format_sta(0) == "0+000"
    assert demo._format_sta(1255.83) == "1+255.83"
    assert demo._format_sta(12050) == "12+050"


def test_demo_partners_show_work_at_every_stage(db, upload_folder):
    from kerapu.models import Cooperation, User
    from kerapu.services import demo_partners

    added = demo_partners.load_demo_partners()

    assert added == 3
    assert demo_partners.load_demo_partners() == 0
    demo = db.session.scalars(
        select(Cooperation)
        .join(Cooperation.mitra)
        .join(User)
        .where(User.email.like("%@demo.kerapu.invalid"))
    ).all()
    assert sorted(item.status.value for item in demo) == [
        "DIAJUKAN",
        "PELAKSANAAN",
        "SELESAI",
    ]
    assert all(item.mitra.user.password_hash is None for item in demo)
    assert all(report.photos for item in demo for report in item.reports)
