"""The mitra's program journey: Ajukan Program, Usulan Program, Program
saya, and Update Kegiatan (DESIGN.md, journeys 3 to 6).

Like the account forms, these check their own CSRF token (``csrf.exempt``
here), so a form sent after its token expired comes back with what was
typed and a message. Every id in a URL is checked against the logged-in
mitra (``kerapu.auth.access``): another mitra's item answers 404.
"""

import logging

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from kerapu.auth.access import get_cooperation_for, get_report_for, mitra_required
from kerapu.extensions import csrf, db
from kerapu.mitra.forms import (
    ApplyForm,
    NoteForm,
    ProposalForm,
    ReportCorrectionForm,
    ReportForm,
    RevisionForm,
    StatusFilterForm,
)
from kerapu.models import Application, Proposal, Status
from kerapu.models.workflow import REPORTABLE
from kerapu.services import catalogue, cooperations, progress, workflow
from kerapu.services.uploads import discard_images
from kerapu.services.workflow import Refused
from kerapu.web import accepts_uploads, int_arg, render_page, see_other

log = logging.getLogger(__name__)

bp = Blueprint("mitra", __name__)

ID = "int(max=2147483647)"

#: The two note forms of an item's page, told apart by their prefix.
NOTE_PREFIXES = {"withdraw": "batal", "resubmit": "ulang"}


def mitra():
    return current_user.mitra


def commit_or_retry(action):
    """Run ``action`` and commit; on a lost race (an IntegrityError from
    the same request sent twice at once) roll back and run it once more,
    when it sees the winner's work."""
    for attempt in range(2):
        try:
            result = action()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
            log.info("lost a race, trying again (attempt %d)", attempt + 1)
    raise Refused(_("Permintaan bersamaan tidak dapat diproses. Coba lagi."))


def refused(error, form=None):
    """Roll back after ``Refused`` and put its message where it belongs:
    under its field, on the form, or in the flash area."""
    db.session.rollback()
    if form is not None and error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    elif form is not None:
        form.form_errors.append(error.message)
    else:
        flash(error.message, "error")


# -- Ajukan Program ----------------------------------------------------------


@bp.post(f"/program/<{ID}:program_id>/ajukan")
@csrf.exempt
@mitra_required
def apply(program_id):
    program = catalogue.get_public_program(program_id)
    if program is None:
        abort(404)
    if not ApplyForm().validate():
        flash(
            _("Sesi formulir sudah berakhir. Klik Ajukan Program sekali lagi."), "error"
        )
        return see_other("public.show_program", program_id=program_id)
    try:
        application, created = commit_or_retry(
            lambda: workflow.submit_application(current_user, program)
        )
    except Refused as error:
        refused(error)
        return see_other("public.show_program", program_id=program_id)
    if created:
        flash(
            _(
                "Pengajuan terkirim. Pengajuan Anda menunggu verifikasi oleh "
                "%(balai)s.",
                balai=application.balai.short_name,
            ),
            "ok",
        )
    else:
        flash(_("Anda sudah mengajukan program ini."), "info")
    return see_other("mitra.show_program", cooperation_id=application.id)


# -- Usulan Program ----------------------------------------------------------


@bp.route("/usulan/baru", methods=["GET", "POST"])
@csrf.exempt
@mitra_required
def new_proposal():
    form = ProposalForm()
    if form.validate_on_submit():
        try:
            commit_or_retry(
                lambda: workflow.submit_proposal(
                    current_user, form.values(), form.key.data
                )
            )
        except Refused as error:
            refused(error, form)
        else:
            # The wording of DESIGN.md, journey 5.
            flash(
                _(
                    "Terima kasih, Usulan Program KSPU Anda telah kami terima "
                    "dan akan dilakukan verifikasi."
                ),
                "ok",
            )
            return see_other("mitra.programs")
    status = 422 if form.is_submitted() else 200
    return render_page("mitra/proposal.html", "content", status, form=form)


@bp.route(f"/saya/program/<{ID}:cooperation_id>/ubah", methods=["GET", "POST"])
@csrf.exempt
@mitra_required
def revise_proposal(cooperation_id):
    proposal = get_cooperation_for(current_user, cooperation_id)
    if not isinstance(proposal, Proposal):
        abort(404)
    if proposal.status is not Status.PERLU_PERBAIKAN and request.method == "GET":
        flash(_("Usulan ini tidak sedang menunggu perbaikan."), "info")
        return see_other("mitra.show_program", cooperation_id=proposal.id)
    if request.method == "GET":
        form = RevisionForm(formdata=None, data=ProposalForm.data_of(proposal))
        form.seen_status.data = proposal.status.value
    else:
        form = RevisionForm()
        if form.validate():
            try:
                workflow.revise_proposal(
                    proposal,
                    current_user,
                    form.values(),
                    note=form.note.data,
                    expected=form.seen_status.data or None,
                )
                db.session.commit()
            except Refused as error:
                refused(error, form)
                if proposal.status is not Status.PERLU_PERBAIKAN:
                    # Sent from a stale tab: nothing left to revise here.
                    flash(error.message, "error")
                    return see_other("mitra.show_program", cooperation_id=proposal.id)
            else:
                flash(_("Usulan sudah diperbaiki dan diajukan ulang."), "ok")
                return see_other("mitra.show_program", cooperation_id=proposal.id)
    status = 422 if form.is_submitted() else 200
    return render_page(
        "mitra/revise.html", "content", status, form=form, proposal=proposal
    )


# -- Program saya ------------------------------------------------------------


@bp.get("/saya/program")
@mitra_required
def programs():
    form = StatusFilterForm(request.args)
    valid = form.validate()
    status = Status(form.status.data) if valid and form.status.data else None
    if not valid:
        form.status.data = ""  # links and the poll ask for every status
    page = cooperations.cooperations_of(mitra(), status, int_arg("page", 1))
    response = render_page(
        "mitra/programs.html",
        "program_rows",
        200 if valid else 400,
        form=form,
        page=page,
        page_url=lambda number: programs_url(form, number),
    )
    # The list polls for fresh badges: an unchanged answer costs a 304.
    response.headers["Cache-Control"] = "private, no-cache"
    response.add_etag()
    return response.make_conditional(request)


def programs_url(form, number):
    args = {"status": form.status.data or None, "page": number if number > 1 else None}
    return url_for("mitra.programs", **{k: v for k, v in args.items() if v})


@bp.get(f"/saya/program/<{ID}:cooperation_id>")
@mitra_required
def show_program(cooperation_id):
    cooperation = get_cooperation_for(current_user, cooperation_id)
    return detail_page(cooperation)


def detail_page(cooperation, status=200, **forms):
    """The item's page with its history, reports and the actions its
    status allows; ``forms`` replaces the blank ones that came back with
    errors."""
    moves = workflow.moves_for(cooperation, current_user)
    seen = cooperation.status.value
    for name, prefix in NOTE_PREFIXES.items():
        forms.setdefault(name, NoteForm(formdata=None, prefix=prefix, seen_status=seen))
    return render_page(
        "mitra/program.html",
        "content",
        status,
        item=cooperation,
        moves=moves,
        forms=forms,
        can_report=cooperation.status in REPORTABLE,
        zone=mitra().time_zone,
    )


@bp.post(f"/saya/program/<{ID}:cooperation_id>/batalkan")
@csrf.exempt
@mitra_required
def withdraw(cooperation_id):
    return mitra_move(cooperation_id, Status.DIBATALKAN, "withdraw")


@bp.post(f"/saya/program/<{ID}:cooperation_id>/ajukan-ulang")
@csrf.exempt
@mitra_required
def resubmit(cooperation_id):
    return mitra_move(cooperation_id, Status.DIAJUKAN, "resubmit")


def mitra_move(cooperation_id, to, form_name):
    """A status change the mitra asks for from its item's page."""
    cooperation = get_cooperation_for(current_user, cooperation_id)
    if to is Status.DIAJUKAN and not isinstance(cooperation, Application):
        # A proposal goes back to the Balai through its revision form.
        return see_other("mitra.revise_proposal", cooperation_id=cooperation.id)
    form = NoteForm(prefix=NOTE_PREFIXES[form_name])
    if not form.validate():
        return detail_page(cooperation, 422, **{form_name: form})
    try:
        workflow.transition(
            cooperation,
            to,
            current_user,
            note=form.note.data,
            expected=form.seen_status.data or None,
        )
        db.session.commit()
    except Refused as error:
        refused(error)
        return see_other("mitra.show_program", cooperation_id=cooperation_id)
    kind = cooperation.kind.label
    if to is Status.DIBATALKAN:
        flash(_("%(kind)s sudah dibatalkan.", kind=kind), "ok")
    else:
        flash(_("%(kind)s sudah diajukan ulang ke Balai.", kind=kind), "ok")
    return see_other("mitra.show_program", cooperation_id=cooperation.id)


# -- Update Kegiatan ---------------------------------------------------------


@bp.route(f"/saya/program/<{ID}:cooperation_id>/laporan/baru", methods=["GET", "POST"])
@accepts_uploads
@csrf.exempt
@mitra_required
def new_report(cooperation_id):
    cooperation = get_cooperation_for(current_user, cooperation_id)
    if cooperation.status not in REPORTABLE:
        flash(_("Laporan kemajuan dapat dibuat setelah program disetujui."), "error")
        return see_other("mitra.show_program", cooperation_id=cooperation.id)
    form = ReportForm()
    if request.method == "GET":
        form.reported_on.data = progress.today_for(mitra())
    elif form.validate():
        names = form.photos.store()
        try:
            report = save_report(cooperation, form.values(), names, form.key.data)
        except Refused as error:
            discard_images(names)
            refused(error, form)
        else:
            if report is None:  # the same form again (a double click)
                discard_images(names)
                flash(_("Laporan ini sudah tersimpan."), "info")
            else:
                flash(_("Laporan kemajuan tersimpan."), "ok")
            return report_saved(cooperation)
    status = 422 if form.is_submitted() else 200
    return render_page(
        "mitra/report.html", "content", status, form=form, item=cooperation, report=None
    )


def save_report(cooperation, values, names, key):
    """Add the report and commit; None when its form was taken already,
    also by a request that committed it a moment ago."""
    try:
        report = progress.add_report(cooperation, current_user, values, names, key)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return report


def report_saved(cooperation):
    return see_other(
        "mitra.show_program", cooperation_id=cooperation.id, _anchor="laporan"
    )


@bp.route(
    f"/saya/program/<{ID}:cooperation_id>/laporan/<{ID}:report_id>/ubah",
    methods=["GET", "POST"],
)
@accepts_uploads
@csrf.exempt
@mitra_required
def edit_report(cooperation_id, report_id):
    report = get_report_for(current_user, cooperation_id, report_id)
    cooperation = report.cooperation
    if report.is_acknowledged or cooperation.status not in REPORTABLE:
        flash(_("Laporan ini tidak dapat diubah lagi."), "info")
        return report_saved(cooperation)
    if request.method == "GET":
        form = ReportCorrectionForm(
            formdata=None,
            data={
                "reported_on": report.reported_on,
                "percent": report.percent,
                "description": report.description,
            },
        )
    else:
        form = ReportCorrectionForm()
    form.remove.choices = [(photo.name, photo.name) for photo in report.photos]
    if request.method == "POST" and form.validate():
        known = {photo.name for photo in report.photos}
        removed = [name for name in form.remove.data or [] if name in known]
        names = form.photos.store()
        try:
            gone = progress.correct_report(
                report, current_user, form.values(), removed, names
            )
            db.session.commit()
        except Refused as error:
            discard_images(names)
            refused(error, form)
        else:
            discard_images(gone)
            flash(_("Laporan kemajuan sudah diperbaiki."), "ok")
            return report_saved(cooperation)
    status = 422 if form.is_submitted() else 200
    return render_page(
        "mitra/report.html",
        "content",
        status,
        form=form,
        item=cooperation,
        report=report,
    )
