"""Program KSPU: the packages the catalogue offers, and their categories."""

import enum
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kerapu.extensions import db
from kerapu.models.regions import Balai, Regency


def utcnow():
    return datetime.now(UTC)


class ProgramVisibility(enum.StrEnum):
    DRAF = "DRAF"  # only its Balai sees it
    DIBUKA = "DIBUKA"  # in the catalogue, open for applications
    DITUTUP = "DITUTUP"  # in the catalogue, closed

    @property
    def label(self):
        return {"DRAF": "Draf", "DIBUKA": "Dibuka", "DITUTUP": "Ditutup"}[self.value]


class Category(db.Model):
    """A program category (Kategori Program), editable by pusat."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self):
        return f"<Category {self.id} {self.name}>"


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Kegiatan: the package's name as the Balai wrote it.
    name: Mapped[str] = mapped_column(String(300))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    sub_category: Mapped[str | None] = mapped_column(String(200))
    #: Unit Kerja.
    balai_id: Mapped[int] = mapped_column(ForeignKey("balai.id"), index=True)
    #: The commitment officer's unit, free text ("PPK 2.1").
    ppk: Mapped[str | None] = mapped_column(String(60))
    #: Volume in thousandths of its unit (1,25 km is 1250), so it stays exact.
    volume_milli: Mapped[int | None] = mapped_column(BigInteger)
    volume_unit: Mapped[str | None] = mapped_column(String(20))
    #: Lokasi (ruas): "Ruas Jalan Martapura - Ds. Tungkap".
    location: Mapped[str | None] = mapped_column(String(300))
    #: Road chainage, "km+metres": "0+000", "1+255.83".
    sta_start: Mapped[str | None] = mapped_column(String(20))
    sta_end: Mapped[str | None] = mapped_column(String(20))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    #: Copied from the regency, so province filters need no join.
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    #: Nilai in whole Rupiah; empty while not yet set.
    value_idr: Mapped[int | None] = mapped_column(BigInteger)
    description: Mapped[str | None] = mapped_column(Text)
    #: The mitra whose application or proposal for this program was
    #: approved; set by ``services.workflow``. A taken program accepts no
    #: more applications.
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("mitra.id"))
    visibility: Mapped[ProgramVisibility] = mapped_column(
        Enum(ProgramVisibility, native_enum=False, length=10),
        default=ProgramVisibility.DRAF,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    category: Mapped[Category] = relationship()
    balai: Mapped[Balai] = relationship()
    regency: Mapped[Regency] = relationship()
    taken_by: Mapped["Mitra | None"] = relationship()  # noqa: F821

    def __repr__(self):
        return f"<Program {self.id}>"

    @property
    def volume(self):
        """The volume as an exact Decimal, or None."""
        if self.volume_milli is None:
            return None
        return Decimal(self.volume_milli) / 1000

    @property
    def is_public(self):
        return self.visibility != ProgramVisibility.DRAF

    @property
    def availability(self):
        """The catalogue's Keterangan: (style name, label)."""
        if self.taken_by_id is not None:
            return "diambil", _l("Sudah diambil")
        return self.visibility.value.lower(), self.visibility.label

    @property
    def is_open(self):
        """In the catalogue, open, and not yet taken by a mitra."""
        return self.visibility == ProgramVisibility.DIBUKA and self.taken_by_id is None


class CatalogueState(db.Model):
    """One row whose ``version`` changes with every change the catalogue
    shows, so each app server knows when its cached answers went stale."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)

    def __repr__(self):
        return f"<CatalogueState {self.id} v{self.version}>"
