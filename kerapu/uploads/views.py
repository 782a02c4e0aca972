"""Stored images, served as files that can never be anything but images.

Names are random and never reused, so responses are cached for a year. The
headers forbid sniffing, scripts and framing even if a stored file were
somehow not an image.
"""

import os

from flask import Blueprint, abort, make_response, request

from kerapu.services.uploads import CONTENT_TYPES, image_path

bp = Blueprint("uploads", __name__, url_prefix="/berkas")

#: A year: names never change.
MAX_AGE = 365 * 24 * 3600


@bp.get("/<name>")
def show(name):
    return serve(name, thumbnail=False)


@bp.get("/kecil/<name>")
def thumbnail(name):
    return serve(name, thumbnail=True)


def serve(name, thumbnail):
    """Answer with a stored image, or 404 for any other name."""
    path = image_path(name, thumbnail=thumbnail)
    if path is None or not os.path.isfile(path):
        abort(404)
    # Images are small (a logo at most a few hundred KB once re-encoded):
    # read whole, so no file handle outlives the request.
    with open(path, "rb") as handle:
        data = handle.read()
    response = make_response(data)
    response.mimetype = CONTENT_TYPES[name.rsplit(".", 1)[1]]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.cache_control.immutable = True
    response.set_etag(("kecil-" if thumbnail else "") + name)
    return response.make_conditional(request)
