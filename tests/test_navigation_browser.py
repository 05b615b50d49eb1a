"""Instant navigation (mkdocs-material swaps the content without a page load) across every
kind of page: no script error, no request to another host, and the page's JSON-LD stays
data (the theme runs the content's inline scripts as JavaScript, whatever their type)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from opendata import paths
from opendata.catalog import load_catalog

from conftest import serious_violations
from support import LANGUAGES, ROOT

CATALOG = load_catalog(ROOT)


def click_through(page, site_url: str, target: str) -> None:
    """Follow the page's own link to `target` (a path under the site) in the same document,
    and wait until the theme has swapped the new content in."""
    url = site_url + target
    clicked = page.evaluate(
        "url => { const a = [...document.querySelectorAll('a[href]')]"
        ".find(a => a.href === url && !a.hasAttribute('download'));"
        " if (!a) return false; document.querySelector('article').dataset.old = '1';"
        " a.click(); return true; }", url)
    assert clicked, f"{page.url} has no link to {url}"
    page.wait_for_url(url)
    page.wait_for_function("() => { const a = document.querySelector('article');"
                           " return a && !a.dataset.old; }")


def test_catalogue_to_every_dataset_page_and_its_history_without_errors(open_page, site_url):
    for lang in LANGUAGES:
        root = paths.language_root(lang)
        page, recorder = open_page(root + "katalog/")
        page.wait_for_load_state("networkidle")
        page.evaluate("window.__sameDocument = true")
        for dataset in CATALOG.datasets:
            dataset_url = root + paths.page_url(paths.dataset_page(dataset.name))
            click_through(page, site_url, dataset_url)
            expect(page.locator("article h1").first).to_have_text(dataset.text("title", lang))
            click_through(page, site_url, root + paths.page_url(paths.history_page(dataset.name)))
            click_through(page, site_url, dataset_url)
            click_through(page, site_url, root + "katalog/")
        assert page.evaluate("window.__sameDocument === true"), "instant navigation did not happen"
        assert recorder.errors == [], recorder.errors
        assert recorder.foreign == []


# One page of every kind the site has, in both languages (the chart and directory pages have
# their own checks in test_charts_browser.py and test_directory_browser.py).
KINDS = ["", "katalog/", "tentang/", "dataset/wilayah/", "dataset/lpks/",
         "dataset/indikator/riwayat/", "data/indikator/1.0.0/", "grafik/tpt-kota-serang.html",
         "pengembang/", "lpks/bidang/las_industri/"]


@pytest.mark.parametrize("path", [root + kind for root in ("", "en/") for kind in KINDS])
def test_axe_finds_no_serious_violation_on_any_kind_of_page(open_page, path):
    page, recorder = open_page(path)
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    assert recorder.errors == [] and recorder.foreign == []


PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


@pytest.mark.parametrize("path", KINDS + ["lpks/", "wilayah/curug/", "lpks/tambah/", "dataset/indikator/"])
def test_a_phone_screen_never_scrolls_sideways(open_page, path):
    """Wide tables scroll inside their own box; the page itself fits a 360 px phone."""
    page, _ = open_page(path, **PHONE)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361
                && !e.closest('.od-table-wrap, pre, .md-sidebar, .md-search, [hidden]')
                && getComputedStyle(e).position !== 'fixed')
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= 360 and wide == [], wide
