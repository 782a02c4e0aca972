"""Uploaded images (logos, progress photos): checked, re-encoded, stored.

An upload is judged by decoding it with Pillow, never by its name or the
type the browser claims: only PNG, JPEG and WebP open. The pixel size is
read from the header and checked before the image is decoded in full, so a
small file that unpacks to gigabytes is refused with a message. What is
stored is a fresh encoding of the decoded pixels (EXIF orientation applied
first): metadata, comments and anything appended to the file are gone. The
original is never kept or served.

Files live in ``UPLOAD_FOLDER`` (default ``instance/uploads``) under a
random name that says its kind and type, ``logo-<32 hex>.png``; the
thumbnail has the same name under ``kecil/``. Names never change, so they
can be cached for ever.

A form checks first (``check_image``, nothing written) and stores only once
every field is valid (``save_image``); ``store_image`` does both.
"""

import io
import logging
import os
import re
import secrets
import tempfile
import warnings
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    config_prefix: str
    #: The thumbnail fits in this box: a list icon for logos, a card-wide
    #: picture for photos in lists.
    thumbnail: tuple[int, int]
    #: The stored image fits in this box (None: kept at its size). A phone
    #: photo is shrunk to what a screen shows; nobody needs its 48 MP.
    display: tuple[int, int] | None = None


KINDS = {
    "logo": Kind("UPLOAD_LOGO", (160, 160)),
    "photo": Kind("UPLOAD_PHOTO", (480, 480), display=(1600, 1600)),
}

#: Pillow format -> (extension, content type). The only formats opened.
FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {extension: kind for extension, kind in FORMATS.values()}

NAME = re.compile(r"(?:logo|photo)-[0-9a-f]{32}\.(?:png|jpg|webp)")

THUMBNAILS = "kecil"


class UploadRejected(ValueError):
    """An upload refused, with the Indonesian message for the user."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class PreparedImage:
    """A checked upload, re-encoded in memory and not yet written."""

    kind: str
    extension: str
    data: bytes
    thumbnail: bytes
    size: tuple[int, int]


def megabytes(size):
    """2097152 -> "2 MB", 3500000 -> "3,3 MB"."""
    value = round(size / (1024 * 1024), 1)
    return format_decimal(value, format="#,##0.#", locale="id_ID") + " MB"


def limits(kind):
    """(bytes, pixels) allowed for ``kind``."""
    config = current_app.config
    prefix = KINDS[kind].config_prefix
    return config[prefix + "_MAX_BYTES"], config[prefix + "_MAX_PIXELS"]


def file_size(stream):
    """Bytes in ``stream``, which is left at its start."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def check_image(file_storage, kind):
    """Decode and re-encode an upload; raise ``UploadRejected`` if it is
    not a sound PNG, JPEG or WebP within the limits of ``kind``."""
    max_bytes, max_pixels = limits(kind)
    stream = file_storage.stream
    size = file_size(stream)
    if size == 0:
        raise UploadRejected(_l("Berkas kosong. Pilih gambar PNG, JPEG atau WebP."))
    if size > max_bytes:
        raise UploadRejected(
            _l(
                "Berkas terlalu besar (%(size)s). Paling besar %(max)s.",
                size=megabytes(size),
                max=megabytes(max_bytes),
            )
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns on odd but readable files; a bomb warning (more
            # pixels than Pillow's own limit) must stop here, not be shown.
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=list(FORMATS)) as image:
                check_dimensions(image.size, max_pixels)
                image.load()
                return reencode(image, kind)
    except UploadRejected:
        raise
    except UnidentifiedImageError:
        raise UploadRejected(
            _l("Berkas ini bukan gambar PNG, JPEG atau WebP.")
        ) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRejected(too_many_pixels(max_pixels)) from None
    except Exception as error:  # noqa: BLE001 - any decoder failure is bad input
        log.info("upload refused as damaged: %s", type(error).__name__)
        raise UploadRejected(
            _l(
                "Gambar rusak atau tidak lengkap. Simpan ulang gambarnya, "
                "lalu coba lagi."
            )
        ) from None
    finally:
        stream.seek(0)


def too_many_pixels(max_pixels):
    return _l(
        "Ukuran gambar terlalu besar (paling banyak %(pixels)s piksel, "
        "sisi terpanjang %(side)s piksel). Perkecil gambarnya, lalu coba lagi.",
        pixels=format_decimal(max_pixels, locale="id_ID"),
        side=format_decimal(current_app.config["UPLOAD_MAX_SIDE"], locale="id_ID"),
    )


def check_dimensions(size, max_pixels):
    """Refuse pixel sizes over the limits, from the header alone."""
    width, height = size
    if width < 1 or height < 1:
        raise UploadRejected(_l("Gambar ini tidak berukuran."))
    side = current_app.config["UPLOAD_MAX_SIDE"]
    if width * height > max_pixels or max(width, height) > side:
        raise UploadRejected(too_many_pixels(max_pixels))


def reencode(image, kind):
    """A fresh encoding of ``image`` and of its thumbnail, upright and
    without metadata."""
    source_format = image.format
    extension = FORMATS[source_format][0]
    upright = ImageOps.exif_transpose(image)
    alpha = source_format != "JPEG" and (
        upright.mode in ("RGBA", "LA", "PA", "RGBa", "La")
        or "transparency" in upright.info
    )
    clean = upright.convert("RGBA" if alpha else "RGB")
    if KINDS[kind].display:
        clean.thumbnail(KINDS[kind].display, Image.Resampling.LANCZOS)
    clean.info = {}
    thumbnail = clean.copy()
    thumbnail.thumbnail(KINDS[kind].thumbnail, Image.Resampling.LANCZOS)
    thumbnail.info = {}
    return PreparedImage(
        kind=kind,
        extension=extension,
        data=encode(clean, source_format),
        thumbnail=encode(thumbnail, source_format),
        size=clean.size,
    )


def encode(image, image_format):
    """Bytes of ``image`` in ``image_format``, with no metadata passed on."""
    buffer = io.BytesIO()
    if image_format == "JPEG":
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif image_format == "WEBP":
        image.save(buffer, "WEBP", quality=85, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload_folder():
    """Where stored images live (``UPLOAD_FOLDER``, else instance/uploads)."""
    return current_app.config["UPLOAD_FOLDER"] or os.path.join(
        current_app.instance_path, "uploads"
    )


def image_path(name, thumbnail=False):
    """The file of a stored image, or None for a name we never make."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        return None
    if thumbnail:
        return os.path.join(upload_folder(), THUMBNAILS, name)
    return os.path.join(upload_folder(), name)


def write_atomically(path, data):
    """Write ``data`` to ``path`` so no reader ever sees half a file."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def save_image(prepared):
    """Write a checked image and its thumbnail; return the stored name."""
    name = f"{prepared.kind}-{secrets.token_hex(16)}.{prepared.extension}"
    # The thumbnail first: a name whose full image exists is complete.
    write_atomically(image_path(name, thumbnail=True), prepared.thumbnail)
    write_atomically(image_path(name), prepared.data)
    log.info(
        "image stored: %s (%dx%d, %d bytes)",
        name,
        *prepared.size,
        len(prepared.data),
    )
    return name


def store_image(file_storage, kind):
    """Check, re-encode and store an upload; return the stored name."""
    return save_image(check_image(file_storage, kind))


def discard_images(names):
    """Delete stored images no longer referenced (a replaced logo, photos
    taken off a report, files of a refused form); a failure is only
    logged, as the change they belonged to already stands."""
    for name in names:
        if not name:
            continue
        try:
            delete_image(name)
        except OSError:
            log.warning("could not delete upload %s", name)


def delete_image(name):
    """Remove a stored image and its thumbnail (a replaced logo)."""
    if image_path(name) is None:
        raise ValueError(f"not a stored image name: {name!r}")
    for thumbnail in (False, True):
        try:
            os.remove(image_path(name, thumbnail=thumbnail))
        except FileNotFoundError:
            pass
    log.info("image deleted: %s", name)
