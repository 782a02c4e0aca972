"""Flask commands: ``flask kerapu load-reference``, ``load-demo``, ``setup``."""

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from kerapu.extensions import db
from kerapu.models import Program, Province
from kerapu.services import demo, reference

kerapu = AppGroup("kerapu", help="Data KERAPU: referensi, demo, persiapan.")

MAX_DEMO_PROGRAMS = 100_000


@kerapu.command("load-reference")
def load_reference():
    """Muat provinsi, kabupaten/kota, Balai, kategori dan bidang usaha."""
    counts = reference.load_reference_data()
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind}: {count} ditambah/diubah")


@kerapu.command("load-demo")
@click.option(
    "--count",
    default=150,
    show_default=True,
    type=click.IntRange(0, MAX_DEMO_PROGRAMS),
    help="Jumlah program buatan selain enam contoh nyata.",
)
@click.option("--seed", default=2026, show_default=True, help="Benih acak.")
def load_demo(count, seed):
    """Muat enam program contoh nyata dan COUNT program buatan."""
    if db.session.scalar(select(func.count(Province.code))) == 0:
        raise click.ClickException(
            "Muat data referensi dulu: flask kerapu load-reference"
        )
    samples = demo.load_sample_programs()
    generated = demo.generate_programs(count, seed=seed)
    db.session.commit()
    click.echo(f"program contoh: {samples} ditambah; program buatan: {generated}")


@kerapu.command("setup")
def setup():
    """Migrasi basis data, lalu muat data referensi dan demo bila kosong."""
    upgrade()
    counts = reference.load_reference_data()
    db.session.commit()
    click.echo(f"data referensi: {counts}")
    if db.session.scalar(select(func.count(Program.id))) == 0:
        demo.load_sample_programs()
        demo.generate_programs(150)
        db.session.commit()
        click.echo("data demo dimuat")


def init_app(app: Flask):
    app.cli.add_command(kerapu)
