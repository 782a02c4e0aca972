"""Form pieces every blueprint shares: a base form that speaks Indonesian,
and fields for Rupiah amounts, WhatsApp numbers and images.

Blueprint forms (``kerapu/<area>/forms.py``) subclass ``KerapuForm`` and
use these fields; the rules behind them live in ``kerapu/services``
(money, phones, uploads), so a service can apply them too.

Indonesian messages for WTForms' own validators. WTForms 3.3 ships no
Indonesian catalogue, and Flask-WTF would look one up through Flask-Babel
(``WTF_I18N_ENABLED``) and find nothing. ``KerapuForm.Meta`` therefore hands
WTForms our own translations object: every message in WTForms' catalogue is
mapped to an Indonesian one wrapped in ``lazy_gettext``, so ``pybabel
extract`` picks them up with the rest of the interface and an English
catalogue can follow. That covers every built-in validator (Length,
EqualTo, Email, NumberRange, choices, ...) without passing ``message=`` to
each, and a test checks the table covers WTForms' whole catalogue. Indonesian
has no plural forms, so ``ngettext`` answers with the one message.
"""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from lokal.phone import parse_phone
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from wtforms import IntegerField, SelectChoice, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from kerapu.extensions import db
from kerapu.models import Province, Regency
from kerapu.services.money import parse_rupiah
from kerapu.services.phones import normalise_whatsapp
from kerapu.services.uploads import (
    FORMATS,
    UploadRejected,
    check_image,
    limits,
    megabytes,
    save_image,
)

#: WTForms' English message (its msgid) -> ours.
MESSAGES = {
    "'%(value)s' is not a valid choice for this field.": _l(
        "'%(value)s' tidak ada dalam pilihan."
    ),
    "CSRF failed.": _l("Sesi formulir sudah berakhir. Kirim lagi."),
    "CSRF token expired.": _l("Sesi formulir sudah berakhir. Kirim lagi."),
    "CSRF token missing.": _l("Sesi formulir sudah berakhir. Kirim lagi."),
    "Invalid CSRF Token.": _l("Sesi formulir sudah berakhir. Kirim lagi."),
    "Choices cannot be None.": _l("Pilihan belum tersedia."),
    "Date must be at least %(min)s.": _l("Tanggal paling awal %(min)s."),
    "Date must be at most %(max)s.": _l("Tanggal paling akhir %(max)s."),
    "Date must be between %(min)s and %(max)s.": _l(
        "Tanggal harus antara %(min)s dan %(max)s."
    ),
    "Field cannot be longer than %(max)d character.": _l(
        "Paling banyak %(max)d karakter."
    ),
    "Field must be at least %(min)d character long.": _l(
        "Paling sedikit %(min)d karakter."
    ),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Harus %(min)d sampai %(max)d karakter."
    ),
    # EqualTo formats with other_label as well as other_name: the label is
    # what the user sees ("Harus sama dengan Password").
    "Field must be equal to %(other_name)s.": _l(
        "Harus sama dengan isian %(other_label)s."
    ),
    "Field must be exactly %(max)d character long.": _l(
        "Harus tepat %(max)d karakter."
    ),
    "Invalid Choice: could not coerce.": _l(
        "Pilihan tidak dikenal. Pilih dari daftar."
    ),
    "Invalid IP address.": _l("Alamat IP tidak valid."),
    "Invalid Mac address.": _l("Alamat MAC tidak valid."),
    "Invalid URL.": _l("Alamat web tidak valid."),
    "Invalid UUID.": _l("UUID tidak valid."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Ada pilihan yang tidak dikenal. Pilih dari daftar."
    ),
    "Invalid email address.": _l(
        "Alamat email tidak valid. Contoh: nama@perusahaan.co.id."
    ),
    "Invalid field name '%s'.": _l("Nama isian '%s' tidak dikenal."),
    "Invalid input.": _l("Isian tidak valid."),
    "Invalid value, can't be any of: %(values)s.": _l(
        "Isian tidak boleh salah satu dari: %(values)s."
    ),
    "Invalid value, must be one of: %(values)s.": _l(
        "Isian harus salah satu dari: %(values)s."
    ),
    "Not a valid choice.": _l("Pilihan tidak dikenal. Pilih dari daftar."),
    "Not a valid date value.": _l("Tanggal tidak valid."),
    "Not a valid datetime value.": _l("Tanggal dan jam tidak valid."),
    "Not a valid decimal value.": _l("Isi dengan angka."),
    "Not a valid float value.": _l("Isi dengan angka."),
    "Not a valid integer value.": _l("Isi dengan bilangan bulat."),
    "Not a valid time value.": _l("Jam tidak valid."),
    "Not a valid week value.": _l("Minggu tidak valid."),
    "Number must be at least %(min)s.": _l("Paling kecil %(min)s."),
    "Number must be at most %(max)s.": _l("Paling besar %(max)s."),
    "Number must be between %(min)s and %(max)s.": _l(
        "Harus antara %(min)s dan %(max)s."
    ),
    "This field cannot be edited.": _l("Isian ini tidak dapat diubah."),
    "This field is disabled and cannot have a value.": _l(
        "Isian ini tidak aktif dan tidak boleh diisi."
    ),
    "This field is required.": _l("Wajib diisi."),
}


class IndonesianMessages:
    """The translations object WTForms asks for its messages."""

    def gettext(self, string):
        message = MESSAGES.get(string)
        return string if message is None else str(message)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular)


indonesian_messages = IndonesianMessages()


def one_line_break(value):
    """A filter for text areas: a line break as one character (LF).
    Browsers count it as one against ``maxlength`` but send it as CRLF,
    which would then fail ``Length``."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def one_line(value):
    """A filter for one-line text: line breaks, tabs and runs of spaces
    (which no browser sends from a text input) become one space."""
    return " ".join(value.split()) if isinstance(value, str) else value


class WholeNumberField(IntegerField):
    """A whole number; text that is not one gets that message alone, not
    also the range's."""

    def pre_validate(self, form):
        # Empty input is left to InputRequired, which says "Wajib diisi."
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()


def one_time_key():
    """A fresh key for a form that creates something (``Submission``)."""
    return secrets.token_urlsafe(24)


#: The empty first option of a required select.
PICK = _l("-- Pilih --")


class KerapuForm(FlaskForm):
    """Base of every KERAPU form: CSRF from Flask-WTF, messages in
    Indonesian (see the module docstring)."""

    class Meta:
        def get_translations(self, form):
            return indonesian_messages


#: Passwords: long enough to resist guessing, short enough to hash cheaply.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256


def password_validators():
    """Validators of a new password: required, 12 to 256 characters."""
    return [
        DataRequired(),
        Length(
            min=PASSWORD_MIN_LENGTH,
            max=PASSWORD_MAX_LENGTH,
            message=_l(
                "Password paling sedikit %(min)d dan paling banyak %(max)d karakter."
            ),
        ),
    ]


class _TypedTextField:
    """A text input read by a service parser; on an error the field shows
    what the user typed, and no other validator adds a second message."""

    def pre_validate(self, form):
        if self.process_errors:
            # The parser's message is in process_errors already.
            raise StopValidation()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return self.display(self.data)


class RupiahField(_TypedTextField, StringField):
    """Rupiah typed as text (``Rp 500.000.000``); ``data`` is an int.

    Empty input gives ``None``: add ``DataRequired()`` when it is required.
    The largest amount is the config key ``RUPIAH_MAX``."""

    def __init__(self, label=None, validators=None, allow_zero=False, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.allow_zero = allow_zero

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        self.data = parse_rupiah(
            valuelist[0],
            maximum=current_app.config["RUPIAH_MAX"],
            allow_zero=self.allow_zero,
        )

    @staticmethod
    def display(value):
        return format(value, ",d").replace(",", ".")


class WhatsAppField(_TypedTextField, TelField):
    """An Indonesian mobile number (``0812-3456-7890``); ``data`` is its
    E.164 form (``+6281234567890``), ``None`` when empty."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"autocomplete": "tel", "inputmode": "tel"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        self.data = normalise_whatsapp(valuelist[0])

    @staticmethod
    def display(value):
        return parse_phone(value).national or value


class ImageField(FileField):
    """An image upload (``kind`` "logo" or "photo"), checked on validation
    and stored only when the view calls ``store()``.

    Validation decodes and re-encodes the file in memory
    (``services.uploads.check_image``) and writes nothing, so a form that
    fails on another field leaves no file behind. After ``validate()`` the
    view calls ``store()`` to write it and get its name; if the transaction
    then fails, the view calls ``services.uploads.delete_image(name)``.
    Add ``FileRequired()`` when a file is required.

    Browsers never refill a file input: when the form comes back with
    errors, ``was_sent`` tells the template (macro ``image_field``) to ask
    for the file again.

    XXX: the checked file is dropped when another field fails, so the user
    chooses it again; keeping it (a signed temporary name in a hidden
    field) would spare that on slow links.
    XXX: a file stored by ``store()`` stays behind if the transaction that
    was to reference it fails and the view forgets ``delete_image``; no
    sweep of unreferenced files exists yet.

    The form's view needs ``@accepts_uploads`` (kerapu/web.py), so a file
    larger than ``MAX_CONTENT_LENGTH`` reaches this field and gets its
    message."""

    def __init__(self, label=None, validators=None, kind="logo", **kwargs):
        accept = ",".join(f"image/{name.lower()}" for name in FORMATS)
        render_kw = {"accept": accept}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.kind = kind
        self.prepared = None

    @property
    def was_sent(self):
        """True when the submission carried a file (empty or not)."""
        return isinstance(self.data, FileStorage) and bool(self.data.filename)

    @property
    def max_size(self):
        """The size limit as the user reads it: "2 MB"."""
        return megabytes(limits(self.kind)[0])

    def pre_validate(self, form):
        self.prepared = None
        if not self.was_sent:
            return
        try:
            self.prepared = check_image(self.data, self.kind)
        except UploadRejected as rejected:
            raise StopValidation(rejected.message) from None

    def store(self):
        """Write the checked image; its stored name, or None without one."""
        if self.prepared is None:
            return None
        return save_image(self.prepared)


class ImagesField(MultipleFileField):
    """Several image uploads in one input (``multiple``), each checked as
    ``ImageField`` checks one, at most ``max_files`` of them; stored only
    when the view calls ``store()``.

    Browsers never refill a file input: when the form comes back with
    errors, ``sent_names`` lists the files to choose again."""

    def __init__(self, label=None, validators=None, kind="photo", max_files=5, **kw):
        accept = ",".join(f"image/{name.lower()}" for name in FORMATS)
        render_kw = {"accept": accept}
        render_kw.update(kw.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kw)
        self.kind = kind
        self.max_files = max_files
        self.prepared = []

    @property
    def files(self):
        """The files the submission carried, empty inputs left out."""
        return [
            item
            for item in self.data or []
            if isinstance(item, FileStorage) and item.filename
        ]

    @property
    def sent_names(self):
        return [item.filename for item in self.files]

    @property
    def max_size(self):
        return megabytes(limits(self.kind)[0])

    def pre_validate(self, form):
        self.prepared = []
        files = self.files
        if len(files) > self.max_files:
            raise StopValidation(
                _l("Paling banyak %(max)d foto sekaligus.", max=self.max_files)
            )
        for item in files:
            try:
                self.prepared.append(check_image(item, self.kind))
            except UploadRejected as rejected:
                self.prepared = []
                raise StopValidation(f"{item.filename}: {rejected.message}") from None

    def store(self):
        """Write the checked images; their stored names, in order."""
        return [save_image(prepared) for prepared in self.prepared]


class RegionMixin:
    """Provinsi and Kabupaten/Kota selects; the regency must lie in the
    province, checked here on the server whatever the page sent."""

    provinsi = SelectField(_l("Provinsi"), validators=[DataRequired()])
    # The choice is checked against the province below, not against the
    # list the page happened to show.
    kabupaten = SelectField(
        _l("Kabupaten/Kota"), validators=[DataRequired()], validate_choice=False
    )

    def fill_region_choices(self):
        provinces = db.session.execute(
            select(Province.code, Province.name).order_by(Province.name)
        ).all()
        self.provinsi.choices = [
            SelectChoice("", PICK),
            *(SelectChoice(code, name) for code, name in provinces),
        ]
        chosen = self.provinsi.data
        query = select(Regency.code, Regency.short_name, Regency.province_code)
        if chosen:
            query = query.where(Regency.province_code == chosen)
        rows = db.session.execute(query.order_by(Regency.code)).all()
        if chosen:
            regencies = [SelectChoice(code, name) for code, name, _ in rows]
        else:
            # Without JavaScript nothing narrows the list when the province
            # changes, so it offers every regency, grouped by province.
            names = dict(provinces)
            regencies = sorted(
                (
                    SelectChoice(code, name, optgroup=names[province])
                    for code, name, province in rows
                ),
                key=lambda choice: choice.optgroup,
            )
        self.kabupaten.choices = [SelectChoice("", PICK), *regencies]

    def validate_kabupaten(self, field):
        regency = db.session.get(Regency, field.data) if field.data else None
        if regency is None or regency.province_code != self.provinsi.data:
            raise ValidationError(
                _l("Pilih kabupaten/kota yang berada di provinsi yang dipilih.")
            )
