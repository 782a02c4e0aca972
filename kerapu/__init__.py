"""KERAPU: the portal for Kerja Sama Pelaku Usaha of Ditjen Bina Marga."""

import logging
import os
import sys

import sqlean
from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from kerapu.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def configure_logging():
    """Send INFO lines of ``kerapu.*`` to stdout, unless logging is set up
    already (by gunicorn's --log-config, or by pytest)."""
    logging.getLogger("kerapu").setLevel(logging.INFO)
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        root.addHandler(handler)


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, _record):
    """Turn on WAL and foreign keys for every SQLite link, and let SQLAlchemy
    rather than the driver begin transactions (so SAVEPOINT and
    transactional DDL behave)."""
    if not isinstance(dbapi_connection, sqlean.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    """Begin SQLite transactions; a request that may write (not GET or
    HEAD) takes the write lock at once.

    XXX: with a plain BEGIN, a transaction that read before another one
    committed fails with "database is locked" the moment it writes
    (SQLITE_BUSY_SNAPSHOT), which no busy timeout cures; two people acting
    on the same item would get an error instead of the loser's message.
    BEGIN IMMEDIATE makes writing requests wait their turn (up to
    SQLITE_BUSY_TIMEOUT) while readers go on. The lock is held for the
    rest of the request, including the checking of uploaded images."""
    if connection.dialect.name != "sqlite":
        return
    writing = has_request_context() and request.method not in ("GET", "HEAD")
    # A command that moves items says so with ``g.sqlite_write_lock``.
    writing = writing or (has_app_context() and g.get("sqlite_write_lock", False))
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def create_app(test_config=None):
    """Build the KERAPU application: config, extensions, blueprints, CLI."""
    configure_logging()
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
        static_folder=os.path.join(ROOT, "static"),
    )
    load_config(app, test_config)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

    from kerapu.extensions import (
        babel,
        compress,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)

    from kerapu import cli, errors, web
    from kerapu.auth.views import bp as auth_bp
    from kerapu.mitra.views import bp as mitra_bp
    from kerapu.public.views import bp as public_bp
    from kerapu.uploads.views import bp as uploads_bp

    web.init_app(app)
    errors.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(mitra_bp)
    app.register_blueprint(uploads_bp)
    cli.init_app(app)
    return app


def load_config(app, test_config):
    """Layer defaults, instance/config.py, FLASK_* variables and overrides."""
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + os.path.join(app.instance_path, "kerapu.sqlite")
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri.removeprefix(prefix)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        # XXX: SQLite comes from sqlean.py, not the system library: the
        # FTS5 of SQLite 3.40 (Debian 12) corrupts the search index when a
        # query runs between deleting and re-adding a program in one
        # transaction (tests/services/test_search.py shows it).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "module": sqlean,
            "connect_args": {"timeout": app.config["SQLITE_BUSY_TIMEOUT"]},
        }

    deployment = app.config["DEPLOYMENT"]
    if deployment not in ("production", "development", "testing"):
        raise RuntimeError(f"DEPLOYMENT tidak dikenal: {deployment!r}")
    if deployment == "production" and len(app.config["SECRET_KEY"] or "") < 32:
        raise RuntimeError(
            "SECRET_KEY belum diatur (minimal 32 karakter): isi instance/config.py "
            "atau FLASK_SECRET_KEY."
        )
    if deployment != "production":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    app.testing = deployment == "testing"
