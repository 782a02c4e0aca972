"""The mitra's own pages: Program saya (issue 4 fills it)."""

from flask import Blueprint

from kerapu.auth.access import mitra_required
from kerapu.web import render_page

bp = Blueprint("mitra", __name__, url_prefix="/saya")


@bp.get("/program")
@mitra_required
def programs():
    # The mitra's applications and proposals arrive with issue 4; until
    # then the page says so plainly.
    return render_page("mitra/programs.html", "content")
