"""Unit tests of the stages, each on its own: paths, pages helpers, figures, downloads."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import pytest

from opendata import downloads, figures, paths, render, urls
from opendata.catalog import load_catalog

from support import ROOT, with_dataset, with_rows


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(ROOT)


# --- paths ----------------------------------------------------------------------------------

@pytest.mark.parametrize("source,lang,target,expected", [
    ("index.md", "id", "data/x/1.0.0/x.csv", "data/x/1.0.0/x.csv"),
    ("index.md", "en", "data/x/1.0.0/x.csv", "../data/x/1.0.0/x.csv"),
    ("dataset/lpks/index.md", "id", "data/lpks/1.0.0/lpks.csv", "../../data/lpks/1.0.0/lpks.csv"),
    ("dataset/lpks/index.md", "en", "en/katalog/", "../../../en/katalog/"),
    ("katalog.md", "id", "dataset/lpks/", "../dataset/lpks/"),
])
def test_relative_links_from_a_page(source, lang, target, expected):
    assert paths.link(source, lang, target) == expected


def test_page_urls_follow_mkdocs_directory_urls():
    assert paths.page_url("index.md") == ""
    assert paths.page_url("katalog.md") == "katalog/"
    assert paths.page_url("dataset/lpks/index.md") == "dataset/lpks/"


# --- pages: escaping helpers ------------------------------------------------------------------

@pytest.mark.parametrize("url,ok", [
    ("https://bps.go.id/", True),
    ("tel:+62254123", True),
    ("mailto:data@example.org", True),
    ("http://dppkspsi.com/x", False),          # not https: shown as text
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    ('https://x.org/"onmouseover="alert(1)', False),
    ("https:///nohost", False),
    ("data:text/html,<script>", False),
    ("", False),
    (None, False),
])
def test_only_https_tel_and_mailto_become_links(url, ok):
    assert (urls.safe_url(url) is not None) is ok


def test_titles_lose_markup_characters_because_the_theme_prints_them_raw():
    assert render.plain_title('<script>alert("x")</script> Data') == "scriptalert(x)/script Data"
    assert render.plain_title("Baris\nbaru") == "Baris baru"


def test_document_front_matter_cannot_be_broken_by_a_title():
    text = render.document("a: b\n---\n# injected", "<p>body</p>")
    front = text.split("---\n")[1]
    import yaml

    assert yaml.safe_load(front) == {"title": "a: b --- # injected"}
    assert text.endswith("<p>body</p>\n")


# --- figures ----------------------------------------------------------------------------------

def declared(catalog, key):
    return next((d, f) for d, f in figures.declarations(catalog) if f["key"] == key)


def test_latest_tpt_is_the_newest_preferred_figure(catalog):
    dataset, declaration = declared(catalog, "tpt-terbaru")
    rows = sorted(figures.select(dataset, declaration["filter"]), key=lambda r: r["tahun"])
    years = [r["tahun"] for r in rows]
    assert years == sorted(years) and len(set(years)) == len(years)
    latest = next(f for f in figures.key_figures(catalog) if f.key == "tpt-terbaru")
    assert latest.year == max(years)
    assert latest.value == float(rows[-1]["nilai"])
    assert latest.sources[0].url == rows[-1]["sumber_url"]


def test_a_figure_without_data_is_left_out_not_invented(catalog):
    without = replace(catalog, datasets=tuple(d for d in catalog.datasets if d.name != "indikator"))
    keys = {f.key for f in figures.key_figures(without)}
    assert "tpt-terbaru" not in keys and "tpt-perubahan" not in keys
    assert "lpks-dilaporkan" in keys


def test_coverage_counts_kelurahan_with_a_listed_institution(catalog):
    registry = catalog["lpks"]
    kelurahan = [r["kode"] for r in catalog["wilayah"].rows if r["tingkat"] == "kelurahan"]
    assert len(kelurahan) == 67

    def coverage(c):
        return next(f for f in figures.key_figures(c) if f.key == "cakupan-kelurahan")

    row = dict(registry.rows[0], id="uji", kelurahan_kode=kelurahan[-1])
    bigger = with_dataset(catalog, with_rows(registry, registry.rows + (row, row)))
    assert coverage(bigger).value == coverage(catalog).value + 1
    assert coverage(bigger).total == 67


# --- downloads --------------------------------------------------------------------------------

def test_release_files_are_deterministic(catalog):
    dataset = catalog["indikator"]
    assert downloads.release_files(dataset) == downloads.release_files(dataset)


def test_zip_entries_have_a_fixed_date(catalog):
    files = downloads.release_files(catalog["bidang"])
    path = paths.download_file("bidang", catalog["bidang"].version, "zip")
    with zipfile.ZipFile(io.BytesIO(files[path])) as archive:
        assert {info.date_time for info in archive.infolist()} == {downloads.FIXED_TIME}


def test_json_download_is_typed(catalog):
    dataset = catalog["indikator"]
    document = json.loads(downloads.to_json(dataset))
    first = document["data"][0]
    typed = dataset.records[0]
    assert isinstance(first["tahun"], int) and first["tahun"] == typed["tahun"]
    assert isinstance(first["nilai"], (int, float)) and isinstance(first["utama"], bool)
