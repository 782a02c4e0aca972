"""The catalogue on a 360 px phone: no sideways scrolling, rows as cards."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import JEREWEH, TOTAL, names, summary

pytestmark = pytest.mark.browser

WIDTH = 360
#: For a person to look at after the run: /tmp/kerapu-360.png here.
SCREENSHOT = Path(tempfile.gettempdir()) / "kerapu-360.png"


@pytest.fixture
def phone(new_context):
    context = new_context(viewport={"width": WIDTH, "height": 740})
    return context.new_page()


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_catalogue_fits_360_px_as_cards(phone):
    page = phone

    page.goto("/program")

    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    assert page_width(page) <= WIDTH
    expect(page.locator("#q")).to_be_visible()
    expect(page.get_by_role("button", name="Cari", exact=True)).to_be_visible()
    expect(page.locator("table.programs thead")).not_to_be_in_viewport()
    rows = page.locator("table.programs tbody tr")
    expect(rows).to_have_count(10)
    assert rows.first.evaluate("row => getComputedStyle(row).display") == "block"
    cells = page.locator("table.programs tbody tr:first-child td")
    labels = cells.evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels[:3] == ['"No"', '"Kegiatan"', '"PPK"']
    for box in (cells.nth(i).bounding_box() for i in range(cells.count())):
        assert 0 <= box["x"]
        assert box["x"] + box["width"] <= WIDTH
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_search_result_fits_360_px(phone):
    page = phone
    page.goto("/program")

    page.locator("#q").press_sequentially("jereweh", delay=20)

    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [JEREWEH]
    assert page_width(page) <= WIDTH


#: The top edge of the result rows, in viewport coordinates.
ROWS_TOP = "document.querySelector('#program-rows').getBoundingClientRect().top"


def test_next_page_from_the_bottom_shows_top_of_rows(phone):
    page = phone
    page.goto("/program")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate(ROWS_TOP) < 0

    page.locator("nav.pager").get_by_role("link", name="Berikutnya ›").click()

    expect(summary(page)).to_have_text(f"Tampilkan 11 s/d 20 dari {TOTAL} data")
    # Wait, as htmx may scroll smoothly; fails after Playwright's timeout.
    # Scrolling stops on whole pixels, the section's top may be a fraction
    # above the edge: -0.48 px here.
    page.wait_for_function(f"(top => top > -1 && top < innerHeight)({ROWS_TOP})")
