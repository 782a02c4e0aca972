"""The mitra's part in programs: applications and proposals (one workflow),
their status history, and the progress reports of approved work.

``Cooperation`` is what the mitra's "Program saya" lists: either an
``Application`` (Pengajuan, "Ajukan Program" on a published program) or a
``Proposal`` (Usulan Program, a program the mitra proposes itself). Both
move through the states of ``Status``; every move is one ``StatusChange``
row, and ``Cooperation.status`` is a copy of the latest row's status, kept
for lists and changed only by ``kerapu.services.workflow.transition``.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kerapu.extensions import db
from kerapu.models.accounts import Mitra, User
from kerapu.models.programs import Category, Program, utcnow
from kerapu.models.regions import Balai, Province, Regency


class Status(enum.StrEnum):
    """The workflow states; the code is stored, the label shown."""

    DIAJUKAN = "DIAJUKAN"
    PERLU_PERBAIKAN = "PERLU_PERBAIKAN"
    DISETUJUI = "DISETUJUI"
    DITOLAK = "DITOLAK"
    PELAKSANAAN = "PELAKSANAAN"
    SELESAI = "SELESAI"
    DIBATALKAN = "DIBATALKAN"

    @property
    def label(self):
        return STATUS_LABELS[self]

    @property
    def is_active(self):
        """Still going: neither refused nor withdrawn."""
        return self not in (Status.DITOLAK, Status.DIBATALKAN)

    @property
    def is_approved(self):
        """Approved and not undone: the mitra has the program."""
        return self in APPROVED


STATUS_LABELS = {
    Status.DIAJUKAN: _l("Proses Pengajuan"),
    Status.PERLU_PERBAIKAN: _l("Perlu Perbaikan"),
    Status.DISETUJUI: _l("Disetujui"),
    Status.DITOLAK: _l("Ditolak"),
    Status.PELAKSANAAN: _l("Pelaksanaan"),
    Status.SELESAI: _l("Selesai"),
    Status.DIBATALKAN: _l("Dibatalkan"),
}

APPROVED = frozenset({Status.DISETUJUI, Status.PELAKSANAAN, Status.SELESAI})

#: States in which the mitra reports progress (Update Kegiatan).
REPORTABLE = frozenset({Status.DISETUJUI, Status.PELAKSANAAN})


class Kind(enum.StrEnum):
    PENGAJUAN = "PENGAJUAN"  # Application
    USULAN = "USULAN"  # Proposal

    @property
    def label(self):
        return {Kind.PENGAJUAN: _l("Pengajuan"), Kind.USULAN: _l("Usulan")}[self]


class Cooperation(db.Model):
    """A mitra's application to a program, or its own proposal."""

    __tablename__ = "cooperations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(Enum(Kind, native_enum=False, length=10))
    mitra_id: Mapped[int] = mapped_column(ForeignKey("mitra.id"))
    #: The Balai that verifies: the program's, or for a proposal the Balai
    #: of its kabupaten/kota.
    balai_id: Mapped[int] = mapped_column(ForeignKey("balai.id"))
    #: The program applied to; for a proposal, the program it became once
    #: approved.
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id"), index=True
    )
    #: The latest ``StatusChange``'s status (see the module docstring).
    status: Mapped[Status] = mapped_column(Enum(Status, native_enum=False, length=20))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    mitra: Mapped[Mitra] = relationship()
    balai: Mapped[Balai] = relationship()
    program: Mapped[Program | None] = relationship()
    history: Mapped[list["StatusChange"]] = relationship(
        back_populates="cooperation",
        order_by="StatusChange.sequence",
        viewonly=True,
    )
    reports: Mapped[list["ProgressReport"]] = relationship(
        back_populates="cooperation",
        order_by="[ProgressReport.reported_on, ProgressReport.id]",
        viewonly=True,
    )

    __mapper_args__ = {"polymorphic_on": "kind"}
    __table_args__ = (
        Index("ix_cooperations_mitra_id_status", "mitra_id", "status"),
        Index("ix_cooperations_balai_id_status", "balai_id", "status"),
        # One live application per mitra and program, however many clicks
        # or tabs; a withdrawn or refused one does not block a new one.
        Index(
            "uq_cooperations_live_application",
            "mitra_id",
            "program_id",
            unique=True,
            sqlite_where=text(
                "kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"
            ),
            postgresql_where=text(
                "kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"
            ),
        ),
        CheckConstraint(
            "kind = 'USULAN' OR program_id IS NOT NULL", name="application_program"
        ),
    )

    def __repr__(self):
        return f"<{type(self).__name__} {self.id} {self.status}>"

    def last_note(self, status):
        """The note of the latest move to ``status``, if any."""
        for change in reversed(self.history):
            if change.to_status == status:
                return change.note
        return None

    @property
    def latest_report(self):
        return self.reports[-1] if self.reports else None

    @property
    def progress(self):
        """Percent of the latest report, or None before the first."""
        latest = self.latest_report
        return latest.percent if latest else None


class Application(Cooperation):
    """Pengajuan: the mitra asks to take a published program."""

    __mapper_args__ = {"polymorphic_identity": Kind.PENGAJUAN}

    @property
    def title(self):
        return self.program.name

    @property
    def location(self):
        return self.program.location

    @property
    def value_idr(self):
        return self.program.value_idr


class Proposal(Cooperation):
    """Usulan Program: a program the mitra proposes itself. Once approved
    it becomes a ``Program`` of its Balai, taken by the mitra."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    #: Usulan Nama Paket.
    name: Mapped[str] = mapped_column(String(300))
    #: Lokasi: the road or place, free text.
    location: Mapped[str] = mapped_column(String(300))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"))
    #: Uraian Program.
    description: Mapped[str] = mapped_column(Text)
    #: Uraian Kegiatan.
    activities: Mapped[str] = mapped_column(Text)
    #: Estimasi Waktu Pelaksanaan, in months.
    duration_months: Mapped[int]
    #: Estimasi Nilai Kerja Sama.
    value_idr: Mapped[int] = mapped_column(BigInteger)

    category: Mapped[Category] = relationship()
    province: Mapped[Province] = relationship()
    regency: Mapped[Regency] = relationship()

    __mapper_args__ = {"polymorphic_identity": Kind.USULAN}

    @property
    def title(self):
        return self.name


class StatusChange(db.Model):
    """One move of a cooperation from a status to another; never changed.

    ``sequence`` counts a cooperation's moves from 1, and is unique with it:
    of two requests that move the same item at once, one commits and the
    other fails, whatever the database."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(ForeignKey("cooperations.id"))
    sequence: Mapped[int]
    #: None for the first row (the submission).
    from_status: Mapped[Status | None] = mapped_column(
        Enum(Status, native_enum=False, length=20)
    )
    to_status: Mapped[Status] = mapped_column(
        Enum(Status, native_enum=False, length=20)
    )
    #: Who moved it; kept when the account is later deleted (anonymised).
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The actor's role at the time: "MITRA", "BALAI" or "PUSAT".
    actor_role: Mapped[str] = mapped_column(String(10))
    #: The reason or message that came with it (required for a refusal and
    #: a request for changes).
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    cooperation: Mapped[Cooperation] = relationship(back_populates="history")
    actor: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("cooperation_id", "sequence"),)

    def __repr__(self):
        return f"<StatusChange {self.id} {self.from_status}->{self.to_status}>"


@event.listens_for(StatusChange, "before_update")
@event.listens_for(StatusChange, "before_delete")
def _history_is_append_only(_mapper, _connection, change):
    raise RuntimeError(f"status history is append-only: {change!r}")


class ProgressReport(db.Model):
    """Update Kegiatan: a dated progress entry on approved work."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    cooperation_id: Mapped[int] = mapped_column(
        ForeignKey("cooperations.id"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The day the progress was measured, as the mitra states it.
    reported_on: Mapped[date] = mapped_column(Date)
    #: Progress of the whole work, 0 to 100; never below an earlier report.
    percent: Mapped[int]
    description: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    #: Set when the Balai has read and accepted the report; from then on
    #: its author can no longer correct it.
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    cooperation: Mapped[Cooperation] = relationship(back_populates="reports")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    photos: Mapped[list["ProgressPhoto"]] = relationship(
        back_populates="report",
        order_by="ProgressPhoto.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
    )

    def __repr__(self):
        return f"<ProgressReport {self.id} {self.percent}%>"

    @property
    def is_acknowledged(self):
        return self.acknowledged_at is not None


class ProgressPhoto(db.Model):
    """A photo of a progress report (a stored upload of kind "photo")."""

    __tablename__ = "progress_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id"), index=True
    )
    #: Stored upload name (``services.uploads``), ``photo-<hex>.jpg``.
    name: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    report: Mapped[ProgressReport] = relationship(back_populates="photos")

    def __repr__(self):
        return f"<ProgressPhoto {self.id}>"
