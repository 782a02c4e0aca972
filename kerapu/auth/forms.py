"""Account forms: registration, login, password reset, profile."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from kerapu.extensions import db
from kerapu.fields import (
    PASSWORD_MAX_LENGTH,
    PICK,
    ImageField,
    KerapuForm,
    RegionMixin,
    RupiahField,
    WhatsAppField,
    one_line_break,
    one_time_key,
    password_validators,
)
from kerapu.models import BusinessField
from kerapu.services.accounts import CONSENT_TEXT


def email_validators():
    return [
        DataRequired(),
        Length(max=254),
        Email(check_deliverability=False, allow_smtputf8=False),
    ]


def required_text(max_length):
    return [DataRequired(), Length(max=max_length)]


class MitraFieldsMixin(RegionMixin):
    name = StringField(_l("Nama Badan Usaha"), validators=required_text(200))
    business_field = SelectField(
        _l("Jenis Bidang Usaha"), coerce=int, validators=[DataRequired()]
    )
    address = TextAreaField(
        _l("Alamat Badan Usaha"),
        validators=required_text(500),
        filters=[one_line_break],
        render_kw={"rows": 3, "maxlength": 500},
    )
    contact_name = StringField(
        _l("Nama Contact Person"),
        validators=required_text(120),
        render_kw={"autocomplete": "name"},
    )
    whatsapp = WhatsAppField(_l("Kontak WhatsApp"), validators=[DataRequired()])
    contact_position = StringField(
        _l("Jabatan Contact Person"), validators=required_text(120)
    )
    estimated_value = RupiahField(
        _l("Estimasi Nominal Kerja Sama (Rp)"), validators=[DataRequired()]
    )

    def fill_choices(self):
        fields = db.session.execute(
            select(BusinessField.id, BusinessField.name).order_by(
                BusinessField.position
            )
        ).all()
        # coerce=int turns "" into an error before DataRequired: 0 stands
        # for "not chosen" and DataRequired refuses it.
        self.business_field.choices = [
            SelectChoice("0", PICK),
            *(SelectChoice(str(id_), name) for id_, name in fields),
        ]
        self.fill_region_choices()

    def mitra_values(self):
        return {
            "name": self.name.data.strip(),
            "business_field_id": self.business_field.data,
            "address": self.address.data.strip(),
            "province_code": self.provinsi.data,
            "regency_code": self.kabupaten.data,
            "contact_name": self.contact_name.data.strip(),
            "whatsapp": self.whatsapp.data,
            "contact_position": self.contact_position.data.strip(),
            "estimated_value_idr": self.estimated_value.data,
        }


class RegistrationForm(MitraFieldsMixin, KerapuForm):
    email = EmailField(
        _l("Email Badan Usaha"),
        validators=email_validators(),
        render_kw={"autocomplete": "email"},
    )
    logo = ImageField(_l("Logo Badan Usaha"), kind="logo", validators=[FileRequired()])
    password = PasswordField(
        _l("Password"),
        validators=password_validators(),
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Ulangi Password"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("Harus sama dengan Password.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    consent = BooleanField(
        CONSENT_TEXT,
        validators=[
            DataRequired(message=_l("Centang persetujuan ini untuk dapat mendaftar."))
        ],
    )
    #: One-time key: the same form sent twice registers once.
    key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.key.data:
            self.key.data = one_time_key()
        self.fill_choices()


class LoginForm(KerapuForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Ingat saya di perangkat ini"))
    next = HiddenField()


class EmailForm(KerapuForm):
    """One email: resend activation, forgotten password."""

    email = EmailField(
        _l("Email Badan Usaha"),
        validators=email_validators(),
        render_kw={"autocomplete": "email"},
    )


class NewPasswordForm(KerapuForm):
    password = PasswordField(
        _l("Password baru"),
        validators=password_validators(),
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Ulangi Password baru"),
        validators=[
            DataRequired(),
            EqualTo("password", message=_l("Harus sama dengan Password baru.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PrefixedForm(KerapuForm):
    """A form sharing a page with others: its fields' names and ids start
    with ``PREFIX`` so none collide."""

    PREFIX = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class ChangePasswordForm(PrefixedForm, NewPasswordForm):
    PREFIX = "pw"
    current_password = PasswordField(
        _l("Password saat ini"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(MitraFieldsMixin, KerapuForm):
    logo = ImageField(_l("Ganti Logo Badan Usaha"), kind="logo")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fill_choices()


class ChangeEmailForm(PrefixedForm):
    PREFIX = "email"
    new_email = EmailField(
        _l("Email Badan Usaha baru"),
        validators=email_validators(),
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password saat ini"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class StatusMailForm(PrefixedForm):
    PREFIX = "notif"
    status_mail = BooleanField(
        _l(
            "Kirim email kepada saya setiap kali status pengajuan atau usulan "
            "program saya berubah"
        )
    )


class DeleteAccountForm(PrefixedForm):
    PREFIX = "hapus"
    password = PasswordField(
        _l("Password saat ini"),
        validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    confirm = BooleanField(
        _l(
            "Saya mengerti: data pribadi dihapus, akun tidak dapat dipakai lagi, "
            "riwayat program tetap tersimpan tanpa nama."
        ),
        validators=[DataRequired(message=_l("Centang untuk menghapus akun."))],
    )


class LogoutForm(KerapuForm):
    """Only the CSRF token: logout is a POST."""
