"""The quality page, the release calendar and the guide in a browser: no serious axe-core
finding, no console error, nothing from another host, and a 360 px phone never scrolls
sideways, in both languages."""

from __future__ import annotations

import pytest

from conftest import serious_violations

PAGES = ["kualitas/", "jadwal-rilis/", "panduan/"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.mark.parametrize("path", [root + page for root in ("", "en/") for page in PAGES])
def test_axe_finds_no_serious_violation(open_page, path):
    page, recorder = open_page(path)
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    assert recorder.errors == [] and recorder.foreign == []


@pytest.mark.parametrize("path", PAGES)
def test_a_phone_screen_never_scrolls_sideways(open_page, path):
    page, _ = open_page(path, **PHONE)
    page.wait_for_load_state("networkidle")
    for details in page.query_selector_all("details"):
        details.evaluate("element => element.open = true")   # long keys hide in there
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361
                && !e.closest('.od-table-wrap, pre, .md-sidebar, .md-search, [hidden]')
                && getComputedStyle(e).position !== 'fixed')
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40))""")
    assert width <= 360 and wide == [], wide
