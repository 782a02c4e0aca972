"""Indonesian WhatsApp numbers, stored as E.164 (``+6281234567890``).

lokal-id's ``lokal.phone.parse_phone`` does the reading: it accepts
``0812-3456-7890``, ``+62 812 3456 7890``, ``6281234567890`` and
``(0812) 3456.7890``, strips spaces, dashes, dots and brackets, says whether
the number is ``mobile`` or ``landline``, checks the length (10 to 13
digits with the leading 0), knows the operators' mobile prefixes, and
gives the E.164 form. Its messages are not ours to translate, so only its
issue codes are read here.

Decision: only mobile numbers of a known operator prefix are WhatsApp
numbers. A landline can carry WhatsApp Business, but a contact person is
reached on a phone; an unknown ``08xx`` prefix (``0800`` toll-free,
``0809``) is far more often a slip than a new operator.
"""

from flask_babel import lazy_gettext as _l
from lokal.phone import parse_phone

#: Longest text looked at: "+62 (812) 3456-7890" with spare spaces.
MAX_LENGTH = 32


def normalise_whatsapp(text):
    """The E.164 form of an Indonesian mobile number; ``ValueError`` with an
    Indonesian message otherwise."""
    value = (text or "").strip()
    if not value:
        raise ValueError(str(_l("Isi nomor WhatsApp, misalnya 0812-3456-7890.")))
    if len(value) > MAX_LENGTH:
        raise ValueError(str(_l("Nomor WhatsApp terlalu panjang.")))
    info = parse_phone(value)
    codes = {issue.code for issue in info.errors}
    if "length" in codes:
        raise ValueError(
            str(_l("Nomor HP terdiri atas 10 sampai 13 angka, termasuk 0 di depan."))
        )
    if not info.valid:
        raise ValueError(
            str(
                _l(
                    "Tulis nomor HP Indonesia dengan angka, diawali 08, 62 atau +62, "
                    "misalnya 0812-3456-7890."
                )
            )
        )
    if info.type != "mobile":
        raise ValueError(
            str(_l("Ini nomor telepon kantor atau rumah. Isi nomor HP WhatsApp."))
        )
    if any(issue.code == "prefix_unknown" for issue in info.warnings):
        # XXX: the prefix list is lokal-id's; a new operator prefix needs a
        # lokal-id upgrade before its numbers are accepted.
        raise ValueError(
            str(_l("Awalan nomor HP ini tidak dikenal. Periksa kembali nomornya."))
        )
    return info.e164
