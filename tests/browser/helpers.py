"""What a user sees on the catalogue and the mitra pages, read from the browser."""

import re
import time
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import Page, expect

JEREWEH = "Penanganan Titik Rawan Kecelakaan Jereweh - Benete"
MARTAPURA = (
    "Pengadaan Bahan Paku Jalan Memantul Bujur Sangkar, Ruas Jalan Martapura - "
    "Ds. Tungkap"
)
#: The six samples plus the 120 generated programs of tests/conftest.py.
TOTAL = 122


def summary(page: Page):
    return page.locator("#program-rows .summary")


def names(page: Page):
    """Program names in the table: the first line of each Kegiatan cell."""
    return [text.split("\n")[0].strip() for text in column(page, "Kegiatan")]


def column(page: Page, label):
    """Texts of one column, e.g. ``column(page, "Provinsi")``."""
    return page.locator(f'#program-rows td[data-label="{label}"]').all_inner_texts()


def pager_link(page: Page, name):
    return page.locator("nav.pager").get_by_role("link", name=name, exact=True)


def expect_path(page: Page, path, **options):
    """The address bar shows exactly ``path`` (path and query) on this server."""
    expect(page).to_have_url(re.compile(re.escape(path) + "$"), **options)


def query_of_url(url):
    """Non-empty query arguments of ``url``, as a dict."""
    return dict(parse_qsl(urlsplit(url).query))


def query_of(page: Page):
    """Non-empty query arguments of the address bar, as a dict."""
    return query_of_url(page.url)


def mark_document(page: Page):
    """Tag the loaded document; a full page load would drop the tag."""
    page.evaluate("window.kerapuDocument = 'first load'")


def same_document(page: Page):
    return page.evaluate("window.kerapuDocument") == "first load"


def wait_until(page: Page, condition, timeout=5.0):
    """Let the page run until ``condition()`` is true; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the page"
        page.wait_for_timeout(50)


def log_in(page: Page, email, password):
    """Log in through the form; a mitra lands on Program saya."""
    page.goto("/akun/masuk")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Program saya")).to_be_visible()
