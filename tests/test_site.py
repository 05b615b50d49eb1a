"""End to end: the real datasets built into a temporary folder, as a reader would open it."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from opendata import downloads, paths, pipeline
from opendata.catalog import load_catalog
from opendata.problems import BuildError

from support import LANGUAGES, ROOT, as_next_version, with_rows

NAMES = sorted(p.name for p in (ROOT / "datasets").iterdir() if p.is_dir())


def read_csv(name: str) -> list[dict]:
    with open(ROOT / "datasets" / name / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def version(name: str) -> str:
    import yaml

    return yaml.safe_load((ROOT / "datasets" / name / "metadata.yml").read_text())["version"]


def figure_html(site: Path, key: str, lang: str = "id") -> str:
    page = (site / paths.language_root(lang) / "index.html").read_text(encoding="utf-8")
    match = re.search(rf'<section class="od-figure[^"]*" id="{key}">(.*?)</section>', page, re.S)
    assert match, f"figure {key} missing from the {lang} home page"
    return match.group(1)


# --- key figures, recomputed here from the CSVs --------------------------------------------

def latest_tpt_kota_serang() -> dict:
    rows = [r for r in read_csv("indikator")
            if r["indikator"] == "tpt" and r["wilayah_kode"] == "3673" and r["utama"] == "true"
            and r["jenis_kelamin"] == "total" and r["bulan"] in ("8", "")]
    return max(rows, key=lambda r: int(r["tahun"]))


def test_home_shows_latest_tpt_with_year_source_and_version(built_site):
    row = latest_tpt_kota_serang()
    value = row["nilai"]
    html = figure_html(built_site, "tpt-terbaru", "id")
    assert f'{value.replace(".", ",")} %' in html
    assert row["tahun"] in html
    assert row["sumber_penerbit"] in html
    assert f'href="data/indikator/{version("indikator")}/"' in html  # the release that holds it
    assert f'href="data/indikator/{version("indikator")}/angka/#tpt-terbaru"' in html  # pinned
    english = figure_html(built_site, "tpt-terbaru", "en")
    assert f"{value}%" in english
    # the publisher, named in Indonesian, is marked as Indonesian on the English page
    assert re.search(r'<span lang="id"><a [^>]*>' + re.escape(html_escape(row["sumber_penerbit"])),
                     english)


def test_a_computed_change_says_it_is_computed_with_its_formula_and_both_sources(built_site):
    """The change card combines only figures of the same kind (preferred BPS August figures),
    says the site computed it, and shows the formula and both inputs with their sources."""
    rows = [r for r in read_csv("indikator")
            if r["indikator"] == "tpt" and r["wilayah_kode"] == "3673" and r["utama"] == "true"
            and r["jenis_kelamin"] == "total" and r["bulan"] == "8"]
    first = min(rows, key=lambda r: int(r["tahun"]))
    last = max(rows, key=lambda r: int(r["tahun"]))
    change = round(float(last["nilai"]) - float(first["nilai"]), 2)
    sign = "\u2212" if change < 0 else "+"
    for lang, points, computed in (("en", "percentage points", "Computed by this site"),
                                   ("id", "poin persen", "Angka hitungan situs ini")):
        html = figure_html(built_site, "tpt-perubahan", lang)
        number = f"{abs(change):.2f}" if lang == "en" else f"{abs(change):.2f}".replace(".", ",")
        assert f"{sign}{number} {points}" in html
        assert computed in html and 'class="od-figure__formula"' in html
        for row in (first, last):
            assert row["tahun"] in html
            assert html_escape(row["sumber_penerbit"]) in html
            assert f'href="{row["sumber_url"]}"' in html
    assert "2019" not in figure_html(built_site, "tpt-perubahan", "en")   # an official's, not BPS


def test_home_shows_lpks_reported_accredited_listed_and_coverage(built_site):
    reported = {r["ukuran"]: int(r["nilai"]) for r in read_csv("akreditasi_lpks")}
    registry = read_csv("lpks")
    kelurahan = [r["kode"] for r in read_csv("wilayah") if r["tingkat"] == "kelurahan"]
    covered = {r["kelurahan_kode"] for r in registry if r["kelurahan_kode"] in kelurahan}

    assert f">{reported['lpks_berdiri']}<" in figure_html(built_site, "lpks-dilaporkan")
    accredited = figure_html(built_site, "lpks-terakreditasi")
    assert f">{reported['lpks_terakreditasi']} <" in accredited
    assert f"dari {reported['lpks_berdiri']}" in accredited
    coverage = figure_html(built_site, "cakupan-kelurahan")
    assert f"{len(covered)} dari {len(kelurahan)} kelurahan" in coverage


def test_the_registry_count_claims_nothing_about_the_27(built_site):
    """No source puts the institutions of the registry among the 27 reported LPKS: the card
    says how many the registry lists and that this is not known, never "N of 27"."""
    reported = {r["ukuran"]: int(r["nilai"]) for r in read_csv("akreditasi_lpks")}["lpks_berdiri"]
    listed = len(read_csv("lpks"))
    card = figure_html(built_site, "lpks-terdaftar", "id")
    assert f">{listed}<" in card and "tidak diketahui" in card
    assert "od-figure__total" not in card and f"dari {reported}" not in card
    english = figure_html(built_site, "lpks-terdaftar", "en")
    assert "is not known" in english and f"of {reported}" not in english
    about = (built_site / "tentang/index.html").read_text(encoding="utf-8")
    assert "tidak diketahui" in about and f"{listed} dari {reported}" not in about


# --- pages and downloads --------------------------------------------------------------------

def links(site: Path, page: Path) -> list[str]:
    """Every href/src of a built page, resolved to a path under the site root."""
    from urllib.parse import urljoin, urlsplit

    base = "http://site/" + page.relative_to(site).as_posix()
    html = page.read_text(encoding="utf-8")
    out = []
    for url in re.findall(r'(?:href|src)="([^"#]*)(?:#[^"]*)?"', html):
        absolute = urljoin(base, url)
        if url and absolute.startswith("http://site/"):
            out.append(urlsplit(absolute).path[1:])
    return out


def exists(site: Path, path: str) -> bool:
    target = site / path
    return target.is_file() or (target / "index.html").is_file()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_dataset_has_a_page_in_the_catalogue(built_site, lang):
    base = built_site / paths.language_root(lang)
    linked = links(built_site, base / "katalog/index.html")
    for name in NAMES:
        assert (base / "dataset" / name / "index.html").is_file()
        assert f"{paths.language_root(lang)}dataset/{name}/" in linked


def test_every_internal_link_resolves(built_site):
    broken = [(page.relative_to(built_site).as_posix(), target)
              for page in built_site.rglob("*.html")
              for target in links(built_site, page) if not exists(built_site, target)]
    assert broken == []


@pytest.mark.parametrize("name", NAMES)
def test_every_download_exists_and_is_linked(built_site, name):
    release = built_site / "data" / name / version(name)
    for file in (f"{name}.csv", f"{name}.json", f"{name}.xlsx", "datapackage.json",
                 f"{name}.zip", "SHA256SUMS"):
        assert (release / file).is_file(), file
        assert f"data/{name}/{version(name)}/{file}" in links(built_site, built_site / "dataset" / name / "index.html")
        assert (built_site / "data" / name / "latest" / file).read_bytes() == (release / file).read_bytes()
    # the CSV is published exactly as it is in the repository
    assert (release / f"{name}.csv").read_bytes() == (ROOT / "datasets" / name / f"{name}.csv").read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_json_and_xlsx_hold_the_same_rows(built_site, name):
    release = built_site / "data" / name / version(name)
    rows = read_csv(name)
    document = json.loads((release / f"{name}.json").read_text(encoding="utf-8"))
    assert len(document["data"]) == len(rows)
    assert document["version"] == version(name)
    book = load_workbook(release / f"{name}.xlsx")
    sheet = book["data"]
    assert sheet.max_row == len(rows) + 1
    assert [c.value for c in sheet[1]] == list(rows[0].keys())


@pytest.mark.parametrize("name", NAMES)
def test_xlsx_holds_no_formula(built_site, name):
    book = load_workbook(built_site / "data" / name / version(name) / f"{name}.xlsx")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_text_that_looks_like_a_formula_stays_text_in_xlsx():
    """Validation keeps such cells out of datasets/; the writer is safe on its own too."""

    dataset = load_catalog(ROOT)["bidang"]
    hostile = ["=1+1", "+62 254", "-cmd|' /C calc'!A0", "@SUM(A1)"]
    rows = tuple({**row, "nama_id": text} for row, text in zip(dataset.rows, hostile, strict=False))
    book = load_workbook(io.BytesIO(downloads.to_xlsx(with_rows(dataset, rows))))
    cells = [c for row in book["data"].iter_rows(min_row=2) for c in row if c.value in hostile]
    assert sorted(c.value for c in cells) == sorted(hostile)
    assert all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("name", NAMES)
def test_datapackage_has_bytes_and_hash_and_validates(built_site, name):
    from frictionless import Package

    release = built_site / "data" / name / version(name)
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        data = (release / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    report = Package(str(release / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "message"])


@pytest.mark.parametrize("name", NAMES)
def test_zip_holds_every_file_and_a_readme_and_sums_verify(built_site, name):
    release = built_site / "data" / name / version(name)
    with zipfile.ZipFile(release / f"{name}.zip") as archive:
        names = set(archive.namelist())
        assert {f"{name}.csv", f"{name}.json", f"{name}.xlsx", "datapackage.json", "README.txt"} <= names
        assert archive.read(f"{name}.csv") == (release / f"{name}.csv").read_bytes()
    for line in (release / "SHA256SUMS").read_text().splitlines():
        digest, file = line.split("  ")
        assert hashlib.sha256((release / file).read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("lang", LANGUAGES)
def test_data_dictionary_is_generated_from_the_schema(built_site, lang):
    schema = json.loads((ROOT / "schemas/indikator.schema.json").read_text())
    page = (built_site / paths.language_root(lang) / "dataset/indikator/index.html").read_text()
    for field in schema["fields"]:
        assert f'id="kolom-{field["name"]}"' in page


# --- no other host ----------------------------------------------------------------------------

def is_foreign(url: str, origin: str) -> bool:
    """True for an absolute http(s)/ws(s) or protocol-relative URL on a host other than
    `origin` (scheme://host:port). data:, blob:, relative and fragment URLs are this site."""
    url = url.strip()
    if not re.match(r"^(?:(?:https?|wss?):)?//", url, re.I):
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) and parts.netloc.lower() != urlsplit(origin).netloc.lower()


# CSS: url(...) with or without quotes, and @import "..." (the url() form is caught by the first)
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)"""
                     r"""|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def css_requests(css: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None).strip() for m in CSS_URL.finditer(css)]


# JavaScript. A URL a script *requests* is a literal given straight to a request sink:
# fetch/import/importScripts/Worker/WebSocket/EventSource/sendBeacon(...), `import ... from`,
# XMLHttpRequest .open(method, url), `.src =` / `.href =`, setAttribute("src"|"href", ...).
_Q = r"""["'`]"""
_LIT = _Q + r"""([^"'`\s]+)"""
JS_SINKS = re.compile(
    r"\b(?:fetch|import|importScripts|Worker|SharedWorker|WebSocket|EventSource|sendBeacon)"
    r"\s*\(\s*" + _LIT
    + r"|\bimport\b[^;\"'`]*?\bfrom\s*" + _LIT
    + r"|\bimport\s*" + _LIT
    + r"|\.open\s*\(\s*" + _Q + r"[A-Za-z]+" + _Q + r"\s*,\s*" + _LIT
    + r"|\.(?:src|href)\s*=\s*" + _LIT
    + r"|setAttribute\s*\(\s*" + _Q + r"(?:src|href)" + _Q + r"\s*,\s*" + _LIT)
# ...and, since a script may keep the URL in a variable first, every quoted absolute URL in a
# script is treated as a request unless it is one of these names, which are not addresses
# fetched by the code (checked by reading the vendored vega bundle, assets/od/vendor/):
JS_NAMES = (
    "http://www.w3.org/",              # XML namespace names (SVG, XLink, XMLNS)
    "https://vega.github.io/schema/",  # the $schema identifier of a spec
    "https://vega.github.io/editor/",  # vega-embed's "open in editor" action; charts.js sets
                                       # actions: false, so no reader can reach it
)
JS_ABSOLUTE = re.compile(_Q + r"((?:[a-z]+:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\"'`\s]*)", re.I)


def js_requests(js: str) -> list[str]:
    sinks = [next(g for g in m.groups() if g is not None) for m in JS_SINKS.finditer(js)]
    literals = [u for u in JS_ABSOLUTE.findall(js) if not u.startswith(JS_NAMES)]
    return list(dict.fromkeys(sinks + literals))


# HTML and SVG attributes a browser loads by itself. `href` loads on every element except the
# links a reader follows: <a>, <area>, and <link> whose rel is only made of the words below.
SRC_ATTRS = {"src", "data", "poster", "ping", "background"}
SRCSET_ATTRS = {"srcset", "imagesrcset"}
LINK_RELS = {"alternate", "canonical", "next", "prev", "author", "license", "help", "me",
             "bookmark", "search", "external", "nofollow", "noopener", "noreferrer"}
JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _Requests(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.inside: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v or "" for k, v in attrs}
        for name, value in attrs.items():
            if name in SRC_ATTRS:
                self.urls.append(value)
            elif name in SRCSET_ATTRS:
                self.urls += [c.split()[0] for c in value.split(",") if c.strip()]
            elif name in ("href", "xlink:href") and not self._followed(tag, attrs):
                self.urls.append(value)
            elif name == "style":
                self.urls += css_requests(value)
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            target = re.search(r"url\s*=\s*['\"]?([^'\"]+)", attrs.get("content", ""), re.I)
            self.urls += [target.group(1)] if target else []
        self.inside = (tag, attrs) if tag in ("script", "style") else None

    handle_startendtag = handle_starttag

    @staticmethod
    def _followed(tag: str, attrs: dict) -> bool:
        if tag in ("a", "area"):
            return True
        return tag == "link" and set(attrs.get("rel", "").lower().split()) <= LINK_RELS \
            and bool(attrs.get("rel", "").strip())

    def handle_data(self, data):
        if self.inside and self.inside[0] == "style":
            self.urls += css_requests(data)
        elif self.inside and self.inside[1].get("type", "").lower() in JS_TYPES:
            self.urls += js_requests(data)

    def handle_endtag(self, tag):
        self.inside = None


def markup_requests(text: str) -> list[str]:
    """URLs an HTML page or an SVG file makes the browser load (see _Requests)."""
    parser = _Requests()
    parser.feed(text)
    parser.close()
    return parser.urls


SCANNERS = {".html": markup_requests, ".svg": markup_requests, ".css": css_requests,
            ".js": js_requests}


def foreign_requests(site: Path, origin: str) -> list[tuple[str, str]]:
    """(file, URL) for every request to another host in the text files a browser loads: every
    .html, .css and .svg, and the scripts we ship under assets/od/ (ours and the vendored
    vega bundle). The theme's own bundles (assets/javascripts/) are mkdocs-material's: their
    URLs (mermaid from unpkg, GitHub's API for repository facts) are loaded only for features
    this site does not turn on, which the browser tests' recorder would catch."""
    found = []
    for file in sorted(site.rglob("*")):
        scan = SCANNERS.get(file.suffix)
        if scan is None or (file.suffix == ".js" and "assets/od/" not in file.as_posix()):
            continue
        found += [(file.relative_to(site).as_posix(), url)
                  for url in scan(file.read_text(encoding="utf-8")) if is_foreign(url, origin)]
    return found


def test_request_scanner_finds_what_a_browser_would_load():
    origin = "http://127.0.0.1:8000/"
    page = """<html><head>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
      <link rel="preconnect" href="https://fonts.gstatic.com">
      <link rel="alternate " hreflang="en" href="https://example.org/en/">
      <link rel="canonical" href="https://example.org/">
      <meta http-equiv="refresh" content="0; url=https://elsewhere.example/">
      <style>body { background: url('https://cdn.example/bg.png') }</style>
      <script src="//cdn.example/lib.js"></script>
      <script>fetch("https://api.example/v1")</script>
      <script type="application/ld+json">{"@context": "https://schema.org"}</script>
    </head><body>
      <img src="https://example.org/x.png" srcset="a.png 1x, https://img.example/b.png 2x">
      <div style="background-image:url(https://img.example/c.png)"></div>
      <a href="https://example.org/outbound">a link</a>
      <img src="http://127.0.0.1:8000/same-site.png"><img src="data:image/png;base64,AA==">
      <svg><use href="https://sprites.example/i.svg#a"/></svg>
    </body></html>"""
    assert sorted(u for u in markup_requests(page) if is_foreign(u, origin)) == sorted([
        "https://fonts.googleapis.com/css2?family=Roboto", "https://fonts.gstatic.com",
        "https://elsewhere.example/", "https://cdn.example/bg.png", "//cdn.example/lib.js",
        "https://api.example/v1", "https://example.org/x.png", "https://img.example/b.png",
        "https://img.example/c.png", "https://sprites.example/i.svg#a"])
    css = """@import url(https://fonts.googleapis.com/css?family=Roboto);
             @import "https://cdn.example/more.css";
             .x { background: url("../img/ok.png") } .y { fill: url(#gradient) }"""
    assert [u for u in css_requests(css) if is_foreign(u, origin)] == [
        "https://fonts.googleapis.com/css?family=Roboto", "https://cdn.example/more.css"]
    svg = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
      <image xlink:href="https://img.example/d.png"/><rect style="fill:url(#g)"/>
      <a href="https://example.org/">link</a></svg>"""
    assert [u for u in markup_requests(svg) if is_foreign(u, origin)] == [
        "https://img.example/d.png"]
    js = """/* licence: see https://example.org/LICENSE */ // https://example.org/docs
      var ns = "http://www.w3.org/2000/svg";
      import("https://esm.example/m.js"); s.src = '//cdn.example/s.js';
      var api = `https://api.example/${id}`; xhr.open("GET", "https://x.example/data");
      fetch("https://vega.github.io/schema/vega/v6.json"); fetch("data.json");"""
    assert sorted(u for u in js_requests(js) if is_foreign(u, origin)) == sorted([
        "https://esm.example/m.js", "//cdn.example/s.js", "https://api.example/${id}",
        "https://x.example/data", "https://vega.github.io/schema/vega/v6.json"])


def test_no_page_requests_another_host(built_site, site_url):
    """Every built text file a browser loads is scanned for requests to another host (the
    site's own origin, where the test build lives, is allowed):

    - .html and .svg: src, data, poster, ping, srcset/imagesrcset on any element; href and
      xlink:href on any element but <a>, <area> and <link> whose rel is only link words
      (alternate, canonical, next, ...: LINK_RELS), so <link rel=stylesheet|icon|preconnect>
      count; url() in style attributes and <style>; <meta http-equiv=refresh>; inline scripts
      (not JSON or JSON-LD, which are data) by the JavaScript rule;
    - .css: url() and @import;
    - .js under assets/od/: a quoted absolute URL passed straight to a request sink (fetch,
      import, Worker, XHR open, .src=, ...), and any other quoted absolute URL unless it is one
      of JS_NAMES (namespace and schema names, an editor link no reader can reach). URLs in comments and licence
      text are not quoted literals and are not requests. A new URL in a script fails this test
      until someone has judged it and, if it is only a name, added it to JS_NAMES.
    Outbound links (<a href>, <link rel=alternate>) are not requests."""
    offenders = foreign_requests(built_site, site_url)
    assert offenders == []
    assert not any("fonts.googleapis" in p.read_text(encoding="utf-8")
                   for p in built_site.rglob("*.html"))
    scanned = {f.suffix for f in built_site.rglob("*") if f.suffix in SCANNERS}
    assert scanned == set(SCANNERS), "a kind of file the scan is meant to read was not built"


# --- escaping ---------------------------------------------------------------------------------

@pytest.mark.build
def test_data_never_becomes_markup_or_markdown(project_copy, tmp_path):
    bidang = project_copy / "datasets/bidang/bidang.csv"
    rows = list(csv.DictReader(io.StringIO(bidang.read_text(encoding="utf-8"))))
    rows[0]["nama_id"] = '<script>alert("x")</script> **tebal** [tautan](javascript:alert(1))'
    rows[1]["nama_id"] = '"><img src=x onerror=alert(1)>'
    rows[2]["sumber_url"] = "javascript:alert(1)"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    bidang.write_text(out.getvalue(), encoding="utf-8")
    as_next_version(project_copy, "bidang")
    pipeline.build(project_copy, tmp_path / "site")
    page = (tmp_path / "site/dataset/bidang/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; **tebal** [tautan](javascript:alert(1))" in page
    assert '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;' in page
    assert "<script>alert" not in page and "<strong>tebal" not in page
    assert 'href="javascript:' not in page


# --- the swap: a failed build leaves site/ as it was ------------------------------------------

def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.build
def test_failed_validation_leaves_the_previous_site_byte_identical(project_copy, tmp_path):
    out = tmp_path / "site"
    pipeline.build(project_copy, out)
    before = tree_digest(out)
    csv_file = project_copy / "datasets/bidang/bidang.csv"
    csv_file.write_text(csv_file.read_text(encoding="utf-8") + "rusak\n", encoding="utf-8")
    with pytest.raises(BuildError):
        pipeline.build(project_copy, out)
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".build-*"))  # the temporary folder is gone


@pytest.mark.build
def test_failed_mkdocs_build_leaves_the_previous_site_byte_identical(project_copy, tmp_path):
    out = tmp_path / "site"
    pipeline.build(project_copy, out)
    before = tree_digest(out)
    config = project_copy / "mkdocs.yml"   # a site's own theme settings, over the package's
    config.write_text("markdown_extensions:\n  - no_such_extension\n")
    with pytest.raises(BuildError):
        pipeline.build(project_copy, out)
    assert tree_digest(out) == before


def test_build_cli_exits_non_zero_and_prints_the_table(project_copy):
    import subprocess
    import sys

    (project_copy / "datasets/target/target.csv").write_text("id\nx\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "build.py", "build", "--out", "out"],
                          cwd=project_copy, capture_output=True, text=True)
    assert done.returncode == 1
    assert "datasets/target/target.csv" in done.stderr
    assert not (project_copy / "out").exists()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_about_page_says_where_to_report_a_correction_and_how_search_works(built_site, lang):
    from opendata import i18n

    from conftest import REPO_URL

    html = (built_site / paths.language_root(lang) / "tentang" / "index.html").read_text()
    assert f'<a href="{REPO_URL}/issues/new">' in html
    assert i18n.t("about.search", lang) in html


def test_corrections_go_to_the_repository_github_actions_builds(monkeypatch):
    from opendata import project

    monkeypatch.delenv("REPO_URL", raising=False)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "disnakertrans/data")
    assert project.load(ROOT).repository == "https://github.com/disnakertrans/data"
    monkeypatch.setenv("REPO_URL", "https://git.example.id/data/")
    assert project.load(ROOT).repository == "https://git.example.id/data"
    monkeypatch.delenv("REPO_URL")
    monkeypatch.delenv("GITHUB_REPOSITORY")
    assert project.load(ROOT).repository is None


def test_preview_is_short_says_so_and_stays_out_of_the_search_index(built_site):
    from opendata.pages import PREVIEW_ROWS

    dataset = load_catalog(ROOT)["indikator"]
    assert len(dataset.rows) > PREVIEW_ROWS
    html = (built_site / "dataset" / "indikator" / "index.html").read_text(encoding="utf-8")
    preview = re.search(r'<table class="od-table od-preview">.*?</table>', html, re.S).group(0)
    assert preview.count("<tr>") == PREVIEW_ROWS + 1  # the header row and the first rows
    assert f"Menampilkan {PREVIEW_ROWS} dari {len(dataset.rows)} baris" in html
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    shown_id = dataset.rows[0]["id"]  # in the preview, so in the page, not in the index
    assert shown_id in preview
    assert not any(shown_id in doc["text"] for doc in index["docs"])


# --- permanent, version-pinned addresses --------------------------------------------------

def test_every_row_of_every_latest_version_has_a_permanent_address(built_site):
    from opendata import permalinks
    from opendata.pages import PREVIEW_ROWS

    for name in NAMES:
        page = built_site / "data" / name / version(name) / "baris" / "index.html"
        text = page.read_text(encoding="utf-8")
        dataset_page = (built_site / "dataset" / name / "index.html").read_text(encoding="utf-8")
        for number, row in enumerate(read_csv(name)):
            key = row[next(iter(row))] if name != "indikator" else row["id"]
            anchor = "baris-" + re.sub(r"[^A-Za-z0-9_.-]", "-", key)
            assert f'<tr id="{anchor}">' in text, (name, anchor)
            if number < PREVIEW_ROWS:                         # the preview links to it
                assert f'href="../../data/{name}/{version(name)}/baris/#{anchor}"' in dataset_page
        assert len(read_csv(name)) <= permalinks.ROWS_PER_PAGE


def test_every_key_figure_has_a_version_pinned_permalink_with_its_value(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'<section class="od-figure[^"]*" id="([a-z0-9-]+)">(.*?)</section>', home, re.S)
    assert len(cards) >= 6
    for key, card in cards:
        link = re.search(rf'href="(data/([a-z_]+)/([0-9.]+)/angka/)#{key}"', card)
        assert link, key
        pinned = (built_site / link.group(1) / "index.html").read_text(encoding="utf-8")
        value = re.search(r'<p class="od-figure__value">(.*?)</p>', card, re.S).group(1)
        section = re.search(rf'<section class="od-figure[^"]*" id="{key}">(.*?)</section>',
                            pinned, re.S)
        assert section and value in section.group(1), key
