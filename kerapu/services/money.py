"""Rupiah typed by people: ``500000000``, ``500.000.000``, ``Rp 500.000.000``.

Amounts are whole Rupiah (integers). The grammar is strict on purpose: a
dot only ever groups thousands, so ``1.500`` is one thousand five hundred,
``,-`` or ``,00`` after the amount (invoice style) is allowed, and
anything that could be read two ways (``1,5``, ``1.500,50``, ``5e8``,
``1.50.000``) is refused with a message rather than guessed.

lokal-id's ``parse_rupiah`` is not used: it reads chat ("1,5jt", "goceng")
and returns floats, which is right for chat and wrong for a form that sets
the value of a contract. Display stays ``kerapu.web.rupiah``.
"""

import re

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

#: The largest amount accepted by default: Rp 1.000.000.000.000.000 (a
#: thousand trillion, some 250 times the whole national budget). Anything
#: above is a typing slip, and every amount fits a 64-bit column. Forms
#: read the bound from the config key ``RUPIAH_MAX``.
MAX_RUPIAH = 10**15

#: Longest text looked at; a real amount with "Rp. " and dots is ~30.
MAX_LENGTH = 40

_PREFIX = re.compile(r"^rp\.?\s*", re.IGNORECASE)
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_DOTTED = re.compile(r"[0-9.]+")
#: "Rp 500.000,-" and "Rp 500.000,00" are how invoices write whole Rupiah.
_NO_SEN = re.compile(r",(?:-|00)$")


def parse_rupiah(text, *, maximum=MAX_RUPIAH, allow_zero=False):
    """Read a whole Rupiah amount; raise ``ValueError`` with an Indonesian
    message for anything else."""
    value = (text or "").strip()
    if not value:
        raise ValueError(str(_l("Isi jumlah Rupiah, misalnya 500.000.000.")))
    if len(value) > MAX_LENGTH:
        raise ValueError(str(_l("Jumlah terlalu panjang.")))
    if value.startswith("-") or value.startswith("−"):
        raise ValueError(str(_l("Jumlah tidak boleh negatif.")))
    digits = _PREFIX.sub("", value, count=1)
    if digits.startswith("-") or digits.startswith("−"):
        raise ValueError(str(_l("Jumlah tidak boleh negatif.")))
    digits = _NO_SEN.sub("", digits, count=1)
    if "," in digits:
        raise ValueError(
            str(_l("Tulis Rupiah tanpa sen atau koma, misalnya 1.500.000."))
        )
    if _PLAIN.fullmatch(digits):
        amount = int(digits)
    elif _GROUPED.fullmatch(digits):
        amount = int(digits.replace(".", ""))
    elif _DOTTED.fullmatch(digits):
        raise ValueError(
            str(_l("Titik memisahkan ribuan: tulis 1.500.000 atau 1500000."))
        )
    else:
        raise ValueError(
            str(_l("Tulis jumlah dengan angka saja, misalnya 500.000.000."))
        )
    if amount == 0 and not allow_zero:
        raise ValueError(str(_l("Jumlah harus lebih dari nol.")))
    if amount > maximum:
        raise ValueError(
            str(
                _l(
                    "Jumlah terlalu besar (paling banyak Rp. %(max)s).",
                    max=format_decimal(maximum, locale="id_ID"),
                )
            )
        )
    return amount
