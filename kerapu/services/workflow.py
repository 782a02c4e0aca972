"""The workflow of applications and proposals (DESIGN.md, Workflows).

Every change of status goes through ``transition``: it checks that the move
exists, that the actor's role may make it on this item, and any rule of
the target state; then it records one ``StatusChange`` and updates the
item's status copy in the same transaction, applies what the new state
brings (an approved application takes its program; an approved proposal
becomes a program) and queues the mail.

Two requests that move the same item at once cannot both win: the status
copy is changed only where it still holds the status the move started
from, and the history's (item, sequence) pair is unique. The loser gets
``Refused`` with a message, or an ``IntegrityError`` at commit; either way
the view rolls back and tells the user.

Services raise ``Refused`` before or after writing: a view that catches it
rolls the transaction back. They flush when they need ids and never commit.
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from kerapu.extensions import db
from kerapu.models import (
    Application,
    Cooperation,
    Program,
    ProgramVisibility,
    Proposal,
    Regency,
    Role,
    Status,
    StatusChange,
    User,
)
from kerapu.models.workflow import utcnow
from kerapu.services import search
from kerapu.services.mail import external_url, queue_mail
from kerapu.services.submissions import (
    claim_submission,
    record_target,
    submitted_target,
)

log = logging.getLogger(__name__)

#: Longest note on a status change, in characters.
NOTE_MAX_LENGTH = 1000

MITRA = frozenset({Role.MITRA})
STAFF = frozenset({Role.BALAI, Role.PUSAT})


class Refused(Exception):
    """A workflow request that cannot be done; ``message`` tells the user
    why, in Indonesian, and ``field`` names the form field it is about,
    if any."""

    def __init__(self, message, field=None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


@dataclass(frozen=True)
class Move:
    """Who may make one move, and whether it needs a note."""

    roles: frozenset
    note_required: bool = False


S = Status

#: The only moves there are (DESIGN.md). A mitra moves DISETUJUI to
#: PELAKSANAAN by sending its first progress report. Beyond DESIGN.md, staff
#: may also refuse an item waiting for corrections (PERLU_PERBAIKAN to
#: DITOLAK): corrections that never come, or a program taken meanwhile,
#: would otherwise leave it open for ever.
TRANSITIONS = {
    (S.DIAJUKAN, S.PERLU_PERBAIKAN): Move(STAFF, note_required=True),
    (S.PERLU_PERBAIKAN, S.DIAJUKAN): Move(MITRA),
    (S.DIAJUKAN, S.DISETUJUI): Move(STAFF),
    (S.DIAJUKAN, S.DITOLAK): Move(STAFF, note_required=True),
    (S.PERLU_PERBAIKAN, S.DITOLAK): Move(STAFF, note_required=True),
    (S.DISETUJUI, S.PELAKSANAAN): Move(MITRA | STAFF),
    (S.PELAKSANAAN, S.SELESAI): Move(STAFF),
    (S.DIAJUKAN, S.DIBATALKAN): Move(MITRA),
    (S.PERLU_PERBAIKAN, S.DIBATALKAN): Move(MITRA),
}

#: What the Balai writes when approving one application declines the
#: others waiting for the same program.
TAKEN_NOTE = _l("Program ini sudah diambil oleh mitra lain.")


def may_act_on(user, cooperation):
    """True when ``user`` speaks for the party of ``cooperation`` its role
    is: the mitra that owns it, staff of its Balai, or pusat."""
    if user is None:
        return False
    if user.role is Role.MITRA:
        return user.mitra is not None and user.mitra.id == cooperation.mitra_id
    if user.role is Role.BALAI:
        return user.balai_id is not None and user.balai_id == cooperation.balai_id
    return user.role is Role.PUSAT


def moves_for(cooperation, user):
    """Statuses ``user`` may move ``cooperation`` to now (for buttons)."""
    if not may_act_on(user, cooperation):
        return []
    return [
        to
        for (start, to), move in TRANSITIONS.items()
        if start is cooperation.status and user.role in move.roles
    ]


def transition(cooperation, to, actor, note=None, expected=None):
    """Move ``cooperation`` to status ``to`` as ``actor``.

    ``expected`` is the status the actor saw when asking; if it changed
    since, nothing happens. Raises ``Refused`` with the reason."""
    to = Status(to)
    current = cooperation.status
    if expected is not None and expected != current:
        raise Refused(changed_meanwhile(current))
    move = TRANSITIONS.get((current, to))
    if move is None:
        raise Refused(
            _l(
                "Status %(current)s tidak dapat diubah menjadi %(to)s.",
                current=current.label,
                to=to.label,
            )
        )
    if actor.role not in move.roles or not may_act_on(actor, cooperation):
        raise Refused(_l("Anda tidak berwenang mengubah status ini."))
    note = (note or "").strip() or None
    if move.note_required and not note:
        raise Refused(_l("Tuliskan alasannya di catatan."))
    if note and len(note) > NOTE_MAX_LENGTH:
        raise Refused(
            _l("Catatan paling banyak %(max)d karakter.", max=NOTE_MAX_LENGTH)
        )
    check_entry(cooperation, to)
    record(cooperation, current, to, actor, note)
    enter(cooperation, to, actor)
    notify(cooperation, current, to, actor, note)


def changed_meanwhile(current):
    return _l(
        "Status sudah berubah menjadi %(status)s sebelum permintaan Anda "
        "diproses. Periksa halaman ini lagi.",
        status=current.label,
    )


def check_entry(cooperation, to):
    """Refuse a move whose target state's own rule does not hold."""
    if to is S.SELESAI and cooperation.progress != 100:
        # A placeholder, so gettext formats the string and "%%" becomes "%".
        raise Refused(
            _l(
                "Program dapat ditandai selesai setelah laporan kemajuan "
                "mencapai %(percent)d%%.",
                percent=100,
            )
        )
    if isinstance(cooperation, Application) and to in (S.DIAJUKAN, S.DISETUJUI):
        program = cooperation.program
        if program.taken_by_id not in (None, cooperation.mitra_id):
            raise Refused(TAKEN_NOTE)


def record(cooperation, current, to, actor, note):
    """Write the move: the status copy where it still holds ``current``,
    and the next history row."""
    now = utcnow()
    result = db.session.execute(
        update(Cooperation)
        .where(Cooperation.id == cooperation.id, Cooperation.status == current)
        .values(status=to, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        status = db.session.scalar(
            select(Cooperation.status).where(Cooperation.id == cooperation.id)
        )
        raise Refused(changed_meanwhile(Status(status)))
    set_committed_value(cooperation, "status", to)
    set_committed_value(cooperation, "updated_at", now)
    add_history(cooperation, current, to, actor, note)
    log.info(
        "cooperation %s: %s -> %s by user %s (%s)",
        cooperation.id,
        current,
        to,
        actor.id,
        actor.role,
    )


def add_history(cooperation, current, to, actor, note):
    last = db.session.scalar(
        select(func.max(StatusChange.sequence)).where(
            StatusChange.cooperation_id == cooperation.id
        )
    )
    db.session.add(
        StatusChange(
            cooperation_id=cooperation.id,
            sequence=(last or 0) + 1,
            from_status=current,
            to_status=to,
            actor_id=actor.id,
            actor_role=str(actor.role),
            note=note,
        )
    )
    db.session.flush()
    db.session.expire(cooperation, ["history"])


def enter(cooperation, to, actor):
    """What a new state brings beyond itself."""
    if to is not S.DISETUJUI:
        return
    if isinstance(cooperation, Proposal):
        program = program_from_proposal(cooperation)
        cooperation.program = program
        log.info(
            "proposal %s became program %s of balai %s",
            cooperation.id,
            program.id,
            cooperation.balai_id,
        )
        return
    program = cooperation.program
    program.taken_by_id = cooperation.mitra_id
    search.index_programs([program])
    log.info("program %s taken by mitra %s", program.id, cooperation.mitra_id)
    waiting = db.session.scalars(
        select(Application).where(
            Application.program_id == program.id,
            Application.id != cooperation.id,
            Application.status.in_([S.DIAJUKAN, S.PERLU_PERBAIKAN]),
        )
    ).all()
    for other in waiting:
        transition(other, S.DITOLAK, actor, note=str(TAKEN_NOTE))


def program_from_proposal(proposal):
    """A new program of the proposal's Balai, taken by its mitra."""
    program = Program(
        name=proposal.name,
        category_id=proposal.category_id,
        balai_id=proposal.balai_id,
        location=proposal.location,
        regency_code=proposal.regency_code,
        province_code=proposal.province_code,
        value_idr=proposal.value_idr,
        description=proposal.description,
        visibility=ProgramVisibility.DIBUKA,
        taken_by_id=proposal.mitra_id,
    )
    db.session.add(program)
    db.session.flush()
    search.index_programs([program])
    return program


# -- Submitting --------------------------------------------------------------


def submit_application(user, program):
    """Apply for ``program`` as the mitra of ``user`` (Ajukan Program).

    Returns ``(application, created)``: a live application of the same
    mitra for the same program is returned as it is, so a second click
    or tab changes nothing. Refused when the program takes no
    applications."""
    mitra = user.mitra
    existing = live_application(mitra.id, program.id)
    if existing is not None:
        return existing, False
    if not program.is_open:
        if program.taken_by_id is not None:
            raise Refused(TAKEN_NOTE)
        raise Refused(_l("Program ini sudah ditutup dan tidak menerima pengajuan."))
    application = Application(
        mitra=mitra, balai_id=program.balai_id, program=program, status=S.DIAJUKAN
    )
    db.session.add(application)
    db.session.flush()
    add_history(application, None, S.DIAJUKAN, user, None)
    log.info(
        "application %s: mitra %s applied for program %s (balai %s)",
        application.id,
        mitra.id,
        program.id,
        application.balai_id,
    )
    notify_balai(application, "application")
    return application, True


def live_application(mitra_id, program_id):
    """The mitra's application for the program that is not refused or
    withdrawn, if any."""
    return db.session.scalar(
        select(Application).where(
            Application.mitra_id == mitra_id,
            Application.program_id == program_id,
            Application.status.not_in([S.DITOLAK, S.DIBATALKAN]),
        )
    )


@dataclass
class ProposalValues:
    """What the Usulan Program form gives; every value validated."""

    category_id: int
    name: str
    location: str
    province_code: str
    regency_code: str
    description: str
    activities: str
    duration_months: int
    value_idr: int


def submit_proposal(user, values, key):
    """Propose a program as the mitra of ``user``.

    Returns ``(proposal, created)``; the same form sent again (its one-time
    ``key``) returns the first proposal and creates nothing."""
    if not claim_submission(key, "proposal"):
        earlier = submitted_target(key, "proposal")
        proposal = db.session.get(Proposal, earlier) if earlier else None
        if proposal is None or proposal.mitra_id != user.mitra.id:
            raise Refused(_l("Formulir ini sudah pernah dikirim."))
        return proposal, False
    twin = live_twin(user.mitra, values)
    if twin is not None:
        raise Refused(
            _l(
                "Anda sudah mengusulkan program dengan nama paket ini di "
                "kabupaten/kota yang sama (nomor %(number)d). Buka di Program "
                "saya.",
                number=twin.id,
            ),
            field="name",
        )
    proposal = Proposal(mitra=user.mitra, status=S.DIAJUKAN)
    apply_values(proposal, values)
    db.session.add(proposal)
    db.session.flush()
    record_target(key, proposal.id)
    add_history(proposal, None, S.DIAJUKAN, user, None)
    log.info(
        "proposal %s: mitra %s proposed a program (balai %s)",
        proposal.id,
        proposal.mitra_id,
        proposal.balai_id,
    )
    notify_balai(proposal, "proposal")
    return proposal, True


def live_twin(mitra, values):
    """The mitra's proposal still in play with the same package name in the
    same kabupaten/kota: the same form sent again after Back, with a fresh
    one-time key."""
    return db.session.scalar(
        select(Proposal).where(
            Proposal.mitra_id == mitra.id,
            Proposal.regency_code == values.regency_code,
            func.lower(Proposal.name) == values.name.strip().lower(),
            Proposal.status.not_in([S.DITOLAK, S.DIBATALKAN]),
        )
    )


def apply_values(proposal, values):
    regency = db.session.get(Regency, values.regency_code)
    if regency is None or regency.balai_id is None:
        raise Refused(_l("Kabupaten/kota ini belum dilayani oleh Balai mana pun."))
    for name, value in vars(values).items():
        setattr(proposal, name, value)
    # The relationship too, not only the key: a Balai loaded before would
    # otherwise stay on the object (and in the mail) after a move.
    proposal.balai_id = regency.balai_id
    proposal.balai = regency.balai


def revise_proposal(proposal, user, values, note=None, expected=None):
    """Save the mitra's corrections to a proposal the Balai sent back, and
    submit it again (PERLU_PERBAIKAN to DIAJUKAN)."""
    if proposal.status is not S.PERLU_PERBAIKAN:
        raise Refused(
            _l(
                "Usulan dapat diubah hanya saat berstatus %(status)s.",
                status=S.PERLU_PERBAIKAN.label,
            )
        )
    if expected is not None and expected != proposal.status:
        raise Refused(changed_meanwhile(proposal.status))
    if not may_act_on(user, proposal) or user.role is not Role.MITRA:
        raise Refused(_l("Anda tidak berwenang mengubah usulan ini."))
    balai_before = proposal.balai_id
    apply_values(proposal, values)
    if proposal.balai_id != balai_before:
        log.info(
            "proposal %s moved from balai %s to balai %s",
            proposal.id,
            balai_before,
            proposal.balai_id,
        )
    transition(proposal, S.DIAJUKAN, user, note=note)


def withdraw_pending(user, note):
    """Withdraw every application and proposal of ``user``'s mitra that is
    still being verified (the account is being deleted)."""
    pending = db.session.scalars(
        select(Cooperation).where(
            Cooperation.mitra_id == user.mitra.id,
            Cooperation.status.in_([S.DIAJUKAN, S.PERLU_PERBAIKAN]),
        )
    ).all()
    for cooperation in pending:
        transition(cooperation, S.DIBATALKAN, user, note=note)
    return len(pending)


# -- Mail --------------------------------------------------------------------


def notify(cooperation, current, to, actor, note):
    """Tell the other side of a move: the mitra when staff moved it, the
    Balai when the mitra resubmitted or withdrew."""
    if actor.role is Role.MITRA:
        if to is S.DIAJUKAN:
            notify_balai(cooperation, "resubmitted", note=note)
        elif to is S.DIBATALKAN:
            notify_balai(cooperation, "withdrawn", note=note)
        return
    mitra = cooperation.mitra
    user = mitra.user
    if not mitra.notify_by_email or user.deleted_at is not None:
        return
    queue_mail(
        user.email,
        "status_changed",
        name=mitra.contact_name,
        title=cooperation.title,
        kind=cooperation.kind.label,
        balai=cooperation.balai.short_name,
        by=(
            cooperation.balai.short_name
            if actor.role is Role.BALAI
            else str(_l("Direktorat Jenderal Bina Marga"))
        ),
        status=to.label,
        note=note,
        url=external_url("mitra.show_program", cooperation_id=cooperation.id),
        settings_url=external_url("auth.profile", _anchor="notifikasi"),
    )


def notify_balai(cooperation, event, note=None, report=None):
    """Mail the staff of the cooperation's Balai about ``event``:
    "application", "proposal", "resubmitted", "withdrawn" or "completed"
    (a report of 100 %). With no staff account, the Balai's contact email
    gets it."""
    recipients = balai_recipients(cooperation.balai_id)
    if not recipients and cooperation.balai.email:
        recipients = [cooperation.balai.email]
    if not recipients:
        log.warning(
            "no one to notify at balai %s of %s on cooperation %s",
            cooperation.balai_id,
            event,
            cooperation.id,
        )
        return
    for recipient in recipients:
        queue_mail(
            recipient,
            "balai_notice",
            event=event,
            balai=cooperation.balai.short_name,
            mitra=cooperation.mitra.name,
            title=cooperation.title,
            kind=cooperation.kind.label,
            note=note,
            percent=report.percent if report else None,
            number=cooperation.id,
            proposal=cooperation if isinstance(cooperation, Proposal) else None,
            url=balai_url(cooperation),
        )


def balai_recipients(balai_id):
    """Emails of the active staff accounts of a Balai."""
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.balai_id == balai_id,
                User.role.in_([Role.BALAI, Role.PUSAT]),
                User.activated_at.is_not(None),
                User.deactivated_at.is_(None),
                User.deleted_at.is_(None),
                User.password_hash.is_not(None),
            )
            .order_by(User.id)
        )
    )


def balai_url(cooperation):
    """Where staff read about the cooperation.

    XXX: the Balai's own screens are not built yet; until they are, staff
    get the public page of the program (or the portal's home for a
    proposal not yet approved)."""
    if cooperation.program_id:
        return external_url("public.show_program", program_id=cooperation.program_id)
    return external_url("public.index")
