"""The chart stage: specs come from the metadata declarations, missing years stay gaps, the
alternative text states the figures of the data, bad declarations are reported, and no data
value can become script. Expected figures are computed here from the CSV, not written in."""

from __future__ import annotations

import csv
import html
import json
import re
import struct
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from opendata import charts, i18n, paths
from opendata.catalog import load_catalog
from opendata.problems import BuildError
from opendata.validate import validate

from support import (
    LANGUAGES,
    ROOT,
    csv_path,
    dataset_dir,
    metadata_path,
    schema_path,
    valid_catalog,
)

TPT = "tpt-kota-serang"
BARS = "tpt-kabupaten-kota-banten"


@pytest.fixture(scope="module")
def catalog():
    return valid_catalog(ROOT)


def declared(catalog, chart_id):
    return next((d, c) for d, c in charts.declarations(catalog) if c["id"] == chart_id)


@pytest.fixture(scope="module")
def tpt(catalog):
    dataset, chart = declared(catalog, TPT)
    return {lang: charts.render_chart(catalog, dataset, chart, lang, SITE_URL)
            for lang in LANGUAGES}


def preferred_tpt_from_csv(area: str) -> dict[int, str]:
    """{year: value as written} of the preferred total August (or annual) TPT of one area."""
    with csv_path(ROOT, "indikator").open(encoding="utf-8", newline="") as f:
        return {int(r["tahun"]): r["nilai"] for r in csv.DictReader(f)
                if r["indikator"] == "tpt" and r["wilayah_kode"] == area and r["utama"] == "true"
                and r["jenis_kelamin"] == "total" and r["bulan"] in ("8", "")}


def pct(text: str, lang: str) -> str:
    return i18n.percent(Decimal(text), lang, len(text.split(".")[1]) if "." in text else 0)


def layer_with_mark(spec: dict, mark: str) -> dict:
    found = [layer for layer in spec["layer"]
             if (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) == mark]
    assert found, f"no {mark} layer in {spec['layer']}"
    return found[0]


def test_every_chart_of_the_issue_is_declared(catalog):
    ids = {c["id"]: d.name for d, c in charts.declarations(catalog)}
    assert ids == {TPT: "indikator", BARS: "indikator", "lpks-akreditasi": "akreditasi_lpks",
                   "cakupan-kelurahan": "lpks", "peserta-pelatihan": "program_pelatihan"}


def test_spec_is_built_from_the_declaration(catalog, tpt):
    dataset, chart = declared(catalog, TPT)
    spec = tpt["id"].spec
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    line = layer_with_mark(spec, "line")
    assert line["encoding"]["x"]["field"] == chart["category"]["field"]
    assert line["encoding"]["y"]["field"] == chart["value"]["field"]
    assert line["encoding"]["color"]["field"] == chart["series"]["field"] + "_nama"
    assert spec["title"]["text"] == chart["title"]["id"]
    assert tpt["en"].spec["title"]["text"] == chart["title"]["en"]
    assert line["encoding"]["y"]["title"] == chart["value"]["title"]["id"]
    # the series are the declared areas, labelled from the metadata codes, in declared order
    names = [dataset.code_label("wilayah_kode", code, "id") for code in chart["series"]["order"]]
    assert line["encoding"]["color"]["scale"]["domain"] == names
    # the target is a marker at its year only, from the target row's bounds (issue 9 §3)
    rule = layer_with_mark(spec, "rule")
    band = rule["data"]["values"][0]
    with csv_path(ROOT, "target").open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["id"] == chart["reference"]["filter"]["id"])
    assert (band["bawah"], band["atas"]) == (float(row["nilai_bawah"]), float(row["nilai_atas"]))
    assert band["tahun"] == int(row["tahun_target"])


def test_number_format_follows_the_page_language(tpt):
    assert tpt["id"].spec["config"]["locale"]["number"]["decimal"] == ","
    assert tpt["id"].spec["config"]["locale"]["number"]["thousands"] == "."
    assert tpt["en"].spec["config"]["locale"]["number"]["decimal"] == "."
    # tooltips and tables carry the value as the language writes it
    record = next(r for r in tpt["id"].data.records if r["nilai"] is not None)
    assert record["nilai_teks"] == i18n.percent(record["nilai"], "id")
    assert "," in record["nilai_teks"] or "." not in record["nilai_teks"]


def test_missing_years_stay_gaps(tpt):
    """Every year of the range is in the data; a year without a figure is null, and the line
    mark breaks at nulls (no interpolation, no filtering that would join the neighbours)."""
    data = tpt["id"].data
    kota = preferred_tpt_from_csv("3673")
    all_years = set(kota) | set(preferred_tpt_from_csv("36")) | set(preferred_tpt_from_csv("00"))
    span = range(min(all_years), max(all_years) + 1)
    points = {r["tahun"]: r["nilai"] for r in data.records if r["wilayah_kode"] == "3673"}
    assert sorted(points) == list(span)
    missing = [y for y in span if y not in kota]
    assert missing, "the data should have at least one year without a Kota Serang figure"
    assert 2016 in missing          # no TPT below province level in 2016
    for year in missing:
        assert points[year] is None
    for year, text in kota.items():
        assert points[year] == float(text)
    line = layer_with_mark(tpt["id"].spec, "line")
    assert line["mark"]["invalid"] == "break-paths-filter-domains"
    assert "interpolate" not in line["mark"]
    spec_points = {r["tahun"]: r["nilai"] for r in line["data"]["values"]
                   if r["wilayah_kode"] == "3673"}
    assert all(spec_points[y] is None for y in missing)


def test_spec_file_keeps_nulls(tpt):
    text = charts.spec_json(tpt["id"].spec).decode()
    assert '"nilai": null' in text


def test_alt_text_states_the_figures_of_the_csv(tpt):
    kota = preferred_tpt_from_csv("3673")
    years = sorted(kota)
    top = max(years, key=lambda y: Decimal(kota[y]))
    for lang in LANGUAGES:
        text = tpt[lang].alt
        name = tpt[lang].data.records[0]["wilayah_kode_nama"]
        expected = i18n.t("chart.alt_series", lang, series=name,
                          start=pct(kota[years[0]], lang), start_year=years[0],
                          end=pct(kota[years[-1]], lang), end_year=years[-1],
                          high=pct(kota[top], lang), high_year=top)
        assert expected in text
    gaps = [str(y) for y in range(years[0], years[-1]) if y not in kota]
    if gaps:
        assert i18n.t("chart.alt_gaps", "id", years=", ".join(gaps)) in tpt["id"].alt
    assert "%" in tpt["id"].alt and " %" not in tpt["en"].alt   # '9,26 %' / '9.26%'


def test_bar_chart_alt_text_names_the_latest_year(catalog):
    dataset, chart = declared(catalog, BARS)
    rendered = charts.render_chart(catalog, dataset, chart, "id", SITE_URL)
    with csv_path(ROOT, "indikator").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f)
                if r["indikator"] == "tpt" and r["wilayah_jenis"] in ("kabupaten", "kota")
                and r["utama"] == "true" and r["jenis_kelamin"] == "total" and r["bulan"] in ("8", "")]
    latest = max(int(r["tahun"]) for r in rows)
    shown = [r for r in rows if int(r["tahun"]) == latest]
    high = max(shown, key=lambda r: Decimal(r["nilai"]))
    low = min(shown, key=lambda r: Decimal(r["nilai"]))
    label = lambda r: dataset.code_label("wilayah_kode", r["wilayah_kode"], "id")  # noqa: E731
    # the files name the chart and its year; the page's text, under the chart's heading,
    # names the year only
    assert rendered.summary.startswith(f"{chart['title']['id']} ({latest}).")
    assert rendered.alt.startswith(i18n.t("chart.alt_year", "id", year=latest))
    assert chart["title"]["id"] not in rendered.alt
    assert f"{label(high)} {pct(high['nilai'], 'id')}" in rendered.alt
    assert f"{label(low)} {pct(low['nilai'], 'id')}" in rendered.alt
    # the static chart draws the latest year; the spec lets the reader choose another
    param = rendered.spec["params"][0]
    assert param["value"] == latest and param["bind"]["input"] == "select"
    assert latest in param["bind"]["options"]


def test_lpks_and_training_charts_sum_the_rows(catalog):
    dataset, chart = declared(catalog, "peserta-pelatihan")
    rendered = charts.render_chart(catalog, dataset, chart, "en", SITE_URL)
    with csv_path(ROOT, "program_pelatihan").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    total = sum(int(r["peserta"]) for r in rows          # what took place: never plans
                if r["peserta"] and r["status"] == "realisasi")
    assert sum(r["peserta"] for r in rendered.data.records if r["peserta"]) == total
    funding = {r["pendanaan_nama"] for r in rendered.data.records}
    assert dataset.code_label("pendanaan", "apbd", "en") in funding
    assert dataset.code_label("pendanaan", "apbn", "en") in funding
    dataset, chart = declared(catalog, "cakupan-kelurahan")
    rendered = charts.render_chart(catalog, dataset, chart, "id", SITE_URL)
    kelurahan = [r for r in catalog["wilayah"].rows if r["tingkat"] == "kelurahan"]
    assert rendered.data.records[0]["nilai"] == len(kelurahan)
    assert str(len(kelurahan)) in rendered.alt


def test_downloads_png_is_twice_the_svg_and_csv_is_the_chart_data(tpt):
    files = charts.static_files(tpt["id"])
    png = files[tpt["id"].files["png"]]
    width, height = struct.unpack(">II", png[16:24])
    svg_width, svg_height = charts.svg_size(tpt["id"].svg)   # the downloaded SVG
    assert (width, height) == (2 * svg_width, 2 * svg_height)
    rows = list(csv.DictReader(files[tpt["id"].files["csv"]].decode().splitlines()))
    assert len(rows) == len(tpt["id"].data.records)
    assert {r["tahun"] for r in rows if r["wilayah_kode"] == "3673" and r["nilai"] == ""}
    embed = files[tpt["id"].files["embed"]].decode()
    # the embed page's heading names the chart: its image is the page image, not the file
    assert embed.startswith("<!doctype html>") and f'src="{TPT}.lebar.svg"' in embed
    assert f'srcset="{TPT}.sempit.svg"' in embed and embed.count(tpt["id"].title) == 2  # <title>, <h1>
    assert json.loads(files[tpt["id"].files["spec"]])["title"]["text"] == tpt["id"].title


def svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)]


@pytest.mark.slow     # renders both charts in every layout
@pytest.mark.parametrize("chart_id", [TPT, BARS])
def test_page_images_leave_the_title_to_the_page(catalog, chart_id):
    """The title is the heading above the image: the page's own images (wide and narrow) do
    not draw it again, nor does the text under them; the downloaded files keep it."""
    dataset, chart = declared(catalog, chart_id)
    for lang in LANGUAGES:
        rendered = charts.render_chart(catalog, dataset, chart, lang, SITE_URL)
        title = chart["title"][lang]
        assert any(text.startswith(title) for text in svg_texts(rendered.svg))
        for layout, (spec, svg) in rendered.screens.items():
            assert not any(title in text for text in svg_texts(svg)), (layout, lang)
            assert title not in json.dumps(spec.get("title", ""), ensure_ascii=False)
        assert title not in rendered.alt and rendered.summary.startswith(title)


@pytest.mark.slow     # renders every chart at phone width
def test_the_narrow_image_is_drawn_at_phone_width_with_no_text_below_12_px(catalog):
    for dataset, chart in charts.declarations(catalog):
        rendered = charts.render_chart(catalog, dataset, chart, "en", SITE_URL)
        svg = rendered.screens["narrow"][1]
        assert charts.svg_size(svg)[0] <= 320, chart["id"]
        sizes = {float(size) for size in re.findall(r'font-size="([0-9.]+)px"', svg)}
        assert sizes and min(sizes) >= 12, (chart["id"], sizes)


SITE_URL = "https://example.org/data/"   # where the charts are published in these tests
ACCESSED = {"id": "diakses", "en": "accessed"}


class CitationAttributes(HTMLParser):
    """The attributes of each `<p class="od-chart__citation">` in a block, unescaped."""

    def __init__(self):
        super().__init__()
        self.found: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p" and attrs.get("class") == "od-chart__citation":
            self.found.append(attrs)


def chart_block(chart, lang: str, dataset: str) -> str:
    """The charts section of a dataset page, as the page shows it."""
    from opendata import project, render

    with project.load(ROOT).activate():
        return str(render.fragment(lang, "sections/charts.html", paths.dataset_page(dataset),
                                   charts=[chart], level=3, heading=True))


def citation_attributes(html_text: str) -> list[dict[str, str]]:
    parser = CitationAttributes()
    parser.feed(html_text)
    return parser.found


def test_citation_names_sources_version_url_and_claims_no_access_date(catalog, tpt):
    """The page is built from a commit and read for months: it cannot know when it is read."""
    for lang in LANGUAGES:
        text = tpt[lang].citation.text
        assert ACCESSED[lang] not in text and "{date}" not in text
        assert paths.language_root(lang) + "dataset/indikator/#grafik-" + TPT in text
        version = "versi" if lang == "id" else "version"
        assert f"indikator {version} {catalog['indikator'].version}" in text
        for publisher in tpt[lang].data.sources:
            assert publisher in text
    assert "https://example.org/data/dataset/indikator/#grafik-" + TPT in \
        tpt["id"].citation.text
    snippet = tpt["id"].iframe
    assert snippet.startswith('<iframe src="https://example.org/data/grafik/tpt-kota-serang.html"')


def test_dated_citation_is_the_catalogue_wording_with_one_date_slot(tpt):
    for lang, locale in (("id", "id-ID"), ("en", "en-GB")):
        cited = tpt[lang].citation
        assert cited.dated.count("{date}") == 1
        assert f"({ACCESSED[lang]} {{date}})" in cited.dated
        assert cited.dated.replace(f" ({ACCESSED[lang]} {{date}})", "") == cited.text
        assert cited.locale == locale


def test_citation_block_carries_both_wordings_escaped(catalog, tpt):
    for lang in LANGUAGES:
        block = chart_block(tpt[lang], lang, "indikator")
        assert ACCESSED[lang] not in re.sub(r'data-od-cite-dated="[^"]*"', "", block)
        cited = tpt[lang].citation
        [attrs] = citation_attributes(block)
        assert attrs["data-od-cite-undated"] == cited.text
        assert attrs["data-od-cite-dated"] == cited.dated
        assert attrs["data-od-cite-locale"] == cited.locale


def test_builds_are_reproducible(catalog):
    dataset, chart = declared(catalog, "lpks-akreditasi")
    one = charts.render_chart(catalog, dataset, chart, "id", SITE_URL)
    two = charts.render_chart(catalog, dataset, chart, "id", SITE_URL)
    assert (one.svg, one.png, one.spec) == (two.svg, two.png, two.spec)


# --- declarations in a copy of the project -----------------------------------------------------

def edit_metadata(root: Path, name: str, change) -> None:
    file = metadata_path(root, name)
    metadata = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(metadata)
    file.write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.build
def test_a_new_chart_needs_no_python(project_copy):
    def add(metadata):
        metadata["charts"].append({
            "id": "tpak-kota-serang", "type": "line",
            "title": {"id": "TPAK Kota Serang", "en": "Labour-force participation, Kota Serang"},
            "filter": {"indikator": "tpak", "utama": True, "jenis_kelamin": "total",
                       "wilayah_kode": ["36", "00"], "bulan": [8, None]},
            "category": {"field": "tahun", "years": True, "title": {"id": "Tahun", "en": "Year"}},
            "series": {"field": "wilayah_kode", "title": {"id": "Wilayah", "en": "Area"}},
            "value": {"field": "nilai", "unit": "persen", "title": {"id": "TPAK (%)", "en": "LFPR (%)"}},
        })
    edit_metadata(project_copy, "indikator", add)
    catalog = valid_catalog(project_copy)
    static = charts.static(charts.render_all(catalog, SITE_URL))
    assert "grafik/tpak-kota-serang.svg" in static
    assert "en/grafik/tpak-kota-serang.vl.json" in static
    spec = json.loads(static["en/grafik/tpak-kota-serang.vl.json"])
    assert spec["title"]["text"] == "Labour-force participation, Kota Serang"


def test_a_bad_declaration_fails_validation_in_both_languages(project_copy):
    edit_metadata(project_copy, "indikator", lambda m: m["charts"][0].update(type="pie"))
    problems = validate(load_catalog(project_copy))
    found = [p for p in problems if p.code == "metadata_invalid" and p.column == "charts/0/type"]
    assert found, problems
    from opendata.validate import report
    assert "charts.0.type" in report.action(found[0], "id")
    assert "Metadata tidak sesuai" in report.message(found[0], "id")
    assert "The metadata breaks its rules" in report.message(found[0], "en")


def test_a_chart_without_category_fails_validation(project_copy):
    edit_metadata(project_copy, "akreditasi_lpks", lambda m: m["charts"][0].pop("category"))
    problems = validate(load_catalog(project_copy))
    assert any(p.code == "metadata_invalid" and "category" in p.params["message"] for p in problems)


def test_unknown_column_and_dataset_are_reported(project_copy):
    def break_it(metadata):
        metadata["charts"][0]["series"]["field"] = "daerah"
        metadata["charts"][0]["reference"]["dataset"] = "sasaran"
    edit_metadata(project_copy, "indikator", break_it)
    problems = validate(load_catalog(project_copy))   # `build.py validate` reports them
    codes = {(p.code, p.params.get("column") or p.params.get("dataset")) for p in problems}
    assert ("chart_column_unknown", "daerah") in codes
    assert ("chart_dataset_unknown", "sasaran") in codes
    assert all(p.file == "datasets/indikator/metadata.yml" for p in problems)
    for problem in problems:
        for lang in LANGUAGES:
            assert i18n.t(f"problem.{problem.code}", lang, **problem.params)
            assert i18n.t(f"action.{problem.code}", lang, **problem.params)


def test_two_figures_for_one_point_are_reported(project_copy):
    """Without `utama: true` a year has several sources: the chart refuses to pick one."""
    edit_metadata(project_copy, "indikator", lambda m: m["charts"][0]["filter"].pop("utama"))
    problems = validate(load_catalog(project_copy))       # found by validate, before a build
    assert [(p.file, p.column, p.code) for p in problems] == [
        ("datasets/indikator/metadata.yml", "charts", "chart_ambiguous")]
    with pytest.raises(BuildError) as error:
        valid_catalog(project_copy)
    assert {p.code for p in error.value.problems} == {"chart_ambiguous"}


# --- data never becomes script -----------------------------------------------------------------

HOSTILE = '</script><script>window.pwned=1</script>"\'<img src=x onerror=alert(1)>&amp;'


def add_hostile_dataset(root: Path) -> None:
    """A synthetic dataset whose category labels and title are hostile text."""
    folder = dataset_dir(root, "uji_grafik")
    folder.mkdir(parents=True)
    (folder / "uji_grafik.csv").write_text(
        "id,label,nilai\n" f'a,"{HOSTILE.replace(chr(34), chr(34) * 2)}",3.5\nb,biasa,2\n',
        encoding="utf-8")
    schema_path(root, "uji_grafik").write_text(json.dumps({
        "missingValues": [""], "primaryKey": ["id"],
        "fields": [{"name": "id", "type": "string", "constraints": {"required": True}},
                   {"name": "label", "type": "string"},
                   {"name": "nilai", "type": "number"}]}), encoding="utf-8")
    text = {"id": "Uji " + HOSTILE, "en": "Test " + HOSTILE}
    metadata = {
        "name": "uji_grafik", "version": "1.0.0", "title": text, "description": text,
        "license": {"name": "CC0-1.0", "title": "CC0", "path": "https://creativecommons.org/"},
        "update_frequency": "tidak_diperbarui",
        "sources": [{"publisher": "Generator uji " + HOSTILE, "url": None,
                     "page_date": None, "accessed": None}],
        "columns": {c: {"id": c, "en": c} for c in ("id", "label", "nilai")},
        "release_notes": {"1.0.0": text},
        "charts": [{"id": "uji-grafik", "type": "bar", "title": text, "description": text,
                    "category": {"field": "label", "title": text},
                    "value": {"field": "nilai", "unit": "orang", "title": text}}],
    }
    metadata = json.loads(json.dumps(metadata))   # no shared objects: YAML would write aliases
    metadata_path(root, "uji_grafik").write_text(
        yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")


@pytest.mark.build
def test_hostile_cells_stay_text(project_copy):
    add_hostile_dataset(project_copy)
    catalog = valid_catalog(project_copy)
    rendered = charts.render_all(catalog, SITE_URL)
    static = charts.static(rendered)
    spec = static["grafik/uji-grafik.vl.json"]
    assert b"<" not in spec and b">" not in spec and b"&" not in spec
    parsed = json.loads(spec)
    assert parsed["title"]["text"] == "Uji " + HOSTILE
    assert HOSTILE in [r.get("label") for r in parsed["data"]["values"]]
    svg = static["grafik/uji-grafik.svg"].decode()
    assert "<script" not in svg and "onerror=alert" not in svg.replace("onerror=alert(1)&gt;", "")
    embed = static["grafik/uji-grafik.html"].decode()
    assert "<script" not in embed and "<img src=x" not in embed
    assert "&lt;/script&gt;&lt;script&gt;" in embed
    chart = next(c for c in rendered if c.id == "uji-grafik" and c.lang == "id")
    block = chart_block(chart, "id", "uji_grafik")
    assert "<script" not in block and "<img src=x" not in block
    assert "&lt;/script&gt;" in block
    # the iframe snippet is shown as code: escaped twice in the page, once in the snippet
    assert "&amp;lt;/script&amp;gt;" in block
