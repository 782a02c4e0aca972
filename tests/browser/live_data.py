"""Data the browser tests commit for the live server to see, and its
removal afterwards.

The live server reads the session database that every other test reads
too, so a browser test that commits accounts, applications or reports
takes them all away again (``LiveAccounts.remove``), and a program its
mitra took is open again afterwards.
"""

import functools
import io
import itertools
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select
from werkzeug.datastructures import FileStorage

from kerapu.extensions import db
from kerapu.models import (
    Balai,
    BusinessField,
    Category,
    Cooperation,
    Mitra,
    OutboxMessage,
    Program,
    ProgressPhoto,
    ProgressReport,
    Proposal,
    Regency,
    Role,
    StatusChange,
    Submission,
    User,
)
from kerapu.services import progress, search, workflow
from kerapu.services.accounts import CONSENT_TEXT, hash_password, utcnow
from kerapu.services.uploads import store_image

#: The password of every account made here.
PASSWORD = "password-panjang-sekali"

numbers = itertools.count(1)


@functools.cache
def password_hash():
    """One hash for all accounts: scrypt is slow on purpose."""
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class Account:
    """A committed account: ``name`` is the company for a mitra."""

    id: int
    email: str
    name: str


@contextmanager
def session(app):
    """The app's session in an app context, committed on success."""
    with app.app_context():
        try:
            yield db.session
            db.session.commit()
        finally:
            db.session.remove()


@contextmanager
def own_outbox(app):
    """Drop the mail queued inside the block (the live server commits it),
    so later tests of the sender start from their own outbox."""
    with session(app) as s:
        before = s.scalar(select(func.max(OutboxMessage.id))) or 0
    try:
        yield
    finally:
        with session(app) as s:
            s.execute(delete(OutboxMessage).where(OutboxMessage.id > before))


class LiveAccounts:
    """Accounts made for one test (or module), and workflow moves on their
    applications through the services; ``remove()`` takes it all away."""

    def __init__(self, app):
        self.app = app
        self.user_ids = []

    def mitra(self, name=None, regency="63.03", logo=None):
        """An active mitra account; ``logo`` is the bytes of an image."""
        number = f"{os.getpid()}-{next(numbers)}"
        name = name or f"PT Karya Jalan Uji {number}"
        email = f"mitra-{number}@karyajalan.co.id"
        with session(self.app) as s:
            regency = s.get(Regency, regency)
            user = User(
                email=email,
                password_hash=password_hash(),
                role=Role.MITRA,
                activated_at=utcnow(),
            )
            stored_logo = None
            if logo is not None:
                upload = FileStorage(io.BytesIO(logo), filename="logo.png")
                stored_logo = store_image(upload, "logo")
            s.add_all(
                [
                    user,
                    Mitra(
                        user=user,
                        name=name,
                        business_field=s.scalar(
                            select(BusinessField).order_by(BusinessField.id)
                        ),
                        address="Jl. Ahmad Yani Km 5, Banjarmasin",
                        logo=stored_logo,
                        province_code=regency.province_code,
                        regency_code=regency.code,
                        contact_name="Rina Wulandari",
                        whatsapp="+6281234567890",
                        contact_position="Direktur",
                        estimated_value_idr=750_000_000,
                        consent_text=CONSENT_TEXT,
                        consented_at=utcnow(),
                    ),
                ]
            )
            s.flush()
            self.user_ids.append(user.id)
            return Account(user.id, email, name)

    def staff(self, balai_code):
        """An active staff account of the Balai with ``balai_code``."""
        email = f"staf-{os.getpid()}-{next(numbers)}@pu.go.id"
        with session(self.app) as s:
            user = User(
                email=email,
                password_hash=password_hash(),
                role=Role.BALAI,
                balai=s.scalar(select(Balai).where(Balai.code == balai_code)),
                activated_at=utcnow(),
            )
            s.add(user)
            s.flush()
            self.user_ids.append(user.id)
            return Account(user.id, email, balai_code)

    def apply(self, mitra, program_name):
        """Ajukan Program through the service; the application's id."""
        with session(self.app) as s:
            user = s.get(User, mitra.id)
            program = s.scalar(select(Program).where(Program.name == program_name))
            application, _created = workflow.submit_application(user, program)
            return application.id

    def propose(self, mitra, name, regency="63.03"):
        """Usulan Program through the service; the proposal's id."""
        with session(self.app) as s:
            regency = s.get(Regency, regency)
            values = workflow.ProposalValues(
                category_id=s.scalar(select(Category.id).order_by(Category.position)),
                name=name,
                location="Ruas Jalan Martapura - Astambul",
                province_code=regency.province_code,
                regency_code=regency.code,
                description="Pelebaran jalan sepanjang 2 km.",
                activities="Galian, timbunan, perkerasan aspal.",
                duration_months=6,
                value_idr=750_000_000,
            )
            user = s.get(User, mitra.id)
            proposal, _created = workflow.submit_proposal(
                user, values, secrets.token_urlsafe(16)
            )
            return proposal.id

    def cooperation_id(self, mitra, title):
        """Id of the mitra's application or proposal called ``title``."""
        with session(self.app) as s:
            for item in s.scalars(
                select(Cooperation).where(Cooperation.mitra_id == mitra_id(s, mitra))
            ):
                if item.title == title:
                    return item.id
        raise LookupError(title)

    def move(self, cooperation_id, status, actor, note=None):
        """``workflow.transition`` as ``actor``, committed (the Balai
        screens do not exist yet)."""
        with session(self.app) as s:
            item = s.get(Cooperation, cooperation_id)
            workflow.transition(item, status, s.get(User, actor.id), note=note)

    def report(self, cooperation_id, mitra, percent, text, photos=()):
        """Update Kegiatan through the service, with photos as bytes."""
        with session(self.app) as s:
            item = s.get(Cooperation, cooperation_id)
            names = [
                store_image(FileStorage(io.BytesIO(data), filename="foto.png"), "photo")
                for data in photos
            ]
            values = progress.ReportValues(
                progress.today_for(item.mitra), percent, text
            )
            progress.add_report(item, s.get(User, mitra.id), values, names)

    def remove(self):
        """Delete the accounts, everything they submitted, and the history
        of it; programs their mitra took are open again."""
        if not self.user_ids:
            return
        with session(self.app) as s:
            remove_users(s, self.user_ids)
        self.user_ids = []


def mitra_id(s, account):
    return s.scalar(select(Mitra.id).where(Mitra.user_id == account.id))


def remove_users(s, user_ids):
    """Delete ``user_ids`` and their mitra's applications, proposals,
    reports, status history and the one-time keys of the forms that made
    them. Table-level deletes: the history is append-only for the
    application (an ORM event refuses a delete)."""
    mitra_ids = s.scalars(select(Mitra.id).where(Mitra.user_id.in_(user_ids))).all()
    cooperations = s.scalars(
        select(Cooperation.id).where(Cooperation.mitra_id.in_(mitra_ids))
    ).all()
    reports = s.scalars(
        select(ProgressReport.id).where(ProgressReport.cooperation_id.in_(cooperations))
    ).all()
    made = s.scalars(
        select(Proposal.program_id).where(
            Proposal.id.in_(cooperations), Proposal.program_id.is_not(None)
        )
    ).all()
    assert not made, "approved proposals made programs: remove those too"
    taken = s.scalars(select(Program).where(Program.taken_by_id.in_(mitra_ids))).all()
    for program in taken:
        program.taken_by_id = None
    s.flush()
    search.index_programs(taken)
    keys = or_(
        and_(Submission.purpose == "proposal", Submission.target_id.in_(cooperations)),
        and_(Submission.purpose == "report", Submission.target_id.in_(reports)),
    )
    tables = [
        (Submission, keys),
        (ProgressPhoto, ProgressPhoto.report_id.in_(reports)),
        (ProgressReport, ProgressReport.id.in_(reports)),
        (StatusChange, StatusChange.cooperation_id.in_(cooperations)),
        (Proposal, Proposal.id.in_(cooperations)),
        (Cooperation, Cooperation.id.in_(cooperations)),
        (Mitra, Mitra.id.in_(mitra_ids)),
        (User, User.id.in_(user_ids)),
    ]
    for model, where in tables:
        s.execute(delete(model.__table__).where(where))
