"""Image uploads: judged by decoding, re-encoded, stored under random names."""

import io
import logging
import os

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from kerapu.services.uploads import (
    NAME,
    UploadRejected,
    check_image,
    delete_image,
    image_path,
    store_image,
)
from tests import images


def upload(data, filename="logo.png", content_type="image/png"):
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


@pytest.fixture
def ctx(app, upload_folder):
    with app.app_context():
        yield upload_folder


def stored(name, thumbnail=False):
    with open(image_path(name, thumbnail=thumbnail), "rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("data", "image_format", "extension"),
    [
        (images.png(), "PNG", "png"),
        (images.jpeg_with_exif(), "JPEG", "jpg"),
        (images.webp(), "WEBP", "webp"),
    ],
)
def test_store_image_writes_a_fresh_image_and_thumbnail(
    ctx, data, image_format, extension
):
    name = store_image(upload(data, filename="apa.saja"), "logo")

    assert NAME.fullmatch(name)
    assert name.startswith("logo-")
    assert name.endswith("." + extension)
    for thumbnail in (False, True):
        with Image.open(io.BytesIO(stored(name, thumbnail))) as image:
            image.load()
            assert image.format == image_format
            assert not image.getexif()
            assert "exif" not in image.info
    assert stored(name) != data
    assert sorted(os.listdir(ctx)) == ["kecil", name]


def test_store_image_applies_orientation_and_drops_exif(ctx):
    data = images.jpeg_with_exif(size=(60, 20))

    name = store_image(upload(data, "foto.jpg", "image/jpeg"), "logo")

    with Image.open(io.BytesIO(stored(name))) as image:
        assert image.size == (20, 60)
        assert not image.getexif()
    assert b"KameraRahasia" not in stored(name)
    assert b"Exif" not in stored(name)


def test_thumbnail_fits_in_160_pixels(ctx):
    name = store_image(upload(images.png(size=(800, 400))), "logo")

    with Image.open(io.BytesIO(stored(name, thumbnail=True))) as image:
        assert image.size == (160, 80)
    with Image.open(io.BytesIO(stored(name))) as image:
        assert image.size == (800, 400)


def test_transparency_is_kept(ctx):
    name = store_image(upload(images.webp()), "logo")

    with Image.open(io.BytesIO(stored(name))) as image:
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 128


def test_script_appended_to_png_is_not_stored(ctx):
    data = images.png() + b"<script>alert(document.cookie)</script>"

    name = store_image(upload(data), "logo")

    assert b"<script>" not in stored(name)
    assert b"<script>" not in stored(name, thumbnail=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Berkas kosong"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "bukan gambar PNG, JPEG atau WebP",
        ),
        (b"<!doctype html><html><script>alert(1)</script></html>", "bukan gambar"),
        (b"Ini hanya teks biasa, bukan gambar.\n", "bukan gambar"),
        (b"\x89PNG\r\n\x1a\n", "bukan gambar"),
        (b"GIF89a" + images.png()[6:], "bukan gambar"),
        (images.encode(Image.new("RGB", (8, 8)), "GIF"), "bukan gambar"),
        (images.encode(Image.new("RGB", (8, 8)), "BMP"), "bukan gambar"),
        (images.encode(Image.new("RGB", (8, 8)), "TIFF"), "bukan gambar"),
        (images.noise_png((300, 300))[:5000], "rusak atau tidak lengkap"),
        (images.jpeg_with_exif(size=(300, 300))[:400], "rusak atau tidak lengkap"),
    ],
    ids=[
        "empty",
        "svg",
        "html",
        "text",
        "png-signature-only",
        "gif-disguised",
        "gif",
        "bmp",
        "tiff",
        "truncated-png",
        "truncated-jpeg",
    ],
)
def test_check_image_refuses_what_is_not_a_sound_image(ctx, data, message):
    with pytest.raises(UploadRejected, match=message):
        check_image(upload(data), "logo")

    assert not ctx.exists()


def test_15000_square_png_of_a_few_kb_is_refused_before_decoding(ctx):
    data = images.huge_png(15000, 15000)
    assert len(data) < 32 * 1024

    with pytest.raises(UploadRejected, match="Ukuran gambar terlalu besar"):
        check_image(upload(data), "logo")


@pytest.mark.parametrize("size", [(5000, 5000), (1, 12000)])
def test_dimensions_over_our_limits_are_refused(ctx, size):
    # Under Pillow's own bomb limit, over ours: our check speaks first.
    with pytest.raises(UploadRejected, match=r"paling banyak 16\.777\.216 piksel"):
        check_image(upload(images.huge_png(*size)), "logo")


def test_a_photo_may_be_larger_than_a_logo_and_is_shrunk_for_screens(ctx):
    prepared = check_image(upload(images.huge_png(5000, 2500)), "photo")

    assert prepared.size == (1600, 800)
    with Image.open(io.BytesIO(prepared.thumbnail)) as thumbnail:
        assert thumbnail.size == (480, 240)


def test_file_over_the_logo_limit_is_refused_with_sizes(ctx, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_LOGO_MAX_BYTES", 1024 * 1024)

    with pytest.raises(UploadRejected, match=r"terlalu besar \(1,4 MB\).* 1 MB\."):
        check_image(upload(images.noise_png((700, 700))), "logo")


def test_check_image_writes_nothing(ctx):
    prepared = check_image(upload(images.png()), "logo")

    assert prepared.extension == "png"
    assert not ctx.exists()


def test_delete_image_removes_both_files(ctx, caplog):
    caplog.set_level(logging.INFO, logger="kerapu")
    name = store_image(upload(images.png()), "logo")

    delete_image(name)
    delete_image(name)

    assert os.listdir(ctx) == ["kecil"]
    assert os.listdir(ctx / "kecil") == []
    assert f"image stored: {name}" in caplog.text
    assert f"image deleted: {name}" in caplog.text


@pytest.mark.parametrize(
    "name",
    ["../config.py", "logo-xyz.png", "logo-" + "0" * 32 + ".svg", "", None],
)
def test_delete_image_refuses_names_it_never_made(ctx, name):
    with pytest.raises(ValueError, match="not a stored image name"):
        delete_image(name)
