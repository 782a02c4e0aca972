"""From the catalogue to a program's detail page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import JEREWEH, summary

pytestmark = pytest.mark.browser


def facts(page):
    """The detail page's facts as {term: description}."""
    return page.locator("dl.facts").evaluate(
        """dl => Object.fromEntries([...dl.querySelectorAll('dt')].map(
            dt => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()]))"""
    )


def test_lihat_detail_shows_nilai_and_sta(page):
    page.goto("/program")
    page.locator("#q").press_sequentially("jereweh", delay=20)
    expect(summary(page)).to_have_text("Tampilkan 1 s/d 1 dari 1 data")

    page.get_by_role("link", name=re.compile(r"^Lihat detail")).click()

    expect(page).to_have_url(re.compile(r"/program/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(JEREWEH)
    shown = facts(page)
    assert shown["Nilai"] == "Rp. 31.312.163.000"
    assert shown["STA"] == "0+000 sampai 1+255.83"
    assert shown["Kab/Kota"] == "Kab. Sumbawa Barat"
    assert shown["Provinsi"] == "Nusa Tenggara Barat"
    assert shown["Unit Kerja"] == "BPJN Nusa Tenggara Barat"
    expect(page.get_by_role("link", name="Ajukan Program", exact=True)).to_be_visible()
