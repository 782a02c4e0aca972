"""Accounts: who logs in (``User``) and the company a mitra account speaks
for (``Mitra``)."""

import enum
import secrets
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, DateTime, Enum, ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kerapu.extensions import db
from kerapu.models.reference import BusinessField
from kerapu.models.regions import Balai, Province, Regency


def utcnow():
    return datetime.now(UTC)


def new_session_token():
    return secrets.token_urlsafe(24)


class Role(enum.StrEnum):
    MITRA = "MITRA"  # a company's contact person
    BALAI = "BALAI"  # staff of one Balai
    PUSAT = "PUSAT"  # central staff


class User(UserMixin, db.Model):
    """A login: a mitra's contact person, or Balai or pusat staff."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased (``services.accounts.normalise_email``); for a
    #: mitra it is the Email Badan Usaha.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: werkzeug scrypt hash; empty once the account is deleted.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=10))
    #: The Balai a balai staff member works for.
    balai_id: Mapped[int | None] = mapped_column(ForeignKey("balai.id"), index=True)
    #: Part of every session and "ingat saya" cookie: a new value ends them
    #: all (logout, password change, deactivation).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    activated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    balai: Mapped[Balai | None] = relationship()
    mitra: Mapped["Mitra | None"] = relationship(back_populates="user")

    def __repr__(self):
        return f"<User {self.id} {self.role}>"

    def get_id(self):
        """Flask-Login's id: the user and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_activated(self):
        return self.activated_at is not None

    @property
    def can_log_in(self):
        return (
            self.is_activated
            and self.deactivated_at is None
            and self.deleted_at is None
            and self.password_hash is not None
        )

    @property
    def display_name(self):
        """What the menu greets: the company for a mitra."""
        if self.mitra is not None:
            return self.mitra.name
        return self.email

    def end_sessions(self):
        """Invalidate every session and remember cookie of this account."""
        self.session_token = new_session_token()


class Mitra(db.Model):
    """A registered company (Mitra PU / Pelaku Usaha)."""

    __tablename__ = "mitra"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: Nama Badan Usaha.
    name: Mapped[str] = mapped_column(String(200))
    business_field_id: Mapped[int] = mapped_column(
        ForeignKey("business_fields.id"), index=True
    )
    #: Alamat Badan Usaha.
    address: Mapped[str] = mapped_column(String(500))
    #: Stored upload name (``services.uploads``), e.g. ``logo-<hex>.png``.
    logo: Mapped[str | None] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"))
    regency_code: Mapped[str] = mapped_column(ForeignKey("regencies.code"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120))
    #: E.164, ``+6281234567890``.
    whatsapp: Mapped[str] = mapped_column(String(20))
    contact_position: Mapped[str] = mapped_column(String(120))
    #: Estimasi Nominal Kerja Sama, whole Rupiah.
    estimated_value_idr: Mapped[int] = mapped_column(BigInteger)
    #: The consent text the contact person agreed to, word for word, and
    #: when (UU 27/2022 on personal data protection).
    consent_text: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Send an email on every status change of the mitra's applications
    #: and proposals (a setting on the profile).
    notify_by_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    #: Set when the account was deleted and its personal data removed; the
    #: row stays so program history keeps an (anonymous) party.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="mitra")
    business_field: Mapped[BusinessField] = relationship()
    province: Mapped[Province] = relationship()
    regency: Mapped[Regency] = relationship()

    def __repr__(self):
        return f"<Mitra {self.id}>"

    @property
    def time_zone(self):
        """ "WIB", "WITA" or "WIT": the zone of the company's province."""
        return self.province.time_zone
