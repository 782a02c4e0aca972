"""Real image files made on the spot, good and hostile."""

import io
import os
import struct
import zlib

from PIL import Image


def encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def png(size=(64, 32), color=(200, 30, 30), mode="RGB"):
    return encode(Image.new(mode, size, color), "PNG")


def webp(size=(64, 32)):
    return encode(Image.new("RGBA", size, (10, 120, 200, 128)), "WEBP")


def jpeg_with_exif(size=(60, 20)):
    """A JPEG a camera would make: EXIF with a maker, a GPS block and
    orientation 6 (turn 90 degrees clockwise to view)."""
    image = Image.new("RGB", size, (30, 160, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    exif[0x0112] = 6
    exif[0x8825] = {2: (6.0, 10.0, 0.0)}
    return encode(image, "JPEG", exif=exif.tobytes(), quality=90)


def noise_png(size):
    """A PNG that does not compress: about 3 bytes a pixel."""
    width, height = size
    return encode(Image.frombytes("RGB", size, os.urandom(width * height * 3)), "PNG")


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def huge_png(width, height):
    """A valid 1-bit PNG of ``width`` x ``height`` pixels, all black, in a
    few KB: rows of zeros compress to almost nothing."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height))
    data += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", data)
        + chunk(b"IEND", b"")
    )
