"""Accounts: login, registration, activation (the mitra journey, issue 3)."""

from flask import Blueprint

from kerapu.web import render_page

bp = Blueprint("auth", __name__, url_prefix="/akun")


@bp.get("/masuk")
def login():
    # Login and registration are not built yet (issue 3): the page says so
    # rather than showing a form that cannot work.
    return render_page("auth/login.html", "content")
