"""Mail through an outbox: queued with the change, delivered by a sender.

A request never talks to an SMTP server. ``queue_mail`` renders the message
and adds it to the session; the view's commit stores it with the change it
reports, or the rollback drops both. ``deliver_pending`` (``flask kerapu
send-mail``, from cron, a systemd timer or ``--watch``) claims due messages,
sends them and records the outcome, so a stalled or dead server delays only
the sender, and a failure only schedules the next attempt.

Templates come in pairs under ``templates/email/``: ``<name>.txt`` extends
``email/_layout.txt`` and gives the subject in ``{% block subject %}`` (one
line, never part of the body) and the text in ``{% block body %}``;
``<name>.html`` extends ``email/_layout.html``, fills ``{% block body %}``
and gets the rendered ``subject`` in its context. Every value comes from the
caller; links are absolute, built with ``external_url``.

Several senders may run at once, on several machines: a sender claims a row
with a conditional UPDATE (``claimed_until`` a lease in the future, only if
no live lease holds it) and takes only the rows its UPDATE changed, so two
senders never hold one message. Delivery is at least once: when the server
accepted a message but the sender died before recording it, the lease runs
out and the message goes again (with the same Message-ID, which lets mail
programs fold the two).
"""

import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from jinja2_fragments import render_block
from sqlalchemy import or_, select, update

from kerapu.extensions import db
from kerapu.models.mail import OutboxMessage

log = logging.getLogger(__name__)

#: A claim lasts this many MAIL_TIMEOUTs; no message is started once fewer
#: than SEND_TIMEOUTS of them are left, since one message takes a handful
#: of exchanges with the server, each bounded by MAIL_TIMEOUT.
LEASE_TIMEOUTS = 30
SEND_TIMEOUTS = 6

#: Failures of one message on a connection that stays usable (ValueError:
#: a message that cannot be encoded); any other error means the connection
#: is gone.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def utcnow():
    return datetime.now(UTC)


def external_url(endpoint, **values):
    """Absolute URL of ``endpoint`` under PUBLIC_BASE_URL, for an email.

    Built from configuration alone, never from the request's Host header
    (which a client chooses), so it also works in the sender and the CLI,
    where there is no request.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    if base.scheme not in ("http", "https") or not base.netloc:
        raise RuntimeError(
            "PUBLIC_BASE_URL harus alamat lengkap, mis. https://kerapu.pu.go.id"
        )
    anchor = values.pop("_anchor", None)
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/", url_scheme=base.scheme
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def render_mail(template, **context):
    """Render ``email/<template>``: (subject, text body, HTML body)."""
    env = current_app.jinja_env
    name = f"email/{template}.txt"
    subject = " ".join(render_block(env, name, "subject", **context).split())
    if not subject:
        raise ValueError(f"{name} has no subject block")
    body_text = env.get_template(name).render(context).strip() + "\n"
    body_html = env.get_template(f"email/{template}.html").render(
        context, subject=subject
    )
    return subject, body_text, body_html


def queue_mail(recipient, template, **context):
    """Queue ``email/<template>`` to ``recipient`` in the current
    transaction; the caller commits, so the mail exists iff its change does.
    """
    if "\r" in recipient or "\n" in recipient:
        raise ValueError("recipient must be one address")
    subject, body_text, body_html = render_mail(template, **context)
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        template=template,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    log.info("mail queued: %s to message %d", template, message.id)
    return message


@dataclass
class Delivery:
    """What one ``deliver_pending`` run did."""

    #: Delivered (or printed, with the console backend).
    sent: int = 0
    #: Failed and scheduled for a later attempt.
    deferred: int = 0
    #: Failed for the last time (``failed_at`` set).
    failed: int = 0
    #: Claimed but not tried (the connection broke or the lease ran short);
    #: due again at once.
    released: int = 0

    def __bool__(self):
        return bool(self.sent or self.deferred or self.failed or self.released)


@dataclass(frozen=True)
class Claimed:
    """A claimed message, copied out of the session so sending needs no
    open transaction."""

    id: int
    recipient: str
    subject: str
    body_text: str
    body_html: str
    template: str
    attempts: int
    created_at: datetime


def deliver_pending(limit=None, now=None):
    """Claim up to ``limit`` due messages (MAIL_BATCH_SIZE), send them over
    one connection and record each outcome; return a ``Delivery``.

    ``now`` is the current time, for tests. Call it with no work pending in
    the session: unlike request services it commits, since every claim and
    every outcome must be stored before the next step.
    """
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend not in ("smtp", "console"):
        raise RuntimeError(f"MAIL_BACKEND tidak dikenal: {backend!r}")
    timeout = config["MAIL_TIMEOUT"]
    started = time.monotonic()
    clock = (lambda: now) if now is not None else utcnow
    lease = clock() + timedelta(seconds=LEASE_TIMEOUTS * timeout)
    deadline = started + (LEASE_TIMEOUTS - SEND_TIMEOUTS) * timeout
    messages = claim_messages(limit or config["MAIL_BATCH_SIZE"], clock(), lease)
    outcome = Delivery()
    if not messages:
        return outcome

    echo = backend == "console" or config["DEPLOYMENT"] == "development"
    smtp = None
    try:
        for index, message in enumerate(messages):
            if time.monotonic() > deadline:
                release(messages[index:], lease, outcome)
                break
            try:
                email = build_email(message, config)
                if backend == "smtp":
                    if smtp is None:
                        smtp = connect(config)
                    smtp.send_message(email)
            except (ValueError, *MESSAGE_ERRORS) as error:
                if not closes_connection(error):
                    record_failure(message, error, lease, clock(), outcome)
                    continue
                broken = error
            except Exception as error:
                if smtp is None:
                    # Not even connected: the attempt failed for them all.
                    for unsent in messages[index:]:
                        record_failure(unsent, error, lease, clock(), outcome)
                    break
                broken = error
            else:
                record_sent(message, lease, clock(), outcome)
                if echo:
                    print_message(message)
                continue
            # The connection broke on this message: the others wait for the
            # next run rather than count a failure that is not theirs.
            record_failure(message, broken, lease, clock(), outcome)
            release(messages[index + 1 :], lease, outcome)
            smtp.close()
            smtp = None
            break
    finally:
        if smtp is not None:
            quit_quietly(smtp)
    return outcome


def claim_messages(limit, now, lease):
    """Claim up to ``limit`` due messages until ``lease``; return copies."""
    due = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(*due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    # XXX: end the read before claiming. On SQLite a transaction that read
    # and then writes fails at once ("database is locked") if another sender
    # wrote meanwhile; one that starts by writing waits its turn.
    db.session.commit()
    if not candidates:
        return []

    claimed = []
    # Ascending ids, so two senders on PostgreSQL lock rows in one order.
    for message_id in sorted(candidates):
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *due)
            .values(claimed_until=lease)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    if not claimed:
        return []

    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.body_html,
            OutboxMessage.template,
            OutboxMessage.attempts,
            OutboxMessage.created_at,
        )
        .where(OutboxMessage.id.in_(claimed))
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return [Claimed(*row) for row in rows]


def closes_connection(error):
    """True when the server answered 421: it is closing the connection."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _reply in error.recipients.values())
    return getattr(error, "smtp_code", None) == 421


def connect(config):
    """An SMTP connection per config, logged in; every socket operation
    bounded by MAIL_TIMEOUT."""
    timeout = config["MAIL_TIMEOUT"]
    host, port = config["MAIL_SERVER"], config["MAIL_PORT"]
    if config["MAIL_USE_SSL"] and config["MAIL_USE_TLS"]:
        raise RuntimeError("MAIL_USE_SSL dan MAIL_USE_TLS tidak bisa keduanya")
    if config["MAIL_USE_SSL"]:
        context = ssl.create_default_context()
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def quit_quietly(smtp):
    """Say goodbye to the server; a broken connection is just closed."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def build_email(message, config):
    """The MIME message: plain text with an HTML alternative."""
    sender = config["MAIL_DEFAULT_SENDER"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "kerapu.invalid"
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.recipient
    email["Date"] = format_datetime(utcnow())
    # One Message-ID per outbox row, the same on every attempt.
    created = message.created_at
    if created.tzinfo is None:  # SQLite gives back naive UTC
        created = created.replace(tzinfo=UTC)
    stamp = int(created.timestamp())
    email["Message-ID"] = f"<outbox-{message.id}.{stamp}@{domain}>"
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


def record_sent(message, lease, now, outcome):
    """Mark ``message`` sent, if this sender still holds its claim."""
    if finish(message, lease, sent_at=now, claimed_until=None):
        outcome.sent += 1
        log.info("mail sent: %s message %d", message.template, message.id)


def record_failure(message, error, lease, now, outcome):
    """Schedule the next attempt of ``message``, or give it up."""
    config = current_app.config
    attempts = message.attempts + 1
    reason = describe_error(error, message.recipient, config)
    if attempts >= config["MAIL_MAX_ATTEMPTS"]:
        if finish(
            message,
            lease,
            attempts=attempts,
            failed_at=now,
            claimed_until=None,
            last_error=reason,
        ):
            outcome.failed += 1
            log.warning(
                "mail given up: %s message %d after %d attempts: %s",
                message.template,
                message.id,
                attempts,
                reason,
            )
        return
    delay = min(
        config["MAIL_RETRY_BASE"] * 2 ** (attempts - 1), config["MAIL_RETRY_MAX"]
    )
    if finish(
        message,
        lease,
        attempts=attempts,
        next_attempt_at=now + timedelta(seconds=delay),
        claimed_until=None,
        last_error=reason,
    ):
        outcome.deferred += 1
        log.info(
            "mail deferred: %s message %d, attempt %d failed, next in %d s: %s",
            message.template,
            message.id,
            attempts,
            delay,
            reason,
        )


def release(messages, lease, outcome):
    """Give back claims not tried; the messages are due again at once."""
    for message in messages:
        if finish(message, lease, claimed_until=None):
            outcome.released += 1


def finish(message, lease, **values):
    """Store ``values`` on ``message`` if our claim still holds; commit."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.claimed_until == lease,
            OutboxMessage.sent_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        log.warning("mail claim lost: message %d", message.id)
        return False
    return True


def describe_error(error, recipient, config):
    """A short account of ``error`` for the table and the log: no
    credentials, no recipient address."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        text = f"SMTPAuthenticationError {error.smtp_code}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (0, b""))
        text = f"SMTPRecipientsRefused {code} {decode(reply)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{type(error).__name__} {error.smtp_code} {decode(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    for secret in (config["MAIL_PASSWORD"], config["MAIL_USERNAME"], recipient):
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())[:300]


def decode(reply):
    if isinstance(reply, bytes):
        return reply.decode("utf-8", "replace")
    return str(reply)


def print_message(message):
    """Show a sent message on stdout, so ``make run`` users can open links."""
    rule = "-" * 72
    print(
        f"{rule}\n"
        f"Email {message.id} ({message.template})\n"
        f"Kepada: {message.recipient}\n"
        f"Subjek: {message.subject}\n\n"
        f"{message.body_text.rstrip()}\n"
        f"{rule}",
        flush=True,
    )


def retry_failed():
    """Queue every given-up message again, with a fresh count of attempts;
    return how many. The caller commits."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.failed_at.is_not(None), OutboxMessage.sent_at.is_(None))
        .values(failed_at=None, attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    log.info("mail given up queued again by cli: %d", result.rowcount)
    return result.rowcount
