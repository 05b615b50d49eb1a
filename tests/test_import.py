"""`opendata import`: the office's Excel workbook or CSV (any regional setting) becomes the
dataset's canonical CSV, identical whatever Excel wrote; what cannot be read without a guess
is refused with file, row and column, and then nothing is written. Every file here is made
by the test (synthetic rows in a synthetic dataset `uji`)."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import sys

import pytest
from openpyxl import Workbook

from opendata import archive, importer, project
from opendata.catalog import load_catalog
from opendata.cli import main
from opendata.validate import validate

from gitrepo import DATES, commit, git, prune_archive
from support import ROOT

FIELDS = [
    {"name": "kode", "type": "string", "title": "Kode", "constraints": {"required": True, "pattern": "^[0-9]{3}$"}},
    {"name": "nama", "type": "string", "title": "Nama lembaga"},
    {"name": "nilai", "type": "number"},
    {"name": "jumlah", "type": "integer"},
    {"name": "aktif", "type": "boolean"},
    {"name": "mulai", "type": "date"},
    {"name": "sumber_tanggal", "type": "string",
     "constraints": {"pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}},
]
HEADER = [f["name"] for f in FIELDS]
# what every variant below must become, byte for byte
CANONICAL = (
    "kode,nama,nilai,jumlah,aktif,mulai,sumber_tanggal\n"
    "007,Balai Uji Érna,9.26,1234,true,2024-12-25,2024-02-01\n"
    '012,"Lembaga Dua, Cabang ""Barat""",1234.5,7,false,2024-01-02,2023\n'
    "100,Tiga,0.5,1234567,true,,2025-11\n"
).encode()


def make_project(root, current: bytes | None = None):
    (root / "schemas").mkdir(parents=True)
    (root / "datasets/uji").mkdir(parents=True)
    (root / "schemas/uji.schema.json").write_text(json.dumps(
        {"fields": FIELDS, "missingValues": [""], "primaryKey": ["kode"]}), encoding="utf-8")
    (root / "datasets/uji/metadata.yml").write_text('name: uji\nversion: "1.0.0"\n', encoding="utf-8")
    if current is not None:
        (root / "datasets/uji/uji.csv").write_bytes(current)
    return root


def imported(root, file, **options) -> importer.Prepared:
    return importer.prepare(project.load(root), "uji", file, importer.Options(**options))


def excel_id(rows, sep=";", bom=True, sep_line=True, trailing=" ") -> bytes:
    """As Excel with Indonesian regional settings saves CSV: ';', CRLF, decimal comma,
    dotted thousands, dd/mm/yyyy, BENAR/SALAH, and spaces the officer left behind."""
    out = io.StringIO()
    if sep_line:
        out.write("sep=;\r\n")
    import csv
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(row)
    data = out.getvalue().replace("Tiga", "Tiga" + trailing)
    return (codecs.BOM_UTF8 if bom else b"") + data.encode("utf-8")


ROWS_ID = [["007", "Balai Uji Érna", "9,26", "1.234", "BENAR", "25/12/2024", "01/02/2024"],
           ["012", 'Lembaga Dua, Cabang "Barat"', "1.234,5", "7", "SALAH", "02/01/2024", "2023"],
           ["100", "Tiga", "0,5", "1.234.567", "TRUE", "", "2025-11"]]
ROWS_EN = [["007", "Balai Uji Érna", "9.26", "1,234", "TRUE", "12/25/2024", "02/01/2024"],
           ["012", 'Lembaga Dua, Cabang "Barat"', "1,234.5", "7", "FALSE", "01/02/2024", "2023"],
           ["100", "Tiga ", "0.5", "1,234,567", "true", "", "2025-11"]]


def csv_bytes(header, rows, delimiter=",", terminator="\n", quoting=0) -> str:
    import csv
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def workbook(path, header, rows, formats=None) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Lembar1"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for (row, column), fmt in (formats or {}).items():
        sheet.cell(row=row, column=column).number_format = fmt
    book.create_sheet("catatan").append(["bukan data"])
    book.save(path)


def variants(folder):
    """Every way the office's program may hand over the same rows."""
    files = {}
    files["canonical.csv"] = CANONICAL
    files["excel-id.csv"] = excel_id(ROWS_ID)
    files["excel-id-no-sep-line.csv"] = excel_id(ROWS_ID, sep_line=False, bom=False)
    reordered = [HEADER[i] for i in (1, 0, 2, 3, 4, 5, 6)]
    titles = ["NAMA LEMBAGA ", " kode"] + reordered[2:]
    files["windows-1252.csv"] = csv_bytes(
        titles, [[r[1], r[0], *r[2:]] for r in ROWS_ID], ";", "\r\n").encode("cp1252")
    files["unicode-text.txt"] = codecs.BOM_UTF16_LE + csv_bytes(
        HEADER, ROWS_ID, "\t", "\r\n").encode("utf-16-le")
    files["excel-en.csv"] = csv_bytes(HEADER, ROWS_EN, ",", "\r\n", quoting=1).encode("utf-8")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    typed = [[7, "Balai Uji Érna ", 9.26, 1234, True, dt.datetime(2024, 12, 25), dt.datetime(2024, 2, 1)],
             ["012", 'Lembaga Dua, Cabang "Barat"', 1234.5, 7.0, False, dt.date(2024, 1, 2), 2023],
             ["100", "Tiga", 0.5, 1234567, "true", None, dt.datetime(2025, 11, 1)]]
    workbook(folder / "typed.xlsx", HEADER, typed,
             {(2, 1): "000", (2, 7): "dd/mm/yyyy", (4, 7): "mmm-yy"})
    text = [line.split("|") for line in CANONICAL.decode().replace('"Lembaga Dua, Cabang ""Barat"""',
                                                                     'Lembaga Dua, Cabang "Barat"')
            .replace(",", "|").replace("Dua| Cabang", "Dua, Cabang").splitlines()]
    workbook(folder / "text.xlsx", text[0], text[1:])   # every cell text, as the site's XLSX
    return sorted(folder.glob("*.*"))


def test_every_variant_becomes_the_same_canonical_csv(tmp_path):
    root = make_project(tmp_path / "p")
    inputs = tmp_path / "in"
    inputs.mkdir()
    found = {}
    for file in variants(inputs):
        prepared = imported(root, file)
        assert prepared.problems == (), (file.name, prepared.problems)
        found[file.name] = prepared.data
    assert len(found) == 8
    different = {name: data.decode() for name, data in found.items() if data != CANONICAL}
    assert different == {}
    assert not (root / "datasets/uji/uji.csv").exists()   # prepare writes nothing


def test_the_cli_writes_the_canonical_csv_after_showing_the_changes(tmp_path, capsys, monkeypatch):
    current = CANONICAL.replace(b"9.26", b"8.5").replace(b"100,Tiga", b"200,Empat")
    root = make_project(tmp_path / "p", current)
    file = tmp_path / "kantor.csv"
    file.write_bytes(excel_id(ROWS_ID))
    target = root / "datasets/uji/uji.csv"
    answers = iter(["n", "ya"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    args = ["import", str(file), "--dataset", "uji", "--root", str(root), "--lang", "en"]
    assert main(args) == 1
    shown = capsys.readouterr().out
    assert "1 row added, 1 row removed, 1 row changed." in shown
    assert "  + 100" in shown and "  - 200" in shown and "  ~ 007: nilai: '8.5' → '9.26'" in shown
    assert "Not written" in shown and target.read_bytes() == current
    assert main(args) == 0
    assert target.read_bytes() == CANONICAL
    assert "written. Next: opendata validate, then opendata release uji." in capsys.readouterr().out
    assert main([*args, "--yes"]) == 0
    assert "Nothing changes" in capsys.readouterr().out
    (root / "datasets/uji/metadata.yml").write_text("name: [broken\n")   # the CSV is still read
    assert main([*args, "--yes"]) == 0
    assert "Nothing changes" in capsys.readouterr().out


def refused(root, file, capsys, *flags) -> str:
    target = root / "datasets/uji/uji.csv"
    before = target.read_bytes() if target.exists() else None
    code = main(["import", str(file), "--dataset", "uji", "--root", str(root), "--yes", *flags])
    out = capsys.readouterr().out
    assert code == 1, out
    assert (target.read_bytes() if target.exists() else None) == before   # nothing written
    assert "nothing was written" in out
    return out


def one_row(tmp_path, nilai="7", jumlah="1", mulai="2024-12-25", name="kantor.csv") -> object:
    file = tmp_path / name
    file.write_text(csv_bytes(HEADER, [["001", "Satu", "5", "2", "true", "2024-12-25", ""],
                                       ["002", "Dua", nilai, jumlah, "false", mulai, ""]]),
                    encoding="utf-8")
    return file


@pytest.mark.parametrize("cell, thousands, decimal", [("1.234", "1234", "1.234"),
                                                      ("1,234", "1234", "1.234")])
def test_a_number_that_reads_two_ways_is_refused_until_the_officer_says_which(
        tmp_path, capsys, cell, thousands, decimal):
    root = make_project(tmp_path / "p", CANONICAL)
    file = one_row(tmp_path, nilai=cell)
    out = refused(root, file, capsys)
    where = f"{file}:3: kolom nilai:"
    assert f"{where} '{cell}' bisa berarti 1234 atau 1,234" in out
    assert f"{file}:3: column nilai: '{cell}' could mean 1234 or 1.234" in out
    mark = "dot" if cell[1] == "." else "comma"
    other = "comma" if mark == "dot" else "dot"
    assert f"--thousands-{mark} if it means 1234" in out and f"--decimal-{mark} if it means 1.234" in out
    for flag, expected in ((f"--thousands-{mark}", thousands), (f"--decimal-{mark}", decimal)):
        assert main(["import", str(file), "--dataset", "uji", "--root", str(root), "--yes", flag]) == 0
        assert f"002,Dua,{expected},1," in (root / "datasets/uji/uji.csv").read_text()
    contradicting = "9.26" if mark == "dot" else "9,26"
    out = refused(root, one_row(tmp_path, nilai=contradicting), capsys, f"--decimal-{other}")
    assert f"{where} '{contradicting}' bukan angka yang ditulis dengan" in out   # the flag is wrong
    assert f"(--decimal-{other})" in out


def test_a_date_that_reads_two_ways_is_refused_until_the_officer_says_which(tmp_path, capsys):
    root = make_project(tmp_path / "p", CANONICAL)
    file = one_row(tmp_path, mulai="01/02/2024")
    file.write_text(file.read_text().replace("2024-12-25", "03/04/2024"))
    out = refused(root, file, capsys)
    assert f"{file}:2: kolom mulai: '03/04/2024' bisa berarti 2024-04-03 atau 2024-03-04" in out
    assert f"{file}:3: column mulai: '01/02/2024' could mean 2024-02-01 or 2024-01-02" in out
    assert "--date-format dd/mm/yyyy" in out
    for fmt, expected in (("dd/mm/yyyy", "2024-02-01"), ("mm/dd/yyyy", "2024-01-02")):
        assert main(["import", str(file), "--dataset", "uji", "--root", str(root), "--yes",
                     "--date-format", fmt]) == 0
        assert f",false,{expected}," in (root / "datasets/uji/uji.csv").read_text()


def test_a_file_that_settles_a_convention_both_ways_is_refused_at_both_cells(tmp_path, capsys):
    root = make_project(tmp_path / "p", CANONICAL)
    file = one_row(tmp_path, nilai="9,26", mulai="25/12/2024")
    file.write_text(file.read_text().replace(",5,", ",9.5,").replace("2024-12-25", "12/25/2024", 1))
    out = refused(root, file, capsys, "--lang", "en")
    assert f"{file}:2: column nilai: The cell '9.5' uses '.' as the decimal mark" in out
    assert f"{file}:3: column nilai: The cell '9,26' uses ',' as the decimal mark" in out
    assert f"{file}:2: column mulai: The date '12/25/2024' can only be read as mm/dd/yyyy" in out
    assert f"{file}:3: column mulai: The date '25/12/2024' can only be read as dd/mm/yyyy" in out


def test_a_header_it_cannot_map_is_refused(tmp_path, capsys):
    root = make_project(tmp_path / "p", CANONICAL)
    file = tmp_path / "kantor.csv"
    header = ["kode", "nama lembaga", "nilai", "jumlah", "aktif", "tanggal mulai", "sumber_tanggal"]
    file.write_text(csv_bytes(header, [["001", "Satu", "5", "2", "true", "", ""]]), encoding="utf-8")
    out = refused(root, file, capsys, "--lang", "en")
    assert f"{file}:1: column tanggal mulai: The column title 'tanggal mulai' is not one" in out
    assert f"{file}: column mulai: The file has no column 'mulai'." in out


def test_excel_cells_that_are_not_values_are_refused(tmp_path, capsys):
    """A formula is refused, not read as its value: the value is whatever Excel last computed
    (a file written by another program has none), and a published figure is a value with a
    source. Percent cells and two-digit years are refused too."""
    root = make_project(tmp_path / "p", CANONICAL)
    file = tmp_path / "kantor.xlsx"
    workbook(file, HEADER, [["001", "Satu", "=2+3", 2, True, None, None],
                            ["002", "Dua", 0.0926, 3, False, "01/02/24", None]],
             {(3, 3): "0.00%"})
    out = refused(root, file, capsys, "--lang", "en")
    assert f"{file} [Lembar1]:2: column nilai: This cell holds a formula (=2+3)" in out
    assert "Paste Special → Values" in out
    assert f"{file} [Lembar1]:3: column nilai: This cell is formatted as a percentage (9.26 %)" in out
    assert f"{file} [Lembar1]:3: column mulai: The year in '01/02/24' has two digits only." in out
    assert main(["import", str(file), "--dataset", "uji", "--root", str(root), "--sheet", "x"]) == 1
    assert "There is no sheet 'x'; the sheets are: Lembar1, catatan." in capsys.readouterr().out


def test_a_file_it_cannot_read_is_refused(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    file = tmp_path / "lama.xls"
    file.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert "Excel Workbook (.xlsx)" in refused(root, file, capsys, "--lang", "en")
    file = tmp_path / "rusak.csv"
    file.write_bytes(b"kode,nama\n001,\x81\x8d\n")
    assert "cannot be read (encoding UTF-8, Windows-1252)" in refused(root, file, capsys, "--lang", "en")
    assert main(["import", str(file), "--dataset", "tidak_ada", "--root", str(root)]) == 1
    assert "There is no dataset 'tidak_ada'" in capsys.readouterr().out


# --- saving again is not a new version ------------------------------------------------------

def excel_resave(data: bytes, fields) -> bytes:
    """A released CSV as Excel with Indonesian settings saves it again: BOM, CRLF, ';', a
    decimal comma, dd/mm/yyyy for ISO dates, TRUE/FALSE."""
    import csv
    import re

    kinds = {f["name"]: f.get("type", "string") for f in fields}
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        cells = []
        for column, cell in zip(rows[0], row, strict=True):
            if kinds[column] == "number":
                cell = cell.replace(".", ",")
            elif kinds[column] == "boolean":
                cell = cell.upper()
            elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell):
                cell = f"{cell[8:]}/{cell[5:7]}/{cell[:4]}"
            cells.append(cell)
        writer.writerow(cells)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def test_importing_a_released_version_saved_again_gives_the_archived_bytes(project_copy, tmp_path):
    """Every real dataset's newest archived release, re-saved as an Excel workbook (the
    site's own XLSX download) and as an Indonesian Excel CSV, imports to the archived CSV
    byte for byte, and `validate` finds no change of a released version."""
    prune_archive(project_copy)   # one commit: only the current versions are released
    git(project_copy, "init", "-q", "-b", "main")
    commit(project_copy, "satu", DATES[0])
    active = project.load(project_copy)
    catalog = load_catalog(project_copy)
    for dataset in catalog.datasets:
        version = dataset.version
        files = archive.read(active, dataset.name, version)
        archived = files[f"{dataset.name}.csv"]
        resaved = tmp_path / f"{dataset.name}.csv"
        resaved.write_bytes(excel_resave(archived, dataset.fields))
        workbook_file = tmp_path / f"{dataset.name}.xlsx"
        workbook_file.write_bytes(files[f"{dataset.name}.xlsx"])
        # the officer says how the CSV writes numbers and dates (the guide shows how)
        for file, options in ((workbook_file, importer.Options()),
                              (resaved, importer.Options(decimal=",", date_order="dmy"))):
            prepared = importer.prepare(active, dataset.name, file, options)
            assert prepared.problems == (), (file.name, prepared.problems)
            assert prepared.data == archived, file.name
            assert prepared.unchanged and prepared.diff.empty
        assert importer.run(active, dataset.name, resaved, options, yes=True, out=lambda line: None) == 0
        assert project_copy.joinpath(dataset.csv_file).read_bytes() == archived
    assert validate(load_catalog(project_copy)) == []


def test_import_is_wired_into_make_and_build_py(tmp_path):
    import subprocess

    done = subprocess.run(["make", "-n", "import", "FILE=kantor data.xlsx", "DATASET=uji"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert 'import "kantor data.xlsx" --dataset "uji"' in done.stdout
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "import", "--help"],
                          capture_output=True, text=True, check=True)
    assert "--decimal-comma" in done.stdout and "--date-format" in done.stdout
