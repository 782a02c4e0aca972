"""Bodies over the upload limit, sent to real servers over real sockets:
the browser must get the Indonesian 413 page, not a connection reset."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.formapp import make_app

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

#: Over the sample form's 6 MB request limit, under the 64 MB drain limit.
BODY_SIZE = 10 * 1024 * 1024


def multipart_body(size):
    """A registration-like body of ``size`` bytes with one large file."""
    boundary = "batas-uji"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="name"\r\n\r\nPT Uji\r\n'
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="logo"; filename="besar.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"\x00" * (size - len(head) - len(tail)) + tail
    return body, f"multipart/form-data; boundary={boundary}"


def post_large(port, size=BODY_SIZE, htmx=False):
    """POST ``size`` bytes as a browser would; (status, text)."""
    body, content_type = multipart_body(size)
    headers = {"Content-Type": content_type}
    if htmx:
        headers["HX-Request"] = "true"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/uji/daftar", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def werkzeug_port(tmp_path_factory):
    app = make_app(UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join()
    server.server_close()
    with app.app_context():
        from kerapu.extensions import db

        db.engine.dispose()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn_port(tmp_path_factory):
    """gunicorn with one sync worker, as production runs it."""
    port = free_port()
    env = os.environ | {
        "KERAPU_TEST_UPLOADS": str(tmp_path_factory.mktemp("uploads")),
    }
    log = open(tmp_path_factory.mktemp("log") / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "tests.formapp:make_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.mark.parametrize("server", ["werkzeug_port", "gunicorn_port"])
def test_body_over_the_upload_limit_gets_the_indonesian_page(request, server):
    port = request.getfixturevalue(server)

    status, text = post_large(port)

    assert status == 413
    assert "<html" in text
    assert "Berkas terlalu besar" in text
    assert "Seluruh kiriman paling besar 6 MB" in text
    assert 'href="/uji/daftar"' in text
    assert "Kembali ke formulir" in text


@pytest.mark.parametrize("server", ["werkzeug_port", "gunicorn_port"])
def test_body_over_the_upload_limit_gets_a_fragment_for_htmx(request, server):
    port = request.getfixturevalue(server)

    status, text = post_large(port, htmx=True)

    assert status == 413
    assert "<html" not in text
    assert "Seluruh kiriman paling besar 6 MB" in text


def test_server_still_answers_after_refusing(gunicorn_port):
    for _ in range(3):
        assert post_large(gunicorn_port)[0] == 413

    connection = http.client.HTTPConnection("127.0.0.1", gunicorn_port, timeout=10)
    connection.request("GET", "/uji/daftar")
    assert connection.getresponse().status == 200
    connection.close()
