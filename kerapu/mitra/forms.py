"""Forms of the mitra's program journey: applying, proposing, notes on a
status change, progress reports, and the Program saya filter."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from kerapu.extensions import db
from kerapu.fields import (
    PICK,
    ImagesField,
    KerapuForm,
    RegionMixin,
    RupiahField,
    WholeNumberField,
    one_line,
    one_line_break,
    one_time_key,
)
from kerapu.models import Category, Status
from kerapu.services.progress import DESCRIPTION_MAX_LENGTH, MAX_PHOTOS, ReportValues
from kerapu.services.workflow import NOTE_MAX_LENGTH, ProposalValues

#: Longest Uraian Program and Uraian Kegiatan (DESIGN.md, journey 5).
PROPOSAL_TEXT_MAX_LENGTH = 1000


class ApplyForm(KerapuForm):
    """Ajukan Program: only the CSRF token; the program is in the URL."""


class NoteForm(KerapuForm):
    """A status change the mitra makes (withdraw, resubmit), with a note
    and the status the mitra saw."""

    note = TextAreaField(
        _l("Catatan untuk Balai (boleh kosong)"),
        validators=[Length(max=NOTE_MAX_LENGTH)],
        filters=[one_line_break],
        render_kw={"rows": 3, "maxlength": NOTE_MAX_LENGTH},
    )
    seen_status = HiddenField()


class ProposalForm(RegionMixin, KerapuForm):
    """Usulan Program."""

    category = SelectField(
        _l("Kategori Program"), coerce=int, validators=[DataRequired()]
    )
    name = StringField(
        _l("Usulan Nama Paket"),
        validators=[DataRequired(), Length(max=300)],
        filters=[one_line],
        render_kw={"maxlength": 300},
    )
    location = StringField(
        _l("Lokasi"),
        validators=[DataRequired(), Length(max=300)],
        filters=[one_line],
        render_kw={"maxlength": 300},
    )
    description = TextAreaField(
        _l("Uraian Program"),
        validators=[DataRequired(), Length(max=PROPOSAL_TEXT_MAX_LENGTH)],
        filters=[one_line_break],
        render_kw={"rows": 5, "maxlength": PROPOSAL_TEXT_MAX_LENGTH},
    )
    activities = TextAreaField(
        _l("Uraian Kegiatan"),
        validators=[DataRequired(), Length(max=PROPOSAL_TEXT_MAX_LENGTH)],
        filters=[one_line_break],
        render_kw={"rows": 5, "maxlength": PROPOSAL_TEXT_MAX_LENGTH},
    )
    duration_months = WholeNumberField(
        _l("Estimasi Waktu Pelaksanaan (bulan)"),
        validators=[
            InputRequired(),
            NumberRange(min=1, max=120, message=_l("Isi antara 1 dan 120 bulan.")),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 120},
    )
    value = RupiahField(
        _l("Estimasi Nilai Kerja Sama (Rp)"), validators=[DataRequired()]
    )
    #: One-time key: the same form sent twice is taken once.
    key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.key.data:
            self.key.data = one_time_key()
        categories = db.session.execute(
            select(Category.id, Category.name).order_by(Category.position)
        ).all()
        # coerce=int: 0 stands for "not chosen", which DataRequired refuses.
        self.category.choices = [
            SelectChoice("0", PICK),
            *(SelectChoice(str(id_), name) for id_, name in categories),
        ]
        self.fill_region_choices()

    def values(self):
        return ProposalValues(
            category_id=self.category.data,
            name=self.name.data.strip(),
            location=self.location.data.strip(),
            province_code=self.provinsi.data,
            regency_code=self.kabupaten.data,
            description=self.description.data.strip(),
            activities=self.activities.data.strip(),
            duration_months=self.duration_months.data,
            value_idr=self.value.data,
        )

    @staticmethod
    def data_of(proposal):
        """The form's values for an existing proposal."""
        return {
            "category": proposal.category_id,
            "name": proposal.name,
            "location": proposal.location,
            "provinsi": proposal.province_code,
            "kabupaten": proposal.regency_code,
            "description": proposal.description,
            "activities": proposal.activities,
            "duration_months": proposal.duration_months,
            "value": proposal.value_idr,
        }


class RevisionForm(ProposalForm):
    """A proposal corrected after the Balai asked for changes."""

    note = NoteForm.note
    seen_status = HiddenField()


class ReportForm(KerapuForm):
    """Update Kegiatan."""

    reported_on = DateField(_l("Tanggal"), validators=[InputRequired()])
    percent = WholeNumberField(
        _l("Kemajuan (%)"),
        validators=[
            InputRequired(),
            NumberRange(min=0, max=100, message=_l("Isi antara 0 dan 100.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": 100},
    )
    description = TextAreaField(
        _l("Uraian kemajuan"),
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX_LENGTH)],
        filters=[one_line_break],
        render_kw={"rows": 5, "maxlength": DESCRIPTION_MAX_LENGTH},
    )
    photos = ImagesField(_l("Foto (paling banyak 5)"), max_files=MAX_PHOTOS)
    key = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.key.data:
            self.key.data = one_time_key()

    def values(self):
        return ReportValues(
            reported_on=self.reported_on.data,
            percent=self.percent.data,
            description=self.description.data,
        )


class ReportCorrectionForm(ReportForm):
    """A report corrected by its author: the photos to take off too."""

    photos = ImagesField(_l("Tambah foto"), max_files=MAX_PHOTOS)
    remove = SelectMultipleField(
        _l("Hapus foto"),
        choices=[],
        validate_choice=False,
        option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
    )


class StatusFilterForm(KerapuForm):
    """The Program saya filter, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Semua status")),
            *(SelectChoice(status.value, status.label) for status in Status),
        ],
        default="",
    )
