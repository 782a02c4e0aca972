"""Configuration defaults: every key KERAPU reads, documented in one place.

Layers, later ones win: the class below, then ``instance/config.py`` if it
exists, then environment variables prefixed ``FLASK_`` (``FLASK_SECRET_KEY``,
``FLASK_DEPLOYMENT``; values are parsed as JSON when they can be), then
``DATABASE_URL``, then the overrides a test passes to ``create_app``.
"""


class Config:
    #: "production" (the default), "development" (``make run``) or "testing".
    #: Production refuses to start without a real SECRET_KEY and sends
    #: cookies only over HTTPS.
    DEPLOYMENT = "production"

    #: Signs sessions and CSRF tokens. No default on purpose: ``make run``
    #: writes a random one into ``instance/config.py``.
    SECRET_KEY = None

    #: SQLAlchemy database URL. Empty means SQLite in the instance folder
    #: (``instance/kerapu.sqlite``). ``DATABASE_URL`` in the environment
    #: (``postgresql://user@host/dbname``) selects PostgreSQL.
    SQLALCHEMY_DATABASE_URI = ""

    #: Seconds a SQLite connection waits for a lock before giving up.
    SQLITE_BUSY_TIMEOUT = 5

    #: Largest request body in bytes (uploads included).
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    #: Page sizes the program catalogue offers; the first is the default.
    PAGE_SIZES = (10, 25, 50, 100)

    #: Longest search text accepted, in characters.
    SEARCH_MAX_LENGTH = 200

    #: Keep rendered catalogue pages for readers without a session, per
    #: catalogue version (kerapu/web.py: shared_response).
    SHARED_RESPONSES = True

    #: Seconds browsers may cache versioned static files (``?v=<hash>``).
    STATIC_MAX_AGE = 365 * 24 * 3600

    #: Flask-Limiter storage, e.g. ``redis://127.0.0.1:6379`` when several
    #: app servers share limits.
    RATELIMIT_STORAGE_URI = "memory://"

    #: Interface language and the zone used when a region has none.
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"

    #: Response compression (Flask-Compress): gzip for anything over 500 B.
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_MIN_SIZE = 500
    #: Never compress streamed responses: Flask-Compress would lose their
    #: close() (static files are read into memory first, see kerapu/web.py).
    COMPRESS_STREAMS = False
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/plain",
        "application/javascript",
        "text/javascript",
    ]

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    #: CSRF tokens live as long as the session, so a form left open all day
    #: still submits (the token is bound to the session cookie).
    WTF_CSRF_TIME_LIMIT = None
