"""The staff commands that stand in for the Balai screens until they exist."""

from sqlalchemy import select

from kerapu.models import Role, StatusChange, User
from tests.conftest import PASSWORD


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["kerapu", *args], input=input)


def test_create_staff_makes_an_active_balai_account(db, app):
    result = run(
        app,
        "create-staff",
        "Admin.NTB@pu.go.id",
        "--balai",
        "BPJN-NTB",
        "--password",
        PASSWORD,
    )

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "admin.ntb@pu.go.id"))
    assert user.role is Role.BALAI
    assert user.balai.code == "BPJN-NTB"
    assert user.can_log_in


def test_create_staff_asks_for_the_password_twice(db, app):
    result = run(
        app, "create-staff", "pusat@pu.go.id", "--pusat", input=f"{PASSWORD}\n" * 2
    )

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "pusat@pu.go.id"))


def test_create_staff_refuses_bad_input(db, app, make_staff):
    make_staff(email="ada@pu.go.id")
    cases = [
        (["ada@pu.go.id", "--pusat"], "sudah terdaftar"),
        (["baru@pu.go.id", "--balai", "BPJN-ENTAH"], "tidak dikenal"),
        (["baru@pu.go.id"], "--balai KODE atau --pusat"),
        (["baru@pu.go.id", "--pusat", "--password", "pendek"], "12 karakter"),
    ]
    for args, message in cases:
        result = run(app, "create-staff", *args, input=f"{PASSWORD}\n" * 2)
        assert result.exit_code != 0, args
        assert message in result.output, args
    assert db.session.scalar(select(User).where(User.email == "baru@pu.go.id")) is None


def test_set_status_moves_an_item_as_staff(db, app, make_application, make_staff):
    application = make_application()
    staff = make_staff("BPJN-KALSEL")

    result = run(
        app, "set-status", str(application.id), "DISETUJUI", "--by", staff.email
    )

    assert result.exit_code == 0, result.output
    assert "Disetujui" in result.output
    db.session.refresh(application)
    assert application.status.value == "DISETUJUI"
    assert application.history[-1].actor_id == staff.id


def test_set_status_refuses_with_the_reason(db, app, make_application, make_staff):
    application = make_application()
    elsewhere = make_staff("BPJN-NTB")
    staff = make_staff("BPJN-KALSEL")
    db.session.commit()  # the command rolls back to here after a refusal
    rows = db.session.query(StatusChange).count()

    cases = [
        (["DISETUJUI", "--by", elsewhere.email], "tidak berwenang"),
        (["DITOLAK", "--by", staff.email], "alasannya"),
        (["SELESAI", "--by", staff.email], "tidak dapat diubah"),
        (["DISETUJUI", "--by", application.mitra.user.email], "bukan akun staf"),
    ]
    for args, message in cases:
        result = run(app, "set-status", str(application.id), *args)
        assert result.exit_code != 0, args
        assert message in result.output, args
    assert run(app, "set-status", "999999", "DISETUJUI", "--by", staff.email).exit_code
    assert db.session.query(StatusChange).count() == rows


def test_items_and_item_show_a_balai_what_waits(db, app, make_proposal, advance):
    proposal = advance(make_proposal(), "PERLU_PERBAIKAN")

    listing = run(app, "items", "--balai", "BPJN-KALSEL", "--status", "PERLU_PERBAIKAN")
    shown = run(app, "item", str(proposal.id))

    assert listing.exit_code == 0, listing.output
    assert f"{proposal.id}  Usulan    Perlu Perbaikan" in listing.output
    assert proposal.name in listing.output
    assert shown.exit_code == 0, shown.output
    assert "Nilai: Rp. 750.000.000" in shown.output
    assert "Perlu Perbaikan (BALAI) — Lengkapi data." in shown.output
    assert run(app, "items", "--balai", "BPJN-NTB").output == (
        "tidak ada pengajuan atau usulan\n"
    )
    assert "tidak ada" in run(app, "item", "999999").output
