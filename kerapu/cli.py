"""Flask commands: ``flask kerapu load-reference``, ``load-demo``, ``setup``,
``send-mail``, ``create-staff``, ``items``, ``item``, ``set-status``."""

import logging
import signal
import time

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from kerapu.extensions import db
from kerapu.fields import PASSWORD_MIN_LENGTH
from kerapu.models import (
    Balai,
    Cooperation,
    Program,
    Proposal,
    Province,
    Role,
    Status,
)
from kerapu.services import (
    accounts,
    cooperations,
    demo,
    demo_partners,
    mail,
    reference,
    workflow,
)
from kerapu.web import local_time, rupiah

kerapu = AppGroup("kerapu", help="Data KERAPU: referensi, demo, persiapan.")

MAX_DEMO_PROGRAMS = 100_000

log = logging.getLogger(__name__)


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
    partners = demo_partners.load_demo_partners()
    db.session.commit()
    click.echo(
        f"program contoh: {samples} ditambah; program buatan: {generated}; "
        f"mitra demo: {partners}"
    )


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
        demo_partners.load_demo_partners()
        db.session.commit()
        click.echo("data demo dimuat")


@kerapu.command("create-staff")
@click.argument("email")
@click.option("--balai", "balai_code", help="Kode Balai, mis. BPJN-NTB.")
@click.option("--pusat", is_flag=True, help="Staf pusat (Direktorat).")
@click.password_option(help="Password (ditanyakan bila tidak diberikan).")
def create_staff(email, balai_code, pusat, password):
    """Buat akun staf Balai (--balai KODE) atau pusat (--pusat)."""
    if pusat == bool(balai_code):
        raise click.UsageError("Pilih salah satu: --balai KODE atau --pusat.")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise click.ClickException(
            f"Password paling sedikit {PASSWORD_MIN_LENGTH} karakter."
        )
    if accounts.find_user(email) is not None:
        raise click.ClickException(f"Email {email} sudah terdaftar.")
    balai = None
    if balai_code:
        balai = db.session.scalar(select(Balai).where(Balai.code == balai_code))
        if balai is None:
            raise click.ClickException(f"Balai {balai_code} tidak dikenal.")
    role = Role.PUSAT if pusat else Role.BALAI
    user = accounts.create_staff(email, password, role, balai)
    db.session.commit()
    click.echo(f"akun staf {user.email} dibuat ({role.value})")


@kerapu.command("items")
@click.option("--balai", "balai_code", required=True, help="Kode Balai.")
@click.option("--status", type=click.Choice([s.value for s in Status]))
def list_items(balai_code, status):
    """Daftar pengajuan dan usulan sebuah Balai, terbaru dahulu."""
    balai = db.session.scalar(select(Balai).where(Balai.code == balai_code))
    if balai is None:
        raise click.ClickException(f"Balai {balai_code} tidak dikenal.")
    items = cooperations.cooperations_at(balai, Status(status) if status else None)
    for item in items:
        click.echo(
            f"{item.id:>6}  {str(item.kind.label):<9} {str(item.status.label):<16} "
            f"{item.mitra.name} · {item.title}"
        )
    if not items:
        click.echo("tidak ada pengajuan atau usulan")


@kerapu.command("item")
@click.argument("item_id", type=int)
def show_item(item_id):
    """Rincian pengajuan atau usulan ITEM_ID, dengan riwayat dan laporan."""
    item = db.session.get(Cooperation, item_id)
    if item is None:
        raise click.ClickException(f"Pengajuan/usulan {item_id} tidak ada.")
    click.echo(f"{item.kind.label} {item.id}: {item.title}")
    click.echo(f"Status: {item.status.label} · {item.balai.short_name}")
    mitra = item.mitra
    click.echo(f"Mitra: {mitra.name} · {mitra.contact_name} ({mitra.whatsapp})")
    if isinstance(item, Proposal):
        for label, value in [
            ("Kategori", item.category.name),
            ("Lokasi", f"{item.location}, {item.regency.short_name}"),
            ("Waktu", f"{item.duration_months} bulan"),
            ("Nilai", rupiah(item.value_idr)),
            ("Uraian Program", item.description),
            ("Uraian Kegiatan", item.activities),
        ]:
            click.echo(f"{label}: {value}")
    click.echo("Riwayat:")
    for change in item.history:
        note = f" — {change.note}" if change.note else ""
        when = local_time(change.created_at, item.balai.time_zone)
        click.echo(f"  {when}  {change.to_status.label} ({change.actor_role}){note}")
    for report in item.reports:
        click.echo(
            f"Laporan {report.reported_on}: {report.percent}% {report.description}"
        )


@kerapu.command("set-status")
@click.argument("item_id", type=int)
@click.argument("status", type=click.Choice([s.value for s in Status]))
@click.option("--by", "email", required=True, help="Email staf yang mengubah.")
@click.option("--note", default=None, help="Catatan untuk mitra.")
def set_status(item_id, status, email, note):
    """Ubah status pengajuan atau usulan ITEM_ID, sebagai staf --by.

    Sampai layar Balai tersedia, inilah cara staf memverifikasi."""
    g.sqlite_write_lock = True  # wait for other writers, as requests do
    item = db.session.get(Cooperation, item_id)
    if item is None:
        raise click.ClickException(f"Pengajuan/usulan {item_id} tidak ada.")
    actor = accounts.find_user(email)
    if actor is None or not actor.can_log_in or actor.role is Role.MITRA:
        raise click.ClickException(f"{email} bukan akun staf yang aktif.")
    try:
        workflow.transition(item, status, actor, note=note)
        db.session.commit()
    except workflow.Refused as refused:
        db.session.rollback()
        raise click.ClickException(refused.message) from None
    except (IntegrityError, OperationalError):
        db.session.rollback()
        log.warning("set-status on item %s failed on the database", item_id)
        raise click.ClickException(
            "Basis data sibuk atau status baru saja diubah; coba lagi."
        ) from None
    click.echo(f"{item.kind.label} {item.id}: {item.status.label}")


@kerapu.command("send-mail")
@click.option(
    "--watch",
    is_flag=True,
    help="Terus mengirim sampai dihentikan (Ctrl-C atau SIGTERM).",
)
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Detik antara dua putaran --watch.",
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help="Antrekan lagi email yang sudah menyerah, sebelum mengirim.",
)
def send_mail(watch, interval, retry_failed):
    """Kirim email yang menunggu di outbox: satu putaran, atau terus."""
    if retry_failed:
        count = mail.retry_failed()
        db.session.commit()
        click.echo(f"email gagal diantrekan lagi: {count}")
    if watch:
        watch_outbox(interval)
    else:
        echo_delivery(mail.deliver_pending())


def watch_outbox(interval):
    """Deliver every ``interval`` seconds until SIGINT or SIGTERM. A signal
    during a batch lets the batch finish (a second one stops at once), so a
    message is not sent and then left unrecorded."""
    busy = stopping = False

    def stop(signum, frame):
        nonlocal stopping
        if not busy or stopping:
            raise KeyboardInterrupt
        stopping = True

    # A SIGINT ignored on purpose (a background job of a script) stays so.
    handlers = {
        number: signal.signal(number, stop)
        for number in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        while not stopping:
            busy = True
            try:
                delivery = mail.deliver_pending()
            except Exception:
                # The database or a bug: say so, and try again next round.
                log.exception("mail sender: batch failed")
                db.session.rollback()
                delivery = mail.Delivery()
            finally:
                busy = False
            echo_delivery(delivery)
            if not stopping and delivery.sent < current_app.config["MAIL_BATCH_SIZE"]:
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        db.session.remove()


def echo_delivery(delivery):
    if delivery:
        click.echo(
            f"email: {delivery.sent} terkirim, {delivery.deferred} ditunda, "
            f"{delivery.failed} gagal, {delivery.released} dikembalikan"
        )


def init_app(app: Flask):
    app.cli.add_command(kerapu)
