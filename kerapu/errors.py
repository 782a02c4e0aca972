"""Error pages: a small fragment for htmx, a whole page otherwise."""

import logging
import math
import time

from flask import current_app, make_response, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)

from kerapu.extensions import db, limiter
from kerapu.services.uploads import megabytes
from kerapu.web import is_htmx

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Permintaan tidak valid"), _l("Periksa kembali isian atau alamat.")),
    403: (_l("Akses ditolak"), _l("Anda tidak berhak membuka halaman ini.")),
    404: (
        _l("Halaman tidak ditemukan"),
        _l("Alamat ini tidak ada atau sudah tidak tersedia."),
    ),
    405: (
        _l("Metode tidak diizinkan"),
        _l("Alamat ini tidak menerima permintaan itu."),
    ),
    413: (
        _l("Berkas terlalu besar"),
        _l("Ukuran kiriman melebihi batas yang diizinkan."),
    ),
    422: (_l("Isian belum benar"), _l("Periksa kembali isian Anda.")),
    429: (
        _l("Terlalu banyak permintaan"),
        _l("Tunggu sebentar, lalu coba lagi."),
    ),
    500: (
        _l("Terjadi kesalahan pada server"),
        _l("Kesalahan sudah dicatat. Silakan coba lagi nanti."),
    ),
}


def render_error(status, detail=None, back_url=None):
    """Answer ``status`` in Indonesian, as a fragment for htmx requests."""
    title, message = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    context = {
        "status": status,
        "title": title,
        "message": detail or message,
        "back_url": back_url,
    }
    if is_htmx():
        response = make_response(render_template("errors/_fragment.html", **context))
        # Errors go to the page's message area, never into a table cell.
        response.headers["HX-Retarget"] = "#flash"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = make_response(render_template("errors/error.html", **context))
    response.status_code = status
    response.vary.add("HX-Request")
    return response


def handle_http_error(error):
    detail = error.description if getattr(error, "show_description", False) else None
    response = render_error(error.code or 500, detail)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def handle_too_large(error):
    """The 413 page: how large a sending may be, and a way back to the form.

    The refused body is read and dropped first, so a browser still sending
    it sees this page rather than a connection reset."""
    drain_refused_body()
    limit = request.max_content_length
    detail = None
    if limit:
        detail = _l(
            "Berkas yang dikirim terlalu besar. Seluruh kiriman paling besar "
            "%(max)s; perkecil berkasnya, lalu kirim lagi.",
            max=megabytes(limit),
        )
    back_url = None
    if request.url_rule is not None and "GET" in request.url_rule.methods:
        back_url = url_for(request.endpoint, **(request.view_args or {}))
    return render_error(413, detail, back_url)


def drain_refused_body():
    """Read and drop a body refused for its Content-Length, up to
    UPLOAD_DRAIN_MAX_BYTES.

    Nothing of it was read when the length alone refused it; a server that
    closes a socket with unread data makes the kernel send a reset, and the
    browser shows "connection reset" instead of our page (gunicorn lingers
    for only 64 KB)."""
    length = request.content_length
    limit = request.max_content_length
    cap = current_app.config["UPLOAD_DRAIN_MAX_BYTES"]
    if not length or limit is None or length <= limit or length > cap:
        return
    # XXX: a slow client keeps a worker busy while its refused body drains,
    # as it would while sending an accepted one; a buffering proxy in front
    # (nginx client_max_body_size) refuses such bodies before the app.
    stream = request.environ["wsgi.input"]
    remaining = length
    try:
        while remaining > 0:
            chunk = stream.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            remaining -= len(chunk)
    except OSError:
        log.info("refused body: client gone while draining")


def handle_csrf_error(error):
    return render_error(
        400, _l("Sesi formulir sudah berakhir. Muat ulang halaman lalu kirim lagi.")
    )


def handle_rate_limited(error):
    """429 with how long to wait, as far as the limiter knows it."""
    breached = [limit for limit in limiter.current_limits if limit.breached]
    wait = None
    if breached:
        wait = max(1, max(limit.reset_at for limit in breached) - int(time.time()))
    elif hasattr(getattr(error, "limit", None), "limit"):
        wait = error.limit.limit.get_expiry()  # at most one whole window
    detail = _l("Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.")
    if wait is not None:
        detail = _l(
            "Terlalu banyak percobaan dari alamat atau akun ini. Coba lagi dalam "
            "%(minutes)d menit.",
            minutes=max(1, math.ceil(wait / 60)),
        )
    response = render_error(429, detail)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    log.info("rate limited: %s %s", request.method, request.endpoint)
    return response


def handle_unexpected(error):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    log.exception("unhandled error: %s", type(error).__name__)
    db.session.rollback()
    return render_error(InternalServerError.code)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
