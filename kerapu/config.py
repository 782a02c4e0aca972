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

    #: Largest request body in bytes for ordinary forms. Views marked
    #: ``@accepts_uploads`` (kerapu/uploads) take UPLOAD_REQUEST_MAX_BYTES.
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024

    #: Largest request body of a form with file fields. Well above the
    #: per-file limits below, so an oversized file is read (spooled to disk
    #: by werkzeug) and refused by its field with a message, keeping the
    #: other typed values; only beyond this does the user get the 413 page.
    #: Room for a progress report's five photos at their largest.
    UPLOAD_REQUEST_MAX_BYTES = 48 * 1024 * 1024

    #: Bytes of an oversized body read and thrown away before the 413 page
    #: is sent, so the browser gets the page instead of a connection reset.
    #: Beyond this the connection is simply closed.
    UPLOAD_DRAIN_MAX_BYTES = 96 * 1024 * 1024

    #: Folder of uploaded images (re-encoded copies and thumbnails). Empty
    #: means ``instance/uploads``. Outside the code; back it up with the
    #: database. Several app servers must share it.
    UPLOAD_FOLDER = ""

    #: Largest logo and progress photo, in bytes of the uploaded file.
    UPLOAD_LOGO_MAX_BYTES = 2 * 1024 * 1024
    UPLOAD_PHOTO_MAX_BYTES = 8 * 1024 * 1024

    #: Largest logo and photo in pixels (width x height), checked from the
    #: header before the image is decoded; no side may exceed
    #: UPLOAD_MAX_SIDE. Keeps a small file that unpacks to gigabytes out.
    UPLOAD_LOGO_MAX_PIXELS = 4096 * 4096
    UPLOAD_PHOTO_MAX_PIXELS = 48_000_000
    UPLOAD_MAX_SIDE = 10_000

    #: Largest amount a Rupiah field accepts (kerapu/services/money.py).
    RUPIAH_MAX = 10**15

    #: Page sizes the program catalogue offers; the first is the default.
    PAGE_SIZES = (10, 25, 50, 100)

    #: Longest search text accepted, in characters.
    SEARCH_MAX_LENGTH = 200

    #: Keep rendered catalogue pages for readers without a session, per
    #: catalogue version (kerapu/web.py: shared_response).
    SHARED_RESPONSES = True

    #: Seconds browsers may cache versioned static files (``?v=<hash>``).
    STATIC_MAX_AGE = 365 * 24 * 3600

    #: Seconds an emailed link stays good: activation 48 hours, password
    #: reset one hour, confirmation of a new email address 48 hours.
    ACTIVATION_TOKEN_MAX_AGE = 48 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    EMAIL_TOKEN_MAX_AGE = 48 * 3600

    #: Limits on the account forms (Flask-Limiter notation, ";" between
    #: limits). Per client IP address: generous, since a whole office may
    #: share one address. Per account (the email typed): tight, against
    #: guessing one password or flooding one mailbox; for login only failed
    #: attempts count.
    RATELIMIT_ACCOUNT_FORMS_PER_IP = "30 per minute; 300 per hour"
    RATELIMIT_ACCOUNT_FORMS_PER_EMAIL = "5 per minute; 20 per hour"

    #: "Ingat saya" keeps a login this long on a device (Flask-Login); the
    #: cookie dies earlier with logout or a password change.
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True

    #: Number of reverse proxies in front of the app that set
    #: X-Forwarded-For and X-Forwarded-Proto (werkzeug's ProxyFix). 0 trusts
    #: none: behind nginx set 1, or every visitor shares the per-address
    #: limits of the proxy's address.
    PROXY_COUNT = 0

    #: Flask-Limiter storage, e.g. ``redis://127.0.0.1:6379`` when several
    #: app servers share limits.
    RATELIMIT_STORAGE_URI = "memory://"

    #: Interface language and the zone used when a region has none.
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"

    #: Public address of the portal, scheme and host (and a path prefix, if
    #: it is served under one): every link in an email is built from it
    #: (``kerapu.services.mail.external_url``), never from the Host header
    #: of the request that queued the mail, which a client can forge. Set it
    #: in production; ``make run`` sets it to match its PORT.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    #: Mail (kerapu/services/mail.py). Requests only write to the outbox;
    #: ``flask kerapu send-mail`` delivers. MAIL_BACKEND is "smtp", or
    #: "console" to print each message to stdout and mark it sent, with no
    #: server at all (``make run`` uses it unless told otherwise). In
    #: development every message sent is printed too.
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    #: STARTTLS on a plain connection (port 587), or TLS from the first
    #: byte (port 465): at most one of the two.
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    #: Login for the SMTP server, when it wants one. Put the password in
    #: ``instance/config.py`` or FLASK_MAIL_PASSWORD, never in the code.
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    #: From: of every message. The domain also names the Message-ID.
    MAIL_DEFAULT_SENDER = "KERAPU Bina Marga <noreply@kerapu.invalid>"
    #: Seconds any one socket operation with the SMTP server may take, so a
    #: stalled server holds the sender for about this long, never a page.
    MAIL_TIMEOUT = 10
    #: Attempts before a message is given up (``failed_at`` set, a WARNING
    #: logged; ``flask kerapu send-mail --retry-failed`` queues it again).
    #: The wait after attempt n is MAIL_RETRY_BASE * 2 ** (n - 1) seconds,
    #: at most MAIL_RETRY_MAX: with the defaults, twelve attempts over
    #: about 20 hours.
    MAIL_MAX_ATTEMPTS = 12
    MAIL_RETRY_BASE = 60
    MAIL_RETRY_MAX = 6 * 3600
    #: Messages one sender claims and sends over one SMTP connection.
    MAIL_BATCH_SIZE = 50

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
