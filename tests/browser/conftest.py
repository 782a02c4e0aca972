"""Fixtures for the browser tests: Debian's Chromium and a live server.

The server runs the session ``app`` (migrated database, demo catalogue) in a
thread, so these tests read the committed data and never use the per-test
``db`` rollback: the server thread would not see that transaction.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser import live_data

HERE = Path(__file__).parent

#: Flags Debian's Chromium needs here; see ../shared/TOOLING.md.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium_executable():
    """Path of the chromium on PATH; skip without it, unless CI requires it."""
    path = shutil.which("chromium")
    if path is None:
        message = "Chromium not found: apt-get install chromium"
        if os.environ.get("KERAPU_BROWSER_REQUIRED") == "1":
            pytest.fail(f"{message} (KERAPU_BROWSER_REQUIRED=1)", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    """Launch Debian's Chromium headless, quiet on the network."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session app on a free port in a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture(scope="session")
def base_url(live_server):
    """Let ``page.goto("/program")`` reach the live server."""
    return live_server


@pytest.fixture
def nojs_page(new_context):
    """A page in a context with JavaScript switched off."""
    return new_context(java_script_enabled=False).new_page()


@pytest.fixture
def own_outbox(app):
    """Drop the mail this test queued through the live server."""
    with live_data.own_outbox(app):
        yield


@pytest.fixture
def live_accounts(app):
    """Accounts committed for this test, ``live_accounts.mitra()``, removed
    afterwards with all they did (tests/browser/live_data.py)."""
    accounts = live_data.LiveAccounts(app)
    yield accounts
    accounts.remove()
