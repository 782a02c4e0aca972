"""Update Kegiatan: progress reports on approved work.

Reports of one cooperation form a series in date order whose percentages
never go down. The first report moves an approved item to PELAKSANAAN; a
report of 100 % tells the Balai it may mark the work SELESAI. The author
may correct a report until the Balai acknowledges it.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kerapu.extensions import db
from kerapu.models import Cooperation, ProgressPhoto, ProgressReport, Role, Status
from kerapu.models.regions import TIME_ZONES
from kerapu.models.workflow import REPORTABLE, utcnow
from kerapu.services.submissions import claim_submission, record_target
from kerapu.services.workflow import Refused, may_act_on, notify_balai, transition

log = logging.getLogger(__name__)

#: Photos one report may carry.
MAX_PHOTOS = 5
#: Longest description, in characters.
DESCRIPTION_MAX_LENGTH = 2000


@dataclass
class ReportValues:
    """What the Update Kegiatan form gives; each value already parsed."""

    reported_on: date
    percent: int
    description: str


def zone_of(mitra):
    return ZoneInfo(TIME_ZONES.get(mitra.time_zone, TIME_ZONES["WIB"]))


def today_for(mitra):
    """Today's date where the mitra is (WIB, WITA or WIT)."""
    return datetime.now(zone_of(mitra)).date()


def approved_on(cooperation):
    """The day, where the mitra is, the work was last approved; None if
    it never was."""
    for change in reversed(cooperation.history):
        if change.to_status is Status.DISETUJUI:
            moment = change.created_at
            if moment.tzinfo is None:  # SQLite hands back naive UTC
                moment = moment.replace(tzinfo=UTC)
            return moment.astimezone(zone_of(cooperation.mitra)).date()
    return None


def lock(cooperation):
    """Hold the cooperation's row until commit (PostgreSQL), so two reports
    sent at once are checked one after the other. SQLite serialises writing
    requests already (kerapu/__init__.py)."""
    db.session.execute(
        select(Cooperation.id).where(Cooperation.id == cooperation.id).with_for_update()
    )


def check_author(cooperation, user):
    if user.role is not Role.MITRA or not may_act_on(user, cooperation):
        raise Refused(_l("Hanya mitra pelaksana yang dapat melaporkan kemajuan."))


def check_values(cooperation, values, before=None, after=None):
    """Refuse a report that does not fit between its neighbours."""
    if not 0 <= values.percent <= 100:
        raise Refused(_l("Kemajuan harus antara 0 dan 100 persen."), field="percent")
    description = values.description.strip()
    if not description:
        raise Refused(_l("Tuliskan uraian kemajuan."), field="description")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise Refused(
            _l("Uraian paling banyak %(max)d karakter.", max=DESCRIPTION_MAX_LENGTH),
            field="description",
        )
    start = approved_on(cooperation)
    if start is not None and values.reported_on < start:
        raise Refused(
            _l(
                "Tanggal laporan tidak boleh sebelum program disetujui (%(date)s).",
                date=format_date(start, "d MMMM y", locale="id_ID"),
            ),
            field="reported_on",
        )
    if values.reported_on > today_for(cooperation.mitra):
        raise Refused(
            _l("Tanggal laporan tidak boleh setelah hari ini."), field="reported_on"
        )
    if before is not None:
        if values.percent < before.percent:
            raise Refused(
                _l(
                    "Kemajuan tidak boleh lebih kecil dari laporan sebelumnya "
                    "(%(percent)d%%).",
                    percent=before.percent,
                ),
                field="percent",
            )
        if values.reported_on < before.reported_on:
            raise Refused(
                _l("Tanggal laporan tidak boleh sebelum tanggal laporan sebelumnya."),
                field="reported_on",
            )
    if after is not None:
        if values.percent > after.percent:
            raise Refused(
                _l(
                    "Kemajuan tidak boleh lebih besar dari laporan berikutnya "
                    "(%(percent)d%%).",
                    percent=after.percent,
                ),
                field="percent",
            )
        if values.reported_on > after.reported_on:
            raise Refused(
                _l("Tanggal laporan tidak boleh setelah tanggal laporan berikutnya."),
                field="reported_on",
            )


def add_report(cooperation, user, values, photo_names, key=None):
    """Record a progress report with its stored photos.

    With the form's one-time ``key``, the same form sent again records
    nothing and returns None. The first report moves DISETUJUI to
    PELAKSANAAN; one of 100 % tells the Balai the work may be marked
    SELESAI."""
    check_author(cooperation, user)
    if key is not None and not claim_submission(key, "report"):
        return None
    lock(cooperation)
    db.session.refresh(cooperation)
    if cooperation.status not in REPORTABLE:
        raise Refused(
            _l(
                "Laporan kemajuan dapat dibuat setelah program disetujui dan "
                "sebelum dinyatakan selesai."
            )
        )
    if len(photo_names) > MAX_PHOTOS:
        raise Refused(_l("Paling banyak %(max)d foto.", max=MAX_PHOTOS), field="photos")
    latest = cooperation.latest_report
    if latest is not None and same_report(latest, values):
        # The same form sent again after Back: a new key, the same report.
        raise Refused(_l("Laporan yang sama sudah tersimpan."))
    check_values(cooperation, values, before=latest)
    report = ProgressReport(
        cooperation_id=cooperation.id,
        author_id=user.id,
        reported_on=values.reported_on,
        percent=values.percent,
        description=values.description.strip(),
        photos=[
            ProgressPhoto(name=name, position=position)
            for position, name in enumerate(photo_names)
        ],
    )
    db.session.add(report)
    db.session.flush()
    if key is not None:
        record_target(key, report.id)
    db.session.expire(cooperation, ["reports"])
    log.info(
        "progress report %s on cooperation %s: %d%% by user %s",
        report.id,
        cooperation.id,
        report.percent,
        user.id,
    )
    if cooperation.status is Status.DISETUJUI:
        transition(
            cooperation,
            Status.PELAKSANAAN,
            user,
            note=str(_l("Laporan kemajuan pertama.")),
        )
    if report.percent == 100:
        notify_balai(cooperation, "completed", report=report)
    return report


def same_report(report, values):
    return (
        report.reported_on == values.reported_on
        and report.percent == values.percent
        and report.description == values.description.strip()
    )


def neighbours(report):
    """The reports just before and after ``report`` in its series."""
    series = report.cooperation.reports
    index = series.index(report)
    before = series[index - 1] if index > 0 else None
    after = series[index + 1] if index + 1 < len(series) else None
    return before, after


def correct_report(report, user, values, removed, added):
    """Correct a report not yet acknowledged: new values, the stored photo
    names in ``removed`` taken off and those in ``added`` put on.

    Returns the names taken off, for the caller to delete after commit."""
    cooperation = report.cooperation
    check_author(cooperation, user)
    lock(cooperation)
    db.session.refresh(cooperation)
    db.session.refresh(report)
    if report.is_acknowledged:
        raise Refused(
            _l("Laporan ini sudah diterima Balai dan tidak dapat diubah lagi.")
        )
    if cooperation.status not in REPORTABLE:
        raise Refused(_l("Laporan tidak dapat diubah setelah program selesai."))
    kept = [photo for photo in report.photos if photo.name not in set(removed)]
    if len(kept) + len(added) > MAX_PHOTOS:
        raise Refused(_l("Paling banyak %(max)d foto.", max=MAX_PHOTOS), field="photos")
    before, after = neighbours(report)
    check_values(cooperation, values, before=before, after=after)
    was_complete = report.percent == 100
    report.reported_on = values.reported_on
    report.percent = values.percent
    report.description = values.description.strip()
    gone = [photo.name for photo in report.photos if photo not in kept]
    report.photos = kept + [ProgressPhoto(name=name) for name in added]
    for position, photo in enumerate(report.photos):
        photo.position = position
    db.session.flush()
    log.info(
        "progress report %s corrected by user %s (%d photos off, %d on)",
        report.id,
        user.id,
        len(gone),
        len(added),
    )
    if report.percent == 100 and not was_complete and after is None:
        notify_balai(cooperation, "completed", report=report)
    return gone


def acknowledge_report(report, user):
    """Staff of the Balai accept a report; its author can no longer
    change it."""
    cooperation = report.cooperation
    if user.role not in (Role.BALAI, Role.PUSAT) or not may_act_on(user, cooperation):
        raise Refused(_l("Anda tidak berwenang menerima laporan ini."))
    if report.is_acknowledged:
        return
    report.acknowledged_at = utcnow()
    report.acknowledged_by_id = user.id
    log.info("progress report %s acknowledged by user %s", report.id, user.id)
