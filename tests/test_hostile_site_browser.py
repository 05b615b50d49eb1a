"""A site built from hostile fixtures, every page loaded in Chromium under its
Content-Security-Policy (issue 11, Done when): hostile text in cells of every dataset, in
metadata titles, descriptions, code labels, chart titles and figure texts, in the site's
name, and a registry row of `javascript:` links. On every page, in both languages: no dialog,
no script error, no CSP violation, no request to another host, and the hostile strings are
shown as text."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml
from test_charts import HOSTILE as CHART_TEXT
from test_charts import add_hostile_dataset
from test_directory_browser import HOSTILE as REGISTRY_ROWS

from opendata import pipeline

from conftest import Recorder, environment, free_port, serve
from gitrepo import copy_project
from hostile import write_dataset
from lpks_synthetic import read_registry, write_registry
from support import csv_path, metadata_path

pytestmark = [pytest.mark.build, pytest.mark.browser]

LONG = "Sangatpanjang" * 25          # one word of 325 letters
CELL = ('SEL</script><script>window.pwned=1</script>"\'<img src=x onerror=alert(1)> '
        "[x](javascript:alert(2)) {{ 7*7 }} \u202eKIRI\u202c \u05e2\u05d1 " + LONG)
META = ('META</script><script>window.pwned=2</script>"\'<svg onload=alert(3)> <b>tebal</b> '
        "**md** \u202eRTL\u202c")
SITE = 'Situs "</title><script>window.pwned=3</script>" <i>miring</i> \u202eKIRI\u202c'
FIGURE = "ANGKA <img src=x onerror=alert(4)> {value} dari javascript:alert(5)"
CHANGED = {   # one text cell of every dataset: (dataset, column)
    "bidang": ["catatan", "sumber_penerbit"], "indikator": ["catatan"], "lpks": ["catatan"],
    "program_pelatihan": ["catatan", "mitra"], "target": ["catatan"],
    "akreditasi_lpks": ["catatan"],
}
INJECTED = ("img[src='x'], svg[onload], [onerror], [onload], [onmouseover], "
            "a[href^='javascript:' i], iframe, object, embed")


def edit_csv(root: Path, name: str, change) -> None:
    path = csv_path(root, name)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def make_hostile(root: Path) -> None:
    # the texts below change released rows: this copy publishes them as unreleased versions,
    # without the archive of what was released (which would refuse the change)
    shutil.rmtree(root / "archive")
    site = yaml.safe_load((root / "site.yml").read_text(encoding="utf-8"))
    site["name"] = {"id": SITE, "en": SITE}
    site["description"] = {"id": META, "en": META}
    (root / "site.yml").write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    for name, columns in CHANGED.items():
        edit_csv(root, name, lambda rows, columns=columns: rows[0].update(
            dict.fromkeys(columns, CELL)))
    # a kelurahan whose name is hostile (the directory and the area pages print it)
    edit_csv(root, "wilayah", lambda rows: next(r for r in rows if r["tingkat"] == "kelurahan")
             .update(nama=CELL))
    write_registry(root, read_registry(root) + REGISTRY_ROWS)   # javascript: links, markup
    add_hostile_dataset(root)                                  # chart labels and titles
    write_dataset(root, rows=[
        {"id": "r1", "nama": CELL, "jenis": "a", "nilai": "1.5", "jumlah": "3", "tahun": "2024"},
        {"id": "r2", "nama": LONG, "jenis": "b", "nilai": "2", "jumlah": "4", "tahun": "2025"}],
        texts={key: META for key in ("title", "description", "column", "label_a", "label_b",
                                     "chart_title", "chart_description", "axis",
                                     "figure_label", "publisher", "notes", "release_notes")}
        | {"figure_text": FIGURE})
    meta = metadata_path(root, "indikator")
    indikator = yaml.safe_load(meta.read_text(encoding="utf-8"))
    indikator["title"] = {"id": META, "en": META}
    indikator["charts"][0]["title"] = {"id": META, "en": META}
    meta.write_text(yaml.safe_dump(indikator, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """The real project with hostile text everywhere, built and served: (url, site folder)."""
    root = copy_project(tmp_path_factory.mktemp("hostile-site") / "project")
    make_hostile(root)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with environment(SITE_URL=url):
        pipeline.build(root, root.parent / "site")
    httpd = serve(root.parent / "site", port)
    yield url, root.parent / "site"
    httpd.shutdown()


def pages(site: Path, english: bool) -> list[str]:
    found = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return [p for p in found if p.startswith("en/") == english]


def visit(browser, url: str, paths: list[str]) -> dict[str, list[str]]:
    """Every page in one context: what went wrong on each (empty lists when nothing did)."""
    context = browser.new_context()
    page = context.new_page()
    recorder = Recorder(page, url)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    start = len(browser.violations)
    wrong = {}
    try:
        for path in paths:
            recorder.errors.clear()
            recorder.requests.clear()
            dialogs.clear()
            page.goto(url + path, wait_until="load")
            page.wait_for_timeout(50)
            problems = [f"dialog: {m}" for m in dialogs] + [f"error: {e}" for e in recorder.errors]
            problems += [f"other host: {u}" for u in recorder.foreign]
            problems += [f"csp: {v}" for v in browser.violations[start:]]
            start = len(browser.violations)
            if page.evaluate("window.pwned") is not None:
                problems.append("window.pwned was set")
            if page.locator(INJECTED).count():
                problems.append("injected element: " + page.locator(INJECTED).first.evaluate(
                    "e => e.outerHTML.slice(0, 120)"))
            if SITE not in page.locator("body").inner_text():
                problems.append("the site's name is not shown as text")
            if problems:
                wrong[path] = problems
    finally:
        context.close()
    return wrong


@pytest.mark.parametrize("english", [False, True], ids=["id", "en"])
def test_every_page_of_a_hostile_site_loads_cleanly_under_the_policy(browser, hostile_site,
                                                                    english):
    url, site = hostile_site
    paths = pages(site, english)
    assert len(paths) > 40 and any(p.endswith("grafik/uji-grafik.html") for p in paths)
    assert visit(browser, url, paths) == {}


def text_of(browser, url: str) -> str:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        return page.locator("body").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("path, shown", [
    ("dataset/uji/", [META, CELL, LONG]),
    ("en/dataset/uji/", [META, CELL]),
    ("", ["ANGKA <img src=x onerror=alert(4)>", META]),              # the key figure
    ("katalog/", [META]),
    ("dataset/bidang/", [CELL]),
    ("dataset/program_pelatihan/", [CELL]),
    ("en/dataset/akreditasi_lpks/", [CELL]),
    ("lpks/", ["<img src=x onerror=alert(1)>", '"><script>alert(2)</script>', CELL]),
    ("en/lpks/", ["javascript:alert(4)", "<svg onload=alert(5)>"]),
    ("dataset/uji_grafik/", [CHART_TEXT]),
    ("grafik/uji-batang.html", [META]),
    ("grafik/uji-grafik.html", [CHART_TEXT]),
])
def test_hostile_strings_are_shown_as_text(browser, hostile_site, path, shown):
    url, _ = hostile_site
    body = text_of(browser, url + path)
    assert [s for s in shown if s not in body] == []


@pytest.mark.parametrize("lang_root", ["", "en/"])
def test_the_interactive_chart_and_search_stay_text_under_the_policy(browser, hostile_site,
                                                                    lang_root):
    url, _ = hostile_site
    context = browser.new_context()
    try:
        page = context.new_page()
        recorder = Recorder(page, url)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}{lang_root}dataset/uji/")
        page.wait_for_load_state("networkidle")
        page.click("#grafik-uji-batang .od-chart__open")
        page.wait_for_selector("#grafik-uji-batang .od-chart__interactive:not([hidden]) svg.marks")
        labels = page.eval_on_selector_all("#grafik-uji-batang .od-chart__interactive svg text",
                                           "texts => texts.map(t => t.textContent)")
        assert META in labels
        page.click("label.md-search__icon, .md-search__input")
        page.locator("input.md-search__input").press_sequentially("META", delay=20)
        page.locator(".md-search-result__item").first.wait_for(state="visible")
        assert "META</script><script>window.pwned=2</script>" in page.locator(
            ".md-search-result").inner_text()                  # the result shows it as text
        assert page.locator(INJECTED).count() == 0
        assert page.evaluate("window.pwned") is None and dialogs == []
        assert recorder.errors == [] and recorder.foreign == []
    finally:
        context.close()
