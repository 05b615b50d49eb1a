"""Pages people want to use (issue 12), measured in Chromium at a phone's and a desktop's
size: where the downloads are, how large the chart text is drawn, how often a chart's title
is shown, the contents beside a dataset page."""

from __future__ import annotations

import re
import urllib.request

import pytest

from opendata import paths
from opendata.catalog import load_catalog

from support import LANGUAGES, ROOT

CATALOG = load_catalog(ROOT)
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DATASETS = [d.name for d in CATALOG.datasets]


def dataset_path(lang: str, name: str) -> str:
    return paths.language_root(lang) + paths.page_url(paths.dataset_page(name))


def box(page, selector: str) -> dict:
    """The element's box in page coordinates (not the viewport's)."""
    return page.eval_on_selector(selector, """e => { const r = e.getBoundingClientRect();
        return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }""")


@pytest.mark.parametrize("name", DATASETS)
def test_downloads_are_visible_without_scrolling_on_a_desktop(open_page, name):
    page, recorder = open_page(dataset_path("id", name), **DESKTOP)
    files = page.locator(".od-files a.od-file")
    assert files.count() == 5     # CSV, JSON, Excel, Data Package, ZIP
    last = page.eval_on_selector_all(".od-files a.od-file",
                                     "links => Math.max(...links.map(a => a.getBoundingClientRect().bottom))")
    assert box(page, "#unduh")["top"] > 0 and last <= 800, (name, last)
    assert page.evaluate("scrollY") == 0
    assert recorder.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", DATASETS)
def test_downloads_start_within_one_and_a_half_phone_screens(open_page, name, lang):
    page, _ = open_page(dataset_path(lang, name), **PHONE)
    first = box(page, ".od-files a.od-file")
    assert first["bottom"] <= 1.5 * 740, (name, lang, first)
    # the facts come first: version, rows and licence are above the files
    assert box(page, ".od-strip")["bottom"] <= first["top"]


def test_sections_come_in_reading_order(open_page):
    page, _ = open_page(dataset_path("id", "indikator"), **DESKTOP)
    order = ["h1", "#unduh", "#kutip", "#grafik", "#konflik-dan-celah", "#kamus-data",
             "#sumber", "#pratinjau", "#riwayat-versi"]
    tops = [box(page, selector)["top"] for selector in order]
    assert tops == sorted(tops)


def test_a_desktop_lists_the_sections_beside_the_page(open_page, site_url):
    """The right-hand column holds the page's contents; each entry leads to its section."""
    page, recorder = open_page(dataset_path("en", "indikator"), **DESKTOP)
    toc = page.locator(".md-sidebar--secondary [data-md-component=toc] a")
    targets = toc.evaluate_all("links => links.map(a => a.hash)")
    assert targets[:2] == ["#unduh", "#grafik"] and "#sumber" in targets and "#riwayat-versi" in targets
    sidebar = box(page, ".md-sidebar--secondary")
    assert sidebar["left"] >= 1280 * 2 / 3 - 100 and page.locator(".md-sidebar--secondary").is_visible()
    assert toc.first.inner_text() == "Download"
    toc.filter(has_text="Sources").click()
    page.wait_for_function("() => Math.abs(document.getElementById('sumber').getBoundingClientRect().top) < 120")
    assert recorder.errors == []


def test_sources_are_one_table_with_one_note_on_access_dates(open_page):
    """49 sources used to repeat 'accessed: not recorded' 49 times."""
    page, _ = open_page(dataset_path("en", "indikator"), javascript=False)
    sources = CATALOG["indikator"].metadata["sources"]
    publishers = {s["publisher"] for s in sources}
    rows = page.locator(".od-sources__table tbody tr")
    assert rows.count() == len(publishers)
    # every page is there once: a link when its URL is https, else its address as text
    links = page.locator(".od-sources__table a").evaluate_all("links => links.map(a => a.href)")
    text = page.locator(".od-sources").inner_text()
    for source in sources:
        assert source["url"] in links or (source["url"] in text and not source["url"].startswith("https:"))
    assert len(links) + sum(1 for s in sources if s["url"] not in links) == len(sources)
    assert text.count("not recorded") == 1 and "accessed" not in text


def font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)]


def rendered_chart_text(page, selector: str) -> list[tuple[str, float]]:
    """(file, smallest font size in CSS px as drawn) of every chart image the page shows:
    the SVG the browser chose, scaled from its own width to the width it is drawn at."""
    out = []
    for image in page.locator(selector).all():
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        source, drawn = image.evaluate("img => [img.currentSrc, img.getBoundingClientRect().width]")
        with urllib.request.urlopen(source, timeout=10) as response:
            svg = response.read().decode("utf-8")
        width = float(re.search(r'<svg[^>]*\bwidth="([0-9.]+)"', svg).group(1))
        out.append((source.rsplit("/", 1)[1], min(font_sizes(svg)) * drawn / width))
    return out


@pytest.mark.parametrize("path", ["dataset/indikator/", "en/dataset/indikator/", "",
                                  "dataset/program_pelatihan/", "en/dataset/lpks/",
                                  "dataset/akreditasi_lpks/"])
def test_no_chart_text_is_drawn_below_11_px_on_a_phone(open_page, path):
    page, recorder = open_page(path, **PHONE)
    found = rendered_chart_text(page, ".od-chart__static img")
    assert found, "no chart on the page"
    assert all(name.endswith(".sempit.svg") for name, _ in found), found
    assert min(size for _, size in found) >= 11, found
    assert recorder.errors == []


def test_a_desktop_gets_the_wide_chart(open_page):
    page, _ = open_page("dataset/indikator/", **DESKTOP)
    found = rendered_chart_text(page, ".od-chart__static img")
    assert all(name.endswith(".lebar.svg") for name, _ in found) and min(s for _, s in found) >= 11


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_chart_title_is_shown_once(open_page, lang):
    """The heading names the chart; neither its image nor the text under it repeats it."""
    page, _ = open_page(dataset_path(lang, "indikator"), **PHONE)
    for chart in CATALOG["indikator"].metadata["charts"]:
        title = chart["title"][lang]
        section = page.locator(f"#grafik-{chart['id']}")
        assert section.locator("h3").inner_text() == title
        assert section.inner_text().count(title) == 1
        assert title not in section.locator("img").get_attribute("alt")


def test_the_interactive_chart_on_a_phone_is_the_narrow_one(open_page):
    page, recorder = open_page("en/dataset/indikator/", **PHONE)
    page.wait_for_load_state("networkidle")
    page.click("#grafik-tpt-kota-serang .od-chart__open")
    page.wait_for_selector("#grafik-tpt-kota-serang .od-chart__interactive:not([hidden]) svg.marks")
    assert [u for u in recorder.requests if u.endswith("tpt-kota-serang.sempit.vl.json")]
    drawn = page.eval_on_selector("#grafik-tpt-kota-serang .od-chart__interactive svg.marks",
                                  "svg => svg.getBoundingClientRect().width")
    assert drawn <= 328
    smallest = page.eval_on_selector_all(
        "#grafik-tpt-kota-serang .od-chart__interactive svg text",
        "texts => Math.min(...texts.filter(t => t.textContent.trim())"
        ".map(t => parseFloat(getComputedStyle(t).fontSize)))")
    assert smallest >= 11
    assert recorder.errors == [] and recorder.foreign == []
