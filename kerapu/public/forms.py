"""Input of the public pages: the catalogue filter and the region filter."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from kerapu.extensions import db
from kerapu.models import Balai, Category, Province, Regency
from kerapu.services import catalogue, search
from kerapu.services.search import MAX_QUERY_TOKENS, Criteria, query_tokens


class GetForm(FlaskForm):
    """A form read from the query string: no CSRF, no prefix."""

    class Meta:
        csrf = False


def _choices(placeholder, rows):
    """Select options: an empty "all" option, then (value, label) rows."""
    return [
        SelectChoice("", placeholder),
        *(SelectChoice(str(value), label) for value, label in rows),
    ]


def _cached_rows(name, query):
    """Rows of a reference ``query``, kept until the catalogue changes."""
    return catalogue.answers.get_or_compute(
        ("choices", search.catalogue_version(), name),
        lambda: [tuple(row) for row in db.session.execute(query)],
    )


def province_choices():
    query = select(Province.code, Province.name).order_by(Province.name)
    return _choices(_l("Semua Provinsi"), _cached_rows("provinsi", query))


def regency_choices(province_code):
    rows = []
    if province_code:
        query = (
            select(Regency.code, Regency.short_name)
            .where(Regency.province_code == province_code)
            .order_by(Regency.code)
        )
        rows = _cached_rows(("kabupaten", province_code), query)
    return _choices(_l("Semua Kab/Kota"), rows)


class ProgramFilterForm(GetForm):
    q = StringField(_l("Cari program"), validators=[Optional()])
    # WTForms has no Indonesian messages: choices are checked below instead.
    provinsi = SelectField(_l("Provinsi"), default="", validate_choice=False)
    kabupaten = SelectField(_l("Kab/Kota"), default="", validate_choice=False)
    kategori = SelectField(_l("Kategori"), default="", validate_choice=False)
    balai = SelectField(_l("Unit Kerja"), default="", validate_choice=False)

    def __init__(self, formdata):
        super().__init__(formdata)
        self.q.validators = [
            Optional(),
            Length(
                max=current_app.config["SEARCH_MAX_LENGTH"],
                message=_l("Kata kunci terlalu panjang (paling banyak %(max)d huruf)."),
            ),
        ]
        self.provinsi.choices = province_choices()
        self.kategori.choices = _choices(
            _l("Semua Kategori"),
            _cached_rows(
                "kategori",
                select(Category.id, Category.name).order_by(Category.position),
            ),
        )
        self.balai.choices = _choices(
            _l("Semua Unit Kerja"),
            _cached_rows(
                "balai",
                select(Balai.id, Balai.short_name).order_by(
                    Balai.kind.desc(), Balai.short_name
                ),
            ),
        )
        self._settle_regency()

    def _settle_regency(self):
        """Tie the kabupaten to the province: a kabupaten alone (a shared
        link) implies its province; one of another province, or left over
        after the province was cleared, is dropped."""
        code = self.kabupaten.data or ""
        self.kabupaten_unknown = False
        regency = db.session.get(Regency, code) if code else None
        if code and regency is None:
            self.kabupaten_unknown = True
        elif regency and not self.provinsi.raw_data:
            self.provinsi.data = regency.province_code
        if not regency or regency.province_code != self.provinsi.data:
            self.kabupaten.data = ""
        known = any(c.value == self.provinsi.data for c in self.provinsi.choices)
        self.kabupaten.choices = regency_choices(self.provinsi.data if known else "")

    def validate_kabupaten(self, field):
        if self.kabupaten_unknown:
            raise ValidationError(_l("Pilihan tidak dikenal. Pilih dari daftar."))

    def _check_choice(self, field):
        if not any(choice.value == field.data for choice in field.choices):
            field.data = ""
            raise ValidationError(_l("Pilihan tidak dikenal. Pilih dari daftar."))

    validate_provinsi = _check_choice
    validate_kategori = _check_choice
    validate_balai = _check_choice

    def validate_q(self, field):
        if len(query_tokens(field.data or "")) > MAX_QUERY_TOKENS:
            raise ValidationError(
                _l("Terlalu banyak kata (paling banyak %(max)d).", max=MAX_QUERY_TOKENS)
            )

    def criteria(self):
        """What the validated form asks the catalogue for."""
        text = (self.q.data or "").strip()
        tokens = query_tokens(text)
        return Criteria(
            tokens=tokens,
            province_code=self.provinsi.data or None,
            regency_code=self.kabupaten.data or None,
            category_id=int(self.kategori.data) if self.kategori.data else None,
            balai_id=int(self.balai.data) if self.balai.data else None,
            unmatchable=bool(text) and not tokens,
        )

    def args(self, **overrides):
        """Query arguments for a link that keeps every active filter."""
        values = {
            "q": (self.q.data or "").strip(),
            "provinsi": self.provinsi.data,
            "kabupaten": self.kabupaten.data,
            "kategori": self.kategori.data,
            "balai": self.balai.data,
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in ("", None)}
