"""What a reader sees says what the sources say, no more (issue 9): every non-preferred
figure is shown with why; a vague target is a marker at its year in its source's words;
points not from a BPS release are hollow; every figure is at most two clicks from its source
page (or says it has no URL, with its publisher); every figure and row has its correction
link; chart images carry the site's address and the versions."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from opendata import corrections, figures, paths, permalinks
from opendata.catalog import load_catalog

from conftest import REPO_URL
from support import ROOT

CATALOG = load_catalog(ROOT)


def _page(site: Path, source: str) -> str:
    return (site / paths.page_url(source) / "index.html").read_text("utf-8")


def test_every_non_preferred_row_is_on_its_dataset_page_with_its_note(built_site):
    found = 0
    for dataset in CATALOG.datasets:
        if figures.PREFERRED_COLUMN not in dataset.header:
            continue
        note = dataset.metadata["conflicts"]["note"]
        for lang in paths.languages():
            text = (built_site / paths.language_root(lang) / paths.page_url(
                paths.dataset_page(dataset.name)) / "index.html").read_text("utf-8")
            for raw, typed in zip(dataset.rows, dataset.records, strict=True):
                if typed[figures.PREFERRED_COLUMN] is not False:
                    continue
                found += 1
                anchor = paths.row_anchor(permalinks.row_key(dataset, raw))
                row = re.search(rf'<tr id="konflik-{re.escape(anchor)}">(.*?)</tr>', text, re.S)
                assert row, (lang, anchor)
                assert html.escape(raw[note]) in row.group(1), anchor
                assert raw[figures.SOURCE_COLUMNS[1]] in row.group(1), anchor   # its source, linked
    assert found >= 29


def test_the_about_page_says_where_the_non_preferred_figures_are(built_site):
    text = (built_site / paths.page_url(paths.ABOUT) / "index.html").read_text("utf-8")
    assert "Konflik dan celah data" in text


def _spec(site: Path, chart: str) -> dict:
    return json.loads((site / "grafik" / f"{chart}.vl.json").read_text("utf-8"))


def _layers(spec: dict):
    for layer in spec.get("layer", []):
        yield layer
        yield from _layers(layer)


def test_the_vague_target_is_a_marker_at_its_year_in_the_sources_words(built_site):
    target = CATALOG["target"]
    row = next(r for r in target.rows if r["id"] == "tpt-kota_serang-akhir_masa_jabatan-2023")
    spec = _spec(built_site, "tpt-kota-serang")
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in _layers(spec) if "mark" in layer]
    assert "rect" not in marks                      # no band across the years
    rule = next(layer for layer in _layers(spec) if layer.get("mark", {}).get("type") == "rule")
    assert [v["tahun"] for v in rule["data"]["values"]] == [int(row["tahun_target"])]
    text = next(layer for layer in _layers(spec) if layer.get("mark", {}).get("type") == "text")
    assert row["nilai_sumber"] in text["data"]["values"][0]["label"]
    for page in built_site.rglob("*.html"):
        shown = page.read_text("utf-8")
        assert "7–8 %" not in shown and "7–8%" not in shown, page
        assert "2018–2023 term" not in shown and "masa jabatan 2018–2023" not in shown, page


def _kinds(dataset, chart):
    """(drawn records, how many come from a source not of the official kind)."""
    kind = chart["source_kind"]
    rows = figures.select(dataset, chart["filter"])
    return rows, [r for r in rows if r[kind["field"]] not in kind["official"]]


def test_points_not_from_a_bps_release_are_hollow_with_a_legend_entry(built_site):
    dataset = CATALOG["indikator"]
    chart = next(c for c in dataset.metadata["charts"] if c["id"] == "tpt-kota-serang")
    rows, other = _kinds(dataset, chart)
    assert other, "the data has points from officials or aggregators"
    assert "(BPS)" not in chart["description"]["id"]
    spec = _spec(built_site, "tpt-kota-serang")
    fills = [layer["encoding"]["fill"] for layer in _layers(spec) if "fill" in layer.get("encoding", {})]
    assert fills and fills[0]["legend"]["values"] == [chart["source_kind"]["label"]["id"]]
    assert fills[0]["scale"]["range"][-1] == "#ffffff"
    svg = (built_site / "grafik" / "tpt-kota-serang.svg").read_text("utf-8")
    hollow = re.findall(r'aria-roledescription="point"[^>]*fill="#ffffff"', svg)
    assert len(hollow) == len(other)
    assert chart["source_kind"]["label"]["id"] in svg   # the legend entry


class _Values(HTMLParser):
    """Every [data-od-value] element: its tag, href, and the text right after it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values, self._open, self.figures = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-od-value" in attrs:
            self._open = {"tag": tag, "href": attrs.get("href"), "after": ""}
            self.values.append(self._open)
        elif self._open is not None and self._open["after"] is not None:
            pass
        if tag == "section" and "od-figure" in (attrs.get("class") or "").split():
            self.figures += 1

    def handle_data(self, data):
        if self.values and self._open is None and len(self.values[-1]["after"]) < 200:
            self.values[-1]["after"] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open["tag"]:
            self._open = None


def _traced(site: Path, page: Path, value: dict, publishers: set[str]) -> bool:
    href = value["href"]
    if href and href.startswith(("https://", "http://")) and not href.startswith("http://127."):
        return True                                          # one click: the source page
    if href:                                                 # a page of rows: each links its source
        target = (page.parent / href.split("#")[0]).resolve()
        target = target / "index.html" if target.is_dir() else target
        return target.is_file() and re.search(r'<a href="https?://[^"]+" rel="nofollow noopener"', target.read_text("utf-8")) is not None
    after = value["after"]
    if value.get("linked_sources"):                          # several sources, each linked beside it
        return True
    return ("tanpa URL" in after or "no URL" in after) and any(p and p in after for p in publishers)


def test_every_figure_is_two_clicks_from_its_source_or_says_it_has_no_url(built_site):
    publishers = {r.get(figures.SOURCE_COLUMNS[0], "") for d in CATALOG.datasets for r in d.rows}
    publishers |= {s.get("publisher", "") for d in CATALOG.datasets for s in d.metadata.get("sources") or []}
    checked, untraced = 0, []
    for page in sorted(built_site.rglob("*.html")):
        parser = _Values()
        text = page.read_text("utf-8")
        parser.feed(text)
        several = re.findall(r'<span data-od-value>[^<]*</span></td>\s*<td class="od-chart__source">(.*?)</td>', text)
        several = iter(several)
        for value in parser.values:
            if value["tag"] == "span" and "od-chart__source" in text and not (
                    "tanpa URL" in value["after"][:80] or "no URL" in value["after"][:80]):
                cell = next(several, "")
                value["linked_sources"] = cell.count('href="http') >= 1 and "(tanpa URL)" not in cell
            checked += 1
            if not _traced(built_site, page, value, publishers):
                untraced.append((str(page.relative_to(built_site)), value))
        # key figures: each card names its sources with a link, or says it has none
        for card in re.findall(r'<section class="od-figure[^"]*" id="[^"]+">(.*?)</section>', text, re.S):
            assert 'href="http' in card or "tidak ada" in card or ">none<" in card, page
    assert checked > 1000
    assert untraced == []


def test_every_dataset_figure_and_row_has_its_correction_link(built_site):
    for dataset in CATALOG.datasets:
        page = _page(built_site, paths.dataset_page(dataset.name))
        assert html.escape(corrections.correction_url(REPO_URL, dataset.name, dataset.version)) in page
        rows = "".join(_page(built_site, p.source) for p in permalinks.row_pages(dataset, dataset.version))
        for row in dataset.rows:
            url = corrections.correction_url(REPO_URL, dataset.name, dataset.version,
                                             permalinks.row_key(dataset, row))
            assert html.escape(url) in rows, url
    home = (built_site / "index.html").read_text("utf-8")
    for f in figures.key_figures(CATALOG):
        if f.shown_on("home"):
            assert html.escape(corrections.correction_url(REPO_URL, f.dataset, f.version, f.key)) in home
    directory = next(d for d in CATALOG.datasets if d.metadata.get("directory"))
    add = _page(built_site, paths.directory_page(directory.name))
    assert html.escape(corrections.issue_url(REPO_URL, corrections.ADDITION)) in add


def test_chart_images_carry_the_address_and_every_version_on_its_own_line(built_site, site_url):
    for svg in (built_site / "grafik").glob("*.svg"):
        if svg.name.count(".") > 1:      # the page's own images: the page says all this
            continue
        lines = re.findall(r"<(?:text|tspan)[^>]*>([^<]*)</(?:text|tspan)>", svg.read_text("utf-8"))
        address = [t for t in lines if t.startswith("Sumber:")]
        assert address and site_url in address[0], svg
        versions = [t for t in lines if t.startswith("Dataset ")]
        assert len(versions) == 1 and re.search(r"versi\xa0[0-9]", versions[0]), svg
        assert not [t for t in lines if re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", t.strip())], svg
    for embed in (built_site / "grafik").glob("*.html"):
        text = embed.read_text("utf-8")
        assert " style=" not in text, embed
        title = re.search(r"<h1>(.*?)</h1>", text).group(1)
        body = text.split("<body>", 1)[1]
        assert body.count(title) == 1, embed     # once: the page images draw no title
