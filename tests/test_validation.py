"""Validation: every problem of every dataset, with file, row, column, in both languages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from opendata.catalog import load_catalog
from opendata.validate import report, validate

from support import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"
CSV = "datasets/lembaga/lembaga.csv"
META = "datasets/lembaga/metadata.yml"


def found(root: Path) -> list[tuple]:
    return [(p.file, p.row, p.column, p.code) for p in validate(load_catalog(root))]


def test_broken_fixture_gives_exactly_these_problems():
    assert found(BROKEN) == [
        (CSV, 3, "persen", "type-error"),            # "lima" is not a number
        (CSV, 4, "area_kode", "foreign-key"),        # 36.73.09 is not in dataset area
        (CSV, 5, "id", "primary-key"),               # id "c" twice
        (CSV, 6, "nama", "required"),                # empty required cell
        (CSV, 6, "persen", "constraint-error"),      # 101 > maximum 100
        (CSV, 7, "status", "constraint-error"),      # "tutup" not in the enum
        (CSV, 8, "nama", "formula_cell"),            # "=HYPERLINK(1)"
        (META, None, "area_kode", "column_not_described"),   # no English text
        (META, None, "status", "code_without_label"),        # nonaktif: no id label
        (META, None, "status", "code_without_label"),        # nonaktif: no en label
        (META, None, "update_frequency", "metadata_invalid"),
        (META, None, "warna", "column_unknown"),
    ]


def test_messages_name_the_value_and_the_rule_in_both_languages():
    problems = {(p.row, p.column): p for p in validate(load_catalog(BROKEN)) if p.file == CSV}
    over = problems[(6, "persen")]
    assert report.message(over, "id") == "Nilai '101' melanggar aturan kolom: tidak boleh lebih dari 100."
    assert report.message(over, "en") == "Value '101' breaks the column's rule: must not be more than 100."
    assert "schemas/lembaga.schema.json" in report.action(over, "id")
    fk = problems[(4, "area_kode")]
    assert "'36.73.09'" in report.message(fk, "id") and "'area'" in report.message(fk, "en")
    assert report.message(problems[(3, "persen")], "id") == "Nilai 'lima' bukan angka yang sah."


def test_the_real_datasets_are_valid():
    assert validate(load_catalog(ROOT)) == []


def test_no_error_limit(tmp_path):
    """frictionless stops at 1,000 errors by default; we report every one."""
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    rows = "".join(f"x{i},Nama,36.73.01,bukan-angka,aktif\n" for i in range(1500))
    (root / CSV).write_text("id,nama,area_kode,persen,status\n" + rows, encoding="utf-8")
    type_errors = [p for p in validate(load_catalog(root)) if p.code == "type-error"]
    assert len(type_errors) == 1500
    assert [p.row for p in type_errors] == list(range(2, 1502))


@pytest.mark.parametrize("name, flagged", [
    ("=HYPERLINK(1)", True),
    ("@SUM(A1)", True),
    ("-2+3+cmd|' /C calc'!A0", True),     # DDE: letters after the sign
    ("+A1", True),
    ("\tLembaga", True),
    ("+62254123456", False),              # a phone number in international form
    ("-", False),                         # a placeholder for "none"
    ("-1.5", False),
    ("+62 254 123456", True),             # Excel evaluates this one (space: intersection)
    ("-2+3", True),
    ("(0254) 123-456", False),
    ("Lembaga = pelatihan", False),
])
def test_only_text_that_could_run_as_a_formula_is_refused(tmp_path, name, flagged):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    (root / CSV).write_text(f'id,nama,area_kode,persen,status\na,"{name}",36.73.01,5,aktif\n',
                            encoding="utf-8")
    assert ((CSV, 2, "nama", "formula_cell") in found(root)) is flagged


def test_a_bad_web_address_is_named_as_a_web_address(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    schema = root / "schemas/lembaga.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace(
        '{"name": "nama", "type": "string",', '{"name": "nama", "type": "string", "format": "uri",'),
        encoding="utf-8")
    (root / CSV).write_text("id,nama,area_kode,persen,status\na,www dot lembaga,36.73.01,5,aktif\n",
                            encoding="utf-8")
    [problem] = [p for p in validate(load_catalog(root)) if p.column == "nama"]
    assert problem.code == "format-error" and problem.row == 2
    assert "alamat web" in report.message(problem, "id")
    assert "web address" in report.message(problem, "en") and "https://" in report.action(problem, "en")


def test_missing_and_unreadable_files_are_problems_not_crashes(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    (root / "schemas/area.schema.json").unlink()
    (root / META).write_text("name: [unclosed\n", encoding="utf-8")
    codes = {(p.file, p.code) for p in validate(load_catalog(root))}
    assert ("schemas/area.schema.json", "file_missing") in codes
    assert (META, "yaml_invalid") in codes


def test_excel_csv_with_semicolons_is_named_and_the_rest_is_still_checked(tmp_path):
    """Excel with Indonesian regional settings writes ';'. The file is named once, and the
    dataset that refers to it still gets every other check of its rows."""
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    (root / "datasets/area/area.csv").write_bytes(
        "\ufeffkode;nama\r\n36.73.01;Cipocok Jaya\r\n36.73.02;Curug\r\n".encode("utf-8"))
    problems = found(root)
    assert [p for p in problems if p[0] == "datasets/area/area.csv"] == [
        ("datasets/area/area.csv", 1, None, "csv_semicolon")]
    assert (CSV, None, "area_kode", "foreign_key_unchecked") in problems
    assert (CSV, 3, "persen", "type-error") in problems and (CSV, 5, "id", "primary-key") in problems
    assert not [p for p in problems if p[3] == "frictionless"]


def test_a_foreign_key_to_a_dataset_that_does_not_exist_names_the_schema(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    schema = root / "schemas/lembaga.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"resource": "area"',
                                                                 '"resource": "areaa"'),
                      encoding="utf-8")
    problems = found(root)
    assert ("schemas/lembaga.schema.json", None, "area_kode", "foreign_key_unknown") in problems
    assert not [p for p in problems if p[3] in ("foreign_key_unchecked", "frictionless")]


def test_excel_csv_that_is_not_utf8_is_named(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    (root / "datasets/area/area.csv").write_bytes("kode,nama\n36.73.01,Cipocok Jaya\xe9\n".encode("latin-1"))
    assert ("datasets/area/area.csv", None, None, "csv_not_utf8") in found(root)


def test_every_catalogue_key_has_both_languages():
    from opendata import i18n

    assert i18n.missing_translations() == []


def run_cli(root: Path, *args: str):
    """build.py against another root: the CLI reads ROOT, so run it in a copy."""
    return subprocess.run([sys.executable, str(root / "build.py"), *args], capture_output=True,
                          text=True, cwd=root)


@pytest.fixture
def broken_project(project_copy) -> Path:
    for folder in ("datasets", "schemas"):
        shutil.rmtree(project_copy / folder)
        shutil.copytree(BROKEN / folder, project_copy / folder)
    return project_copy


def test_cli_prints_one_line_per_problem_then_what_to_do(broken_project):
    done = run_cli(broken_project, "validate")
    assert done.returncode == 1
    out = done.stdout.splitlines()
    heads = [line for line in out if line.startswith("datasets/")]
    assert len(heads) == 12 and sum(h.startswith(f"{CSV}:") for h in heads) == 7
    assert f"{CSV}:3: kolom persen: Nilai 'lima' bukan angka yang sah. / " \
        "column persen: Value 'lima' is not a valid number." in heads
    first = out.index(heads[0])
    assert out[first + 1].startswith("    → Tulis nilai") and out[first + 2].startswith("    → Write")
    assert out[-2:] == [
        "12 masalah di 2 berkas. Perbaiki setiap baris di atas, lalu jalankan validasi lagi.",
        "12 problem(s) in 2 file(s). Fix each line above, then run the validation again."]
    # validate builds nothing, so it does not say that the site was not built
    assert "NOT built" not in done.stdout and "TIDAK dibangun" not in done.stdout


def test_cli_language_option(broken_project):
    indonesian = run_cli(broken_project, "validate", "--lang", "id").stdout
    english = run_cli(broken_project, "validate", "--lang", "en").stdout
    assert f"{CSV}:3: kolom persen: Nilai 'lima' bukan angka yang sah.\n" in indonesian
    assert "column persen" not in indonesian and "problem(s)" not in indonesian
    assert f"{CSV}:3: column persen: Value 'lima' is not a valid number.\n" in english
    assert "kolom persen" not in english and "masalah di" not in english


def test_cli_json_output(broken_project):
    import json

    records = json.loads(run_cli(broken_project, "validate", "--json").stdout)
    assert len(records) == 12
    assert records[0]["file"] == CSV and records[0]["row"] == 3 and records[0]["column"] == "persen"
    assert records[0]["message_id"] and records[0]["message_en"]


def test_declared_time_coverage_must_match_the_year_column(project_copy):
    meta = project_copy / "datasets/program_pelatihan/metadata.yml"
    text = meta.read_text(encoding="utf-8")
    start = re.search(r"\n  start: ([0-9]{4})\n", text).group(1)
    assert "  column: tahun\n" in text
    meta.write_text(text.replace(f"  start: {start}\n", "  start: 2009\n"), encoding="utf-8")
    [problem] = [p for p in validate(load_catalog(project_copy)) if p.code == "temporal_mismatch"]
    assert (problem.file, problem.column) == ("datasets/program_pelatihan/metadata.yml", "tahun")
    assert f"temporal.start: {start}" in report.action(problem, "en")
    csv_file = project_copy / "datasets/program_pelatihan/program_pelatihan.csv"
    header, first, *rest = csv_file.read_text(encoding="utf-8").splitlines(keepends=True)
    year = header.split(",").index("tahun")
    cells = first.split(",")
    cells[year] = "²"  # not a year: the schema reports it, the temporal check must not crash
    csv_file.write_text(header + ",".join(cells) + "".join(rest), encoding="utf-8")
    codes = [(p.code, p.column) for p in validate(load_catalog(project_copy))]
    assert ("type-error", "tahun") in codes
    meta.write_text(text.replace("  column: tahun\n", "  column: tahun_mulai\n"), encoding="utf-8")
    codes = [(p.code, p.column) for p in validate(load_catalog(project_copy))]
    assert ("temporal_column_unknown", "tahun_mulai") in codes
