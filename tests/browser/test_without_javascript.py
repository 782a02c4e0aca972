"""The catalogue with JavaScript off: a plain GET form and plain links."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    JEREWEH,
    MARTAPURA,
    TOTAL,
    column,
    expect_path,
    names,
    pager_link,
    query_of,
    summary,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(nojs_page):
    """The catalogue's first page in a browser without JavaScript."""
    htmx_requests = []
    nojs_page.on(
        "request",
        lambda request: (
            request.headers.get("hx-request") and htmx_requests.append(request.url)
        ),
    )
    nojs_page.goto("/program")
    expect(summary(nojs_page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    yield nojs_page
    assert htmx_requests == [], "htmx ran although JavaScript is off"


def search(page, text):
    """Fill the search box and press Cari: a full page load."""
    page.locator("#q").fill(text)
    press_cari(page)


def press_cari(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Cari", exact=True).click()


def test_search_with_cari_button(catalogue):
    page = catalogue

    search(page, "jereweh")

    # The plain form sends every field; the blank ones change nothing.
    assert query_of(page) == {"q": "jereweh", "per_page": "10"}
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [JEREWEH]
    expect(page.locator("#q")).to_have_value("jereweh")

    search(page, "paku jalan banjar")

    assert query_of(page) == {"q": "paku jalan banjar", "per_page": "10"}
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [MARTAPURA]


def test_province_then_regency_with_cari_button(catalogue):
    page = catalogue
    regency = page.locator("#kabupaten")

    page.locator("#provinsi").select_option(label="Kalimantan Selatan")
    press_cari(page)

    assert query_of(page) == {"provinsi": "63", "per_page": "10"}
    expect(regency.locator("option", has_text="Kab. Banjar")).to_have_count(1)
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 7 dari 7 data")
    assert set(column(page, "Provinsi")) == {"Kalimantan Selatan"}

    regency.select_option(label="Kab. Banjar")
    press_cari(page)

    assert query_of(page) == {"provinsi": "63", "kabupaten": "63.03", "per_page": "10"}
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [MARTAPURA]
    expect(regency).to_have_value("63.03")

    page.locator("#provinsi").select_option(label="Nusa Tenggara Barat")
    press_cari(page)

    expect(page.locator("#provinsi")).to_have_value("52")
    expect(regency).to_have_value("")
    expect(regency.locator("option", has_text="Kab. Sumbawa Barat")).to_have_count(1)
    expect(regency.locator("option", has_text="Kab. Banjar")).to_have_count(0)
    assert set(column(page, "Provinsi")) == {"Nusa Tenggara Barat"}
    assert JEREWEH in names(page)


def test_pager_links(catalogue):
    page = catalogue
    search(page, "jalan")
    total = summary(page).inner_text().rsplit("dari ", 1)[1]

    with page.expect_navigation():
        pager_link(page, "2").click()

    expect_path(page, "/program?q=jalan&page=2")
    expect(summary(page)).to_have_text(f"Tampilkan 11 s/d 20 dari {total}")
    expect(page.locator("#q")).to_have_value("jalan")

    with page.expect_navigation():
        pager_link(page, "Berikutnya ›").click()

    expect_path(page, "/program?q=jalan&page=3")
    expect(summary(page)).to_have_text(f"Tampilkan 21 s/d 30 dari {total}")


def test_back_after_search_and_page(catalogue):
    page = catalogue
    unfiltered = names(page)
    search(page, "jalan")
    searched = names(page)
    with page.expect_navigation():
        pager_link(page, "2").click()
    expect_path(page, "/program?q=jalan&page=2")

    page.go_back()

    assert query_of(page) == {"q": "jalan", "per_page": "10"}
    expect(summary(page)).to_contain_text("Tampilkan 1 s/d 10 dari ")
    expect(page.locator("#q")).to_have_value("jalan")
    assert names(page) == searched

    page.go_back()

    expect_path(page, "/program")
    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    expect(page.locator("#q")).to_have_value("")
    assert names(page) == unfiltered
