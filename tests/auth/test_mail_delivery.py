"""Account mail through the outbox, against real SMTP peers on loopback:
a registration never waits for SMTP, and its mail arrives once a server
answers."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from kerapu.models import OutboxMessage
from kerapu.services.mail import deliver_pending
from tests.auth.test_views import REGISTRATION, logo_file
from tests.conftest import csrf_fields
from tests.mailserver import SmtpServer, StalledServer, mail_settings


@pytest.fixture
def use_smtp(app, monkeypatch):
    def configure(port):
        for key, value in mail_settings(port, timeout=1).items():
            monkeypatch.setitem(app.config, key, value)

    return configure


@pytest.fixture
def stalled():
    server = StalledServer()
    yield server
    server.close()


@pytest.fixture
def working():
    server = SmtpServer().start()
    yield server
    server.stop()


def make_due(db):
    db.session.execute(
        update(OutboxMessage).values(
            next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)
        )
    )


def test_registration_with_stalled_smtp_answers_at_once_and_mails_later(
    db, client, upload_folder, use_smtp, stalled, working, outbox
):
    use_smtp(stalled.port)
    html = client.get("/akun/daftar").text
    data = REGISTRATION | {
        "csrf_token": csrf_fields(html)["csrf_token"],
        "key": "kunci-uji-smtp-macet",
        "logo": logo_file(),
    }

    started = time.monotonic()
    response = client.post(
        "/akun/daftar", data=data, content_type="multipart/form-data"
    )
    answered = time.monotonic() - started

    assert response.status_code == 303
    assert answered < 1.0  # well under the 1 s SMTP timeout: no SMTP at all
    [message] = outbox("kontak@jalanmaju.co.id")

    started = time.monotonic()
    first = deliver_pending()
    assert time.monotonic() - started < 5  # bounded by MAIL_TIMEOUT
    assert first.sent == 0
    db.session.refresh(message)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error

    use_smtp(working.port)
    make_due(db)
    second = deliver_pending()

    assert second.sent == 1
    [received] = working.inbox.to("kontak@jalanmaju.co.id")
    assert received["Subject"] == "Aktifkan akun Mitra PU KERAPU"
    assert "/akun/aktivasi/" in received.get_body(("plain",)).get_content()
    assert received.get_body(("html",)) is not None
