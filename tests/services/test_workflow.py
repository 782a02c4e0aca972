"""The workflow of applications and proposals: every move allowed and
refused, the history, races, what approval brings, and the mail."""

import itertools
import logging
import secrets
from datetime import date

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kerapu.models import (
    Application,
    Balai,
    Category,
    Cooperation,
    Program,
    ProgramVisibility,
    Proposal,
    Role,
    Status,
    StatusChange,
    User,
)
from kerapu.services import progress, workflow
from kerapu.services.workflow import Refused
from tests.conftest import PROPOSAL

S = Status

#: DESIGN.md, Workflows: (from, to, role) for every move there is. Written
#: out rather than read from workflow.TRANSITIONS, so the table and the code
#: check each other.
ALLOWED = [
    (S.DIAJUKAN, S.PERLU_PERBAIKAN, "BALAI"),
    (S.DIAJUKAN, S.PERLU_PERBAIKAN, "PUSAT"),
    (S.PERLU_PERBAIKAN, S.DIAJUKAN, "MITRA"),
    (S.DIAJUKAN, S.DISETUJUI, "BALAI"),
    (S.DIAJUKAN, S.DISETUJUI, "PUSAT"),
    (S.DIAJUKAN, S.DITOLAK, "BALAI"),
    (S.DIAJUKAN, S.DITOLAK, "PUSAT"),
    (S.PERLU_PERBAIKAN, S.DITOLAK, "BALAI"),
    (S.PERLU_PERBAIKAN, S.DITOLAK, "PUSAT"),
    (S.DISETUJUI, S.PELAKSANAAN, "MITRA"),
    (S.DISETUJUI, S.PELAKSANAAN, "BALAI"),
    (S.DISETUJUI, S.PELAKSANAAN, "PUSAT"),
    (S.PELAKSANAAN, S.SELESAI, "BALAI"),
    (S.PELAKSANAAN, S.SELESAI, "PUSAT"),
    (S.DIAJUKAN, S.DIBATALKAN, "MITRA"),
    (S.PERLU_PERBAIKAN, S.DIBATALKAN, "MITRA"),
]
MOVES = sorted({(start, to) for start, to, _role in ALLOWED})
ROLES_OF = {
    move: {role for start, to, role in ALLOWED if (start, to) == move} for move in MOVES
}

#: Every pair of states that is not a move, staying put included.
NOT_MOVES = [pair for pair in itertools.product(Status, Status) if pair not in ROLES_OF]

#: Actors who may not make a move: a role the move is not for, a Balai
#: that is not the item's, a mitra that does not own it.
WRONG_ACTORS = [
    (start, to, actor)
    for (start, to), roles in ROLES_OF.items()
    for actor in (
        *sorted({"MITRA", "BALAI", "PUSAT"} - roles),
        *(["OTHER_BALAI"] if "BALAI" in roles else []),
        *(["OTHER_MITRA"] if "MITRA" in roles else []),
    )
]

#: How an item reaches each state from DIAJUKAN (through ``advance``).
PATHS = {
    S.DIAJUKAN: (),
    S.PERLU_PERBAIKAN: (S.PERLU_PERBAIKAN,),
    S.DISETUJUI: (S.DISETUJUI,),
    S.DITOLAK: (S.DITOLAK,),
    S.PELAKSANAAN: (S.DISETUJUI, S.PELAKSANAAN),
    S.SELESAI: (S.DISETUJUI, S.PELAKSANAAN, S.SELESAI),
    S.DIBATALKAN: (S.DIBATALKAN,),
}

KINDS = ["application", "proposal"]
NOTE = "Catatan uji untuk perpindahan ini."


def move_id(value):
    return value.value if isinstance(value, Status) else str(value)


@pytest.fixture
def item_in(db, make_application, make_proposal, advance):
    """A fresh application or proposal in ``status``; where the next move
    is SELESAI, its work is reported 100 % done."""

    def make(kind, status, complete=False):
        item = make_application() if kind == "application" else make_proposal()
        advance(item, *PATHS[Status(status)])
        if complete:
            values = progress.ReportValues(date.today(), 100, "Pekerjaan selesai.")
            progress.add_report(item, item.mitra.user, values, [])
        return item

    return make


@pytest.fixture
def actor_for(db, make_staff, make_mitra):
    """The user who plays ``name`` for an item: its mitra, staff of its
    Balai, pusat, staff of another Balai, or another mitra."""

    def make(item, name):
        if name == "MITRA":
            return item.mitra.user
        if name == "BALAI":
            return make_staff(item.balai.code)
        if name == "PUSAT":
            return make_staff(None, role=Role.PUSAT)
        if name == "OTHER_BALAI":
            assert item.balai.code != "BPJN-NTB"
            return make_staff("BPJN-NTB")
        if name == "OTHER_MITRA":
            return make_mitra()
        raise AssertionError(name)

    return make


def history(db, item):
    """The item's history rows as stored, oldest first."""
    return db.session.scalars(
        select(StatusChange)
        .where(StatusChange.cooperation_id == item.id)
        .order_by(StatusChange.sequence)
    ).all()


def stored_status(db, item):
    """The status copy as the database holds it."""
    return db.session.scalar(
        select(Cooperation.status).where(Cooperation.id == item.id)
    )


def history_count(db):
    return db.session.scalar(select(func.count(StatusChange.id)))


def test_transition_table_is_the_design(db):
    assert {
        move: {str(role) for role in rule.roles}
        for move, rule in workflow.TRANSITIONS.items()
    } == ROLES_OF


# -- Allowed ------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("start", "to", "role"), ALLOWED, ids=move_id)
def test_allowed_move_writes_one_history_row(
    db, item_in, actor_for, kind, start, to, role
):
    item = item_in(kind, start, complete=to is S.SELESAI)
    actor = actor_for(item, role)
    before = history(db, item)

    workflow.transition(item, to, actor, note=NOTE)

    rows = history(db, item)
    assert len(rows) == len(before) + 1
    change = rows[-1]
    assert change.from_status is start
    assert change.to_status is to
    assert change.actor_id == actor.id
    assert change.actor_role == role
    assert change.note == NOTE
    assert change.sequence == before[-1].sequence + 1
    assert change.created_at is not None
    assert stored_status(db, item) is to
    assert item.status is to
    assert [row.to_status for row in item.history] == [r.to_status for r in rows]


def test_history_starts_with_the_submission(db, make_application, make_proposal):
    for item in (make_application(), make_proposal()):
        (first,) = history(db, item)
        assert first.sequence == 1
        assert first.from_status is None
        assert first.to_status is S.DIAJUKAN
        assert first.actor_id == item.mitra.user.id
        assert first.actor_role == "MITRA"
        assert stored_status(db, item) is S.DIAJUKAN


def test_status_is_the_latest_history_row_along_a_long_path(
    db, make_application, advance
):
    item = make_application()
    advance(item, "PERLU_PERBAIKAN", "DIAJUKAN", "PERLU_PERBAIKAN", "DIAJUKAN")
    advance(item, "DISETUJUI", "PELAKSANAAN", "SELESAI")

    rows = history(db, item)
    assert [row.sequence for row in rows] == list(range(1, 9))
    assert [row.to_status for row in rows] == [
        S.DIAJUKAN,
        S.PERLU_PERBAIKAN,
        S.DIAJUKAN,
        S.PERLU_PERBAIKAN,
        S.DIAJUKAN,
        S.DISETUJUI,
        S.PELAKSANAAN,
        S.SELESAI,
    ]
    assert [row.from_status for row in rows[1:]] == [r.to_status for r in rows[:-1]]
    assert stored_status(db, item) is rows[-1].to_status is S.SELESAI


def test_move_is_logged_with_actor_and_object(db, item_in, actor_for, caplog):
    item = item_in("application", S.DIAJUKAN)
    staff = actor_for(item, "BALAI")

    with caplog.at_level(logging.INFO, logger="kerapu"):
        workflow.transition(item, S.DISETUJUI, staff)

    assert (
        f"cooperation {item.id}: DIAJUKAN -> DISETUJUI by user {staff.id} (BALAI)"
        in caplog.messages
    )


# -- Refused ------------------------------------------------------------------


def assert_refused(db, item, outbox, call, message):
    """``call()`` raises Refused with ``message`` and changes nothing."""
    before_rows = history_count(db)
    before_status = stored_status(db, item)
    mail_before = len(outbox())

    with pytest.raises(Refused) as refused:
        call()

    assert refused.value.message == message
    assert history_count(db) == before_rows
    assert stored_status(db, item) is before_status
    assert item.status is before_status
    assert len(outbox()) == mail_before


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("start", "to"), NOT_MOVES, ids=move_id)
def test_move_that_does_not_exist_is_refused_for_everyone(
    db, item_in, actor_for, outbox, kind, start, to
):
    item = item_in(kind, start)
    for role in ("MITRA", "BALAI", "PUSAT"):
        actor = actor_for(item, role)
        assert_refused(
            db,
            item,
            outbox,
            lambda actor=actor: workflow.transition(item, to, actor, note=NOTE),
            f"Status {start.label} tidak dapat diubah menjadi {to.label}.",
        )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("start", "to", "actor"), WRONG_ACTORS, ids=move_id)
def test_move_by_the_wrong_party_is_refused(
    db, item_in, actor_for, outbox, kind, start, to, actor
):
    item = item_in(kind, start, complete=to is S.SELESAI)
    user = actor_for(item, actor)

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(item, to, user, note=NOTE),
        "Anda tidak berwenang mengubah status ini.",
    )


@pytest.mark.parametrize("to", [S.DITOLAK, S.PERLU_PERBAIKAN])
@pytest.mark.parametrize("note", [None, "", "   \n "])
def test_refusal_and_request_for_changes_need_a_note(
    db, item_in, actor_for, outbox, to, note
):
    item = item_in("application", S.DIAJUKAN)
    staff = actor_for(item, "BALAI")

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(item, to, staff, note=note),
        "Tuliskan alasannya di catatan.",
    )


def test_note_is_stripped_and_limited(db, item_in, actor_for, outbox):
    item = item_in("application", S.DIAJUKAN)
    staff = actor_for(item, "BALAI")

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(item, S.DITOLAK, staff, note="x" * 1001),
        "Catatan paling banyak 1000 karakter.",
    )
    workflow.transition(item, S.DITOLAK, staff, note="  Tidak sesuai.  ")
    assert history(db, item)[-1].note == "Tidak sesuai."


@pytest.mark.parametrize("percent", [None, 0, 60, 99])
def test_selesai_needs_a_report_of_100_percent(db, item_in, actor_for, outbox, percent):
    item = item_in("application", S.DISETUJUI)
    staff = actor_for(item, "BALAI")
    if percent is None:
        workflow.transition(item, S.PELAKSANAAN, staff)
    else:
        values = progress.ReportValues(date.today(), percent, "Sebagian.")
        progress.add_report(item, item.mitra.user, values, [])
    assert item.status is S.PELAKSANAAN

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(item, S.SELESAI, staff),
        "Program dapat ditandai selesai setelah laporan kemajuan mencapai 100%.",
    )


def test_history_is_append_only(db, item_in):
    item = item_in("application", S.PERLU_PERBAIKAN)
    change = history(db, item)[-1]

    with pytest.raises(RuntimeError, match="append-only"):  # noqa: PT012
        with db.session.begin_nested():
            change.note = "Diubah diam-diam."
            db.session.flush()
    db.session.expire_all()
    with pytest.raises(RuntimeError, match="append-only"):  # noqa: PT012
        with db.session.begin_nested():
            db.session.delete(history(db, item)[-1])
            db.session.flush()

    db.session.expire_all()
    rows = history(db, item)
    assert len(rows) == 2
    assert rows[-1].note == "Lengkapi data."


def test_unknown_status_is_refused_before_anything(db, item_in, actor_for):
    item = item_in("application", S.DIAJUKAN)
    with pytest.raises(ValueError, match="BATAL"):
        workflow.transition(item, "BATAL", actor_for(item, "BALAI"))
    assert len(history(db, item)) == 1


# -- Races --------------------------------------------------------------------


def change_behind_the_orm(db, item, status):
    """Another request's move: the row changes, the loaded object does not."""
    db.session.connection().execute(
        update(Cooperation.__table__)
        .where(Cooperation.__table__.c.id == item.id)
        .values(status=status.value)
    )


@pytest.mark.parametrize(
    ("other", "mine", "role"),
    [
        (S.DIBATALKAN, S.DISETUJUI, "BALAI"),
        (S.DISETUJUI, S.DIBATALKAN, "MITRA"),
        (S.PERLU_PERBAIKAN, S.DITOLAK, "PUSAT"),
    ],
    ids=move_id,
)
def test_move_from_a_stale_status_loses_the_race(
    db, item_in, actor_for, outbox, other, mine, role
):
    item = item_in("application", S.DIAJUKAN)
    actor = actor_for(item, role)
    rows_before = history_count(db)
    mail_before = len(outbox())
    change_behind_the_orm(db, item, other)
    assert item.status is S.DIAJUKAN  # what this request still believes

    with pytest.raises(Refused) as refused:
        workflow.transition(item, mine, actor, note=NOTE)

    assert refused.value.message == (
        f"Status sudah berubah menjadi {other.label} sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi."
    )
    assert history_count(db) == rows_before
    assert stored_status(db, item) is other
    assert len(outbox()) == mail_before
    assert item.program.taken_by_id is None


def test_move_from_what_the_user_saw_is_refused_once_it_changed(
    db, item_in, actor_for, outbox
):
    item = item_in("application", S.PERLU_PERBAIKAN)
    mitra = item.mitra.user

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(item, S.DIBATALKAN, mitra, expected="DIAJUKAN"),
        "Status sudah berubah menjadi Perlu Perbaikan sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi.",
    )


def test_second_history_row_with_the_same_sequence_is_refused_by_the_database(
    db, item_in
):
    """The last guard of a race: two writers that both passed the status
    check cannot both append sequence n + 1."""
    item = item_in("application", S.DIAJUKAN)
    first = history(db, item)[0]
    duplicate = StatusChange(
        cooperation_id=item.id,
        sequence=first.sequence,
        from_status=None,
        to_status=S.DIAJUKAN,
        actor_id=first.actor_id,
        actor_role="MITRA",
    )
    with db.session.begin_nested():
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.flush()


# -- What approval brings -----------------------------------------------------


def test_approved_application_takes_its_program(
    db, client, make_program, make_mitra, make_application, actor_for, outbox
):
    program = make_program(name="Rekonstruksi Jalan Uji Persetujuan")
    winner = make_application(program=program)
    waiting = [make_application(program=program) for _ in range(2)]
    withdrawn = make_application(program=program)
    workflow.transition(withdrawn, S.DIBATALKAN, withdrawn.mitra.user)
    staff = actor_for(winner, "BALAI")

    workflow.transition(winner, S.DISETUJUI, staff)

    assert program.taken_by_id == winner.mitra_id
    assert program.availability[1] == "Sudah diambil"
    for other in waiting:
        assert stored_status(db, other) is S.DITOLAK
        last = history(db, other)[-1]
        assert last.note == "Program ini sudah diambil oleh mitra lain."
        assert last.actor_id == staff.id
        (mail,) = outbox(other.mitra.user.email)
        assert "Ditolak" in mail.subject
        assert "Program ini sudah diambil oleh mitra lain." in mail.body_text
    assert stored_status(db, withdrawn) is S.DIBATALKAN

    listing = client.get("/program", query_string={"q": "persetujuan"})
    assert "Sudah diambil" in listing.text

    latecomer = make_mitra()
    with pytest.raises(Refused) as refused:
        workflow.submit_application(latecomer, program)
    assert refused.value.message == "Program ini sudah diambil oleh mitra lain."
    assert workflow.live_application(latecomer.mitra.id, program.id) is None


def test_approval_also_refuses_an_application_waiting_for_corrections(
    db, make_program, make_application, advance, outbox
):
    program = make_program()
    sent_back = advance(make_application(program=program), "PERLU_PERBAIKAN")
    winner = make_application(program=program)

    advance(winner, "DISETUJUI")

    assert sent_back.status is S.DITOLAK
    assert sent_back.history[-1].from_status is S.PERLU_PERBAIKAN
    assert sent_back.history[-1].note == "Program ini sudah diambil oleh mitra lain."
    assert outbox(sent_back.mitra.user.email)[-1].template == "status_changed"


def test_approved_proposal_becomes_a_taken_program_of_its_balai(
    db, client, make_proposal, actor_for
):
    proposal = make_proposal(
        name="Jembatan Gantung Usulan Mitra", regency_code="52.07", province_code="52"
    )
    assert proposal.balai.code == "BPJN-NTB"
    assert proposal.program_id is None
    staff = actor_for(proposal, "BALAI")

    workflow.transition(proposal, S.DISETUJUI, staff)

    program = db.session.get(Program, proposal.program_id)
    assert program.name == "Jembatan Gantung Usulan Mitra"
    assert program.balai.code == "BPJN-NTB"
    assert program.regency_code == "52.07"
    assert program.province_code == "52"
    assert program.location == PROPOSAL["location"]
    assert program.value_idr == PROPOSAL["value_idr"]
    assert program.category_id == proposal.category_id
    assert program.taken_by_id == proposal.mitra_id
    assert program.visibility is ProgramVisibility.DIBUKA
    assert not program.is_open

    listing = client.get("/program", query_string={"q": "jembatan gantung usulan"})
    assert "Jembatan Gantung Usulan Mitra" in listing.text
    assert "Sudah diambil" in listing.text


# -- Submitting ---------------------------------------------------------------


def test_second_application_returns_the_first(db, make_mitra, make_program, outbox):
    user, program = make_mitra(), make_program()

    first, created = workflow.submit_application(user, program)
    again, created_again = workflow.submit_application(user, program)

    assert created
    assert not created_again
    assert again.id == first.id
    applications = select(Application).where(Application.program_id == program.id)
    assert db.session.scalars(applications).all() == [first]
    assert len(history(db, first)) == 1


def test_application_after_withdrawal_or_refusal_is_a_new_one(
    db, make_mitra, make_program, make_application, advance
):
    user, program = make_mitra(), make_program()
    withdrawn = advance(make_application(user, program), "DIBATALKAN")
    refused = advance(make_application(user, program), "DITOLAK")

    fresh, created = workflow.submit_application(user, program)

    assert created
    assert len({withdrawn.id, refused.id, fresh.id}) == 3
    assert fresh.status is S.DIAJUKAN


@pytest.mark.parametrize(
    ("visibility", "message"),
    [
        (
            ProgramVisibility.DITUTUP,
            "Program ini sudah ditutup dan tidak menerima pengajuan.",
        ),
        (
            ProgramVisibility.DRAF,
            "Program ini sudah ditutup dan tidak menerima pengajuan.",
        ),
    ],
)
def test_application_to_a_program_not_open_is_refused(
    db, make_mitra, make_program, outbox, visibility, message
):
    user, program = make_mitra(), make_program(visibility=visibility)

    with pytest.raises(Refused) as refused:
        workflow.submit_application(user, program)

    assert refused.value.message == message
    assert workflow.live_application(user.mitra.id, program.id) is None
    assert outbox() == []


def test_one_live_application_per_mitra_and_program_in_the_database(
    db, make_mitra, make_program, make_application
):
    """Two requests that both missed the other's application: the unique
    index refuses the second."""
    user, program = make_mitra(), make_program()
    make_application(user, program)
    with db.session.begin_nested():
        db.session.add(
            Application(
                mitra=user.mitra,
                balai_id=program.balai_id,
                program=program,
                status=S.DIAJUKAN,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.flush()


def proposal_values(db, **changes):
    category = db.session.scalar(select(Category).order_by(Category.position))
    return workflow.ProposalValues(category_id=category.id, **(PROPOSAL | changes))


def test_proposal_goes_to_the_balai_of_its_regency(db, make_mitra):
    user = make_mitra()
    key = secrets.token_urlsafe(8)

    proposal, created = workflow.submit_proposal(
        user, proposal_values(db, regency_code="52.07", province_code="52"), key
    )

    assert created
    assert proposal.balai.code == "BPJN-NTB"
    assert proposal.mitra_id == user.mitra.id
    assert stored_status(db, proposal) is S.DIAJUKAN


def test_same_proposal_form_twice_makes_one_proposal(db, make_mitra, outbox):
    user = make_mitra()
    key = secrets.token_urlsafe(8)

    first, created = workflow.submit_proposal(user, proposal_values(db), key)
    again, created_again = workflow.submit_proposal(user, proposal_values(db), key)

    assert created
    assert not created_again
    assert again.id == first.id
    proposals = select(Proposal).where(Proposal.mitra_id == user.mitra.id)
    assert db.session.scalars(proposals).all() == [first]


def test_same_proposal_again_with_a_new_key_is_refused_until_it_is_closed(
    db, make_mitra, advance
):
    """Back after sending gives the form a fresh key: the content tells."""
    user = make_mitra()
    first, _created = workflow.submit_proposal(
        user, proposal_values(db), secrets.token_urlsafe(8)
    )
    shouting = proposal_values(db, name=f"  {PROPOSAL['name'].upper()} ")

    with pytest.raises(Refused) as refused:
        workflow.submit_proposal(user, shouting, secrets.token_urlsafe(8))

    assert refused.value.field == "name"
    assert f"(nomor {first.id})" in refused.value.message
    elsewhere = proposal_values(db, regency_code="63.04")
    assert workflow.submit_proposal(user, elsewhere, secrets.token_urlsafe(8))[1]
    advance(first, "DIBATALKAN")
    again = workflow.submit_proposal(
        user, proposal_values(db), secrets.token_urlsafe(8)
    )
    assert again[1]


def test_someone_elses_form_key_is_refused(db, make_mitra):
    key = secrets.token_urlsafe(8)
    workflow.submit_proposal(make_mitra(), proposal_values(db), key)
    stranger = make_mitra()

    with pytest.raises(Refused) as refused:
        workflow.submit_proposal(stranger, proposal_values(db), key)

    assert refused.value.message == "Formulir ini sudah pernah dikirim."
    assert not db.session.scalars(
        select(Proposal).where(Proposal.mitra_id == stranger.mitra.id)
    ).all()


def test_revised_proposal_follows_its_new_regency(
    db, make_proposal, advance, make_staff, outbox, caplog
):
    kalsel = make_staff("BPJN-KALSEL")
    ntb = make_staff("BPJN-NTB")
    proposal = advance(make_proposal(), "PERLU_PERBAIKAN")
    assert proposal.balai.code == "BPJN-KALSEL"
    mail_before = len(outbox())

    workflow.revise_proposal(
        proposal,
        proposal.mitra.user,
        proposal_values(
            db, name="Usulan Pindah", regency_code="52.07", province_code="52"
        ),
        note="Lokasi dipindah.",
    )

    assert stored_status(db, proposal) is S.DIAJUKAN
    assert proposal.balai_id != kalsel.balai_id
    assert proposal.balai_id == ntb.balai_id
    assert proposal.name == "Usulan Pindah"
    change = history(db, proposal)[-1]
    assert (change.from_status, change.to_status) == (S.PERLU_PERBAIKAN, S.DIAJUKAN)
    assert change.note == "Lokasi dipindah."
    (mail,) = outbox()[mail_before:]
    assert mail.recipient == ntb.email
    assert "Yth. Admin BPJN Nusa Tenggara Barat" in mail.body_text
    assert "Lokasi dipindah." in mail.body_text
    assert (
        f"proposal {proposal.id} moved from balai {kalsel.balai_id} "
        f"to balai {ntb.balai_id}"
    ) in caplog.messages


@pytest.mark.parametrize("status", [S.DIAJUKAN, S.DISETUJUI, S.DITOLAK])
def test_proposal_is_revised_only_when_sent_back(
    db, make_proposal, advance, outbox, status
):
    proposal = advance(make_proposal(), *PATHS[status])

    assert_refused(
        db,
        proposal,
        outbox,
        lambda: workflow.revise_proposal(
            proposal, proposal.mitra.user, proposal_values(db, name="Baru")
        ),
        "Usulan dapat diubah hanya saat berstatus Perlu Perbaikan.",
    )
    db.session.refresh(proposal)
    assert proposal.name == PROPOSAL["name"]


def test_only_its_mitra_revises_a_proposal(
    db, make_proposal, make_mitra, make_staff, advance, outbox
):
    proposal = advance(make_proposal(), "PERLU_PERBAIKAN")
    for user in (make_mitra(), make_staff("BPJN-KALSEL")):
        assert_refused(
            db,
            proposal,
            outbox,
            lambda user=user: workflow.revise_proposal(
                proposal, user, proposal_values(db, name="Bukan milik saya")
            ),
            "Anda tidak berwenang mengubah usulan ini.",
        )


def test_moves_for_offers_only_what_the_user_may_do(db, item_in, actor_for):
    item = item_in("application", S.DIAJUKAN)

    assert workflow.moves_for(item, actor_for(item, "MITRA")) == [S.DIBATALKAN]
    assert set(workflow.moves_for(item, actor_for(item, "BALAI"))) == {
        S.PERLU_PERBAIKAN,
        S.DISETUJUI,
        S.DITOLAK,
    }
    assert workflow.moves_for(item, actor_for(item, "OTHER_BALAI")) == []
    assert workflow.moves_for(item, actor_for(item, "OTHER_MITRA")) == []


# -- Mail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "to", "label"),
    [
        ((), S.PERLU_PERBAIKAN, "Perlu Perbaikan"),
        ((), S.DISETUJUI, "Disetujui"),
        ((), S.DITOLAK, "Ditolak"),
        ((S.DISETUJUI,), S.PELAKSANAAN, "Pelaksanaan"),
    ],
    ids=move_id,
)
def test_mitra_is_mailed_on_every_move_by_staff(
    db, item_in, actor_for, outbox, path, to, label
):
    item = item_in("application", S.DIAJUKAN)
    if path:
        workflow.transition(item, path[0], actor_for(item, "BALAI"))
    before = len(outbox())

    workflow.transition(item, to, actor_for(item, "BALAI"), note="Catatan Balai: ok.")

    (mail,) = outbox()[before:]
    assert mail.recipient == item.mitra.user.email
    assert mail.template == "status_changed"
    assert mail.subject == f"Status Pengajuan Anda: {label}"
    assert f'"{item.title}" sekarang: {label}.' in mail.body_text
    assert "Catatan dari BPJN Kalimantan Selatan:\nCatatan Balai: ok." in (
        mail.body_text
    )
    assert f"/saya/program/{item.id}" in mail.body_text


def test_mitra_is_mailed_when_work_is_done(db, item_in, actor_for, outbox):
    item = item_in("proposal", S.PELAKSANAAN, complete=True)
    before = len(outbox())

    workflow.transition(item, S.SELESAI, actor_for(item, "PUSAT"))

    (mail,) = outbox()[before:]
    assert mail.recipient == item.mitra.user.email
    assert mail.subject == "Status Usulan Anda: Selesai"


def test_mitra_who_turned_mail_off_gets_none(db, item_in, actor_for, outbox):
    item = item_in("application", S.DIAJUKAN)
    item.mitra.notify_by_email = False
    before = len(outbox())

    workflow.transition(item, S.DITOLAK, actor_for(item, "BALAI"), note="Tidak.")

    assert outbox()[before:] == []
    assert history(db, item)[-1].note == "Tidak."


def test_mitra_is_not_mailed_about_its_own_moves(db, item_in, outbox):
    item = item_in("application", S.DISETUJUI)
    before = len(outbox(item.mitra.user.email))

    workflow.transition(item, S.PELAKSANAAN, item.mitra.user)

    assert len(outbox(item.mitra.user.email)) == before


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("application", "Pengajuan program baru: Program Uji"),
        ("proposal", f"Usulan program baru: {PROPOSAL['name']}"),
    ],
)
def test_staff_of_the_balai_are_mailed_on_a_new_item(
    db, make_staff, make_application, make_proposal, outbox, kind, subject
):
    here = [make_staff("BPJN-KALSEL"), make_staff("BPJN-KALSEL")]
    make_staff("BPJN-KALSEL", active=False)
    make_staff("BPJN-NTB")
    make_staff(None, role=Role.PUSAT)

    item = make_application() if kind == "application" else make_proposal()

    mails = outbox()
    assert sorted(mail.recipient for mail in mails) == sorted(s.email for s in here)
    for mail in mails:
        assert mail.template == "balai_notice"
        assert mail.subject == subject
        assert "Yth. Admin BPJN Kalimantan Selatan," in mail.body_text
        assert item.mitra.name in mail.body_text
        assert f"Nomor {item.kind.label.lower()}: {item.id}" in mail.body_text
        # A proposal is read in the mail: the Balai has nothing else yet.
        details = ("Estimasi Nilai Kerja Sama: Rp. 750.000.000", PROPOSAL["activities"])
        for detail in details:
            assert (detail in mail.body_text) is (kind == "proposal"), detail


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        (S.DIAJUKAN, "Pengajuan diajukan ulang: Program Uji"),
        (S.DIBATALKAN, "Pengajuan dibatalkan mitra: Program Uji"),
    ],
)
def test_staff_of_the_balai_are_mailed_when_the_mitra_moves(
    db, make_staff, make_application, advance, outbox, to, subject
):
    item = advance(make_application(), "PERLU_PERBAIKAN")
    here = make_staff("BPJN-KALSEL")
    make_staff("BPJN-NTB")
    before = len(outbox())

    workflow.transition(item, to, item.mitra.user, note="Sudah kami lengkapi.")

    mails = outbox()[before:]
    kalsel = {user.email for user in staff_of(db, "BPJN-KALSEL")}
    assert here.email in kalsel
    assert sorted(mail.recipient for mail in mails) == sorted(kalsel)
    for mail in mails:
        assert mail.subject == subject
        assert "Catatan dari mitra:\nSudah kami lengkapi." in mail.body_text


def test_balai_without_staff_gets_the_mail_at_its_contact_address(
    db, make_proposal, outbox, caplog
):
    ntb = db.session.scalar(select(Balai).where(Balai.code == "BPJN-NTB"))
    ntb.email = "bpjn.ntb@pu.go.id"
    ntt = db.session.scalar(select(Balai).where(Balai.code == "BPJN-NTT"))
    ntt.email = None

    make_proposal(regency_code="52.07", province_code="52")
    unheard = make_proposal(regency_code="53.71", province_code="53")

    assert [mail.recipient for mail in outbox()] == ["bpjn.ntb@pu.go.id"]
    assert (
        f"no one to notify at balai {ntt.id} of proposal on cooperation {unheard.id}"
    ) in caplog.messages


def staff_of(db, code):
    """Active staff accounts of the Balai with ``code``."""
    return db.session.scalars(
        select(User)
        .join(Balai, User.balai_id == Balai.id)
        .where(Balai.code == code, User.activated_at.is_not(None))
    ).all()


def test_withdraw_pending_withdraws_only_what_is_being_verified(
    db, make_mitra, make_application, make_proposal, advance
):
    user = make_mitra()
    waiting = make_application(user)
    sent_back = advance(make_proposal(user), "PERLU_PERBAIKAN")
    approved = advance(make_application(user), "DISETUJUI")

    assert workflow.withdraw_pending(user, "Akun dihapus.") == 2

    assert stored_status(db, waiting) is S.DIBATALKAN
    assert stored_status(db, sent_back) is S.DIBATALKAN
    assert stored_status(db, approved) is S.DISETUJUI
    assert history(db, waiting)[-1].note == "Akun dihapus."


def test_a_forged_seen_status_is_refused_not_an_error(db, item_in, outbox):
    item = item_in("application", S.DIAJUKAN)

    assert_refused(
        db,
        item,
        outbox,
        lambda: workflow.transition(
            item, S.DIBATALKAN, item.mitra.user, expected="BOHONG"
        ),
        "Status sudah berubah menjadi Proses Pengajuan sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi.",
    )
