"""WhatsApp numbers: every common way of writing one, one stored form."""

import pytest

from kerapu.services.phones import normalise_whatsapp


@pytest.mark.parametrize(
    "text",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "(0812) 3456-7890",
        "+62 812-3456-7890",
        "+62 812 3456 7890",
        "+6281234567890",
        "6281234567890",
        "62 812 3456 7890",
        "+62 (0812) 3456 7890",
        "  081234567890  ",
        "0812\u00a03456\u00a07890",
    ],
)
def test_normalise_whatsapp_gives_e164(text):
    assert normalise_whatsapp(text) == "+6281234567890"


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("0811-234-567", "+62811234567"),
        ("0857 1234 5678", "+6285712345678"),
        ("0896-1234-56789", "+62896123456789"),
        ("0881 2345 6789", "+6288123456789"),
    ],
)
def test_normalise_whatsapp_accepts_every_operator_and_length(text, normalised):
    assert normalise_whatsapp(text) == normalised


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Isi nomor WhatsApp"),
        ("   ", "Isi nomor WhatsApp"),
        ("0812345", "10 sampai 13 angka"),
        ("0812 3456 7890 123", "10 sampai 13 angka"),
        ("021-555-1234", "telepon kantor atau rumah"),
        ("(0274) 512345", "telepon kantor atau rumah"),
        ("0800 1234 567", "Awalan nomor HP ini tidak dikenal"),
        ("0809 1234 5678", "Awalan nomor HP ini tidak dikenal"),
        ("+1 415 555 0100", "diawali 08, 62 atau \\+62"),
        ("+60 12 345 6789", "diawali 08, 62 atau \\+62"),
        ("0812-3456-789O", "diawali 08, 62 atau \\+62"),
        ("nomor saya 0812", "diawali 08, 62 atau \\+62"),
        ("0812３４５６７８９０", "diawali 08, 62 atau \\+62"),
        ("0812/3456/7890", "diawali 08, 62 atau \\+62"),
        ("1" * 40, "terlalu panjang"),
    ],
)
def test_normalise_whatsapp_refuses_with_indonesian_message(text, message):
    with pytest.raises(ValueError, match=message):
        normalise_whatsapp(text)
