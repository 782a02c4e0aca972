"""The program catalogue with JavaScript: live search, filters, pager, Back."""

import contextlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.helpers import (
    JEREWEH,
    MARTAPURA,
    TOTAL,
    column,
    expect_path,
    mark_document,
    names,
    pager_link,
    query_of_url,
    same_document,
    summary,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(page):
    """The catalogue's first page, its document tagged to detect reloads."""
    page.goto("/program")
    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    mark_document(page)
    return page


def type_query(page, text):
    """Type into the search box key by key, as a person does."""
    page.locator("#q").press_sequentially(text, delay=40)


def test_live_search_while_typing(catalogue):
    page = catalogue

    type_query(page, "jereweh")

    expect_path(page, "/program?q=jereweh")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [JEREWEH]
    assert same_document(page)

    page.locator("#q").clear()
    expect_path(page, "/program")
    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    type_query(page, "paku jalan banjar")

    expect_path(page, "/program?q=paku+jalan+banjar")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [MARTAPURA]
    assert same_document(page)


def test_pager_number_and_next(catalogue):
    page = catalogue
    first_page = names(page)

    pager_link(page, "2").click()

    expect_path(page, "/program?page=2")
    expect(summary(page)).to_have_text(f"Tampilkan 11 s/d 20 dari {TOTAL} data")
    second_page = names(page)
    assert len(second_page) == 10
    assert not set(second_page) & set(first_page)
    expect(page.locator("nav.pager [aria-current=page]")).to_have_text("2")

    pager_link(page, "Berikutnya ›").click()

    expect_path(page, "/program?page=3")
    expect(summary(page)).to_have_text(f"Tampilkan 21 s/d 30 dari {TOTAL} data")

    pager_link(page, "‹ Sebelumnya").click()

    expect_path(page, "/program?page=2")
    assert names(page) == second_page
    assert same_document(page)


def test_pager_from_first_page_with_next(catalogue):
    page = catalogue

    pager_link(page, "Berikutnya ›").click()

    expect_path(page, "/program?page=2")
    expect(summary(page)).to_have_text(f"Tampilkan 11 s/d 20 dari {TOTAL} data")


def test_pager_keeps_query_and_filters(catalogue):
    page = catalogue
    type_query(page, "jalan")
    expect_path(page, "/program?q=jalan")
    total = summary(page).inner_text().rsplit("dari ", 1)[1]
    page.locator("#per_page").select_option("25")
    expect_path(page, "/program?q=jalan&per_page=25")
    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 25 dari {total}")

    links = page.locator("nav.pager a")
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert "q=jalan" in href
        assert "per_page=25" in href
    pager_link(page, "2").click()

    expect_path(page, "/program?q=jalan&page=2&per_page=25")
    expect(summary(page)).to_have_text(f"Tampilkan 26 s/d 50 dari {total}")
    expect(page.locator("#q")).to_have_value("jalan")
    expect(page.locator("#per_page")).to_have_value("25")
    assert same_document(page)


def test_pager_keeps_category_filter(catalogue):
    page = catalogue
    category = page.locator("#kategori")
    category.select_option(label="Pembangunan Jalan")
    code = category.input_value()
    expect_path(page, f"/program?kategori={code}")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 10 dari 24 data")

    pager_link(page, "2").click()

    expect_path(page, f"/program?kategori={code}&page=2")
    expect(summary(page)).to_have_text("Tampilkan 11 s/d 20 dari 24 data")
    categories = {text.split("\n")[-1] for text in column(page, "Kegiatan")}
    assert categories == {"Pembangunan Jalan"}
    expect(category).to_have_value(code)


def test_province_then_regency_filter(catalogue):
    page = catalogue
    regency = page.locator("#kabupaten")

    page.locator("#provinsi").select_option(label="Kalimantan Selatan")

    expect(regency.locator("option", has_text="Kab. Banjar")).to_have_count(1)
    expect(regency.locator("option", has_text="Kab. Sumbawa Barat")).to_have_count(0)
    expect_path(page, "/program?provinsi=63")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 7 dari 7 data")
    assert set(column(page, "Provinsi")) == {"Kalimantan Selatan"}
    assert MARTAPURA in names(page)

    regency.select_option(label="Kab. Banjar")

    expect_path(page, "/program?provinsi=63&kabupaten=63.03")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [MARTAPURA]
    assert column(page, "Kab/Kota") == ["Kab. Banjar"]

    page.locator("#provinsi").select_option(label="Nusa Tenggara Barat")

    expect(regency.locator("option", has_text="Kab. Sumbawa Barat")).to_have_count(1)
    expect(regency.locator("option", has_text="Kab. Banjar")).to_have_count(0)
    expect(regency).to_have_value("")
    expect_path(page, "/program?provinsi=52")
    expect(page.locator("#program-rows td[data-label=Provinsi]").first).to_have_text(
        "Nusa Tenggara Barat"
    )
    assert set(column(page, "Provinsi")) == {"Nusa Tenggara Barat"}
    assert JEREWEH in names(page)
    assert same_document(page)


def search_then_page_two(page):
    """Search "jalan", go to page 2; return the names shown after the search."""
    type_query(page, "jalan")
    expect_path(page, "/program?q=jalan")
    expect(summary(page)).to_contain_text("Tampilkan 1 s/d 10 dari ")
    searched = names(page)
    pager_link(page, "2").click()
    expect_path(page, "/program?q=jalan&page=2")
    expect(summary(page)).to_contain_text("Tampilkan 11 s/d 20 dari ")
    return searched


def test_back_restores_search(catalogue):
    page = catalogue
    searched = search_then_page_two(page)

    page.go_back()

    expect_path(page, "/program?q=jalan")
    expect(summary(page)).to_contain_text("Tampilkan 1 s/d 10 dari ")
    expect(page.locator("#q")).to_have_value("jalan")
    assert names(page) == searched
    assert same_document(page)


def test_back_twice_and_forward(catalogue):
    page = catalogue
    unfiltered = names(page)
    search_then_page_two(page)
    page.go_back()
    expect_path(page, "/program?q=jalan")

    page.go_back()

    expect_path(page, "/program", timeout=2000)
    expect(summary(page)).to_have_text(f"Tampilkan 1 s/d 10 dari {TOTAL} data")
    expect(page.locator("#q")).to_have_value("")
    assert names(page) == unfiltered

    page.go_forward()
    page.go_forward()

    expect_path(page, "/program?q=jalan&page=2")
    expect(summary(page)).to_contain_text("Tampilkan 11 s/d 20 dari ")
    expect(page.locator("#q")).to_have_value("jalan")


def test_stale_search_response_never_overwrites_newer(catalogue):
    page = catalogue
    held = []

    def is_search_for_j(url):
        return urlsplit(url).path == "/program" and query_of_url(url).get("q") == "j"

    page.route(is_search_for_j, lambda route: held.append(route))
    type_query(page, "j")
    wait_until(page, lambda: held)  # the debounced search for "j" went out
    type_query(page, "ereweh")
    expect_path(page, "/program?q=jereweh")
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")

    page.wait_for_timeout(1500)
    with contextlib.suppress(PlaywrightError):  # htmx may have aborted it
        held[0].continue_()  # the stale answer for "j" arrives 1.5 s late
    page.wait_for_timeout(500)

    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")
    assert names(page) == [JEREWEH]
    expect_path(page, "/program?q=jereweh")
    expect(page.locator("#q")).to_have_value("jereweh")
