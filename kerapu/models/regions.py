"""Kemendagri regions and the Balai that cover them."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kerapu.extensions import db

TIME_ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class Province(db.Model):
    __tablename__ = "provinces"

    #: Kemendagri code, e.g. "63".
    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    #: "WIB", "WITA" or "WIT".
    time_zone: Mapped[str] = mapped_column(String(4))

    regencies: Mapped[list["Regency"]] = relationship(
        back_populates="province", order_by="Regency.code"
    )

    def __repr__(self):
        return f"<Province {self.code} {self.name}>"


class Regency(db.Model):
    """A kabupaten or kota."""

    __tablename__ = "regencies"

    #: Kemendagri code, e.g. "63.03".
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    #: Official name: "Kabupaten Banjar", "Kota Administrasi Jakarta Selatan".
    name: Mapped[str] = mapped_column(String(80))
    #: What tables show: "Kab. Banjar", "Kota Adm. Jakarta Selatan".
    short_name: Mapped[str] = mapped_column(String(80))
    balai_id: Mapped[int | None] = mapped_column(ForeignKey("balai.id"), index=True)

    province: Mapped[Province] = relationship(back_populates="regencies")
    balai: Mapped["Balai | None"] = relationship(back_populates="regencies")

    def __repr__(self):
        return f"<Regency {self.code} {self.name}>"


class Balai(db.Model):
    """A regional road office (BBPJN or BPJN), or PUSAT."""

    __tablename__ = "balai"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable slug from the data file, e.g. "BPJN-KALSEL".
    code: Mapped[str] = mapped_column(String(30), unique=True)
    #: "BPJN Kalimantan Selatan": the catalogue's Unit Kerja.
    short_name: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    #: "BBPJN", "BPJN" or "PUSAT".
    kind: Mapped[str] = mapped_column(String(5))
    city: Mapped[str] = mapped_column(String(80))
    time_zone: Mapped[str] = mapped_column(String(4))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(120))

    regencies: Mapped[list[Regency]] = relationship(
        back_populates="balai", order_by=Regency.code
    )

    def __repr__(self):
        return f"<Balai {self.id} {self.code}>"

    @property
    def province_names(self):
        """Names of the provinces this Balai works in, in code order."""
        seen = {}
        for regency in self.regencies:
            seen.setdefault(regency.province_code, regency.province.name)
        return [seen[code] for code in sorted(seen)]
