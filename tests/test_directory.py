"""Unit tests of the directory stage: areas, grouping, coverage figures, links from untrusted
text, and the pages it renders (on the real catalogue and on small synthetic registries)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from opendata import directory, figures, pages, pages_more, project, render
from opendata.catalog import load_catalog
from opendata.urls import https_url

from support import LANGUAGES, ROOT, with_dataset, with_rows


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT)


def with_registry(catalog, rows: list[dict]):
    """The real catalogue with the lpks rows replaced (every column present, empty by default)."""
    header = catalog["lpks"].header
    full = tuple({column: row.get(column, "") for column in header} for row in rows)
    return with_dataset(catalog, with_rows(catalog["lpks"], full))


def kelurahan_codes(catalog) -> list[str]:
    return [r["kode"] for r in catalog["wilayah"].rows if r["tingkat"] == "kelurahan"]


def row(id_: str, kelurahan: str = "", **cells) -> dict:
    """A registry row; placed in the city when it has a kelurahan, else of unknown location
    (the registry's rule: a kelurahan code only for an institution in the city)."""
    base = {"id": id_, "nama": id_.upper(), "jenis": "lpk_swasta", "kelurahan_kode": kelurahan,
            "lokasi": "kota_serang" if kelurahan else "tidak_diketahui",
            "sumber_penerbit": "Penerbit uji", "sumber_url": "https://example.org/uji",
            "keyakinan": "sedang"}
    return base | cells


def site_for(catalog, charts=()):
    return pages.Site(catalog=catalog, published=None, figures=tuple(figures.key_figures(catalog)),
                      charts=tuple(charts), directory=directory.build(catalog), updated={},
                      repository=None)


def directory_pages(site, lang: str) -> dict[str, str]:
    """{Markdown source: text} of the directory's pages, as the build renders them."""
    with project.load(ROOT).activate():
        return {page.source: render.page(page)
                for page in pages_more.directory_pages(site, site.directory, lang)}


# --- areas ----------------------------------------------------------------------------------

def test_six_kecamatan_hold_the_67_kelurahan_each_once(catalog):
    kecamatan = directory.areas(catalog["wilayah"])
    codes = [kel.code for kec in kecamatan for kel in kec.kelurahan]
    assert len(kecamatan) == 6
    assert len(codes) == len(set(codes)) == 67
    assert sorted(codes) == sorted(kelurahan_codes(catalog))
    assert all(kel.kecamatan == kec.code and kel.code.startswith(kec.code + ".")
               for kec in kecamatan for kel in kec.kelurahan)


def test_kecamatan_pages_have_stable_slugs_from_their_names(catalog):
    slugs = {kec.name: kec.slug for kec in directory.areas(catalog["wilayah"])}
    assert slugs == {"Serang": "serang", "Kasemen": "kasemen", "Walantaka": "walantaka",
                     "Curug": "curug", "Cipocok Jaya": "cipocok-jaya", "Taktakan": "taktakan"}
    assert {kec.page for kec in directory.areas(catalog["wilayah"])} >= {"wilayah/cipocok-jaya.md"}


# --- grouping -------------------------------------------------------------------------------

REGISTRY = [
    row("b_walantaka", "36.73.03.1001", nama="Beta"),
    row("a_curug", "36.73.04.1002", nama="alpha"),
    row("c_curug", "36.73.04.1002", nama="Gamma"),
    row("d_curug_other", "36.73.04.1005", nama="Delta"),
    row("e_unknown", "", nama="Epsilon"),
]


def test_institutions_are_placed_in_kelurahan_and_kecamatan_and_ordered(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    assert [i.id for i in d.institutions] == [
        "b_walantaka", "d_curug_other", "a_curug", "c_curug", "e_unknown"]  # Cilaku < Tinggar
    tinggar = next(i for i in d.institutions if i.id == "a_curug")
    assert (tinggar.kelurahan.name, tinggar.kecamatan.name) == ("Tinggar", "Curug")
    unknown = d.institutions[-1]
    assert unknown.kelurahan is None and unknown.kecamatan is None


def test_grouping_by_kecamatan_puts_unknown_places_last(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    groups = directory.by_kecamatan(d.institutions)
    assert list(groups) == ["36.73.03", "36.73.04", directory.UNKNOWN]
    assert [i.id for i in groups["36.73.04"]] == ["d_curug_other", "a_curug", "c_curug"]


def test_grouping_by_kelurahan_leaves_out_unknown_places(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    groups = directory.by_kelurahan(d.institutions)
    assert {code: [i.id for i in items] for code, items in groups.items()} == {
        "36.73.03.1001": ["b_walantaka"], "36.73.04.1005": ["d_curug_other"],
        "36.73.04.1002": ["a_curug", "c_curug"]}


def test_option_counts_count_empty_cells_as_unknown(catalog):
    rows = [row("x", "36.73.04.1002", bidang="las_industri;listrik", akreditasi="terakreditasi"),
            row("y", "", bidang="listrik"), row("z", "36.73.04.1001")]
    counts = directory.option_counts(directory.build(with_registry(catalog, rows)).institutions)
    assert counts["kecamatan"] == Counter({"36.73.04": 2, directory.UNKNOWN: 1})
    assert counts["bidang"] == Counter({"listrik": 2, "las_industri": 1, directory.UNKNOWN: 1})
    assert counts["akreditasi"] == Counter({directory.UNKNOWN: 2, "terakreditasi": 1})


# --- coverage figures -----------------------------------------------------------------------

def test_coverage_per_kecamatan_counts_kelurahan_not_institutions(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    cov = {c.kecamatan.name: (c.covered, c.total, c.institutions) for c in directory.coverage(d)}
    assert cov["Curug"] == (2, 10, 3)          # Tinggar (2 institutions) and Cilaku
    assert cov["Walantaka"] == (1, 14, 1)
    assert cov["Serang"] == (0, 12, 0)
    assert sum(c[1] for c in cov.values()) == 67
    assert sum(c[0] for c in cov.values()) == 3 == next(
        f.value for f in figures.key_figures(with_registry(catalog, REGISTRY))
        if f.key == "cakupan-kelurahan")


def test_coverage_rows_list_every_kelurahan_once_with_its_count(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    rows = directory.coverage_rows(d)
    assert len(rows) == 67 == len({kel.code for _, kel, _ in rows})
    counts = {kel.code: count for _, kel, count in rows}
    assert counts["36.73.04.1002"] == 2 and counts["36.73.03.1001"] == 1
    assert sum(counts.values()) == 4          # the institution with no kelurahan is not counted


def test_coverage_agrees_with_the_key_figure_on_the_real_registry(catalog):
    d = directory.build(catalog)
    figure = next(f for f in figures.key_figures(catalog) if f.key == "cakupan-kelurahan")
    assert sum(c.covered for c in directory.coverage(d)) == figure.value == len(d.covered)
    assert d.total == figure.total == 67


def test_chart_bars_are_proportional_to_the_kelurahan(catalog):
    d = directory.build(with_registry(catalog, REGISTRY))
    bars = directory.bars(directory.coverage(d), width=140)
    by_name = {b["item"].kecamatan.name: b for b in bars["rows"]}
    assert by_name["Walantaka"]["total"] == 140                  # the most kelurahan: 14
    assert by_name["Curug"]["total"] == 100 and by_name["Curug"]["covered"] == 20


# --- links from untrusted text --------------------------------------------------------------

@pytest.mark.parametrize("text,href", [
    ("0254 123456", "tel:0254123456"),
    ("(0254) 123456", None),
    ("+62 254-123-456", "tel:+62254123456"),
    ("62 812 3456 7890", "tel:6281234567890"),
    ("123", None),                                  # too short to be a number
    ("javascript:alert(1)", None),
    ("0254 123456 <b>", None),
    ("0254\n123456", None),
    ("", None),
])
def test_a_phone_becomes_a_tel_link_only_when_it_is_a_number(text, href):
    assert directory.phone_href(text) == href


def test_website_links_need_safe_urls_and_source_links_need_https(catalog):
    rows = [row("w", website="", situs_web="javascript:alert(1)", sumber_url="http://x.org/"),
            row("v", situs_web="https://lpk.example.org/", sumber_url="https://x.org/a")]
    items = {i.id: i for i in directory.build(with_registry(catalog, rows)).institutions}
    assert items["w"].website_href is None and items["w"].source_href is None
    assert items["v"].website_href == "https://lpk.example.org/"
    assert items["v"].source_href == "https://x.org/a"
    assert https_url("mailto:a@b.org") is None


def test_coordinates_need_both_numbers_in_range():
    spec = {"lat": "lintang", "lon": "bujur"}
    assert directory.coordinates({"lintang": "-6.12", "bujur": "106.15"}, spec) == (-6.12, 106.15)
    assert directory.coordinates({"lintang": "-6.12", "bujur": ""}, spec) is None
    assert directory.coordinates({"lintang": "x", "bujur": "1"}, spec) is None
    assert directory.coordinates({"lintang": "-100", "bujur": "1"}, spec) is None


# --- the pages ------------------------------------------------------------------------------

def test_directory_has_the_same_pages_in_both_languages_and_two_nav_entries(catalog):
    site = site_for(catalog)
    by_lang = {lang: directory_pages(site, lang) for lang in LANGUAGES}
    taught = {code for r in catalog["lpks"].rows for code in r["bidang"].split(";") if code}
    expected = {"lpks/index.md", "lpks/cakupan.md", "lpks/tambah.md", "wilayah/index.md"} | {
        f"wilayah/{k.slug}.md" for k in directory.areas(catalog["wilayah"])} | {
        f"lpks/bidang/{code}.md" for code in taught}    # a page per field taught, no more
    assert set(by_lang["id"]) == set(by_lang["en"]) == expected
    assert [p.nav for p in pages_more.directory_pages(site, site.directory, "id") if p.nav] == [
        "nav.directory", "nav.areas"]
    assert "Belum ada LPKS yang tercantum" in by_lang["id"]["wilayah/serang.md"]
    assert "No LPKS listed yet" in by_lang["en"]["wilayah/serang.md"]


def test_directory_rows_carry_codes_and_labels_in_the_page_language(catalog):
    rows = [row("x", "36.73.04.1002", bidang="las_industri;listrik", akreditasi="terakreditasi",
                lintang="-6.1", bujur="106.2")]
    c = with_registry(catalog, rows)
    site = site_for(c)
    texts = {lang: directory_pages(site, lang)["lpks/index.md"]
             for lang in LANGUAGES}
    li = re.search(r'<li class="od-lpks" id="lpks-x"([^>]*)>(.*?)</li>', texts["en"], re.S)
    assert 'data-kecamatan="36.73.04"' in li.group(1) and 'data-kelurahan="36.73.04.1002"' in li.group(1)
    assert 'data-bidang="las_industri listrik"' in li.group(1)
    assert 'data-lat="-6.100000"' in li.group(1)
    assert "Industrial welding, Electrical" in li.group(2) and "Accredited" in li.group(2)
    assert "Las industri, Listrik" in texts["id"] and "Terakreditasi" in texts["id"]
    assert "data-od-near" in texts["id"]                    # a row has coordinates: the button


def test_unknown_cells_are_said_so_in_both_languages(catalog):
    site = site_for(with_registry(catalog, [row("x")]))
    for lang, word in (("id", "tidak diketahui"), ("en", "unknown")):
        text = directory_pages(site, lang)["lpks/index.md"]
        facts = re.search(r"<dl class=\"od-lpks__facts\">(.*?)</dl>", text, re.S).group(1)
        # location (its code label says so), kecamatan, kelurahan, address, field, status
        assert facts.count(word) == 6
        assert "data-od-near" not in text      # no coordinates: no button, a note instead


def test_hostile_registry_text_is_escaped_and_never_a_link(catalog):
    rows = [row("h", "36.73.04.1002", nama="<img src=x onerror=alert(1)>",
                alamat='"><script>alert(1)</script>', telepon="javascript:alert(1)",
                situs_web="javascript:alert(1)", catatan="<b>x</b>",
                sumber_penerbit="<a href=javascript:alert(1)>p</a>")]
    site = site_for(with_registry(catalog, rows))
    generated = directory_pages(site, "id")
    for source in ("lpks/index.md", "wilayah/curug.md"):
        text = generated[source]
        assert "<img" not in text and "<script>alert" not in text and "<b>x" not in text
        assert 'href="javascript:' not in text and "href=javascript:" not in text.replace(
            "&lt;a href=javascript:", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in generated["lpks/index.md"]
    assert "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in generated["lpks/index.md"]


def test_add_page_names_the_file_every_column_and_the_allowed_codes(catalog):
    site = site_for(catalog)
    for lang in LANGUAGES:
        text = directory_pages(site, lang)["lpks/tambah.md"]
        assert "datasets/lpks/lpks.csv" in text and "datasets/lpks/metadata.yml" in text
        assert "make site" in text
        for column in catalog["lpks"].header:
            assert f'id="kolom-{column}"' in text
            assert catalog["lpks"].column_text(column, lang) in text
        for code in ("lpk_swasta", "terakreditasi", "las_industri", "tinggi"):
            assert f"<code>{code}</code>" in text


def test_coverage_page_shows_the_reported_figure_next_to_the_listed_count(catalog):
    site = site_for(catalog)
    text = directory_pages(site, "en")["lpks/cakupan.md"]
    reported = next(f for f in site.figures if f.key == "lpks-dilaporkan")
    assert f"reports {reported.value} LPKS" in text
    assert text.count('<tr data-kelurahan="') == 67
    assert "<svg" in text and "<title id=\"od-chart-title\">" in text


def test_coverage_page_links_the_charts_stage_city_chart_when_there_is_one(catalog):
    from types import SimpleNamespace

    chart = SimpleNamespace(dataset="lpks", id="cakupan-kelurahan", lang="id", title="Grafik kota",
                            home=False)
    site = site_for(catalog, [chart])
    text = directory_pages(site, "id")["lpks/cakupan.md"]
    assert '<a href="../../dataset/lpks/#grafik-cakupan-kelurahan">Grafik kota</a>' in text
    alone = site_for(catalog)
    assert "#grafik-" not in directory_pages(alone, "id")["lpks/cakupan.md"]


# --- location: here, a partner elsewhere, unknown (issue 9 §5) ------------------------------

PLACED = [
    row("here", "36.73.04.1002", nama="Di kota"),
    row("partner", nama="Mitra", lokasi="luar_kota"),
    row("nowhere", nama="Entah"),
]


def with_location(catalog, **location):
    """The real catalogue with the lpks directory's `location:` declaration replaced."""
    from dataclasses import replace

    lpks = catalog["lpks"]
    spec = dict(lpks.metadata["directory"], location=location)
    return with_dataset(catalog, replace(lpks, metadata=dict(lpks.metadata, directory=spec)))


def test_a_partner_elsewhere_is_never_placed_in_a_kecamatan(catalog):
    d = directory.build(with_registry(catalog, PLACED))
    places = {i.id: (i.place, i.kecamatan_key) for i in d.institutions}
    assert places == {"here": ("here", "36.73.04"), "partner": ("elsewhere", "di_luar"),
                      "nowhere": ("unknown", directory.UNKNOWN)}
    assert [(where, list(groups)) for where, groups in directory.located(d.institutions)] == [
        ("here", ["36.73.04"]), ("elsewhere", ["elsewhere"]), ("unknown", ["unknown"])]
    # the kecamatan facet no longer lumps the partner into "unknown"
    assert directory.option_counts(d.institutions)["kecamatan"] == Counter(
        {"36.73.04": 1, "di_luar": 1, directory.UNKNOWN: 1})
    assert [c.institutions for c in directory.coverage(d) if c.institutions] == [1]


def test_the_gate_checks_the_location_declaration_against_the_schema(catalog):
    problems = directory.check(with_location(catalog, column="lokasi", here="kota",
                                             elsewhere=["luar_kota"]))
    assert sorted((p.code, p.params.get("code")) for p in problems) == [
        ("directory_location_code", "kota"),
        ("directory_location_undeclared", "kota_serang"),
        ("directory_location_undeclared", "tidak_diketahui")]
    missing = directory.check(with_location(catalog, column="tempat", here="kota_serang"))
    assert [(p.code, p.params) for p in missing] == [
        ("directory_column_unknown", {"column": "tempat"})]


def test_the_gate_refuses_an_area_code_on_a_row_that_is_not_here(catalog):
    rows = PLACED + [row("odd", "36.73.04.1001", lokasi="luar_kota")]
    problems = directory.check(with_registry(catalog, rows))
    assert [(p.code, p.row, p.column, p.file) for p in problems] == [
        ("directory_location_area", 5, "kelurahan_kode", "datasets/lpks/lpks.csv")]
    assert directory.build(with_registry(catalog, rows)) is None


def test_location_messages_exist_in_both_languages():
    from opendata import i18n

    with project.load(ROOT).activate():
        for code in ("here", "code", "undeclared", "area"):
            for kind in ("problem", "action"):
                assert {lang: bool(i18n.t(f"{kind}.directory_location_{code}", lang,
                                          column="c", code="k")) for lang in LANGUAGES} == {
                    "id": True, "en": True}


def test_directory_page_shows_three_places_with_their_counts(catalog):
    site = site_for(with_registry(catalog, PLACED + [row("here2", "36.73.05.1002")]))
    text = directory_pages(site, "id")["lpks/index.md"]
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2>(.*?)</h2>", text)]
    assert heads[:3] == ["Di Kota Serang (2)", "Mitra di luar Kota Serang (1)",
                         "Lokasi tidak diketahui (1) — mungkin di kecamatan ini"]
    assert "Menurut sumber: 2 di Kota Serang, 1 mitra di luar Kota Serang, 1 lokasinya" in text
    kecamatan_page = directory_pages(site, "id")["wilayah/curug.md"]
    assert "lpks-nowhere" in kecamatan_page and "lpks-partner" not in kecamatan_page
