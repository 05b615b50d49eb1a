"""Downloads that open well (issue 12, point 6): the Excel file has real numbers, booleans and
dates, a frozen and filtered header, fitted widths and a dictionary sheet; every version's
Data Package keeps its foreign keys and validates on its own, the tables it points to
travelling with it."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from opendata import downloads, project

from support import ROOT, valid_catalog

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def catalog():
    return valid_catalog(ROOT)


def sheet_of(catalog, name: str):
    with project.load(ROOT).activate():
        return load_workbook(io.BytesIO(downloads.to_xlsx(catalog[name])))


def test_excel_cells_have_their_types(catalog):
    book = sheet_of(catalog, "indikator")
    data = book["data"]
    header = [c.value for c in data[1]]
    first = {h: c for h, c in zip(header, data[2], strict=True)}
    assert first["utama"].data_type == "b" and first["utama"].value in (True, False)
    assert first["perkiraan"].data_type == "b"
    assert first["nilai"].data_type == "n" and isinstance(first["nilai"].value, (int, float))
    assert first["tahun"].data_type == "n" and isinstance(first["tahun"].value, int)
    assert first["wilayah_kode"].data_type == "s" and first["wilayah_kode"].value == "00"  # a code
    dated = sheet_of(catalog, "program_pelatihan")["data"]
    names = [c.value for c in dated[1]]
    starts = [row[names.index("tanggal_mulai")] for row in dated.iter_rows(min_row=2)]
    real = [c for c in starts if c.value is not None]
    assert real and all(c.is_date and isinstance(c.value, dt.datetime) for c in real)
    assert all(c.number_format == "yyyy-mm-dd" for c in real)


def test_excel_header_is_frozen_filtered_and_columns_fit(catalog):
    book = sheet_of(catalog, "lpks")
    data = book["data"]
    assert data.freeze_panes == "A2"
    assert data.auto_filter.ref == f"A1:{data.cell(1, data.max_column).column_letter}{data.max_row}"
    assert all(c.font.bold for c in data[1])
    widths = {data.column_dimensions[c.column_letter].width for c in data[1]}
    assert len(widths) > 3 and max(widths) <= 62       # fitted to each column, capped
    about = book["kamus_data"]
    assert [c.value for c in about[1]][:2] == ["kolom", "tipe"]
    assert about.max_row == len(catalog["lpks"].fields) + 1 and about.freeze_panes == "A2"


def test_text_that_looks_like_a_formula_stays_text(catalog):
    from support import with_rows

    dataset = catalog["bidang"]
    rows = [dict(r) for r in dataset.rows]
    rows[0]["catatan"] = '=HYPERLINK("https://contoh.test","klik")'
    with project.load(ROOT).activate():
        book = load_workbook(io.BytesIO(downloads.to_xlsx(with_rows(dataset, rows))))
    cells = [c for row in book["data"].iter_rows() for c in row if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def current_packages() -> list[Path]:
    found = []
    for folder in sorted((ROOT / "archive").glob("*/*")):
        meta = (ROOT / "datasets" / folder.parent.name / "metadata.yml").read_text(encoding="utf-8")
        if f'version: "{folder.name}"' in meta:
            found.append(folder / "datapackage.json")
    return found


@pytest.mark.parametrize("package", current_packages(), ids=lambda p: p.parent.parent.name)
def test_each_versions_data_package_keeps_its_keys_and_validates_alone(package, tmp_path):
    """Copied alone into an empty folder (as a researcher downloads it), the package holds
    what its keys point to, and frictionless finds it valid."""
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    name = package.parent.parent.name
    schema = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
    main = next(r for r in descriptor["resources"] if r["name"] == name)
    assert main["schema"].get("foreignKeys", []) == schema.get("foreignKeys", [])
    for resource in descriptor["resources"]:
        (tmp_path / resource["path"]).write_bytes((package.parent / resource["path"]).read_bytes())
    (tmp_path / "datapackage.json").write_bytes(package.read_bytes())
    done = subprocess.run([str(FRICTIONLESS), "validate", "datapackage.json"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
