"""Rupiah as people type it: one reading, or a clear refusal."""

import pytest

from kerapu.services.money import MAX_RUPIAH, parse_rupiah
from kerapu.web import rupiah


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("500000000", 500_000_000),
        ("500.000.000", 500_000_000),
        ("Rp 500.000.000", 500_000_000),
        ("Rp. 500.000.000", 500_000_000),
        ("Rp500.000.000", 500_000_000),
        ("rp.500.000.000", 500_000_000),
        ("RP 500000000", 500_000_000),
        ("  Rp 500.000.000  ", 500_000_000),
        ("Rp 500.000.000,-", 500_000_000),
        ("Rp 500.000.000,00", 500_000_000),
        ("1.500", 1500),
        ("1", 1),
        ("999", 999),
        ("31.312.163.000", 31_312_163_000),
        ("1.000.000.000.000.000", MAX_RUPIAH),
    ],
)
def test_parse_rupiah_reads_common_forms(text, amount):
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Isi jumlah Rupiah"),
        ("   ", "Isi jumlah Rupiah"),
        ("-500000", "tidak boleh negatif"),
        ("Rp -500.000", "tidak boleh negatif"),
        ("−500", "tidak boleh negatif"),
        ("1.500,50", "tanpa sen atau koma"),
        ("1,5", "tanpa sen atau koma"),
        ("1,500,000", "tanpa sen atau koma"),
        ("5e8", "angka saja"),
        ("5E8", "angka saja"),
        ("1.50.000", "Titik memisahkan ribuan"),
        ("1.5", "Titik memisahkan ribuan"),
        ("1500.000.", "Titik memisahkan ribuan"),
        (".500", "Titik memisahkan ribuan"),
        ("lima ratus juta", "angka saja"),
        ("500 juta", "angka saja"),
        ("500 000 000", "angka saja"),
        ("Rp", "angka saja"),
        ("USD 500", "angka saja"),
        ("５００", "angka saja"),
        ("0", "lebih dari nol"),
        ("Rp 0", "lebih dari nol"),
        ("000", "lebih dari nol"),
        ("1.000.000.000.000.001", "terlalu besar"),
        ("9" * 39, "terlalu besar"),
        ("9" * 41, "terlalu panjang"),
    ],
)
def test_parse_rupiah_refuses_with_indonesian_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_rupiah(text)


def test_parse_rupiah_bounds_are_arguments():
    assert parse_rupiah("0", allow_zero=True) == 0
    with pytest.raises(ValueError, match=r"paling banyak Rp\. 1\.000\b"):
        parse_rupiah("1.001", maximum=1000)


def test_parsed_amount_displays_as_typed_in_documents():
    assert rupiah(parse_rupiah("Rp 31312163000")) == "Rp. 31.312.163.000"
