"""Who may open what: decorators for the views of each role."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from kerapu.extensions import db
from kerapu.models import Cooperation, ProgressReport, Role


def mitra_required(view):
    """Logged in with a mitra account; anyone else logged in gets 404 (the
    page is not theirs, and its existence is none of their business)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role is not Role.MITRA or current_user.mitra is None:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def get_cooperation_for(user, cooperation_id):
    """The mitra's own application or proposal, or 404: another mitra's
    looks exactly like one that does not exist."""
    cooperation = db.session.get(Cooperation, cooperation_id)
    if cooperation is None or cooperation.mitra_id != user.mitra.id:
        abort(404)
    return cooperation


def get_report_for(user, cooperation_id, report_id):
    """A progress report on the mitra's own cooperation, or 404."""
    cooperation = get_cooperation_for(user, cooperation_id)
    report = db.session.get(ProgressReport, report_id)
    if report is None or report.cooperation_id != cooperation.id:
        abort(404)
    return report
