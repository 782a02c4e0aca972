"""The mail outbox and its sender, against a real SMTP server on loopback."""

import email
import email.policy
import logging
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select

from kerapu.extensions import db as _db
from kerapu.models import OutboxMessage
from kerapu.services import mail
from kerapu.services.mail import deliver_pending, external_url, queue_mail

RECIPIENT = "kontak@jalanterus.co.id"
LINK = "http://127.0.0.1:5000/program/1"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self, delay=0.0, close_on=None):
        self.delay = delay
        #: Answer the n-th message (from 1) with 421, "closing the channel".
        self.close_on = close_on
        self.seen = 0
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("tolak"):
            return f"550 5.1.1 <{address}>: mailbox tidak ada"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            time.sleep(self.delay)  # hold the client, as a slow server does
        self.seen += 1
        if self.seen == self.close_on:
            return "421 4.3.2 layanan ditutup"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, parsed))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    return Inbox()


@pytest.fixture
def smtp_server(inbox):
    """A working SMTP server on loopback; its port."""
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port
    controller.stop()


@pytest.fixture
def closed_port():
    """A port nobody listens on: connections are refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


@pytest.fixture
def stalled_port():
    """A server that accepts connections and never says a word."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(8)
        yield listening.getsockname()[1]


@pytest.fixture
def mail_config(app, monkeypatch):
    """Set mail config for this test: ``mail_config(MAIL_PORT=...)``."""

    def configure(**values):
        defaults = {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_TIMEOUT": 1,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
        }
        for key, value in (defaults | values).items():
            monkeypatch.setitem(app.config, key, value)

    return configure


def aware(moment):
    """A stored time as aware UTC: SQLite gives naive datetimes back."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def later(minutes):
    return datetime.now(UTC) + timedelta(minutes=minutes)


def queue(**context):
    context = {"name": "PT Jalan Terus", "link": LINK} | context
    return queue_mail(RECIPIENT, "test", **context)


def reload(message):
    _db.session.expire_all()
    return _db.session.get(OutboxMessage, message.id)


def test_queue_mail_renders_both_bodies_without_sending(db, inbox, caplog):
    caplog.set_level(logging.INFO, logger="kerapu")

    message = queue(name="PT <Jalan> & Terus")

    assert message.id is not None
    assert message.subject == "Uji pengiriman email KERAPU"
    assert message.body_text.startswith("Yth. PT <Jalan> & Terus,\n")
    assert LINK in message.body_text
    assert "Uji pengiriman email KERAPU" not in message.body_text
    assert "dikirim otomatis oleh KERAPU" in message.body_text
    assert "PT &lt;Jalan&gt; &amp; Terus" in message.body_html
    assert f'href="{LINK}"' in message.body_html
    assert "<title>Uji pengiriman email KERAPU</title>" in message.body_html
    assert "Direktorat Jenderal Bina Marga." in message.body_html
    assert (message.attempts, message.sent_at, message.failed_at) == (0, None, None)
    assert inbox.messages == []
    assert f"mail queued: test to message {message.id}" in caplog.messages


def test_deliver_pending_sends_multipart_message(db, mail_config, smtp_server, inbox):
    mail_config(MAIL_PORT=smtp_server)
    message = queue()
    db.session.commit()

    delivery = deliver_pending()

    assert (delivery.sent, delivery.deferred, delivery.failed) == (1, 0, 0)
    [(recipients, received)] = inbox.messages
    assert recipients == [RECIPIENT]
    assert received["To"] == RECIPIENT
    assert received["From"] == "KERAPU Bina Marga <noreply@kerapu.invalid>"
    assert received["Subject"] == "Uji pengiriman email KERAPU"
    assert received["Message-ID"].startswith(f"<outbox-{message.id}.")
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Ini email uji dari KERAPU." in text
    assert LINK in text
    assert "<a href=" in html
    assert "Ini email uji dari KERAPU." in html
    stored = reload(message)
    assert stored.sent_at is not None
    assert stored.claimed_until is None
    assert stored.attempts == 0


def test_deliver_pending_sends_each_message_once(db, mail_config, smtp_server, inbox):
    mail_config(MAIL_PORT=smtp_server)
    queue()
    db.session.commit()

    first = deliver_pending()
    second = deliver_pending(now=later(60))

    assert first.sent == 1
    assert not second
    assert len(inbox.messages) == 1


def test_rolled_back_mail_is_never_sent(db, mail_config, smtp_server, inbox):
    mail_config(MAIL_PORT=smtp_server)
    queue()
    db.session.rollback()

    delivery = deliver_pending()

    assert not delivery
    assert inbox.messages == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_server_down_keeps_message_for_later(
    db, app, mail_config, closed_port, smtp_server, inbox
):
    mail_config(MAIL_PORT=closed_port, MAIL_RETRY_BASE=60)
    message = queue()
    db.session.commit()

    delivery = deliver_pending()

    assert (delivery.sent, delivery.deferred, delivery.failed) == (0, 1, 0)
    stored = reload(message)
    assert stored.attempts == 1
    assert stored.sent_at is None
    assert stored.failed_at is None
    assert stored.claimed_until is None
    assert aware(stored.next_attempt_at) > later(0.9)
    assert "ConnectionRefusedError" in stored.last_error

    app.config["MAIL_PORT"] = smtp_server
    assert not deliver_pending()  # not due yet
    assert inbox.messages == []

    delivery = deliver_pending(now=later(2))

    assert delivery.sent == 1
    assert len(inbox.messages) == 1
    assert reload(message).sent_at is not None


def test_retries_back_off_exponentially(db, app, mail_config, closed_port):
    mail_config(MAIL_PORT=closed_port, MAIL_RETRY_BASE=60, MAIL_RETRY_MAX=200)
    message = queue()
    db.session.commit()

    waits = []
    moment = datetime.now(UTC)
    for _ in range(4):
        deliver_pending(now=moment)
        due = aware(reload(message).next_attempt_at)
        waits.append((due - moment).total_seconds())
        moment = due

    assert waits == [60, 120, 200, 200]
    assert reload(message).attempts == 4


def test_stalled_server_does_not_hold_the_sender(
    db, app, mail_config, stalled_port, smtp_server, inbox
):
    mail_config(MAIL_PORT=stalled_port, MAIL_TIMEOUT=1)
    message = queue()
    db.session.commit()

    started = time.monotonic()
    delivery = deliver_pending()
    elapsed = time.monotonic() - started

    assert elapsed < 3
    assert delivery.deferred == 1
    stored = reload(message)
    assert stored.attempts == 1
    assert "timed out" in stored.last_error

    app.config["MAIL_PORT"] = smtp_server
    delivery = deliver_pending(now=later(2))

    assert delivery.sent == 1
    assert len(inbox.messages) == 1


def test_gives_up_after_max_attempts(db, mail_config, closed_port, caplog):
    mail_config(MAIL_PORT=closed_port, MAIL_MAX_ATTEMPTS=2)
    message = queue()
    db.session.commit()
    caplog.set_level(logging.INFO, logger="kerapu")

    first = deliver_pending()
    second = deliver_pending(now=later(5))
    third = deliver_pending(now=later(60 * 24))

    assert (first.deferred, second.failed) == (1, 1)
    assert not third
    stored = reload(message)
    assert stored.failed_at is not None
    assert stored.sent_at is None
    assert stored.attempts == 2
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage().startswith(
        f"mail given up: test message {message.id} after 2 attempts: "
    )


def test_retry_failed_queues_given_up_mail_again(
    db, app, mail_config, closed_port, smtp_server, inbox
):
    mail_config(MAIL_PORT=closed_port, MAIL_MAX_ATTEMPTS=1)
    message = queue()
    db.session.commit()
    assert deliver_pending().failed == 1

    assert mail.retry_failed() == 1
    db.session.commit()
    app.config["MAIL_PORT"] = smtp_server

    assert deliver_pending().sent == 1
    assert len(inbox.messages) == 1
    assert reload(message).failed_at is None


def test_refused_recipient_spares_the_rest_of_the_batch(
    db, mail_config, smtp_server, inbox
):
    mail_config(MAIL_PORT=smtp_server)
    refused = queue_mail("tolak@jalanterus.co.id", "test", name="X", link=LINK)
    fine = queue()
    db.session.commit()

    delivery = deliver_pending()

    assert (delivery.sent, delivery.deferred) == (1, 1)
    assert reload(fine).sent_at is not None
    assert reload(refused).attempts == 1
    error = reload(refused).last_error
    assert error.startswith("SMTPRecipientsRefused 550 5.1.1")
    assert "tolak@" not in error
    assert [recipients for recipients, _ in inbox.messages] == [[RECIPIENT]]


@pytest.mark.parametrize("inbox", [Inbox(close_on=2)])
def test_broken_connection_charges_only_the_message_in_hand(
    db, mail_config, smtp_server, inbox
):
    mail_config(MAIL_PORT=smtp_server)
    first, second, third = queue(), queue(), queue()
    db.session.commit()

    delivery = deliver_pending()

    assert (delivery.sent, delivery.deferred, delivery.released) == (1, 1, 1)
    assert reload(first).sent_at is not None
    assert reload(second).attempts == 1
    assert "421" in reload(second).last_error
    assert reload(third).attempts == 0
    assert reload(third).claimed_until is None

    assert deliver_pending().sent == 1  # the third, due at once
    assert reload(third).sent_at is not None
    assert reload(second).sent_at is None


def test_short_lease_releases_what_it_cannot_send_in_time(
    db, mail_config, smtp_server, inbox, monkeypatch
):
    mail_config(MAIL_PORT=smtp_server)
    monkeypatch.setattr(mail, "SEND_TIMEOUTS", mail.LEASE_TIMEOUTS + 1)
    message = queue()
    db.session.commit()

    delivery = deliver_pending()

    assert (delivery.sent, delivery.released) == (0, 1)
    assert inbox.messages == []
    stored = reload(message)
    assert stored.attempts == 0
    assert stored.claimed_until is None


def test_logs_name_neither_body_nor_recipient(
    db, mail_config, smtp_server, closed_port, app, caplog
):
    caplog.set_level(logging.DEBUG)
    mail_config(MAIL_PORT=closed_port, MAIL_PASSWORD="rahasia-smtp")
    queue(link="http://127.0.0.1:5000/akun/aktivasi/TOKEN123")
    db.session.commit()
    deliver_pending()
    app.config["MAIL_PORT"] = smtp_server
    deliver_pending(now=later(2))

    logged = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("kerapu")
    )
    assert "mail sent: test message" in logged
    for secret in ("TOKEN123", RECIPIENT, "Ini email uji", "rahasia-smtp"):
        assert secret not in logged


def test_live_claim_keeps_other_senders_away(db, mail_config, smtp_server, inbox):
    mail_config(MAIL_PORT=smtp_server)
    queue()
    db.session.commit()
    lease = later(5)
    claimed = mail.claim_messages(10, datetime.now(UTC), lease)

    assert len(claimed) == 1
    assert not deliver_pending()
    assert inbox.messages == []


def test_expired_claim_is_taken_over_and_sent_once(
    db, mail_config, smtp_server, inbox, caplog
):
    mail_config(MAIL_PORT=smtp_server)
    message = queue()
    db.session.commit()
    lease = later(5)
    [stale] = mail.claim_messages(10, datetime.now(UTC), lease)

    assert deliver_pending(now=later(6)).sent == 1
    outcome = mail.Delivery()
    mail.record_sent(stale, lease, later(7), outcome)

    assert outcome.sent == 0
    assert f"mail claim lost: message {message.id}" in caplog.messages
    assert len(inbox.messages) == 1


@pytest.fixture
def committed(app):
    """Queue really committed messages (the ``db`` fixture's rollback
    cannot span several connections); delete them afterwards."""
    ids = []

    def make(count):
        with app.app_context():
            for index in range(count):
                ids.append(queue(name=f"Mitra {index}").id)
            _db.session.commit()
        return ids

    yield make
    with app.app_context():
        _db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))
        _db.session.commit()
        _db.session.remove()


@pytest.mark.parametrize("inbox", [Inbox(delay=0.01)])
def test_concurrent_senders_deliver_each_message_once(
    app, mail_config, smtp_server, inbox, committed
):
    mail_config(MAIL_PORT=smtp_server)
    ids = committed(12)
    start = threading.Barrier(4)
    results, errors = [], []

    def sender():
        with app.app_context():
            try:
                start.wait()
                while delivery := deliver_pending(limit=2):
                    results.append(delivery)
            except Exception as error:  # reported below, on the main thread
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(delivery.sent for delivery in results) == len(ids)
    sent_ids = sorted(int(m["Message-ID"].split(".")[0][8:]) for _, m in inbox.messages)
    assert sent_ids == sorted(ids)
    with app.app_context():
        rows = _db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids))
        ).all()
        assert all(row.sent_at is not None for row in rows)
        _db.session.remove()


def test_console_backend_prints_and_marks_sent(db, mail_config, capsys):
    mail_config(MAIL_BACKEND="console", MAIL_PORT=1)
    message = queue()
    db.session.commit()

    delivery = deliver_pending()

    assert delivery.sent == 1
    out = capsys.readouterr().out
    assert f"Kepada: {RECIPIENT}" in out
    assert "Subjek: Uji pengiriman email KERAPU" in out
    assert LINK in out
    assert reload(message).sent_at is not None


def test_development_prints_mail_sent_by_smtp(
    db, app, mail_config, smtp_server, inbox, capsys, monkeypatch
):
    mail_config(MAIL_PORT=smtp_server)
    monkeypatch.setitem(app.config, "DEPLOYMENT", "development")
    queue()
    db.session.commit()

    deliver_pending()

    assert len(inbox.messages) == 1
    assert LINK in capsys.readouterr().out


def test_testing_does_not_print_mail(db, mail_config, smtp_server, capsys):
    mail_config(MAIL_PORT=smtp_server)
    queue()
    db.session.commit()

    deliver_pending()

    assert capsys.readouterr().out == ""


def test_send_mail_command_sends_one_batch(db, app, mail_config, smtp_server, inbox):
    mail_config(MAIL_PORT=smtp_server)
    queue()
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["kerapu", "send-mail"])

    assert result.exit_code == 0, result.output
    assert "1 terkirim" in result.output
    assert len(inbox.messages) == 1


def test_send_mail_command_is_quiet_with_nothing_to_do(db, app, mail_config):
    mail_config(MAIL_PORT=1)

    result = app.test_cli_runner().invoke(args=["kerapu", "send-mail"])

    assert result.exit_code == 0
    assert result.output == ""


def test_send_mail_watch_runs_until_interrupted(
    db, app, mail_config, smtp_server, inbox, monkeypatch
):
    mail_config(MAIL_PORT=smtp_server)
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 1:
            queue()
            db.session.commit()
            return
        raise KeyboardInterrupt

    monkeypatch.setattr("kerapu.cli.time.sleep", sleep)

    result = app.test_cli_runner().invoke(
        args=["kerapu", "send-mail", "--watch", "--interval", "0.5"]
    )

    assert result.exit_code == 0, result.output
    assert sleeps == [0.5, 0.5]
    assert len(inbox.messages) == 1


def test_external_url_ignores_the_request_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kerapu.pu.go.id/")

    with app.test_request_context("/", base_url="http://evil.example"):
        url = external_url("public.programs", q="jalan")

    assert url == "https://kerapu.pu.go.id/program?q=jalan"


def test_external_url_keeps_a_path_prefix_outside_requests(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://pu.go.id/kerapu")

    with app.app_context():
        url = external_url("public.index", _anchor="isi")

    assert url == "https://pu.go.id/kerapu/#isi"
