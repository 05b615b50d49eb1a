"""Indonesian and English all the way down: same pages, no stray label, formatted numbers."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
import yaml

from opendata import i18n, paths
from opendata.catalog import load_catalog
from opendata.validate import validate

from support import LANGUAGES, ROOT

# --- formatting ---------------------------------------------------------------------------

def test_numbers_percentages_and_dates_per_language():
    assert i18n.percent(9.26, "id") == "9,26 %"
    assert i18n.percent(9.26, "en") == "9.26%"
    assert i18n.number(27125, "id") == "27.125"
    assert i18n.number(27125, "en") == "27,125"
    assert i18n.number(6.95, "id") == "6,95"
    assert i18n.date("2025-11-26", "id") == "26 November 2025"
    assert i18n.date("2025-11-26", "en") == "26 November 2025"
    assert i18n.date(dt.date(2024, 2, 13), "id") == "13 Februari 2024"
    assert i18n.date("2024-02", "en") == "February 2024"
    assert i18n.date("2024-08", "id") == "Agustus 2024"


# --- both trees ---------------------------------------------------------------------------

def pages_of(site: Path, lang: str) -> set[str]:
    base = site / paths.language_root(lang)
    found = set()
    for page in base.rglob("*.html"):
        relative = page.relative_to(base).as_posix()
        if lang == "id" and relative.startswith(tuple(f"{code}/" for code in LANGUAGES)):
            continue
        found.add(relative)
    return found


def test_every_page_exists_in_both_languages(built_site):
    indonesian, english = pages_of(built_site, "id"), pages_of(built_site, "en")
    assert indonesian == english
    assert {"index.html", "katalog/index.html", "tentang/index.html"} <= indonesian


def test_every_page_declares_its_language(built_site):
    for lang in LANGUAGES:
        for page in pages_of(built_site, lang):
            text = (built_site / paths.language_root(lang) / page).read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in text, page


def test_landmark_names_are_in_the_page_language(built_site):
    """The theme's Indonesian file names the header landmark in English; ours does not."""
    labels = {lang: set(re.findall(r'aria-label="([^"]*)"', (
        built_site / paths.language_root(lang) / "index.html").read_text(encoding="utf-8")))
        for lang in LANGUAGES}
    assert "Kepala halaman" in labels["id"] and "Header" not in labels["id"]
    assert "Header" in labels["en"]
    assert not ({"Search", "Navigation", "Table of contents"} & labels["id"])


def test_hreflang_alternates_in_every_page_head(built_site, site_url):
    for page in pages_of(built_site, "id"):
        if not page.endswith("index.html"):
            continue
        path = page[: -len("index.html")]
        for lang in LANGUAGES:
            head = (built_site / paths.language_root(lang) / page).read_text(encoding="utf-8").split("</head>")[0]
            assert f'hreflang="id" href="{site_url}{path}"' in head, (lang, page)
            assert f'hreflang="en" href="{site_url}en/{path}"' in head, (lang, page)
            assert f'hreflang="x-default" href="{site_url}{path}"' in head, (lang, page)


def visible_text(page: Path) -> str:
    """The page's own words: main content and navigation, without elements marked as another
    language (the language switch names English in English) and without data tables."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"<(script|style|head)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r'<(a|p|span|small|td|q)\b[^>]*\blang="[a-z]+"[^>]*>.*?</\1>', " ", text, flags=re.S)
    text = re.sub(r'<a\b[^>]*\brel="license"[^>]*>.*?</a>', " ", text, flags=re.S)  # a name
    text = re.sub(r'<table class="od-table od-(preview|rows|data)">.*?</table>', " ", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def catalogue_labels(lang: str, other: str) -> list[str]:
    """Texts of the catalogue in `lang` that differ from their `other` translation: these must
    not show up on pages of `other`."""
    labels = []
    for key, texts in i18n.catalogue().items():
        if key.startswith("language."):  # "Indonesia" names a language and a country
            continue
        text = texts[lang]
        if text != texts[other] and "{" not in text and len(text) >= 6:
            labels.append(text)
    return labels


@pytest.mark.parametrize("lang,other", [("id", "en"), ("en", "id")])
def test_no_page_shows_a_label_of_the_other_language(built_site, lang, other):
    stray = catalogue_labels(other, lang)
    offenders = []
    for page in pages_of(built_site, lang):
        if not page.endswith("index.html"):
            continue
        text = visible_text(built_site / paths.language_root(lang) / page)
        offenders += [(page, label) for label in stray if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text)]
    assert offenders == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dataset_texts_come_from_metadata_in_the_page_language(built_site, lang):
    catalog = load_catalog(ROOT)
    for dataset in catalog.datasets:
        page = (built_site / paths.language_root(lang) / "dataset" / dataset.name / "index.html").read_text(encoding="utf-8")
        assert html.escape(dataset.text("title", lang), quote=True) in page
        for field in dataset.fields:
            assert html.escape(dataset.column_text(field["name"], lang), quote=True) in page


# --- a missing translation fails validation -------------------------------------------------

def test_a_missing_catalogue_translation_is_named(project_copy):
    """The site's own texts (messages.yml at its root) override the package's, in every
    language: a text given in one language only is named, with its file."""
    (project_copy / "messages.yml").write_text('page.about: {id: "Tentang kami"}\n', encoding="utf-8")
    from opendata import project

    with project.load(project_copy).activate():
        assert i18n.t("page.about", "id") == "Tentang kami"
        problems = [(p.file, p.code, p.column, p.params.get("lang"))
                    for p in validate(load_catalog(project_copy))]
    assert problems == [("messages.yml", "translation_missing", "page.about", "en")]


def test_a_missing_metadata_translation_is_named(project_copy):
    file = project_copy / "datasets/bidang/metadata.yml"
    metadata = yaml.safe_load(file.read_text(encoding="utf-8"))
    del metadata["title"]["en"]
    del metadata["columns"]["kode"]["id"]
    file.write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    problems = {(p.file, p.code, p.column) for p in validate(load_catalog(project_copy))}
    assert problems == {
        ("datasets/bidang/metadata.yml", "metadata_invalid", "title"),
        ("datasets/bidang/metadata.yml", "column_not_described", "kode"),
    }


def test_a_code_without_a_label_is_named(project_copy):
    file = project_copy / "datasets/lpks/metadata.yml"
    metadata = yaml.safe_load(file.read_text(encoding="utf-8"))
    code = next(iter(metadata["codes"]["jenis"]))
    del metadata["codes"]["jenis"][code]["en"]
    file.write_text(yaml.safe_dump(metadata, allow_unicode=True), encoding="utf-8")
    problems = [(p.code, p.column, p.params.get("code"), p.params.get("lang"))
                for p in validate(load_catalog(project_copy))]
    assert problems == [("code_without_label", "jenis", code, "en")]


# --- in the browser -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["", "katalog/", "dataset/indikator/", "tentang/"])
def test_language_switch_lands_on_the_same_page(open_page, site_url, path):
    page, recorder = open_page(path)
    page.click("a[data-od-lang-switch]")
    page.wait_for_url(f"{site_url}en/{path}")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("a[data-od-lang-switch]")
    page.wait_for_url(f"{site_url}{path}")
    assert page.locator("html").get_attribute("lang") == "id"
    assert recorder.errors == [] and recorder.foreign == []


@pytest.mark.parametrize("lang,query,expected", [
    ("id", "pengangguran", "Indikator ketenagakerjaan"),
    ("en", "unemployment", "Labour market indicators"),
])
def test_search_finds_pages_in_the_page_language(open_page, lang, query, expected):
    page, recorder = open_page(paths.language_root(lang))
    page.click("label.md-search__icon, .md-search__input")
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10000)
    titles = " ".join(results.all_inner_texts())
    assert expected in titles
    assert recorder.foreign == []
