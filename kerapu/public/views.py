"""Public pages: Beranda, the program catalogue, partners, contacts."""

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SelectChoice

from kerapu.extensions import db
from kerapu.models import Province
from kerapu.public.forms import ProgramFilterForm, province_choices, regency_choices
from kerapu.services import catalogue, cooperations, search, workflow
from kerapu.web import int_arg, is_htmx, render_page, shared_response

bp = Blueprint("public", __name__)


def page_size():
    """The requested page size, or the nearest offered one."""
    sizes = current_app.config["PAGE_SIZES"]
    wanted = int_arg("per_page", sizes[0])
    return min(sizes, key=lambda size: (abs(size - wanted), size))


def listing_url(form, page, number=None):
    """Address of a catalogue page: every active filter, no defaults."""
    number = page.page if number is None else number
    default_size = current_app.config["PAGE_SIZES"][0]
    return url_for(
        "public.programs",
        **form.args(
            page=number if number > 1 else None,
            per_page=page.per_page if page.per_page != default_size else None,
        ),
    )


@bp.get("/")
def index():
    figures = catalogue.home_figures()
    return render_page("public/index.html", "content", figures=figures)


@bp.get("/program")
def programs():
    return shared_response(("program", search.catalogue_version()), search_programs)


def search_programs():
    form = ProgramFilterForm(request.args)
    per_page = page_size()
    if not form.validate():
        page = catalogue.Page(items=[], total=0, page=1, per_page=per_page)
        return listing_response(form, page, 400)
    page = catalogue.search_catalogue(form.criteria(), int_arg("page", 1), per_page)
    return listing_response(form, page)


def listing_response(form, page, status=200):
    """The catalogue page or its rows, with a tidy address to share."""
    response = render_page(
        "public/programs.html",
        "program_rows",
        status,
        form=form,
        page=page,
        page_url=lambda number: listing_url(form, page, number),
    )
    if is_htmx():
        # Never on a history restore: htmx would push it as a new entry.
        response.headers["HX-Push-Url"] = listing_url(form, page)
    return response


@bp.get("/program/<int(max=2147483647):program_id>")
def show_program(program_id):
    program = catalogue.get_public_program(program_id)
    if program is None:
        abort(404)
    application = None
    if current_user.is_authenticated and current_user.mitra is not None:
        application = workflow.live_application(current_user.mitra.id, program.id)
    return render_page(
        "public/program.html", "content", program=program, application=application
    )


@bp.get("/mitra")
def partners():
    page, work = cooperations.active_partners(int_arg("page", 1))
    return render_page(
        "public/partners.html",
        "partner_rows",
        page=page,
        work=work,
        page_url=lambda number: url_for(
            "public.partners", page=number if number > 1 else None
        ),
    )


@bp.get("/kegiatan")
def activities():
    page = cooperations.public_activities(int_arg("page", 1))
    return render_page(
        "public/activities.html",
        "activity_rows",
        page=page,
        page_url=lambda number: url_for(
            "public.activities", page=number if number > 1 else None
        ),
    )


@bp.get("/kontak")
def contacts():
    code = request.args.get("provinsi", "")
    known = not code or db.session.get(Province, code) is not None
    return render_page(
        "public/contacts.html",
        "balai_list",
        200 if known else 400,
        offices=catalogue.balai_offices(code if known else None),
        provinces=province_choices(),
        selected=code if known else "",
        unknown_province=not known,
    )


@bp.get("/wilayah/kabupaten")
def regency_select():
    """The regency select for a province. ``untuk=isian`` gives the one a
    form needs (a required choice, "-- Pilih --"); otherwise a filter's
    ("Semua Kab/Kota")."""
    code = request.args.get("provinsi", "")
    known = not code or db.session.get(Province, code) is not None
    for_form = request.args.get("untuk") == "isian"
    choices = regency_choices(code if known else "")
    if for_form:
        choices = [SelectChoice("", _("-- Pilih --")), *choices[1:]]
    return render_page(
        "public/regency_select.html",
        "regency_select",
        200 if known else 400,
        choices=choices,
        selected="",
        unknown_province=not known,
        for_form=for_form,
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return "database tidak tersedia\n", 503, {"Content-Type": "text/plain"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
