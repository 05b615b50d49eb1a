"""What page sections show, computed as plain data (opendata/views.py): the preview's cells
in the page's language, the sources grouped by publisher. Expected values come from the
CSV and the metadata, not written in."""

from __future__ import annotations

import pytest

from opendata import i18n, project, views

from support import ROOT, valid_catalog, with_rows


@pytest.fixture(scope="module")
def catalog():
    with project.load(ROOT).activate():
        yield valid_catalog(ROOT)


@pytest.fixture(autouse=True)
def active():
    with project.load(ROOT).activate():
        yield


def column(table: dict, rows, name: str) -> list[dict]:
    index = [c["name"] for c in table["columns"]].index(name)
    return [row[index] for row in table["rows"]]


def test_preview_numbers_follow_the_page_language(catalog):
    dataset = catalog["indikator"]
    rows = [r for r in dataset.rows if "." in r["nilai"]][:3] + \
           [r for r in dataset.rows if r["nilai"].isdigit() and int(r["nilai"]) >= 10000][:2]
    assert len(rows) == 5
    for lang, decimal, group in (("id", ",", "."), ("en", ".", ",")):
        table = views.preview(dataset, rows, lang)
        cells = column(table, rows, "nilai")
        for row, cell in zip(rows, cells, strict=True):
            written = row["nilai"]
            if "." in written:
                whole, fraction = written.split(".")
                assert cell["text"] == f"{int(whole):,}".replace(",", group) + decimal + fraction
            else:
                assert cell["text"] == f"{int(written):,}".replace(",", group)
        # years are written as they are, never '2.025'
        assert [c["text"] for c in column(table, rows, "tahun")] == [r["tahun"] for r in rows]


def test_preview_negatives_use_the_minus_sign(catalog):
    dataset = catalog["indikator"]
    row = {**dataset.rows[0], "nilai": "-1.15"}
    table = views.preview(with_rows(dataset, [row]), [row], "en")
    assert column(table, [row], "nilai")[0]["text"] == "\u22121.15"


def test_preview_codes_and_booleans_are_labelled_in_the_page_language(catalog):
    dataset = catalog["indikator"]
    rows = dataset.rows[:5]
    for lang in ("id", "en"):
        table = views.preview(dataset, rows, lang)
        for row, cell in zip(rows, column(table, rows, "utama"), strict=True):
            assert cell["text"] == i18n.t(f"value.{row['utama']}", lang)
        for row, cell in zip(rows, column(table, rows, "keyakinan"), strict=True):
            assert cell["text"] == dataset.code_label("keyakinan", row["keyakinan"], lang)


def test_preview_marks_the_language_of_its_cells_on_english_pages(catalog):
    """Text as written stays Indonesian (the table body says so); what the page translated
    or formatted (labels, numbers) is English, and a column '<name>_en' is English too."""
    dataset = catalog["indikator"]
    rows = dataset.rows[:3]
    english = views.preview(dataset, rows, "en")
    assert english["body_lang"] == "id"
    assert {c["lang"] for c in column(english, rows, "catatan")} == {""}     # the body's: id
    assert {c["lang"] for c in column(english, rows, "keyakinan")} == {"en"}
    assert {c["lang"] for c in column(english, rows, "nilai")} == {"en"}
    indonesian = views.preview(dataset, rows, "id")
    assert indonesian["body_lang"] == "" and {c["lang"] for row in indonesian["rows"] for c in row} == {""}
    fields = catalog["bidang"]
    names = views.preview(fields, fields.rows[:2], "en")
    assert {c["lang"] for c in column(names, fields.rows[:2], "nama_en")} == {"en"}
    assert {c["lang"] for c in column(names, fields.rows[:2], "nama_id")} == {""}


def test_sources_are_grouped_by_publisher_in_order(catalog):
    for dataset in catalog.datasets:
        sources = dataset.metadata.get("sources") or []
        groups = views.source_groups(dataset)
        assert [g["publisher"] for g in groups] == list(dict.fromkeys(s["publisher"] for s in sources))
        assert sum(len(g["pages"]) for g in groups) == len(sources)
        for group in groups:
            wanted = [s["url"] for s in sources if s["publisher"] == group["publisher"]]
            assert [p["url"] for p in group["pages"]] == [u or "" for u in wanted]
            # a web address (https, or http where the source has no other) becomes a link:
            # hiding it would read as "no URL"
            assert all((p["href"] is not None) == (p["url"] or "").startswith(("https://", "http://"))
                       for p in group["pages"])
        assert views.accessed_count(groups) == sum(1 for s in sources if s.get("accessed"))
