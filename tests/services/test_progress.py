"""Update Kegiatan: progress reports, their corrections and acknowledgement."""

import logging
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from kerapu.models import (
    Cooperation,
    ProgressPhoto,
    ProgressReport,
    Role,
    Status,
    StatusChange,
)
from kerapu.services import progress, workflow
from kerapu.services.progress import ReportValues
from kerapu.services.workflow import Refused

S = Status


def today_there():
    """Today where the test mitra are (Kalimantan Selatan, WITA): "after
    today" means after this, whatever the date in UTC."""
    return datetime.now(ZoneInfo("Asia/Makassar")).date()


@pytest.fixture
def work(db, make_application, advance):
    """An approved application (DISETUJUI), or one moved along ``statuses``."""

    def make(*statuses):
        return advance(make_application(), *(statuses or ("DISETUJUI",)))

    return make


def values(percent, days_ago=0, description="Pemasangan rambu selesai sebagian."):
    return ReportValues(today_there() - timedelta(days=days_ago), percent, description)


def report_count(db, item):
    return db.session.scalar(
        select(func.count(ProgressReport.id)).where(
            ProgressReport.cooperation_id == item.id
        )
    )


def history_count(db, item):
    return db.session.scalar(
        select(func.count(StatusChange.id)).where(
            StatusChange.cooperation_id == item.id
        )
    )


def refused_report(db, item, user, report_values, photos=(), message=None):
    """Adding the report is refused with ``message``; nothing is stored."""
    reports, moves = report_count(db, item), history_count(db, item)
    with pytest.raises(Refused) as refused:
        progress.add_report(item, user, report_values, list(photos))
    assert report_count(db, item) == reports
    assert history_count(db, item) == moves
    if message is not None:
        assert refused.value.message == message
    return refused.value


def test_report_dated_before_the_approval_is_refused(db, work):
    item = work()  # approved 60 days ago (tests/conftest.py, advance)

    refused = refused_report(db, item, item.mitra.user, values(10, days_ago=61))

    assert refused.field == "reported_on"
    assert refused.message.startswith(
        "Tanggal laporan tidak boleh sebelum program disetujui ("
    )
    assert progress.add_report(item, item.mitra.user, values(10, days_ago=60), [])


def test_the_same_report_sent_again_is_refused(db, work):
    item = work()
    progress.add_report(item, item.mitra.user, values(30), [])

    refused_report(
        db,
        item,
        item.mitra.user,
        values(30),
        message="Laporan yang sama sudah tersimpan.",
    )
    assert progress.add_report(
        item, item.mitra.user, values(30, description="Lagi."), []
    )


def test_first_report_starts_the_work(db, work, caplog):
    item = work()
    mitra = item.mitra.user

    with caplog.at_level(logging.INFO, logger="kerapu"):
        report = progress.add_report(item, mitra, values(10), ["photo-a.jpg"])

    assert item.status is S.PELAKSANAAN
    change = item.history[-1]
    assert (change.from_status, change.to_status) == (S.DISETUJUI, S.PELAKSANAAN)
    assert change.actor_id == mitra.id
    assert change.note == "Laporan kemajuan pertama."
    assert report.author_id == mitra.id
    assert report.percent == 10
    assert [photo.name for photo in report.photos] == ["photo-a.jpg"]
    assert item.progress == 10
    assert (
        f"progress report {report.id} on cooperation {item.id}: 10% by user {mitra.id}"
        in caplog.messages
    )


def test_later_reports_add_no_status_change(db, work):
    item = work()
    progress.add_report(item, item.mitra.user, values(10, days_ago=3), [])
    moves = history_count(db, item)

    progress.add_report(item, item.mitra.user, values(10, days_ago=1), [])
    progress.add_report(item, item.mitra.user, values(35), [])

    assert history_count(db, item) == moves
    assert [r.percent for r in item.reports] == [10, 10, 35]
    assert item.progress == 35


def test_report_of_100_percent_tells_the_balai(db, work, make_staff, outbox):
    staff = make_staff("BPJN-KALSEL")
    item = work("DISETUJUI", "PELAKSANAAN")
    before = len(outbox())

    progress.add_report(item, item.mitra.user, values(100), [])

    mails = outbox()[before:]
    assert staff.email in {mail.recipient for mail in mails}
    assert all(mail.recipient.endswith("@pu.go.id") for mail in mails)
    for mail in mails:
        assert mail.subject == "Kemajuan 100%: Program Uji"
        assert "melaporkan kemajuan 100% untuk" in mail.body_text
    workflow.transition(item, S.SELESAI, staff)
    assert item.status is S.SELESAI


@pytest.mark.parametrize(
    "statuses",
    [
        (),
        ("PERLU_PERBAIKAN",),
        ("DITOLAK",),
        ("DIBATALKAN",),
        ("DISETUJUI", "PELAKSANAAN", "SELESAI"),
    ],
    ids=lambda s: s[-1] if s else "DIAJUKAN",
)
def test_report_only_on_approved_work(db, make_application, advance, statuses):
    item = advance(make_application(), *statuses)

    refused_report(
        db,
        item,
        item.mitra.user,
        values(100),
        message="Laporan kemajuan dapat dibuat setelah program disetujui dan "
        "sebelum dinyatakan selesai.",
    )


def test_report_reads_the_status_afresh(db, work):
    """A report sent from a page opened before the Balai closed the work."""
    item = work("DISETUJUI", "PELAKSANAAN")
    progress.add_report(item, item.mitra.user, values(100, days_ago=1), [])
    table = Cooperation.__table__
    db.session.connection().execute(
        update(table).where(table.c.id == item.id).values(status="SELESAI")
    )
    assert item.status is S.PELAKSANAAN  # what the request loaded

    refused_report(db, item, item.mitra.user, values(100))


@pytest.mark.parametrize(
    ("percent", "field", "message"),
    [
        (101, "percent", "Kemajuan harus antara 0 dan 100 persen."),
        (-1, "percent", "Kemajuan harus antara 0 dan 100 persen."),
        (
            29,
            "percent",
            "Kemajuan tidak boleh lebih kecil dari laporan sebelumnya (30%).",
        ),
    ],
)
def test_percent_stays_in_range_and_never_goes_down(db, work, percent, field, message):
    item = work()
    progress.add_report(item, item.mitra.user, values(30, days_ago=2), [])

    user = item.mitra.user
    refused = refused_report(db, item, user, values(percent), message=message)

    assert refused.field == field


def test_same_percent_as_before_is_fine(db, work):
    item = work()
    progress.add_report(item, item.mitra.user, values(30, days_ago=2), [])

    progress.add_report(item, item.mitra.user, values(30), [])

    assert report_count(db, item) == 2


def test_report_cannot_be_dated_tomorrow_where_the_mitra_is(db, work):
    item = work()
    zone = ZoneInfo("Asia/Makassar")  # Kalimantan Selatan: WITA
    assert item.mitra.time_zone == "WITA"
    today_there = datetime.now(zone).date()

    refused = refused_report(
        db,
        item,
        item.mitra.user,
        ReportValues(today_there + timedelta(days=1), 10, "Besok."),
        message="Tanggal laporan tidak boleh setelah hari ini.",
    )
    assert refused.field == "reported_on"
    progress.add_report(
        item, item.mitra.user, ReportValues(today_there, 10, "Hari ini."), []
    )


def test_report_cannot_be_dated_before_the_last_one(db, work):
    item = work()
    progress.add_report(item, item.mitra.user, values(30, days_ago=2), [])

    refused_report(
        db,
        item,
        item.mitra.user,
        values(40, days_ago=3),
        message="Tanggal laporan tidak boleh sebelum tanggal laporan sebelumnya.",
    )


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("", "Tuliskan uraian kemajuan."),
        ("   \n  ", "Tuliskan uraian kemajuan."),
        ("x" * 2001, "Uraian paling banyak 2000 karakter."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_report_needs_a_description(db, work, description, message):
    item = work()

    refused_report(
        db, item, item.mitra.user, values(10, description=description), message=message
    )


def test_at_most_five_photos(db, work):
    item = work()
    names = [f"photo-{n}.jpg" for n in range(6)]

    refused_report(
        db, item, item.mitra.user, values(10), names, message="Paling banyak 5 foto."
    )
    report = progress.add_report(item, item.mitra.user, values(10), names[:5])
    assert [photo.position for photo in report.photos] == [0, 1, 2, 3, 4]


def test_only_its_mitra_reports(db, work, make_staff, make_mitra):
    item = work()
    for user in (
        make_staff("BPJN-KALSEL"),
        make_staff(None, role=Role.PUSAT),
        make_mitra(),
    ):
        refused_report(
            db,
            item,
            user,
            values(10),
            message="Hanya mitra pelaksana yang dapat melaporkan kemajuan.",
        )
    assert item.status is S.DISETUJUI


# -- Corrections --------------------------------------------------------------


def photo_names(db, report):
    return db.session.scalars(
        select(ProgressPhoto.name)
        .where(ProgressPhoto.report_id == report.id)
        .order_by(ProgressPhoto.position)
    ).all()


def test_author_corrects_a_report_and_its_photos(db, work):
    item = work()
    report = progress.add_report(
        item, item.mitra.user, values(20, days_ago=1), ["photo-1.jpg", "photo-2.jpg"]
    )

    gone = progress.correct_report(
        report,
        item.mitra.user,
        values(25, days_ago=1, description="Diperbaiki."),
        removed=["photo-1.jpg"],
        added=["photo-3.jpg", "photo-4.jpg"],
    )

    assert gone == ["photo-1.jpg"]
    db.session.expire_all()
    report = db.session.get(ProgressReport, report.id)
    assert report.percent == 25
    assert report.description == "Diperbaiki."
    assert photo_names(db, report) == ["photo-2.jpg", "photo-3.jpg", "photo-4.jpg"]
    assert [photo.position for photo in report.photos] == [0, 1, 2]
    gone = select(ProgressPhoto).where(ProgressPhoto.name == "photo-1.jpg")
    assert db.session.scalars(gone).all() == []


def test_correction_stays_between_its_neighbours(db, work):
    item = work()
    user = item.mitra.user
    progress.add_report(item, user, values(20, days_ago=4), [])
    middle = progress.add_report(item, user, values(40, days_ago=2), [])
    progress.add_report(item, user, values(60), [])

    for changed, message in [
        (values(19, days_ago=2), "lebih kecil dari laporan sebelumnya (20%)"),
        (values(61, days_ago=2), "lebih besar dari laporan berikutnya (60%)"),
        (values(40, days_ago=5), "sebelum tanggal laporan sebelumnya"),
        (values(40, days_ago=0), None),
        (values(40, days_ago=-1), "setelah hari ini"),
    ]:
        if message is None:
            progress.correct_report(middle, user, changed, [], [])
            continue
        with pytest.raises(Refused, match=re.escape(message)):
            progress.correct_report(middle, user, changed, [], [])
    db.session.refresh(middle)
    assert middle.percent == 40


def test_correction_keeps_five_photos_at_most(db, work):
    item = work()
    names = [f"photo-{n}.jpg" for n in range(4)]
    report = progress.add_report(item, item.mitra.user, values(10), names)

    with pytest.raises(Refused, match="Paling banyak 5 foto."):
        progress.correct_report(
            report, item.mitra.user, values(10), [], ["photo-x.jpg", "photo-y.jpg"]
        )
    progress.correct_report(
        report, item.mitra.user, values(10), ["photo-0.jpg"], ["x.jpg", "y.jpg"]
    )
    assert len(photo_names(db, report)) == 5


def test_acknowledged_report_can_no_longer_be_corrected(db, work, make_staff):
    item = work()
    report = progress.add_report(item, item.mitra.user, values(10), ["photo-1.jpg"])
    staff = make_staff("BPJN-KALSEL")

    progress.acknowledge_report(report, staff)

    assert report.is_acknowledged
    assert report.acknowledged_by_id == staff.id
    with pytest.raises(Refused) as refused:
        progress.correct_report(
            report, item.mitra.user, values(50), ["photo-1.jpg"], []
        )
    assert refused.value.message == (
        "Laporan ini sudah diterima Balai dan tidak dapat diubah lagi."
    )
    db.session.refresh(report)
    assert report.percent == 10
    assert photo_names(db, report) == ["photo-1.jpg"]


def test_only_the_author_corrects(db, work, make_mitra, make_staff):
    item = work()
    report = progress.add_report(item, item.mitra.user, values(10), [])

    for user in (make_mitra(), make_staff("BPJN-KALSEL")):
        with pytest.raises(Refused, match="Hanya mitra pelaksana"):
            progress.correct_report(report, user, values(90), [], [])
    db.session.refresh(report)
    assert report.percent == 10


def test_report_of_finished_work_cannot_be_corrected(db, work, make_staff):
    item = work("DISETUJUI", "PELAKSANAAN")
    report = progress.add_report(item, item.mitra.user, values(100), [])
    workflow.transition(item, S.SELESAI, make_staff("BPJN-KALSEL"))

    with pytest.raises(Refused, match="setelah program selesai"):
        progress.correct_report(report, item.mitra.user, values(100), [], [])


def test_only_staff_of_its_balai_acknowledge(db, work, make_staff, make_mitra):
    item = work()
    report = progress.add_report(item, item.mitra.user, values(10), [])

    for user in (make_staff("BPJN-NTB"), item.mitra.user, make_mitra()):
        with pytest.raises(Refused, match="tidak berwenang menerima laporan"):
            progress.acknowledge_report(report, user)
    assert not report.is_acknowledged
    progress.acknowledge_report(report, make_staff(None, role=Role.PUSAT))
    assert report.is_acknowledged
