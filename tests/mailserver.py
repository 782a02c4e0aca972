"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import re
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address):
        """Messages received for ``address``, oldest first."""
        with self.lock:
            return [message for rcpt, message in self.messages if address in rcpt]

    def link(self, address, path_prefix):
        """The path of the last link to ``path_prefix`` mailed to ``address``."""
        message = self.to(address)[-1]
        text = message.get_body(("plain",)).get_content()
        return re.findall(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", text)[-1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """Start and stop an aiosmtpd server; ``port`` is where it listens."""

    def __init__(self, port=None):
        self.inbox = Inbox()
        self.port = port or free_port()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class StalledServer:
    """Accepts connections on ``port`` and never says a word."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = self.socket.getsockname()[1]

    def close(self):
        self.socket.close()


def mail_settings(port, timeout=1):
    """App config that sends through the loopback server on ``port``."""
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_TIMEOUT": timeout,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
    }


def wait_for(condition, timeout=5.0):
    """Poll ``condition`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
