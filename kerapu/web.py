"""Response helpers shared by every blueprint: page-or-fragment rendering,
versioned static files, security headers and Indonesian formatting."""

import hashlib
import os
from datetime import UTC
from functools import cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import parse_pattern
from flask import (
    Request,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block

from kerapu.models.regions import TIME_ZONES
from kerapu.services.catalogue import AnswerCache

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_htmx():
    """True for an htmx request that wants a fragment, not a history restore."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(template, block, status=200, **context):
    """Render the whole page, or only ``block`` for htmx; vary on HX-Request."""
    if is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def int_arg(name, default):
    """An integer query argument; anything unreadable counts as ``default``."""
    try:
        return int(request.args.get(name, default))
    except ValueError:
        return default


def see_other(endpoint, **values):
    """Post/redirect/get: 303 to ``endpoint``."""
    return redirect(url_for(endpoint, **values), 303)


def shared_response(key, build):
    """``build()``'s response, kept for readers without a session.

    What an anonymous reader gets depends only on the address and on
    whether htmx asks, so the answer is rendered once per catalogue version
    (part of ``key``) and then served from this process's memory; anyone
    with a session (whose page may carry personal parts) gets a fresh one.
    """
    config = current_app.config
    personal = (
        config["SESSION_COOKIE_NAME"],
        config.get("REMEMBER_COOKIE_NAME", "remember_token"),
    )
    if not config["SHARED_RESPONSES"] or any(
        request.cookies.get(name) for name in personal
    ):
        return build()
    full_key = (*key, is_htmx(), request.query_string)
    kept = shared_responses.get(full_key)
    if kept is None:
        response = build()
        if response.status_code != 200:
            return response  # odd addresses must not crowd out real ones
        headers = {k: v for k, v in response.headers.items() if k in SHARED_HEADERS}
        kept = (response.get_data(), headers)
        shared_responses.put(full_key, kept)
    body, headers = kept
    response = make_response(body)
    response.headers.update(headers)
    response.vary.add("HX-Request")
    return response


#: Rendered pages for anonymous readers; 1,024 pages of at most ~20 KB.
shared_responses = AnswerCache(size=1024)

#: Headers of a shared response that belong to its content.
SHARED_HEADERS = {"Content-Type", "HX-Push-Url"}


@cache
def _file_digest(path, mtime):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:10]


def asset_url(filename):
    """URL of a static file that changes whenever the file's content does."""
    path = os.path.join(current_app.static_folder, filename)
    return url_for(
        "static", filename=filename, v=_file_digest(path, os.path.getmtime(path))
    )


#: Parsed once: Babel's format_decimal would parse both on every call.
INDONESIAN = Locale.parse("id_ID")
DECIMAL = parse_pattern("#,##0.###")


def rupiah(value):
    """31312163000 -> "Rp. 31.312.163.000"; empty values show a dash."""
    if value is None:
        return "–"
    return "Rp. " + DECIMAL.apply(value, INDONESIAN)


def number(value):
    """Indonesian decimal notation: 1.25 -> "1,25", 500000 -> "500.000"."""
    if value is None:
        return "–"
    return DECIMAL.apply(value, INDONESIAN)


def local_time(value, zone="WIB"):
    """A stored UTC time as the region reads it: "4 Desember 2026 10.15 WITA"."""
    if value is None:
        return "–"
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    zone = zone if zone in TIME_ZONES else "WIB"
    shown = format_datetime(
        value, "d MMMM y HH.mm", tzinfo=ZoneInfo(TIME_ZONES[zone]), locale=INDONESIAN
    )
    return f"{shown} {zone}"


def iso_time(value):
    """A stored UTC time for a ``datetime`` attribute, with its offset."""
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def date_long(value):
    """A date as Indonesians write it: "4 Desember 2026"."""
    if value is None:
        return "–"
    return format_date(value, "d MMMM y", locale=INDONESIAN)


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.endpoint == "static":
        # Read the (small) file into memory so Flask-Compress can gzip it
        # without streaming: its streaming path drops the file's close().
        response.direct_passthrough = False
        response.make_sequence()
    if request.endpoint == "static" and request.args.get("v"):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["STATIC_MAX_AGE"]
        response.cache_control.immutable = True
    return response


def refuse_nul_bytes():
    """Answer 400 to a NUL byte anywhere in the address or in a form field:
    no database keeps one in text, and PostgreSQL refuses it outright."""
    sent = [request.args]
    if request.method not in ("GET", "HEAD"):
        sent.append(request.form)  # files are not in it: their bytes are fine
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value
        for fields in sent
        for key, value in fields.items(multi=True)
    ):
        abort(400)


def csrf_header():
    """The CSRF token for htmx requests, once the visitor has a session.

    Anonymous readers of public pages get no token, and so no cookie: their
    pages stay cacheable and small. Every form that posts renders its own
    token field, which starts the session."""
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        return generate_csrf()
    return None


def translations():
    """This request's translations, looked up once: Flask-Babel resolves the
    locale and domain on every call, which costs more than the page."""
    found = g.get("_translations")
    if found is None:
        found = g._translations = flask_babel.get_translations()
    return found


def install_gettext(app):
    """Give Jinja the same gettext callables Flask-Babel would, memoised."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def accepts_uploads(view):
    """Let ``view`` take request bodies up to UPLOAD_REQUEST_MAX_BYTES.

    Every other view keeps MAX_CONTENT_LENGTH. The larger limit is read by
    ``KerapuRequest`` as soon as the URL is matched, so it holds already
    when CSRF protection parses the form, before the view runs."""
    view.accepts_uploads = True
    return view


class KerapuRequest(Request):
    """Flask's request, with the body limit chosen per view."""

    @property
    def max_content_length(self):
        if self._max_content_length is not None:
            return self._max_content_length
        if not current_app:
            return super().max_content_length
        view = current_app.view_functions.get(self.endpoint or "")
        if getattr(view, "accepts_uploads", False):
            return current_app.config["UPLOAD_REQUEST_MAX_BYTES"]
        return current_app.config["MAX_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value):
        self._max_content_length = value


def image_url(name):
    """URL of a stored upload (see kerapu/services/uploads.py)."""
    return url_for("uploads.show", name=name)


def thumbnail_url(name):
    """URL of a stored upload's thumbnail: the small one for lists."""
    return url_for("uploads.thumbnail", name=name)


def init_app(app):
    app.request_class = KerapuRequest
    install_gettext(app)
    app.before_request(refuse_nul_bytes)
    app.jinja_env.globals["csrf_header"] = csrf_header
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["image_url"] = image_url
    app.jinja_env.globals["thumbnail_url"] = thumbnail_url
    app.jinja_env.filters["rupiah"] = rupiah
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["date_long"] = date_long
    app.jinja_env.filters["iso_time"] = iso_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.after_request(add_security_headers)
