"""Charts in headless Chromium: the static SVG shows without JavaScript; the interactive chart
loads from this site only after the reader asks (also after instant navigation); the citation
gets the reader's access date from the script, and claims none without it; every download
resolves; the embed page works alone; axe-core finds no serious violation; hostile data stays
text."""

from __future__ import annotations

import datetime as dt
import urllib.request

import pytest
from test_charts import HOSTILE, add_hostile_dataset

from opendata import charts, i18n, paths, pipeline

from conftest import environment, free_port, serious_violations, serve
from support import LANGUAGES

PAGE = "dataset/indikator/"
CHART = "#grafik-tpt-kota-serang"
BAR = "#grafik-tpt-kabupaten-kota-banten"
CITATION = f"{CHART} .od-chart__citation"
ACCESSED = {"id": "diakses", "en": "accessed"}


def fetch(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers.get("Content-Type", "")


def svg_texts(page, chart: str) -> list[str]:
    return page.eval_on_selector_all(f"{chart} .od-chart__interactive svg text",
                                     "texts => texts.map(t => t.textContent)")


def natural_width(page, selector: str) -> int:
    return page.eval_on_selector(selector, "img => img.complete ? img.naturalWidth : 0")


def test_static_svg_is_visible_without_javascript(open_page):
    page, recorder = open_page(PAGE, javascript=False)
    image = page.locator(f"{CHART} .od-chart__static img")
    image.wait_for(state="visible")
    assert natural_width(page, f"{CHART} .od-chart__static img") > 300
    assert image.bounding_box()["height"] > 150
    alt = image.get_attribute("alt")
    assert "Kota Serang" in alt and "%" in alt
    assert alt in page.locator(f"{CHART} figcaption").inner_text()
    # without JavaScript there is no button that would do nothing
    assert page.locator(f"{CHART} .od-chart__open").is_hidden()
    assert not [u for u in recorder.requests if "vendor/vega" in u or u.endswith(".vl.json")]
    assert recorder.foreign == []


def test_interactive_chart_renders_after_the_reader_asks(open_page):
    page, recorder = open_page(PAGE)
    page.wait_for_load_state("networkidle")
    assert not [u for u in recorder.requests if charts.BUNDLE in u], "bundle loaded before a click"
    page.click(f"{CHART} .od-chart__open")
    page.wait_for_selector(f"{CHART} .od-chart__interactive:not([hidden]) svg.marks")
    assert page.locator(f"{CHART} .od-chart__static").is_hidden()
    assert [u for u in recorder.requests if u.endswith(charts.BUNDLE)]
    labels = svg_texts(page, CHART)
    assert "Tahun" in labels and "2016" in labels
    # the second chart reuses the bundle and offers the year choice
    page.click(f"{BAR} .od-chart__open")
    page.wait_for_selector(f"{BAR} .od-chart__interactive:not([hidden]) svg.marks")
    select = page.locator(f"{BAR} .od-chart__interactive select")
    assert select.count() == 1
    years = select.locator("option").all_inner_texts()
    select.select_option(years[0])
    # the page's chart draws the chosen year above the bars (its title is the heading)
    page.wait_for_function(
        "([sel, year]) => [...document.querySelectorAll(sel + ' svg text')]"
        ".some(t => t.textContent.trim() === String(year))", arg=[BAR, years[0]])
    assert len([u for u in recorder.requests if u.endswith(charts.BUNDLE)]) == 1
    assert recorder.errors == []
    assert recorder.foreign == []


def test_interactive_chart_works_after_instant_navigation(open_page, site_url):
    """From the catalogue to the home page (its TPT chart) without a page load."""
    page, recorder = open_page("katalog/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__sameDocument = true")
    page.evaluate("home => [...document.querySelectorAll('a.md-nav__link')]"
                  ".find(a => a.href === home).click()", site_url)
    page.wait_for_url(site_url)
    button = page.locator(f"{CHART} .od-chart__open")
    button.wait_for(state="visible")
    assert page.evaluate("window.__sameDocument === true"), "instant navigation did not happen"
    button.click()
    page.wait_for_selector(f"{CHART} .od-chart__interactive:not([hidden]) svg.marks")
    assert recorder.errors == [] and recorder.foreign == []


def days_around_now(lang: str) -> set[str]:
    """Today in `lang` as the catalogue formats dates, and its neighbours (a test run at
    midnight, a browser in another time zone)."""
    today = dt.date.today()
    return {i18n.date(today + dt.timedelta(days=d), lang) for d in (-1, 0, 1)}


def dated_citation(page, lang: str) -> str:
    # after instant navigation the new content may not be swapped in yet: wait for it too
    page.wait_for_function("([sel, word]) => ((document.querySelector(sel) || {}).textContent"
                           " || '').includes(word)", arg=[CITATION, ACCESSED[lang]])
    return page.locator(CITATION).text_content()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_citation_states_the_readers_access_date(open_page, lang):
    page, recorder = open_page(paths.language_root(lang) + PAGE)
    text = dated_citation(page, lang)
    dated = page.locator(CITATION).get_attribute("data-od-cite-dated")
    assert any(text == dated.replace("{date}", day) for day in days_around_now(lang)), text
    assert recorder.errors == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_citation_without_javascript_claims_no_access_date(open_page, lang):
    page, _ = open_page(paths.language_root(lang) + PAGE, javascript=False)
    text = page.locator(CITATION).text_content()
    assert text == page.locator(CITATION).get_attribute("data-od-cite-undated")
    assert ACCESSED[lang] not in text and "{date}" not in text
    assert not any(day in text for day in days_around_now(lang))
    assert "dataset/indikator/#grafik-tpt-kota-serang" in text


def test_citation_is_dated_after_instant_navigation(open_page, site_url):
    page, recorder = open_page("en/katalog/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.__sameDocument = true")
    page.evaluate("home => [...document.querySelectorAll('a.md-nav__link')]"
                  ".find(a => a.href === home).click()", site_url + "en/")
    page.wait_for_url(site_url + "en/")
    text = dated_citation(page, "en")
    assert page.evaluate("window.__sameDocument === true"), "instant navigation did not happen"
    assert any(f"(accessed {day})." in text for day in days_around_now("en")), text
    assert recorder.errors == []


def test_english_chart_uses_english_numbers(open_page):
    page, recorder = open_page("en/" + PAGE)
    page.click(f"{CHART} .od-chart__open")
    page.wait_for_selector(f"{CHART} .od-chart__interactive:not([hidden]) svg.marks")
    labels = svg_texts(page, CHART)
    assert "Year" in labels
    assert any("(7.x%)" in label for label in labels), labels   # the target, in the source's words
    assert not any("7,x" in label for label in labels)
    assert recorder.errors == [] and recorder.foreign == []


def test_download_links_resolve(open_page, site_url):
    """Every link of a chart into this site resolves; the others are the figures' sources
    (issue 9: two clicks to the source), https pages elsewhere, not fetched here."""
    for lang in LANGUAGES:
        page, _ = open_page(paths.language_root(lang) + PAGE, javascript=False)
        links = page.eval_on_selector_all(".od-chart a[download], .od-chart details a",
                                          "links => links.map(a => a.href)")
        own = [url for url in links if url.startswith(site_url)]
        assert len(own) >= 2 * 5, links
        assert all(url.startswith(("https://", "http://")) for url in links if url not in own)
        for url in own:
            status, body, kind = fetch(url)
            assert status == 200 and body, url
            if url.endswith(".png"):
                assert body.startswith(b"\x89PNG"), url
            if url.endswith(".svg"):
                assert body.lstrip().startswith(b"<svg"), url


def test_iframe_snippet_points_at_the_embed_page(open_page, site_url):
    page, _ = open_page(PAGE, javascript=False)
    snippet = page.locator(f"{CHART} .od-chart__code").text_content()
    assert snippet.startswith(f'<iframe src="{site_url}grafik/tpt-kota-serang.html"')
    status, body, kind = fetch(f"{site_url}grafik/tpt-kota-serang.html")
    assert status == 200 and "text/html" in kind


@pytest.mark.parametrize("lang", LANGUAGES)
def test_embed_page_renders_alone(open_page, lang):
    page, recorder = open_page(paths.language_root(lang) + "grafik/tpt-kota-serang.html",
                               javascript=False)
    page.locator("img").wait_for(state="visible")
    assert natural_width(page, "img") > 300
    assert page.evaluate("document.documentElement.lang") == lang
    assert "Kota Serang" in page.locator("h1").inner_text()
    link = page.eval_on_selector("a", "a => a.href")
    assert fetch(link)[0] == 200
    assert recorder.errors == [] and recorder.foreign == []
    sizes = [u for u in recorder.requests if not u.endswith((".html", ".svg"))]
    assert sizes == [], "the embed page loads only itself and its SVG"


def test_home_page_shows_the_tpt_chart(open_page):
    page, recorder = open_page("", javascript=False)
    page.locator(f"{CHART} .od-chart__static img").wait_for(state="visible")
    assert natural_width(page, f"{CHART} .od-chart__static img") > 300


def test_axe_finds_no_serious_violation_on_a_chart_page(open_page):
    page, _ = open_page(PAGE)
    page.wait_for_load_state("networkidle")
    for details in page.locator(".od-chart details").all():
        details.evaluate("d => d.open = true")
    assert serious_violations(page) == []


def test_hostile_cells_do_not_break_out_of_the_page(browser, project_copy, tmp_path):
    add_hostile_dataset(project_copy)
    port = free_port()
    out = tmp_path / "site"
    with environment(SITE_URL=f"http://127.0.0.1:{port}/"):
        pipeline.build(project_copy, out)
    httpd = serve(out, port)
    context = browser.new_context()
    try:
        page = context.new_page()
        dialogs, errors = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in ("dataset/uji_grafik/", "grafik/uji-grafik.html"):
            page.goto(f"http://127.0.0.1:{port}/{path}")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.pwned") is None
            assert HOSTILE in page.locator("body").inner_text()
        page.goto(f"http://127.0.0.1:{port}/dataset/uji_grafik/")
        page.click("#grafik-uji-grafik .od-chart__open")
        page.wait_for_selector("#grafik-uji-grafik .od-chart__interactive:not([hidden]) svg.marks")
        labels = svg_texts(page, "#grafik-uji-grafik")
        # the data's label, as text (the axis may shorten it), and the title as the heading
        assert any(label.startswith(HOSTILE[:20]) for label in labels), labels
        assert page.locator("#grafik-uji-grafik h3").inner_text() == "Uji " + HOSTILE
        assert page.evaluate("window.pwned") is None
        assert dialogs == [] and errors == []
    finally:
        context.close()
        httpd.shutdown()


def test_search_index_waits_until_the_reader_searches(open_page):
    """The first-load budget: the search index (the largest file) loads only on demand,
    and search still finds pages once the reader opens it."""
    page, recorder = open_page(PAGE)
    page.wait_for_load_state("networkidle")
    assert not [u for u in recorder.requests if u.endswith("search/search_index.json")]
    page.click("label.md-search__icon, .md-search__input")
    page.locator("input.md-search__input").press_sequentially("pengangguran", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible")
    assert [u for u in recorder.requests if u.endswith("search/search_index.json")]
    assert recorder.errors == [] and recorder.foreign == []
