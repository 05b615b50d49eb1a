"""The fast validator (opendata/validate/fast.py) against frictionless: the same problems on
random tables with every kind of planted error, on the real datasets and on the broken
fixture; then each deliberate difference, and the structure problems, one by one."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from opendata.catalog import load_catalog
from opendata.validate import fast_csv, fast_structure, report, tables
from opendata.validate.fast import check_table, foreign_key_problems, list_reference_problems
from opendata.validate.fast_errors import OwnRules

from support import ROOT

BROKEN = Path(__file__).parent / "fixtures" / "broken"
OWN = {"number_underscore", "number_digits", "number_nan", "number_infinite", "number_too_large",
       "required_spaces", "control_character", "personal_id", "cell_too_long", "count_not_whole"}


# --- running both validators over a catalogue ------------------------------------------------

def referenced(catalog, name: str) -> list[str]:
    """The fields of dataset `name` that other datasets (or itself) refer to."""
    found = []
    for other in catalog.datasets:
        for fk in other.schema.get("foreignKeys") or []:
            if (fk["reference"]["resource"] or other.name) == name:
                found += fk["reference"]["fields"]
        for ref in other.metadata.get("list_references") or []:
            if ref.get("resource") == name:
                found.append(ref["reference_field"])
            if other.name == name:
                found.append(ref["field"])
    return found


def fast_problems(root: Path, keep: bool = True) -> list:
    catalog = load_catalog(root)
    checked = {d.name: check_table(d.csv_bytes, d.schema, file=d.csv_file, name=d.name,
                                   checks=d.metadata.get("checks") or [], keep=keep,
                                   keys=referenced(catalog, d.name))
               for d in catalog.datasets}
    problems = []
    for d in catalog.datasets:
        check = checked[d.name]
        problems += check.problems + foreign_key_problems(check, d.schema, checked)
        problems += list_reference_problems(check, d.metadata.get("list_references"), checked)
    return problems


def frictionless_problems(root: Path) -> list:
    return tables.validate_tables(load_catalog(root))


def as_counted(problems, drop=OWN) -> Counter:
    """Everything a problem says: where, what, its params and frictionless's own words."""
    return Counter((p.file, p.row, p.column, p.code, json.dumps(p.params, sort_keys=True, default=str),
                    p.detail) for p in problems if p.code not in drop)


def assert_same(root: Path, keep: bool = True):
    expected, found = as_counted(frictionless_problems(root)), as_counted(fast_problems(root, keep))
    assert found - expected == Counter() and expected - found == Counter()
    return expected


def write_dataset(root: Path, name: str, schema: dict, rows: list[list[str]] | str,
                  metadata: dict | None = None) -> None:
    folder = root / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / f"{name}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (folder / "metadata.yml").write_text(yaml.safe_dump(metadata or {"name": name}), encoding="utf-8")
    if isinstance(rows, list):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([[f["name"] for f in schema["fields"]], *rows])
        rows = out.getvalue()
    (folder / f"{name}.csv").write_text(rows, encoding="utf-8", newline="")


# --- random tables with every kind of error ------------------------------------------------

CENTRES = {
    "missingValues": ["", "NA"],
    "fields": [
        {"name": "kode", "type": "string",
         "constraints": {"required": True, "unique": True, "pattern": "[A-Z]{2}[0-9]{2}"}},
        {"name": "nama", "type": "string", "constraints": {"required": True, "minLength": 3, "maxLength": 12}},
        {"name": "induk", "type": "string"},
        {"name": "aktif", "type": "boolean", "constraints": {"required": True}},
        {"name": "tahun", "type": "year", "constraints": {"minimum": 2000, "maximum": 2030}},
        {"name": "situs", "type": "string", "format": "uri"},
        {"name": "jenis", "type": "string", "constraints": {"enum": ["lpk", "blk", "upt"]}},
    ],
    "primaryKey": "kode",
    "foreignKeys": [{"fields": "induk", "reference": {"resource": "", "fields": "kode"}}],
}
FIGURES = {
    "missingValues": ["", "NA"],
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "minimum": 1}},
        {"name": "kategori", "type": "string", "constraints": {"enum": ["a", "b", "c"]}},
        {"name": "pusat", "type": "string"},
        {"name": "tahun", "type": "year"},
        {"name": "nilai", "type": "number", "constraints": {"minimum": 0, "maximum": 100.5}},
        {"name": "jumlah", "type": "integer", "constraints": {"minimum": 0, "maximum": 5000,
                                                             "enum": [0, 7, 100, 200, 4000]}},
        {"name": "persen", "type": "number", "constraints": {"enum": [0.1, 2.5, 10]}},
        {"name": "tanggal", "type": "date", "constraints": {"minimum": "2020-01-01"}},
        {"name": "ya", "type": "boolean", "trueValues": ["ya", "Y"], "falseValues": ["tidak"]},
        {"name": "daftar", "type": "string"},
        {"name": "catatan", "type": "string", "constraints": {"pattern": "[^=]*"}},
        {"name": "kode_unik", "type": "integer", "constraints": {"unique": True}},
    ],
    "primaryKey": ["id", "kategori"],
    "foreignKeys": [
        {"fields": ["pusat"], "reference": {"resource": "pusat", "fields": ["kode"]}},
        {"fields": ["pusat", "tahun"], "reference": {"resource": "pusat", "fields": ["kode", "tahun"]}},
    ],
}
FIGURES_META = {
    "checks": [{"type": "row-constraint", "formula": "nilai == None or jumlah == None or nilai <= jumlah"},
               {"type": "row-constraint", "formula": "tanggal == None or tahun == None or tanggal.year >= tahun"}],
    "list_references": [{"field": "daftar", "separator": ";", "resource": "pusat", "reference_field": "kode"}],
}
# spellings each type gets now and then: the ones pyarrow and Python read differently among them
ODD = {
    "integer": ["abc", "1.5", "+5", " 7 ", "007", "1e5", "-3", "1,000", "1_000", "٣", "７",
                "99999999999999999999", "9999999999999999999", "-9223372036854775808", "NA", "",
                "0x10", "2.0"],
    "number": [".5", "5.", "1e1", "+5", "-1", "101", "100.5", "100.50000000000000001", "1,000",
               " 5 ", "abc", "1E2", "2.5", "2.50", "0.1", "0.10000000000000000001", "-0", "1_0",
               "٥", "NA", "", "1e-400", "e5", "5e", "0.1e1"],
    "boolean": ["true", "True", "TRUE", "tRUE", "1", "0", "yes", " true", "", "NA", "ya", "Y", "tidak"],
    "date": ["2023-02-30", "2023-1-5", "2024-02-29", "1900-02-29", "0000-01-01", "2023-13-01",
             " 2023-01-01", "2023-01-01 ", "20230101", "٢٠٢٣-٠١-٠١", "0999-01-01", "2019-12-31",
             "2023-1-05", "", "NA"],
    "year": ["2023", " 202", "+202", "٢٠٢٣", "999", "10000", "0000", "2_02", "1999", "2031", "", "NA"],
    "string": ["", "NA", " ", "=SUM(A1)", "+62 254", "-", "@x", "\tx", "é", "a,b", 'say "hi"',
               "line\nbreak", "trailing\n", "ÅB12", "AB12\n", "ab12", "AB123"],
    "uri": ["www.example.org", "https://example.org/", "mailto:a@b.c", "C:\\x", "1http:", "",
            "http//x", "h:", "ftp://x", " https://x"],
}


def cell(rng: random.Random, kind: str, good: str) -> str:
    return rng.choice(ODD[kind]) if rng.random() < 0.12 else good


def centre_rows(rng: random.Random, count: int) -> list[list[str]]:
    codes = [f"{a}{b}{n:02d}" for a in "ABC" for b in "XY" for n in range(20)]
    rows = []
    for i in range(count):
        code = rng.choice(codes) if rng.random() < 0.1 else codes[i % len(codes)]
        rows.append([
            cell(rng, "string", code), cell(rng, "string", f"Pusat {i}" + rng.choice(["", "", " Kota Serang"])),
            rng.choice(["", codes[rng.randrange(len(codes))], "ZZ99"]),
            cell(rng, "boolean", rng.choice(["true", "false"])),
            cell(rng, "year", str(rng.randint(1998, 2032))),
            cell(rng, "uri", f"https://pusat{i}.example.org"),
            cell(rng, "string", rng.choice(["lpk", "blk", "upt", "LPK"])),
        ])
    return rows


def figure_rows(rng: random.Random, count: int, codes: list[str]) -> list[list[str]]:
    rows = []
    for i in range(count):
        rows.append([
            cell(rng, "integer", str(rng.choice([i, i, i, 0, -1]))),
            cell(rng, "string", rng.choice(["a", "b", "c", "d"])),
            rng.choice([*codes[:30], "", "QQ00", "AX01 "]),
            cell(rng, "year", str(rng.randint(1999, 2031))),
            cell(rng, "number", f"{rng.uniform(-5, 110):.{rng.randint(0, 3)}f}"),
            cell(rng, "integer", str(rng.choice([0, 7, 100, 200, 4000, 5, 6000]))),
            cell(rng, "number", rng.choice(["0.1", "2.5", "10", "10.0", "3"])),
            cell(rng, "date", f"{rng.randint(2018, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 31):02d}"),
            cell(rng, "boolean", rng.choice(["ya", "tidak", "Y"])),
            ";".join(rng.sample([*codes[:10], "XX00", " AX01", ""], rng.randint(0, 3))),
            cell(rng, "string", rng.choice(["", "catatan", "a = b"])),
            cell(rng, "integer", str(rng.randint(0, count * 3))),
        ])
    return rows


def reshape(rng: random.Random, rows: list[list[str]], width: int) -> str:
    """The rows as CSV text, with blank rows, short rows and long rows planted among them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        roll = rng.random()
        if roll < 0.02:
            out.write("\n")
        elif roll < 0.04:
            writer.writerow([""] * width)
        elif roll < 0.06:
            writer.writerow(row[: rng.randint(1, width - 1)])
        elif roll < 0.08:
            writer.writerow(row + ["extra"] * rng.randint(1, 2))
        elif roll < 0.09:
            writer.writerow(["NA"] * width)
        elif roll < 0.095:
            writer.writerow([""] * width + ["lebih"])  # blank: frictionless names no extra cell
        writer.writerow(row)
    return out.getvalue()


def random_project(root: Path, seed: int, count: int = 300) -> Path:
    rng = random.Random(seed)
    centres = centre_rows(rng, count // 2)
    header = lambda schema: ",".join(f["name"] for f in schema["fields"]) + "\n"  # noqa: E731
    write_dataset(root, "pusat", CENTRES, header(CENTRES) + reshape(rng, centres, 7))
    figures = figure_rows(rng, count, [r[0] for r in centres])
    write_dataset(root, "angka", FIGURES, header(FIGURES) + reshape(rng, figures, 12), FIGURES_META)
    return root


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_tables_give_frictionless_problems(tmp_path, seed):
    counted = assert_same(random_project(tmp_path, seed))
    codes = {key[3] for key in counted}
    assert codes >= {"type-error", "format-error", "constraint-error", "required", "unique-error",
                     "primary-key", "foreign-key", "missing-cell", "extra-cell", "blank-row",
                     "row-constraint", "formula_cell", "list_reference"}
    assert {json.loads(key[4]).get("constraint_name") for key in counted} >= {
        "enum", "minimum", "maximum", "pattern", "minLength", "maxLength", "required"}


ODD_SCHEMA = {
    "missingValues": ["", "n/a"],
    "fields": [
        {"name": "rp", "type": "integer", "bareNumber": False,
         "constraints": {"minimum": 1, "maximum": 5000, "unique": True}},
        {"name": "ribu", "type": "number", "groupChar": ",", "constraints": {"minimum": -1}},
        {"name": "koma", "type": "number", "decimalChar": ",", "constraints": {"unique": True}},
        {"name": "float", "type": "number", "floatNumber": True, "constraints": {"minimum": 0}},
        {"name": "tanggal", "type": "date", "format": "%d/%m/%Y", "constraints": {"minimum": "01/01/2020"}},
        {"name": "kapan", "type": "date", "format": "any"},
        {"name": "surel", "type": "string", "format": "email"},
        {"name": "lihat", "type": "string", "constraints": {"pattern": "[a-z]+(?=1)1"}},
        {"name": "kosong", "type": "string", "missingValues": ["-"], "constraints": {"required": True}},
        {"name": "ya", "type": "boolean", "constraints": {"enum": [True]}},
        {"name": "tahun", "type": "year", "constraints": {"enum": [2020, 2021]}},
        {"name": "hari", "type": "date", "constraints": {"enum": ["2020-01-01", "2020-01-02"]}},
        {"name": "awalan", "type": "string", "constraints": {"pattern": "x{,3}|\\d+"}},
    ],
    "primaryKey": ["ribu", "kosong"],
    "foreignKeys": [{"fields": "float", "reference": {"resource": "", "fields": "ribu"}},
                    {"fields": "hari", "reference": {"resource": "", "fields": "tanggal"}}],
}
ODD_VALUES = [
    ["Rp 1000", "12%", "-5", "abc", "1.5", "", "n/a", "007", " 8 ", "1_0", "5000"],
    ["1,000.5", "1000", "1,0,0", "abc", "1.2.3", "", "-0.5", "1e3", "2", "-2"],
    ["1,5", "1.5", "2", "abc", "", ",5", "1,000", "2,0"],
    ["0.1", "-1", "2.5", "abc", "", "1e2", "2", "1000"],
    ["01/02/2020", "31/02/2020", "1/2/2020", "2020-01-01", "", "15/13/2020", "01/01/2019"],
    ["2020-01-01", "Jan 5 2021", "5/6/2021", "nonsense", ""],
    ["a@b.co", "not an email", "x@y", "", "a@b..c"],
    ["ab1", "ab2", "AB1", "", "é1", "ab1\n"],
    ["-", "", "x", " "],
    ["true", "false", "1", "0", "", "yes"],
    ["2020", "2021", "2022", "٢٠٢٠", ""],
    ["2020-01-01", "2020-01-02", "", "2020-1-1", "2019-12-31"],
    ["", "x", "xxx", "xxxx", "12", "١٢", "12\n"],
]


def test_odd_schemas_give_frictionless_problems(tmp_path):
    """Number options, date formats, e-mail, patterns only Python's re reads, field missing
    values, enums of every type, number keys: read one by one, and still frictionless's
    problems."""
    rng = random.Random(11)
    rows = [[rng.choice(values) for values in ODD_VALUES] for _ in range(300)]
    write_dataset(tmp_path, "aneh", ODD_SCHEMA, rows)
    codes = {key[3] for key in assert_same(tmp_path)}
    assert codes >= {"type-error", "format-error", "constraint-error", "required", "unique-error",
                     "primary-key", "foreign-key"}


def test_what_the_fast_path_does_not_know_is_left_to_frictionless(tmp_path, caplog):
    """exclusiveMinimum: tables.py's frictionless refuses it; the fallback says so too."""
    schema = {**json.loads(json.dumps(ODD_SCHEMA)),
              "$schema": "https://datapackage.org/profiles/2.0/tableschema.json"}
    schema["fields"][0]["constraints"] = {"exclusiveMinimum": 0}
    del schema["foreignKeys"]  # foreign_key_problems would check them, on text values
    rng = random.Random(12)
    write_dataset(tmp_path, "aneh", schema, [[rng.choice(v) for v in ODD_VALUES] for _ in range(50)])
    assert {key[3] for key in assert_same(tmp_path)} == {"frictionless"}
    assert "validating with frictionless" in caplog.text


def test_a_sniffed_dialect_is_read_as_frictionless_reads_it(tmp_path, caplog):
    """frictionless sniffs its dialect from the first 100 lines: quoted cells after ', '
    make it skip spaces after commas, which changes cells; the fast path reads such a file
    with Python's csv the same way."""
    schema = {"fields": [{"name": "kode", "type": "string", "constraints": {"pattern": "[a-z]+"}},
                         {"name": "nama", "type": "string", "constraints": {"enum": ["satu", "dua"]}},
                         {"name": "n", "type": "integer"}]}
    lines = [f'k{"abc"[i % 3]}, "{("satu", "dua", " dua")[i % 3]}", {i}' for i in range(150)]
    write_dataset(tmp_path, "spasi", schema, "kode,nama,n\n" + "\n".join(lines) + "\n x, satu,1\n")
    codes = Counter(key[3] for key in assert_same(tmp_path))
    assert codes["constraint-error"] == 50 and "Python's csv" in caplog.text  # 150 unsniffed


def test_blank_lines_when_empty_is_not_a_missing_value(tmp_path):
    """A blank line is no cells to frictionless, so its cells are missing whatever
    missingValues says; ',,' is empty strings, which are values here."""
    schema = {"missingValues": ["NA"], "fields": [
        {"name": "a", "type": "string", "constraints": {"required": True, "minLength": 1}},
        {"name": "b", "type": "integer"}]}
    write_dataset(tmp_path, "kosong", schema, "a,b\nx,1\n\n,\nNA,NA\ny\n\n")
    codes = [key[1:4] for key in sorted(assert_same(tmp_path), key=str)]
    assert (3, None, "blank-row") in codes and (4, "b", "type-error") in codes


def test_a_constraint_its_type_lacks_leaves_the_schema_to_its_own_check(tmp_path):
    """frictionless refuses the schema, so tables.py checks no row of it; neither does this."""
    schema = {"fields": [{"name": "n", "type": "integer", "constraints": {"pattern": "[0-9]+"}}]}
    write_dataset(tmp_path, "pola", schema, "n\nx\n")
    assert assert_same(tmp_path) == Counter()


@pytest.mark.parametrize("field", [
    {"type": "string"},                                                     # no name
    {"name": "n", "type": "string", "constraints": {"maxLength": "3"}},    # not an integer
])
def test_a_schema_frictionless_refuses_is_left_to_the_schema_check(tmp_path, field):
    write_dataset(tmp_path, "rusak", {"fields": [field]}, "n\n12\nx\n")
    assert assert_same(tmp_path) == Counter()


@pytest.mark.parametrize("constraints", [
    {"minimum": "abc"},   # a bound frictionless cannot read
    {"pattern": "(["},    # a pattern re refuses
])
def test_a_rule_frictionless_crashes_on_is_one_problem(tmp_path, constraints):
    """tables.py raises on these; the fast path hands them to frictionless and reports the
    crash as one problem, with frictionless's words."""
    write_dataset(tmp_path, "rusak", {"fields": [{"name": "n", "type": "integer" if "minimum" in
                                                  constraints else "string",
                                                  "constraints": constraints}]}, "n\n12\nx\n")
    with pytest.raises(Exception):  # noqa: B017 (whatever frictionless raises)
        frictionless_problems(tmp_path)
    assert [(p.code, p.file) for p in fast_problems(tmp_path)] == [
        ("frictionless", "datasets/rusak/rusak.csv")]


def test_streaming_gives_the_same_problems(tmp_path, monkeypatch):
    """keep=False, in small batches: rows pyarrow skips land between batches."""
    monkeypatch.setattr(fast_csv, "BLOCK", 2048)
    assert_same(random_project(tmp_path, 4), keep=False)


def test_the_real_datasets_have_no_problems_either_way():
    assert frictionless_problems(ROOT) == []
    assert fast_problems(ROOT) == []


def test_the_broken_fixture_gives_the_same_problems():
    counted = assert_same(BROKEN)
    assert len(counted) == 7


FUZZ_SCHEMA = {"missingValues": ["", "NA"], "fields": [
    {"name": "a", "type": "string", "constraints": {"required": True, "unique": True}},
    {"name": "b", "type": "integer"},
    {"name": "c", "type": "string", "constraints": {"enum": ["a", "b", "ab"]}}], "primaryKey": ["a"]}


def frictionless_header_is_row_1(text: str) -> bool:
    """frictionless takes the first of its first 100 records whose width is within 10 % of
    their average for the header; this validator, like catalog.py, always takes row 1."""
    sample = python_records(text)[:100]
    width = round(sum(map(len, sample)) / len(sample))
    drift = max(round(width * 0.1), 1)
    return width - drift <= len(sample[0]) <= width + drift


def test_random_csv_text_gives_frictionless_problems(tmp_path):
    """Commas, quotes, line ends of every kind, blank, short and long rows at random."""
    alphabet = ["a", "b", "1", "2", ",", ",", '"', "\n", "\n", "\r\n", "\r", "é", "x,y", "NA",
                "a,1,b", "b,,ab"]
    compared = 0
    for seed in range(200):
        rng = random.Random(seed)
        text = "a,b,c\n" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        root = tmp_path / str(seed)
        write_dataset(root, "z", FUZZ_SCHEMA, text)
        fast = fast_problems(root)
        if not frictionless_header_is_row_1(text) or any(p.code == "csv_quote" for p in fast):
            continue
        assert as_counted(fast) == as_counted(frictionless_problems(root)), repr(text)
        compared += 1
    assert compared > 100


def test_random_cells_give_frictionless_problems(tmp_path):
    """Signs, dots, exponents, underscores, spaces, Unicode digits and the like in every
    type of cell (NaN and infinity aside: there the difference is deliberate)."""
    alphabet = [*"0123456789" * 3, *"+-.eE_, ", "\u00a0", "٣", "１", "Infinity", "nan", "T",
                "rue", "-", "/", ":", "\t", "²", "x", "2023-", "01", "12-31"]
    schema = {"fields": [
        {"name": "i", "type": "integer", "constraints": {"minimum": -5, "maximum": 100, "unique": True}},
        {"name": "n", "type": "number", "constraints": {"minimum": -5, "maximum": 100}},
        {"name": "b", "type": "boolean"},
        {"name": "d", "type": "date", "constraints": {"minimum": "2000-01-01"}},
        {"name": "y", "type": "year", "constraints": {"minimum": 2000}},
        {"name": "s", "type": "string", "format": "uri",
         "constraints": {"pattern": "[a-z]+:.*", "maxLength": 10}}]}
    for seed in range(20):
        rng = random.Random(seed)
        rows = [["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(6)]
                for _ in range(200)]
        root = tmp_path / str(seed)
        write_dataset(root, "z", schema, rows)
        fast = fast_problems(root)
        own_numbers = {(p.row, p.column) for p in fast if p.code in ("number_nan", "number_infinite")}
        expected = [p for p in frictionless_problems(root) if (p.row, p.column) not in own_numbers]
        assert as_counted(fast) == as_counted(expected)


# --- the pieces: parsing, typed values, keys -----------------------------------------------

def python_records(text: str, skip_space: bool = False) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=skip_space))


def test_pyarrow_splits_records_and_cells_as_pythons_csv_does():
    """Fuzzed text of commas, quotes, spaces and every line end: the records the reader
    yields (a blank line is a row of empty cells) are the records csv.reader yields."""
    rng = random.Random(7)
    alphabet = ["a", "b", ",", ",", '"', '"', "\n", "\r\n", "\r", " ", "é"]
    names = ["x", "y", "z"]
    for _ in range(3000):
        text = "x,y,z\n" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        source = fast_csv.Source(text.encode())
        head = fast_structure.read_head(source)
        reader = fast_csv.Reader(source, head, names, block=64)
        got = {}
        for batch in reader.batches():
            for row, *cells in zip(batch.rows.to_pylist(), *(c.to_pylist() for c in batch.raw.columns), strict=True):
                got[row] = cells
            for row, _, value in batch.extras:
                got[row].append(value)
        expected = python_records(text, head.python)[1:]  # frictionless may sniff skipinitialspace
        if fast_structure.open_quote(text.encode()) is not None:
            assert fast_structure.unterminated(source, reader.last[1]) is not None, repr(text)
            continue
        assert fast_structure.unterminated(source, reader.last[1]) is None, repr(text)
        absent = {}
        for batch in reader.batches():
            for name, mask in (batch.absent or {}).items():
                for row, gone in zip(batch.rows.to_pylist(), mask.to_pylist(), strict=True):
                    absent.setdefault(row, set()).update({name} if gone else set())
        for number, record in enumerate(expected, start=2):
            cells = [c for c, n in zip(got[number], names + [None] * 9, strict=False)
                     if n not in absent.get(number, ())]
            # pyarrow reads a blank line as empty cells, csv.reader as no cells: both are blank
            assert cells == (record if head.python else record or [""] * 3), repr(text)


def test_typed_columns_and_row_numbers(tmp_path):
    schema = {"fields": [{"name": "s", "type": "string"}, {"name": "i", "type": "integer"},
                         {"name": "n", "type": "number"}, {"name": "b", "type": "boolean"},
                         {"name": "d", "type": "date"}, {"name": "y", "type": "year"}]}
    data = 's,i,n,b,d,y\r\na,+5,.5,true,2024-02-29,2024\n"x\ny",007,1e2,0,2023-1-5,0999\n\n,,,,,\n'
    check = check_table(data.encode(), schema, file="t.csv", name="t")
    assert check.raw.column("s").to_pylist() == ["a", "x\ny", "", ""]
    assert check.typed.to_pylist()[:2] == [
        {"s": "a", "i": 5, "n": 0.5, "b": True, "d": __import__("datetime").date(2024, 2, 29), "y": 2024},
        {"s": "x\ny", "i": 7, "n": 100.0, "b": False, "d": __import__("datetime").date(2023, 1, 5), "y": 999}]
    assert check.row_numbers.to_pylist() == [2, 3, 4, 5]
    assert [(p.row, p.code) for p in check.problems] == [(4, "blank-row"), (5, "blank-row")]
    assert [str(t) for t in check.typed.schema.types] == ["string", "int64", "double", "bool", "date32[day]", "int64"]
    lean = check_table(data.encode(), schema, file="t.csv", name="t", keep=False)
    assert lean.raw is None and lean.typed is None and lean.problems == check.problems


def test_a_number_at_a_bound_is_compared_as_a_decimal():
    schema = {"fields": [{"name": "n", "type": "number", "constraints": {"maximum": 0.1}}]}
    data = b"n\n0.1\n0.10000000000000000001\n0.1000000000000000055511151231257827\n"
    found = [(p.row, p.params["constraint_name"]) for p in check_table(data, schema, file="t", name="t").problems]
    assert found == [(3, "maximum"), (4, "maximum")]


# --- the project's own rules ----------------------------------------------------------------

NUMBERS = {"fields": [{"name": "n", "type": "number", "constraints": {"minimum": 0}},
                      {"name": "i", "type": "integer"}]}


def own(data: str, schema: dict = NUMBERS) -> list[tuple]:
    check = check_table(data.encode(), schema, file="t.csv", name="t")
    return [(p.row, p.column, p.code) for p in check.problems]


@pytest.mark.parametrize("cell, code", [
    ("1_000", "number_underscore"), ("١٢", "number_digits"), ("１２", "number_digits"),
    ("NaN", "number_nan"), ("nan", "number_nan"), ("Infinity", "number_infinite"),
    ("-inf", "number_infinite"), ("1e309", "number_too_large"), ("1e400", "number_too_large"),
])
def test_numbers_frictionless_reads_but_the_site_would_publish_differently(cell, code):
    assert own(f"n,i\n{cell},1\n") == [(2, "n", code)]


def test_nan_and_infinity_are_not_called_less_than_zero():
    assert own("n,i\nNaN,1\n-inf,1\n-1,1\n") == [
        (2, "n", "number_nan"), (3, "n", "number_infinite"), (4, "n", "constraint-error")]


def test_integers_with_odd_digits_or_beyond_int64():
    assert own("n,i\n1,1_0\n1,٣\n1,99999999999999999999\n1,+7\n") == [
        (2, "i", "number_underscore"), (3, "i", "number_digits"), (4, "i", "number_too_large")]


def test_number_messages_name_the_value_in_both_languages():
    check = check_table(b"n,i\nNaN,1\n", NUMBERS, file="t.csv", name="t")
    [problem] = check.problems
    assert report.message(problem, "en") == "Value 'NaN' is not a number (NaN)."
    assert "NaN" in report.message(problem, "id") and report.action(problem, "id")


TEXT = {"fields": [{"name": "id", "type": "string", "constraints": {"required": True}},
                   {"name": "catatan", "type": "string"}, {"name": "n", "type": "integer"}]}


def test_a_required_cell_of_spaces_is_empty():
    assert own('id,catatan,n\n"   ",x,1\n"\u00a0\t",x,1\n" a ",   ,1\n', TEXT) == [
        (2, "id", "required_spaces"), (3, "id", "required_spaces")]


def test_control_characters_are_named_escaped():
    data = "id,catatan,n\na\x00b,x,1\na,\x1b[31m,1\na,tab\there,1\na,x,1\x7f\na,\u0085,1\n"
    check = check_table(data.encode(), TEXT, file="t.csv", name="t")
    found = [(p.row, p.column, p.params.get("char")) for p in check.problems if p.code == "control_character"]
    assert found == [(2, "id", "\\x00"), (3, "catatan", "\\x1b"), (5, "n", "\\x7f"), (6, "catatan", "\\x85")]
    message = report.message(check.problems[0], "en")
    assert "\\x00" in message and "\x00" not in message


@pytest.mark.parametrize("text, flagged", [
    ("NIK 3673011203900001", True),
    ("3673 0112 0390 0001", True),
    ("36.73.01.120390.0001", True),
    ("Jl. Raya 12 3673011203900001", True),
    ("36730112039000011", False),          # 17 digits: not a NIK
    ("367301120390001", False),            # 15 digits
    ("-6.120000 106.150000", False),       # coordinates: cut elsewhere
    ("0254 281051", False),
    ("36.73.01.1012", False),              # a kelurahan code
])
def test_a_national_id_number_is_personal_data(text, flagged):
    found = own(f'id,catatan,n\na,"{text}",1\n', TEXT)
    assert ((2, "catatan", "personal_id") in found) is flagged


def test_personal_id_message_says_what_to_do():
    check = check_table(b'id,catatan,n\na,"NIK 3673011203900001",1\n', TEXT, file="t.csv", name="t")
    [problem] = check.problems
    assert (problem.row, problem.column) == (2, "catatan")
    assert "never publishes personal identifiers" in report.action(problem, "en")
    assert report.message(problem, "id") and report.action(problem, "id")


COUNTED = {"fields": [{"name": "n", "type": "number"}, {"name": "satuan", "type": "string"}]}
PEOPLE = OwnRules.of({"counts": [{"column": "n", "when": {"satuan": "orang"}}]})


def counted(data: str, rules: OwnRules = PEOPLE) -> list[tuple]:
    check = check_table(data.encode(), COUNTED, file="t.csv", name="t", rules=rules)
    return [(p.row, p.column, p.code, p.params.get("cell")) for p in check.problems]


def test_a_count_of_people_with_a_thousands_dot_is_refused_not_read_as_a_fraction():
    """7.030 people is 7030 written with a thousands dot, which a number column reads as
    7.03: in the rows that count people only digits pass; a percentage keeps its decimals."""
    data = "n,satuan\n7.030,orang\n7030,orang\n7.03,persen\n1e3,orang\n12.5,orang\n,orang\n0,orang\n"
    assert counted(data) == [(2, "n", "count_not_whole", "7.030"),
                             (5, "n", "count_not_whole", "1e3"),
                             (6, "n", "count_not_whole", "12.5")]
    assert counted(data, OwnRules()) == []
    everywhere = OwnRules.of({"counts": [{"column": "n"}]})
    assert [row for row, *_ in counted(data, everywhere)] == [2, 4, 5, 6]


def test_count_message_says_how_to_write_it():
    [problem] = check_table(b"n,satuan\n7.030,orang\n", COUNTED, file="t.csv", name="t",
                            rules=PEOPLE).problems
    assert "satuan = orang" in report.message(problem, "en")
    assert "7030" in report.action(problem, "id") and "7030" in report.action(problem, "en")


def test_a_cell_longer_than_its_limit_is_refused_and_the_limit_can_be_raised():
    data = f'id,catatan,n\na,"{"x" * 2001}",1\nb,"{"y" * 2000}",1\n'
    assert own(data, TEXT) == [(2, "catatan", "cell_too_long")]
    check = check_table(data.encode(), TEXT, file="t.csv", name="t",
                        rules=OwnRules.of({"limits": {"cell": 5000}}))
    assert check.problems == []
    [problem] = check_table(data.encode(), TEXT, file="t.csv", name="t").problems
    assert problem.params == {"length": 2001, "limit": 2000}
    assert "limits.cell" in report.action(problem, "en")


def test_formula_cells_and_list_references_match_the_existing_checks(tmp_path):
    root = tmp_path / "root"
    shutil.copytree(BROKEN, root)
    (root / "datasets/lembaga/lembaga.csv").write_text(
        'id,nama,area_kode,persen,status\na,"=1",36.73.01,5,aktif\nb,"+62 254",36.73.01,5,aktif\n'
        'c,-1.5,36.73.01,5,aktif\nd,"\tx",36.73.01,5,aktif\n', encoding="utf-8")
    meta = yaml.safe_load((root / "datasets/lembaga/metadata.yml").read_text(encoding="utf-8"))
    meta["list_references"] = [{"field": "nama", "separator": ";", "resource": "area",
                                "reference_field": "kode"}]
    (root / "datasets/lembaga/metadata.yml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    counted = assert_same(root)
    assert Counter(key[3] for key in counted)["formula_cell"] == 3
    assert Counter(key[3] for key in counted)["list_reference"] == 4


# --- structure: one problem each -----------------------------------------------------------

LPKS = json.loads((ROOT / "schemas/lpks.schema.json").read_text(encoding="utf-8"))
LPKS_CSV = (ROOT / "datasets/lpks/lpks.csv").read_text(encoding="utf-8")


def structure(text: str | bytes) -> list[tuple]:
    data = text.encode() if isinstance(text, str) else text
    check = check_table(data, LPKS, file="lpks.csv", name="lpks")
    return [(p.row, p.column, p.code, p.params) for p in check.problems]


def drop_column(text: str, name: str) -> str:
    rows = python_records(text)
    at = rows[0].index(name)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:at] + r[at + 1:] for r in rows])
    return out.getvalue()


def test_a_missing_column_is_one_problem_naming_it():
    [(row, column, code, params)] = structure(drop_column(LPKS_CSV, "alamat"))
    assert (row, column, code) == (1, "alamat", "column_missing")
    check = check_table(drop_column(LPKS_CSV, "alamat").encode(), LPKS, file="f", name="lpks")
    assert report.message(check.problems[0], "en") == "Column 'alamat' is missing from the CSV's header row."
    assert check.raw is None and not check.readable


def test_an_extra_column_is_one_problem():
    rows = python_records(LPKS_CSV)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0] + ["warna"]] + [r + ["x"] for r in rows[1:]])
    assert structure(out.getvalue()) == [
        (1, "warna", "column_extra", {"column": "warna", "position": len(rows[0]) + 1})]


def test_columns_in_another_order_are_one_problem():
    rows = python_records(LPKS_CSV)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[1], r[0], *r[2:]] for r in rows])
    [(row, _, code, params)] = structure(out.getvalue())
    assert (row, code) == (1, "column_order") and params["found"].startswith("nama, id")


def plain_lpks() -> str:
    """The registry with no quote, comma or line break inside a cell (a line = a row)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [[c.replace('"', "").replace(",", " ").replace("\n", " ") for c in r]
         for r in python_records(LPKS_CSV)])
    return out.getvalue()


def test_an_unbalanced_quote_is_one_problem_naming_its_line():
    lines = plain_lpks().splitlines(keepends=True)
    broken = lines[2].replace(",lpk_swasta,", ',"lpk_swasta,', 1)
    assert broken != lines[2]
    text = "".join(lines[:2] + [broken] + lines[3:] + lines[1:] * 5)
    assert structure(text) == [(3, None, "csv_quote", {"line": 3})]
    assert structure(text.replace("\n", "\r\n")) == [(3, None, "csv_quote", {"line": 3})]


def test_a_quote_in_the_last_cell_left_open():
    assert structure(LPKS_CSV + 'x,y,lpk_swasta,,,,,,,,,,a,https://a.b,,"tinggi\n') == [
        (6, None, "csv_quote", {"line": 6})]


def test_not_utf8_empty_and_semicolons():
    assert [p[2] for p in structure(LPKS_CSV.encode("utf-8") + "é".encode("latin-1"))] == ["csv_not_utf8"]
    assert [p[2] for p in structure(b"")] == ["csv_empty"]
    assert [p[2] for p in structure(LPKS_CSV.replace(",", ";"))] == ["csv_semicolon"]


def test_bom_crlf_and_mixed_line_ends_are_read_like_lf():
    plain = check_table(LPKS_CSV.encode(), LPKS, file="f", name="lpks")
    lines = LPKS_CSV.split("\n")
    mixed = "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(lines[:-1]))
    for text in ("\ufeff" + mixed, "\ufeff" + LPKS_CSV.replace("\n", "\r\n")):
        check = check_table(text.encode(), LPKS, file="f", name="lpks")
        assert check.problems == [] and check.raw.equals(plain.raw)


def test_a_foreign_key_into_an_unreadable_table_is_unchecked():
    wilayah = check_table(b"kode\n", json.loads((ROOT / "schemas/wilayah.schema.json").read_text()),
                          file="w", name="wilayah")
    lpks = check_table(LPKS_CSV.encode(), LPKS, file="f", name="lpks")
    [problem] = foreign_key_problems(lpks, LPKS, {"wilayah": wilayah})
    assert (problem.code, problem.column, problem.params) == (
        "foreign_key_unchecked", "kelurahan_kode", {"resource": "wilayah"})


def test_the_fast_path_imports_no_frictionless():
    """Run in a fresh interpreter. opendata/validate/__init__.py itself imports tables.py and
    charts.py; the package is stood in for, so only the fast modules' own imports count."""
    import subprocess
    import sys

    code = """
import json, sys, types, opendata
package = types.ModuleType("opendata.validate")
package.__path__ = [opendata.__path__[0] + "/validate"]
sys.modules["opendata.validate"] = package
from opendata.validate import fast
fast.check_table(open("datasets/lpks/lpks.csv", "rb").read(),
                 json.load(open("schemas/lpks.schema.json")), file="f", name="lpks")
print(sorted(m for m in sys.modules
             if m.split(".")[0] in ("frictionless", "altair", "vl_convert", "openpyxl", "jinja2")))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "[]", done.stderr


def test_every_problem_of_the_fast_path_reads_in_both_languages():
    found = check_table("n,i\n1_000,1\n١,1\nNaN,1\n-inf,1\n1e309,1\n".encode(), NUMBERS,
                        file="t.csv", name="t").problems
    found += check_table(b'id,catatan,n\n" ",3673011203900001,1\n=1,a\x1bb,2\n', TEXT,
                         file="t.csv", name="t").problems
    found += check_table(f"id,catatan,n\na,{'x' * 2001},1\n".encode(), TEXT, file="t.csv",
                         name="t").problems
    found += check_table(b"n,satuan\n7.030,orang\n", COUNTED, file="t.csv", name="t",
                         rules=PEOPLE).problems
    rows = python_records(LPKS_CSV)
    reordered, extra = io.StringIO(), io.StringIO()
    csv.writer(reordered).writerows([[r[1], r[0], *r[2:]] for r in rows])
    csv.writer(extra).writerows([rows[0] + ["warna"]])
    for text in (drop_column(LPKS_CSV, "alamat"), reordered.getvalue(), extra.getvalue(),
                 LPKS_CSV + '"', "", LPKS_CSV.replace(",", ";")):
        found += check_table(text.encode(), LPKS, file="f", name="lpks").problems
    found += check_table(b"id\n\xe9\n", LPKS, file="f", name="lpks").problems
    lpks = check_table(LPKS_CSV.encode(), LPKS, file="f", name="lpks")
    found += foreign_key_problems(lpks, LPKS, {})
    found += list_reference_problems(lpks, [{"field": "bidang", "resource": "lpks",
                                             "reference_field": "id"}], {"lpks": lpks})
    assert {p.code for p in found} >= OWN | {
        "column_missing", "column_extra", "column_order", "csv_quote", "csv_empty", "csv_semicolon",
        "csv_not_utf8", "formula_cell", "foreign_key_unchecked", "list_reference"}
    for problem in found:
        for lang in ("id", "en"):
            for text in (report.message(problem, lang), report.action(problem, lang)):
                assert text and "{" not in text and "\x1b" not in text, (problem, text)
