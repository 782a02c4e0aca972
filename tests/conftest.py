"""Fixtures: one migrated database per run, each test rolled back."""

import functools
import os
import re

import pytest
from flask import g
from flask_migrate import upgrade
from jinja2 import StrictUndefined

from kerapu import create_app
from kerapu.extensions import db as _db
from kerapu.models import Program
from kerapu.services import demo, reference

#: Generated programs beside the six samples: enough for several pages.
GENERATED_PROGRAMS = 120


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """PostgreSQL when DATABASE_URL is set (CI), else a fresh SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def app(database_url):
    """The application on a migrated database holding the demo catalogue."""
    app = create_app(
        {
            "DEPLOYMENT": "testing",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
        }
    )
    app.jinja_env.undefined = StrictUndefined

    @app.teardown_request
    def forget_request_globals(_error):
        # Tests keep one app context across requests (the ``db`` fixture),
        # so ``g`` would outlive a request: Flask-Login caches the user
        # there and Flask-WTF the CSRF token. A server starts each request
        # with an empty ``g``.
        for name in list(vars(g)):
            g.pop(name)

    with app.app_context():
        upgrade()
        reference.load_reference_data()
        demo.load_sample_programs()
        if _db.session.query(Program).count() < GENERATED_PROGRAMS:
            demo.generate_programs(GENERATED_PROGRAMS, seed=7)
        _db.session.commit()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, inside a transaction rolled back after the test."""
    with app.app_context():
        engines = _db.engines
        saved = dict(engines)
        connection = _db.engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        _db.session.remove()
        _db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            engines.update(saved)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def htmx(client):
    """GET as htmx does: ``htmx("/program", q="jalan")``."""

    def get(path, **params):
        return client.get(path, query_string=params, headers={"HX-Request": "true"})

    return get


@pytest.fixture
def make_program(db):
    """Create a public program; ``make_program(name=..., regency="63.03")``."""
    from kerapu.models import Category, Program, ProgramVisibility, Regency
    from kerapu.services import search

    def make(regency="63.03", category=None, **overrides):
        regency = db.session.get(Regency, regency)
        category = category or db.session.scalar(db.select(Category).limit(1))
        values = {
            "name": "Program Uji",
            "ppk": "PPK 1.1",
            "volume_milli": 1000,
            "volume_unit": "km",
            "value_idr": 1_000_000,
            "visibility": ProgramVisibility.DIBUKA,
        } | overrides
        program = Program(
            regency=regency,
            regency_code=regency.code,
            province_code=regency.province_code,
            balai=regency.balai,
            category=category,
            **values,
        )
        db.session.add(program)
        db.session.flush()
        search.index_programs([program])
        return program

    return make


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    """Stored uploads go to a fresh folder for this test."""
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


#: The password every test account gets.
PASSWORD = "rahasia-sekali-123"


@functools.cache
def password_hash():
    """The hash of PASSWORD, made once: scrypt takes a tenth of a second,
    and factories make many accounts."""
    from kerapu.services.accounts import hash_password

    return hash_password(PASSWORD)


CSRF_FIELD = re.compile(r'<input[^>]*name="((?:\w+-)?csrf_token)"[^>]*value="([^"]+)"')


@pytest.fixture
def make_mitra(db):
    """Create a mitra account; ``make_mitra(email=..., active=False)``."""
    from kerapu.models import BusinessField, Mitra, Regency, Role, User
    from kerapu.services.accounts import CONSENT_TEXT, utcnow

    hashed = password_hash()
    counter = iter(range(1, 10_000))

    def make(email=None, active=True, name=None, regency="63.03", **overrides):
        number = next(counter)
        regency = db.session.get(Regency, regency)
        user = User(
            email=email or f"mitra{number}@contoh.co.id",
            password_hash=hashed,
            role=Role.MITRA,
            activated_at=utcnow() if active else None,
        )
        values = {
            "name": name or f"PT Mitra Uji {number}",
            "business_field": db.session.scalar(db.select(BusinessField).limit(1)),
            "address": "Jl. Uji No. 1",
            "province_code": regency.province_code,
            "regency_code": regency.code,
            "contact_name": "Budi Santoso",
            "whatsapp": "+6281234567890",
            "contact_position": "Direktur",
            "estimated_value_idr": 500_000_000,
            "consent_text": CONSENT_TEXT,
            "consented_at": utcnow(),
        } | overrides
        db.session.add_all([user, Mitra(user=user, **values)])
        db.session.flush()
        return user

    return make


@pytest.fixture
def login_as():
    """Log ``client`` in as ``user`` by writing its session, as login does."""

    def login(client, user):
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True

    return login


def csrf_fields(html):
    """The CSRF token fields of a page: {field name: token}."""
    return dict(CSRF_FIELD.findall(html))


@pytest.fixture
def submit(client):
    """Post a form as a browser would: open ``page`` (default: ``path``)
    first and send its CSRF token with ``data``."""

    def post(path, data, page=None, field="csrf_token", **kwargs):
        html = client.get(page or path).text
        tokens = csrf_fields(html)
        return client.post(path, data={field: tokens[field], **data}, **kwargs)

    return post


@pytest.fixture
def outbox(db):
    """Messages queued in the outbox during this test, oldest first (the
    browser tests commit theirs, so older ones may exist)."""
    from sqlalchemy import func

    from kerapu.models import OutboxMessage

    before = db.session.scalar(db.select(func.max(OutboxMessage.id))) or 0

    def messages(recipient=None):
        query = (
            db.select(OutboxMessage)
            .where(OutboxMessage.id > before)
            .order_by(OutboxMessage.id)
        )
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        return db.session.scalars(query).all()

    return messages


@pytest.fixture
def make_staff(db):
    """Create a staff account; ``make_staff("BPJN-KALSEL")`` for Balai staff,
    ``make_staff(None, role=Role.PUSAT)`` for central staff."""
    from kerapu.models import Balai, Role, User
    from kerapu.services.accounts import utcnow

    counter = iter(range(1, 10_000))

    def make(balai="BPJN-KALSEL", role=None, email=None, active=True):
        unit = db.session.scalar(db.select(Balai).where(Balai.code == balai))
        user = User(
            email=email or f"staf{next(counter)}@pu.go.id",
            password_hash=password_hash(),
            role=role or Role.BALAI,
            balai=unit,
            activated_at=utcnow() if active else None,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_application(db, make_mitra, make_program):
    """An application through the service; ``make_application(user, program)``
    with a new mitra and program where none is given."""
    from kerapu.services import workflow

    def make(user=None, program=None):
        user = user or make_mitra()
        program = program or make_program()
        application, _created = workflow.submit_application(user, program)
        return application

    return make


#: Values of a valid proposal in Kab. Banjar (BPJN Kalimantan Selatan).
PROPOSAL = {
    "name": "Pelebaran Jalan Martapura Lama",
    "location": "Ruas Jalan Martapura - Astambul",
    "province_code": "63",
    "regency_code": "63.03",
    "description": "Pelebaran jalan sepanjang 2 km.",
    "activities": "Galian, timbunan, perkerasan aspal.",
    "duration_months": 6,
    "value_idr": 750_000_000,
}


@pytest.fixture
def make_proposal(db, make_mitra):
    """A proposal through the service; ``make_proposal(user, name=...)``."""
    import secrets

    from kerapu.models import Category
    from kerapu.services import workflow

    def make(user=None, **overrides):
        user = user or make_mitra()
        category = db.session.scalar(db.select(Category).limit(1))
        values = workflow.ProposalValues(
            category_id=category.id, **(PROPOSAL | overrides)
        )
        proposal, _created = workflow.submit_proposal(
            user, values, secrets.token_urlsafe(8)
        )
        return proposal

    return make


@pytest.fixture
def advance(db, make_staff):
    """Move a cooperation along allowed transitions, each by a party that
    may make it: ``advance(item, "DISETUJUI", "PELAKSANAAN")``. SELESAI
    comes after a report of 100 % by the mitra."""
    from datetime import date, timedelta

    from sqlalchemy import update

    from kerapu.models import Role, Status, StatusChange
    from kerapu.services import progress, workflow

    notes = {Status.PERLU_PERBAIKAN: "Lengkapi data.", Status.DITOLAK: "Tidak sesuai."}

    def approved_long_ago(item):
        # Reports may not predate the approval: date it 60 days back, so
        # tests can date reports in the past (and "today" in any zone).
        change = item.history[-1]
        db.session.execute(
            update(StatusChange)
            .where(StatusChange.id == change.id)
            .values(created_at=change.created_at - timedelta(days=60))
        )
        db.session.expire(change)

    def move(item, *statuses):
        staff = make_staff(item.balai.code)
        for status in map(Status, statuses):
            roles = next(
                m.roles
                for (start, to), m in workflow.TRANSITIONS.items()
                if start is item.status and to is status
            )
            actor = item.mitra.user if Role.MITRA in roles else staff
            if status is Status.SELESAI and item.progress != 100:
                values = progress.ReportValues(date.today(), 100, "Selesai.")
                progress.add_report(item, item.mitra.user, values, [])
            workflow.transition(item, status, actor, note=notes.get(status))
            if status is Status.DISETUJUI:
                approved_long_ago(item)
        return item

    return move
