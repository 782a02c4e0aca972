"""Account rules: registration, activation, login, password reset, profile
changes, personal data export and deletion.

Services flush when they need ids, log every change with actor and object,
queue mail in the caller's transaction, and never commit. Answers that
could tell a stranger whether an email is registered are the same for
known and unknown addresses; the difference goes to the mailbox, where only
its owner reads it.
"""

import csv
import enum
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from hmac import compare_digest

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from kerapu.extensions import db
from kerapu.models import Mitra, Role, User
from kerapu.services import tokens, workflow
from kerapu.services.mail import external_url, queue_mail
from kerapu.services.submissions import claim_submission

log = logging.getLogger(__name__)

#: The consent the registration form asks for, stored word for word with
#: each registration (UU 27/2022 tentang Pelindungan Data Pribadi).
CONSENT_TEXT = (
    "Saya menyetujui pemrosesan data pribadi contact person (nama, jabatan, "
    "nomor WhatsApp dan email) oleh Direktorat Jenderal Bina Marga untuk "
    "administrasi program Kerja Sama Pelaku Usaha, sesuai Undang-Undang "
    "Nomor 27 Tahun 2022 tentang Pelindungan Data Pribadi. Saya dapat "
    "mengunduh data ini dan meminta penghapusan akun kapan saja."
)


def utcnow():
    return datetime.now(UTC)


def normalise_email(text):
    """The form an email is stored and compared in: trimmed, lower case."""
    return (text or "").strip().lower()


def hash_password(password):
    """A salted scrypt hash (werkzeug's default method)."""
    return generate_password_hash(password)


_dummy_hash = None


def _spend_a_check(password):
    """Check ``password`` against a throwaway hash, so an unknown email
    takes as long to refuse as a wrong password."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("kerapu-dummy-password")
    check_password_hash(_dummy_hash, password)


def find_user(email):
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# -- Registration -----------------------------------------------------------


@dataclass
class Registration:
    """What the registration form gives; every value already validated."""

    name: str
    business_field_id: int
    address: str
    email: str
    logo: str
    province_code: str
    regency_code: str
    contact_name: str
    whatsapp: str
    contact_position: str
    estimated_value_idr: int
    password: str
    #: The form's one-time key (``Submission``).
    key: str


class Registered(enum.Enum):
    CREATED = "created"  # a new account, activation mail queued
    DUPLICATE = "duplicate"  # the same form again: nothing done
    EXISTING = "existing"  # email taken: its owner was told by mail


def register_mitra(registration):
    """Create an inactive mitra account and queue its activation mail.

    An email already registered creates nothing: the owner gets a mail
    (a fresh activation link if the account was never activated, else a
    note with a reset link), and the caller shows the same page as for a
    new account."""
    if not claim_submission(registration.key, "registration"):
        return Registered.DUPLICATE, None
    email = normalise_email(registration.email)
    existing = find_user(email)
    if existing is not None:
        if existing.deleted_at is None and not existing.is_activated:
            send_activation(existing)
        elif existing.deleted_at is None:
            queue_mail(
                existing.email,
                "account_exists",
                login_url=external_url("auth.login"),
                reset_url=external_url("auth.forgot_password"),
            )
        log.info("registration for existing user %s: nothing created", existing.id)
        return Registered.EXISTING, existing

    user = User(
        email=email,
        password_hash=hash_password(registration.password),
        role=Role.MITRA,
    )
    mitra = Mitra(
        user=user,
        name=registration.name,
        business_field_id=registration.business_field_id,
        address=registration.address,
        logo=registration.logo,
        province_code=registration.province_code,
        regency_code=registration.regency_code,
        contact_name=registration.contact_name,
        whatsapp=registration.whatsapp,
        contact_position=registration.contact_position,
        estimated_value_idr=registration.estimated_value_idr,
        consent_text=CONSENT_TEXT,
        consented_at=utcnow(),
    )
    db.session.add_all([user, mitra])
    db.session.flush()
    send_activation(user)
    log.info("mitra registered: user %s mitra %s", user.id, mitra.id)
    return Registered.CREATED, user


def create_staff(email, password, role, balai=None):
    """An active staff account: Balai staff of ``balai``, or pusat."""
    if role not in (Role.BALAI, Role.PUSAT):
        raise ValueError(f"not a staff role: {role!r}")
    if role is Role.BALAI and balai is None:
        raise ValueError("Balai staff need their Balai")
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=role,
        balai=balai,
        activated_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    log.info(
        "staff account created: user %s (%s, balai %s)",
        user.id,
        role,
        balai.id if balai else None,
    )
    return user


def send_activation(user):
    """Queue a fresh activation link for ``user``."""
    token = tokens.make_token("activation", {"u": user.id, "e": user.email})
    queue_mail(
        user.email,
        "activation",
        name=user.display_name,
        url=external_url("auth.activate", token=token),
        hours=current_app.config["ACTIVATION_TOKEN_MAX_AGE"] // 3600,
    )


def resend_activation(email):
    """Send a new activation link if ``email`` belongs to an inactive
    account; say nothing either way."""
    user = find_user(email)
    if user is None or user.is_activated or user.deleted_at is not None:
        return
    send_activation(user)
    log.info("activation link resent: user %s", user.id)


class Activation(enum.Enum):
    ACTIVATED = "activated"
    ALREADY_ACTIVE = "already_active"
    EXPIRED = "expired"
    INVALID = "invalid"


def activate_account(token):
    """Activate the account a link was made for; the outcome and, for an
    expired link, the email it was sent to (to offer a new one)."""
    result = tokens.read_token("activation", token)
    payload = result.payload or {}
    user = db.session.get(User, payload.get("u")) if payload.get("u") else None
    if (
        user is None
        or user.deleted_at is not None
        or not compare_digest(str(payload.get("e", "")), user.email)
    ):
        return Activation.INVALID, None
    if user.is_activated:
        return Activation.ALREADY_ACTIVE, user
    if result.expired:
        return Activation.EXPIRED, user
    user.activated_at = utcnow()
    log.info("account activated: user %s", user.id)
    return Activation.ACTIVATED, user


# -- Login and sessions -----------------------------------------------------


class Login(enum.Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown email or wrong password: one answer
    INACTIVE = "inactive"  # right password, never activated
    DISABLED = "disabled"  # right password, deactivated by an admin


def authenticate(email, password):
    """Check a login; the outcome and, when the password was right, the
    user."""
    user = find_user(email)
    if user is None or not user.password_hash:
        _spend_a_check(password)
        log.info("login refused: unknown email")
        return Login.WRONG, None
    if not check_password_hash(user.password_hash, password):
        log.info("login refused: wrong password for user %s", user.id)
        return Login.WRONG, None
    if user.deactivated_at is not None:
        log.info("login refused: user %s is deactivated", user.id)
        return Login.DISABLED, user
    if not user.is_activated:
        log.info("login refused: user %s not activated", user.id)
        return Login.INACTIVE, user
    user.last_login_at = utcnow()
    log.info("login: user %s", user.id)
    return Login.OK, user


def load_session_user(session_id):
    """The user behind a session or remember cookie id ("<id>:<token>"),
    if that session is still current."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token or len(user_id) > 12:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.can_log_in:
        return None
    if not compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def log_out(user):
    """End every session of ``user``, on every device."""
    user.end_sessions()
    log.info("logout: user %s, every session ended", user.id)


def deactivate_user(actor, user):
    """Switch an account off and end its sessions (an admin's action)."""
    user.deactivated_at = utcnow()
    user.end_sessions()
    log.info("user %s deactivated by user %s", user.id, actor.id)


# -- Passwords --------------------------------------------------------------


def password_matches(user, password):
    """True if ``password`` is the user's current one."""
    return bool(user.password_hash) and check_password_hash(
        user.password_hash, password
    )


def set_password(user, password):
    """Give ``user`` a new password; ends every session and every reset
    link made before."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.end_sessions()


def request_password_reset(email):
    """Mail a reset link if ``email`` belongs to a live account."""
    user = find_user(email)
    if user is None or user.deleted_at is not None or user.deactivated_at:
        log.info("password reset asked for an unknown or closed account")
        return
    token = tokens.make_token(
        "reset", {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)}
    )
    queue_mail(
        user.email,
        "reset_password",
        name=user.display_name,
        url=external_url("auth.reset_password", token=token),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )
    log.info("password reset link queued: user %s", user.id)


def user_for_reset(token):
    """The user a reset link is good for, or None (expired, used, forged,
    or the password changed since)."""
    result = tokens.read_token("reset", token)
    if not result.valid:
        return None
    user = db.session.get(User, result.payload.get("u") or 0)
    if user is None or user.deleted_at is not None or user.deactivated_at:
        return None
    fingerprint = tokens.password_fingerprint(user.password_hash)
    if not compare_digest(str(result.payload.get("p", "")), fingerprint):
        return None
    return user


def reset_password(user, password):
    """Set the password chosen through a reset link. Opening the link
    proves the mailbox is the owner's, so an account never activated is
    activated too."""
    set_password(user, password)
    if not user.is_activated:
        user.activated_at = utcnow()
    log.info("password reset: user %s", user.id)


def change_password(user, current, new):
    """Change the password after checking the current one; False if wrong."""
    if not password_matches(user, current):
        log.info("password change refused: wrong current password, user %s", user.id)
        return False
    set_password(user, new)
    queue_mail(user.email, "password_changed", name=user.display_name)
    log.info("password changed: user %s", user.id)
    return True


# -- Profile ----------------------------------------------------------------

#: Mitra columns the profile form may change.
PROFILE_FIELDS = (
    "name",
    "business_field_id",
    "address",
    "province_code",
    "regency_code",
    "contact_name",
    "whatsapp",
    "contact_position",
    "estimated_value_idr",
)


def update_profile(user, changes, new_logo=None):
    """Apply profile ``changes`` (PROFILE_FIELDS only) and an optional new
    logo; returns the old logo's name when it was replaced, for the caller
    to delete after the commit."""
    mitra = user.mitra
    changed = []
    for field in PROFILE_FIELDS:
        if field in changes and getattr(mitra, field) != changes[field]:
            setattr(mitra, field, changes[field])
            changed.append(field)
    old_logo = None
    if new_logo is not None:
        old_logo, mitra.logo = mitra.logo, new_logo
        changed.append("logo")
    if changed:
        log.info("profile changed: mitra %s (%s)", mitra.id, ", ".join(changed))
    return old_logo


def set_status_mail(user, wanted):
    """Turn the mail on status changes of the mitra's items on or off."""
    mitra = user.mitra
    if mitra.notify_by_email != wanted:
        mitra.notify_by_email = wanted
        log.info(
            "status mail %s: mitra %s", "switched on" if wanted else "off", mitra.id
        )


class EmailChange(enum.Enum):
    SENT = "sent"
    SAME = "same"
    NOT_OWNER = "not_owner"  # the current password did not match


def request_email_change(user, new_email, password):
    """Send a confirmation link to ``new_email``; nothing changes until it
    is opened. The address is not checked for being taken here, so the
    answer tells nothing about other accounts; confirming checks it."""
    new_email = normalise_email(new_email)
    if not password_matches(user, password):
        return EmailChange.NOT_OWNER
    if new_email == user.email:
        return EmailChange.SAME
    token = tokens.make_token("email", {"u": user.id, "o": user.email, "n": new_email})
    queue_mail(
        new_email,
        "confirm_email",
        name=user.display_name,
        url=external_url("auth.confirm_email", token=token),
        hours=current_app.config["EMAIL_TOKEN_MAX_AGE"] // 3600,
    )
    log.info("email change asked: user %s", user.id)
    return EmailChange.SENT


class EmailConfirmation(enum.Enum):
    CHANGED = "changed"
    ALREADY = "already"
    TAKEN = "taken"
    INVALID = "invalid"


def confirm_email_change(token):
    """Apply the email change a confirmation link was made for."""
    result = tokens.read_token("email", token)
    if not result.valid:
        return EmailConfirmation.INVALID, None
    payload = result.payload
    user = db.session.get(User, payload.get("u") or 0)
    if user is None or user.deleted_at is not None:
        return EmailConfirmation.INVALID, None
    new_email = str(payload.get("n", ""))
    if user.email == new_email:
        return EmailConfirmation.ALREADY, user
    if not compare_digest(str(payload.get("o", "")), user.email):
        return EmailConfirmation.INVALID, None
    if find_user(new_email) is not None:
        return EmailConfirmation.TAKEN, user
    old_email, user.email = user.email, new_email
    queue_mail(old_email, "email_changed", name=user.display_name)
    log.info("email changed: user %s", user.id)
    return EmailConfirmation.CHANGED, user


# -- Personal data ----------------------------------------------------------


def personal_data(user):
    """Everything stored about the account's contact person and company,
    as plain values (the download of UU 27/2022)."""
    mitra = user.mitra

    def when(value):
        return value.isoformat() if value else None

    data = {
        "akun": {
            "email": user.email,
            "peran": user.role.value,
            "dibuat": when(user.created_at),
            "diaktifkan": when(user.activated_at),
            "terakhir_masuk": when(user.last_login_at),
            "password_diganti": when(user.password_changed_at),
        }
    }
    if mitra is not None:
        data["mitra"] = {
            "nama_badan_usaha": mitra.name,
            "jenis_bidang_usaha": mitra.business_field.name,
            "alamat": mitra.address,
            "provinsi": mitra.province.name,
            "kabupaten_kota": mitra.regency.name,
            "logo": mitra.logo,
            "nama_contact_person": mitra.contact_name,
            "kontak_whatsapp": mitra.whatsapp,
            "jabatan_contact_person": mitra.contact_position,
            "estimasi_nominal_kerja_sama_idr": mitra.estimated_value_idr,
            "persetujuan": mitra.consent_text,
            "disetujui_pada": when(mitra.consented_at),
            "email_status_program": mitra.notify_by_email,
        }
    return data


def personal_data_csv(user):
    """The same data as rows of (bagian, isian, nilai)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["bagian", "isian", "nilai"])
    for section, values in personal_data(user).items():
        for key, value in values.items():
            writer.writerow([section, key, "" if value is None else value])
    return out.getvalue()


#: The note on applications and proposals withdrawn with their account.
ACCOUNT_DELETED_NOTE = _l("Dibatalkan karena akun mitra dihapus.")


def delete_account(user):
    """Remove the contact person's personal data and close the account.

    Applications and proposals still being verified are withdrawn (the
    Balai is told); approved work keeps its history under the anonymous
    name.

    The Mitra row stays, anonymised, so programs it took part in keep
    their history; the login is gone (its email freed for a new account).
    Returns the logo's stored name for the caller to delete after the
    commit."""
    mitra = user.mitra
    logo = None
    if mitra is not None:
        workflow.withdraw_pending(user, str(ACCOUNT_DELETED_NOTE))
    user.email = f"dihapus-{user.id}@kerapu.invalid"
    user.password_hash = None
    user.deleted_at = utcnow()
    user.end_sessions()
    if mitra is not None:
        logo = mitra.logo
        mitra.name = f"Mitra PU (akun dihapus #{mitra.id})"
        mitra.address = "-"
        mitra.logo = None
        mitra.contact_name = "-"
        mitra.whatsapp = "-"
        mitra.contact_position = "-"
        mitra.anonymised_at = utcnow()
    log.info("account deleted and anonymised: user %s", user.id)
    return logo
