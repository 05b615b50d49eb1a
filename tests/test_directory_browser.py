"""The directory in headless Chromium: on the real site, on a synthetic registry of 2,000
institutions (with coordinates, for "near me"), and on a hostile registry that tries to inject
markup and links. Expected rows are computed here from the CSV rows, not by the stage."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from opendata import paths, pipeline
from opendata.catalog import load_catalog

from conftest import Recorder, environment, free_port, serious_violations, serve
from lpks_synthetic import (
    OUTSIDE,
    UNKNOWN,
    copy_project,
    distance_km,
    expected,
    read_registry,
    synthetic_registry,
    write_registry,
)
from support import LANGUAGES, ROOT

VISIBLE_IDS = """() => [...document.querySelectorAll('[data-od-row]')]
  .filter(el => el.checkVisibility()).map(el => el.id.slice(5))"""
ORDER = """(selector) => [...document.querySelectorAll(selector + ' > [data-od-row]')]
  .filter(el => el.checkVisibility()).map(el => el.id.slice(5))"""


def ready(page):
    page.wait_for_function("() => document.documentElement.dataset.finderReady === '1'")


def visible(page) -> set[str]:
    return set(page.evaluate(VISIBLE_IDS))


def choose(page, **values):
    """Set filters the way a reader does; the list updates on each change."""
    for name, value in values.items():
        if name == "cari":
            page.fill("#od-cari", value)
        else:
            page.select_option(f"#od-{name}", value)


@pytest.fixture(scope="module")
def real_rows() -> list[dict]:
    return read_registry(ROOT)


# --- the real site --------------------------------------------------------------------------

def test_choosing_a_kecamatan_shows_only_its_rows(open_page, real_rows):
    page, recorder = open_page("lpks/")
    ready(page)
    assert visible(page) == {r["id"] for r in real_rows}
    options = page.eval_on_selector_all("#od-kecamatan option", "os => os.map(o => o.value)")
    assert len([o for o in options if o not in ("", UNKNOWN, OUTSIDE)]) == 6
    enabled = page.eval_on_selector_all("#od-kecamatan option:not([disabled])", "os => os.map(o => o.value)")
    # a kecamatan with no institution cannot be chosen: it would show an empty list
    assert [o for o in options if o not in enabled] == [
        o for o in options[1:] if not expected(real_rows, kecamatan=o)]
    for value in enabled[1:]:
        choose(page, kecamatan=value)
        shown = visible(page)
        assert shown == expected(real_rows, kecamatan=value), value
        kecamatan = set(page.eval_on_selector_all(
            "[data-od-row]", "rs => rs.filter(r => r.checkVisibility()).map(r => r.dataset.kecamatan)"))
        assert kecamatan <= {value, UNKNOWN}     # unknown kecamatan: may be there (issue 9 §5)
        assert page.locator("[data-od-empty]").is_visible() is (not shown)
    assert recorder.errors == [] and recorder.foreign == []


def test_choosing_a_training_field_narrows_further(open_page, real_rows):
    pairs = [(kec, code) for kec in {r["kelurahan_kode"][:8] or UNKNOWN for r in real_rows}
             for code in {c for r in real_rows for c in r["bidang"].split(";") if c}
             if 0 < len(expected(real_rows, kecamatan=kec, bidang=code))
             < len(expected(real_rows, kecamatan=kec))]
    assert pairs, "the registry has no kecamatan where a field narrows the list"
    kecamatan, bidang = sorted(pairs)[0]
    page, _ = open_page("lpks/")
    ready(page)
    choose(page, kecamatan=kecamatan)
    before = visible(page)
    choose(page, bidang=bidang)
    after = visible(page)
    assert after == expected(real_rows, kecamatan=kecamatan, bidang=bidang)
    assert after < before
    assert page.locator("[data-od-count]").inner_text() == (
        f"Menampilkan {len(after)} dari {len(real_rows)} lembaga.")


def test_the_url_reproduces_the_filter(open_page, real_rows, site_url):
    page, _ = open_page("lpks/")
    ready(page)
    choose(page, kecamatan=UNKNOWN, bidang="las_industri", cari="BBPVP")
    shown = visible(page)
    assert shown == expected(real_rows, kecamatan=UNKNOWN, bidang="las_industri", cari="bbpvp")
    assert page.url.endswith(f"lpks/?kecamatan={UNKNOWN}&bidang=las_industri&cari=BBPVP")
    again, _ = open_page(page.url.removeprefix(site_url))
    ready(again)
    assert visible(again) == shown
    assert again.input_value("#od-kecamatan") == UNKNOWN
    assert again.input_value("#od-cari") == "BBPVP"


def test_the_back_button_returns_to_the_filtered_list(open_page, real_rows):
    page, _ = open_page("lpks/")
    ready(page)
    choose(page, kecamatan=UNKNOWN)
    filtered_url, shown = page.url, visible(page)
    page.click("p a[href$='lpks/tambah/']")
    page.wait_for_url("**/lpks/tambah/")
    page.evaluate("delete document.documentElement.dataset.finderReady")
    page.go_back()
    page.wait_for_url(filtered_url)
    ready(page)
    assert visible(page) == shown == expected(real_rows, kecamatan=UNKNOWN)


def test_the_finder_works_after_navigating_from_the_menu(open_page, real_rows):
    page, recorder = open_page("", viewport={"width": 1280, "height": 900})
    page.click("nav.md-nav--primary a.md-nav__link[href$='lpks/']")
    page.wait_for_url("**/lpks/")
    ready(page)
    choose(page, kecamatan="36.73.04")
    assert visible(page) == expected(real_rows, kecamatan="36.73.04")
    assert recorder.errors == []


def test_a_kecamatan_page_opens_the_directory_filtered_to_it(open_page, real_rows):
    page, recorder = open_page("wilayah/curug/")
    page.click("a[href$='lpks/?kecamatan=36.73.04']")
    page.wait_for_url("**/lpks/?kecamatan=36.73.04")
    ready(page)
    assert page.input_value("#od-kecamatan") == "36.73.04"
    assert visible(page) == expected(real_rows, kecamatan="36.73.04")
    assert recorder.errors == []


def test_choosing_a_kelurahan_lists_it_first_then_its_kecamatan(open_page, real_rows):
    placed = Counter(r["kelurahan_kode"] for r in real_rows if r["kelurahan_kode"])
    kelurahan = placed.most_common(1)[0][0]
    page, _ = open_page(f"lpks/?kelurahan={kelurahan}")
    ready(page)
    assert page.input_value("#od-kecamatan") == kelurahan[:8]
    first = set(page.evaluate(ORDER, "[data-od-first]"))
    rest = set(page.evaluate(ORDER, "[data-od-rest]"))
    maybe = set(page.evaluate(ORDER, "[data-od-maybe-list]"))    # unknown kecamatan, apart
    assert first == {r["id"] for r in real_rows if r["kelurahan_kode"] == kelurahan}
    assert maybe == {r["id"] for r in real_rows if r["lokasi"] == "tidak_diketahui"}
    assert first | rest | maybe == expected(real_rows, kelurahan=kelurahan) == visible(page)


def test_with_javascript_off_every_institution_is_listed(open_page, real_rows):
    page, recorder = open_page("lpks/", javascript=False)
    rows = page.locator("[data-od-row]:visible")
    assert rows.count() == len(real_rows)
    assert {i.removeprefix("lpks-") for i in rows.evaluate_all("rs => rs.map(r => r.id)")} == {
        r["id"] for r in real_rows}
    assert page.locator("noscript").count() == 1
    # no form that would do nothing: the filters need the script, links do not
    assert page.locator("[data-od-form]").is_hidden()
    assert page.locator(".od-browse a").count() > 0
    assert recorder.foreign == []


LISTED = """() => [...document.querySelectorAll('.od-lpks-lines a[href*="#lpks-"]')]
  .map(a => a.hash.slice(6))"""


def browse_without_javascript(page, base: str, rows: list[dict]) -> int:
    """From the directory, follow every per-kecamatan and per-field link as a reader without
    JavaScript would (clicks, no URLs typed): each page lists exactly its institutions."""
    page.goto(base + "lpks/")
    links = page.locator(".od-browse a").evaluate_all(
        "links => links.map(a => [a.textContent, a.getAttribute('href')])")
    fields = {r["kode"]: r["nama_id"] for r in read_bidang()}
    by_name = {name: code for code, name in fields.items()}
    visited = 0
    for text, href in links:
        page.goto(base + "lpks/")
        page.locator(f'.od-browse a[href="{href}"]').first.click()   # a name may hold another
        page.wait_for_load_state()
        if "/bidang/" in page.url:
            code = by_name[text]
            assert page.locator("h1").inner_text().endswith(text)
            assert set(page.evaluate(LISTED)) == expected(rows, bidang=code), text
            visited += 1
        elif "/wilayah/" in page.url and page.url.rstrip("/").rsplit("/", 1)[1] != "wilayah":
            code = page.locator("[data-kelurahan]").first.get_attribute("data-kelurahan")[:8]
            # its institutions, and apart those of unknown location (never a partner elsewhere)
            assert set(page.evaluate(LISTED)) == expected(rows, kecamatan=code), text
            visited += 1
    return visited


def read_bidang() -> list[dict]:
    return [dict(r) for r in load_catalog(ROOT)["bidang"].rows]


def test_without_javascript_the_directory_is_browsed_by_links(browser, server, site_url, real_rows):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        taught = {code for r in real_rows for code in r["bidang"].split(";") if code}
        placed = {r["kelurahan_kode"][:8] for r in real_rows if r["kelurahan_kode"]}
        assert browse_without_javascript(page, site_url, real_rows) == len(taught) + len(placed)
    finally:
        context.close()


def test_empty_options_are_left_out_or_disabled(open_page, real_rows):
    page, _ = open_page("lpks/")
    ready(page)
    for name in ("bidang", "akreditasi"):
        labels = page.locator(f"#od-{name} option").all_inner_texts()
        assert not [label for label in labels if label.endswith("(0)")], (name, labels)
    taught = {code for r in real_rows for code in r["bidang"].split(";") if code}
    values = set(page.locator("#od-bidang option").evaluate_all("os => os.map(o => o.value)")) - {""}
    assert values - {UNKNOWN} == taught
    # a kecamatan with none placed in it still shows those of unknown location: disabled
    # only when nothing at all would show
    for option in page.locator("#od-kecamatan option").all()[1:]:
        value = option.get_attribute("value")
        assert option.is_disabled() is (not expected(real_rows, kecamatan=value)), value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_kecamatan_pages_list_all_67_kelurahan_exactly_once(built_site, lang):
    codes = Counter()
    pages = sorted((built_site / paths.language_root(lang) / "wilayah").glob("*/index.html"))
    assert len(pages) == 6
    for page in pages:
        html = page.read_text(encoding="utf-8")
        sections = re.findall(r'<section class="od-kelurahan" id="[^"]+" data-kelurahan="([^"]+)">'
                              r"(.*?)</section>", html, re.S)
        codes.update(code for code, _ in sections)
        for _, body in sections:
            assert ('class="od-lpks-lines"' in body) != ('lpks/tambah/">' in body)
    catalog = load_catalog(ROOT)
    kelurahan = [r["kode"] for r in catalog["wilayah"].rows if r["tingkat"] == "kelurahan"]
    assert len(kelurahan) == 67
    assert codes == Counter(kelurahan)


@pytest.mark.parametrize("path", ["lpks/", "en/lpks/", "lpks/cakupan/", "en/wilayah/curug/",
                                  "lpks/tambah/", "wilayah/"])
def test_directory_pages_load_nothing_from_other_hosts(open_page, path):
    page, recorder = open_page(path)
    page.wait_for_load_state("networkidle")
    assert recorder.errors == [] and recorder.foreign == []


@pytest.mark.parametrize("path", ["lpks/?kecamatan=tidak_diketahui", "lpks/cakupan/",
                                  "wilayah/curug/", "en/lpks/tambah/", "wilayah/"])
def test_axe_finds_no_serious_violation(open_page, path):
    page, _ = open_page(path)
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


def test_english_directory_shows_english_labels(open_page):
    page, _ = open_page("en/lpks/?bidang=las_industri")
    ready(page)
    assert page.locator("[data-od-count]").inner_text().startswith("Showing 1 of")
    assert "Industrial welding" in page.locator("[data-od-row]:visible").first.inner_text()


# --- a synthetic registry of 2,000 institutions ---------------------------------------------

def build_copy(root: Path, out: Path, url: str) -> Path:
    with environment(SITE_URL=url):
        pipeline.build(root, out)
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The 2,000-row registry in a project copy, built and served on its own port."""
    root = copy_project(tmp_path_factory.mktemp("synthetic") / "project")
    rows = synthetic_registry(root, 2000)
    assert len(rows) == 2000
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    httpd = serve(build_copy(root, root.parent / "site", url), port)
    yield url, rows
    httpd.shutdown()


@pytest.fixture
def synthetic_page(browser, synthetic):
    url, rows = synthetic
    contexts = []

    def opener(path: str, **options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        recorder = Recorder(page, url)
        page.goto(url + path)
        ready(page)
        return page, recorder

    yield opener, rows
    for context in contexts:
        context.close()


FILTERS = [
    {"kecamatan": "36.73.01"},
    {"kecamatan": "36.73.05", "bidang": "las_industri"},
    {"kecamatan": UNKNOWN},
    {"bidang": UNKNOWN},
    {"akreditasi": "terakreditasi"},
    {"akreditasi": UNKNOWN, "bidang": "barista"},
    {"kecamatan": "36.73.02", "akreditasi": "belum_terakreditasi", "bidang": "soft_skill"},
    {"cari": "Zamrud Kilat"},
    {"kecamatan": "36.73.06", "cari": "safir"},
    {"kelurahan": "36.73.04.1002", "bidang": "listrik"},
]


def test_synthetic_registry_filters_give_the_exact_counts(synthetic_page):
    opener, rows = synthetic_page
    page, recorder = opener("lpks/")
    assert len(visible(page)) == 2000
    assert page.locator("[data-od-count]").inner_text() == "Menampilkan semua 2.000 lembaga."
    for filters in FILTERS:
        page.click("[data-od-form] button[type=reset]")
        page.wait_for_function("() => document.querySelectorAll('[data-od-row]:not([hidden])').length === 2000")
        choose(page, **filters)
        want = expected(rows, **filters)
        assert 0 < len(want) < 2000, filters
        assert visible(page) == want, filters
        assert page.locator("[data-od-count]").inner_text() == (
            f"Menampilkan {len(want):,} dari 2.000 lembaga.".replace(",", ".")), filters
    assert recorder.errors == [] and recorder.foreign == []


def test_synthetic_registry_browsed_without_javascript(browser, synthetic):
    url, rows = synthetic
    context = browser.new_context(java_script_enabled=False)
    try:
        taught = {code for r in rows for code in r["bidang"].split(";") if code}
        assert browse_without_javascript(context.new_page(), url, rows) == len(taught) + 6
    finally:
        context.close()


def test_synthetic_filters_from_the_url_match_too(synthetic_page):
    opener, rows = synthetic_page
    for filters in FILTERS[1::3]:
        query = "&".join(f"{k}={v}" for k, v in filters.items()).replace(" ", "+")
        page, _ = opener(f"lpks/?{query}")
        assert visible(page) == expected(rows, **filters), filters


def test_synthetic_kelurahan_first_then_the_rest_of_its_kecamatan(synthetic_page):
    opener, rows = synthetic_page
    page, _ = opener("lpks/")
    choose(page, kelurahan="36.73.05.1003")
    assert page.input_value("#od-kecamatan") == "36.73.05"
    first = page.evaluate(ORDER, "[data-od-first]")
    rest = page.evaluate(ORDER, "[data-od-rest]")
    assert set(first) == {r["id"] for r in rows if r["kelurahan_kode"] == "36.73.05.1003"}
    assert set(rest) == {r["id"] for r in rows
                         if r["kelurahan_kode"].startswith("36.73.05.") and r["id"] not in first}
    assert page.locator("[data-od-first-title]").inner_text().startswith("Di Kelurahan")
    choose(page, kelurahan="")
    assert len(visible(page)) == len(expected(rows, kecamatan="36.73.05"))
    assert page.locator("[data-od-sorted]").is_hidden()
    choose(page, kelurahan="36.73.05.1003", kecamatan="")      # all kecamatan: no kelurahan
    assert page.input_value("#od-kelurahan") == "" and len(visible(page)) == 2000
    choose(page, kecamatan="36.73.01")                         # its kelurahan only
    groups = page.eval_on_selector_all(
        "#od-kelurahan optgroup", "gs => gs.filter(g => !g.hidden && !g.disabled).map(g => g.dataset.kecamatan)")
    assert groups == ["36.73.01"]


def test_near_me_sorts_by_distance_and_puts_rows_without_coordinates_last(synthetic_page):
    opener, rows = synthetic_page
    here = {"latitude": -6.11, "longitude": 106.16}
    page, recorder = opener("lpks/?kecamatan=36.73.03", geolocation=here,
                            permissions=["geolocation"])
    requests_before = len(recorder.requests)
    page.click("[data-od-near]")
    page.wait_for_function("() => document.querySelector('[data-od-near]').ariaPressed === 'true'")
    shown = [r for r in rows if r["id"] in expected(rows, kecamatan="36.73.03")]
    located = sorted((r for r in shown if r["lintang"]), key=lambda r: distance_km(
        (here["latitude"], here["longitude"]), (float(r["lintang"]), float(r["bujur"]))))
    assert page.evaluate(ORDER, "[data-od-first]") == [r["id"] for r in located]
    assert set(page.evaluate(ORDER, "[data-od-rest]")) == {r["id"] for r in shown if not r["lintang"]}
    nearest = page.locator(f"#lpks-{located[0]['id']} [data-od-distance]")
    assert re.fullmatch(r"± \d+(,\d)? km dari Anda", nearest.inner_text())
    assert len(recorder.requests) == requests_before          # the location went nowhere
    assert serious_violations(page) == []                     # sorted list, pressed button
    page.click("[data-od-near]")
    assert page.locator("[data-od-sorted]").is_hidden() and nearest.is_hidden()
    assert visible(page) == {r["id"] for r in shown}


def test_the_2000_row_directory_stays_usable(synthetic_page):
    opener, rows = synthetic_page
    page, recorder = opener("lpks/?kecamatan=36.73.02&bidang=tata_rias")
    assert visible(page) == expected(rows, kecamatan="36.73.02", bidang="tata_rias")
    page.fill("#od-cari", "topas")
    page.wait_for_function("() => document.querySelector('[data-od-count]').textContent.includes('dari')")
    assert visible(page) == expected(rows, kecamatan="36.73.02", bidang="tata_rias", cari="topas")
    page.click("[data-od-form] button[type=reset]")
    page.wait_for_function("() => !location.search")
    assert len(visible(page)) == 2000
    page.click("nav[data-od-jump] a[href='#kecamatan-curug']")
    page.wait_for_url("**/lpks/#kecamatan-curug")            # no stale query in the anchor
    assert page.locator("#kecamatan-curug").is_visible() and len(visible(page)) == 2000
    assert recorder.errors == []


# --- a hostile registry -----------------------------------------------------------------------

HOSTILE = [
    {"id": "hostile_markup", "nama": "<img src=x onerror=alert(1)>", "jenis": "lpk_swasta",
     "kelurahan_kode": "36.73.04.1003", "alamat": '"><script>alert(2)</script>',
     "telepon": "javascript:alert(3)", "situs_web": "javascript:alert(4)",
     "catatan": "<svg onload=alert(5)>", "sumber_penerbit": "<b onmouseover=alert(6)>p</b>",
     "sumber_url": "javascript:alert(7)", "keyakinan": "rendah"},
    {"id": "hostile_control", "nama": "LPK Kontrol", "jenis": "lpk_swasta",
     "kelurahan_kode": "36.73.04.1003", "telepon": "0254 123-456",
     "situs_web": "https://lpk.example.org/", "sumber_penerbit": "Penerbit",
     "sumber_url": "https://example.org/kontrol", "keyakinan": "rendah"},
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    write_registry(root, read_registry(root) + HOSTILE)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    httpd = serve(build_copy(root, root.parent / "site", url), port)
    yield url
    httpd.shutdown()


@pytest.mark.parametrize("path", ["lpks/", "en/lpks/", "wilayah/curug/", "en/wilayah/curug/"])
def test_hostile_registry_text_is_shown_literally_and_nothing_runs(browser, hostile, path):
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile + path)
    page.wait_for_load_state("networkidle")
    if "lpks/" in path:
        ready(page)
        page.fill("#od-cari", "<img")
        page.wait_for_function("() => document.querySelector('[data-od-count]').textContent.includes('1')")
        assert visible(page) == {"hostile_markup"}
        page.hover("#lpks-hostile_markup")
    assert dialogs == []
    assert page.locator("img[src='x'], svg[onload], b[onmouseover]").count() == 0
    assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(')).length") == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert page.get_by_text("<img src=x onerror=alert(1)>").count() == 1
    if "lpks/" in path:
        row = page.locator("#lpks-hostile_markup")
        assert '"><script>alert(2)</script>' in row.inner_text()
        assert "javascript:alert(4)" in row.inner_text()
        assert row.locator("a").count() == 0
        control = page.locator("#lpks-hostile_control")
        assert control.locator("a[href='tel:0254123456']").count() == 1
        assert control.locator("a[href='https://lpk.example.org/']").count() == 1
    context.close()

