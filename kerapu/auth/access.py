"""Who may open what: decorators for the views of each role."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from kerapu.models import Role


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
