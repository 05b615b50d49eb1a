"""The validation report a data officer reads, and the annotations GitHub shows: one line per
problem with its path whole, nothing raw from a file reaching the terminal, never more than an
excerpt of a cell, GitHub's escaping."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from opendata.problems import Problem
from opendata.validate import github, report

from gitrepo import git

BROKEN = Path(__file__).parent / "fixtures" / "broken"
CSV = "datasets/lembaga/lembaga.csv"


@pytest.fixture
def broken(tmp_path) -> Path:
    """The broken fixture (12 problems, 'lima' in a number column at row 3) in a scratch folder."""
    root = tmp_path / "broken"
    shutil.copytree(BROKEN, root)
    return root


def with_cell(root: Path, cell: str) -> Path:
    """Row 3's number cell ('lima') replaced by `cell`, quoted as a CSV writer would."""
    path = root / CSV
    quoted = '"' + cell.replace('"', '""') + '"'
    path.write_bytes(path.read_bytes().replace(b",lima,", f",{quoted},".encode()))
    return root


def test_a_site_without_a_description_is_named_in_site_yml(broken, opendata):
    """The site's description (and the copyright line, which falls back to it) is site.yml's
    text: its absence is one problem per language there, not in the package's messages."""
    (broken / "site.yml").unlink()
    records = json.loads(opendata("validate", "--root", str(broken), "--json")[1])
    missing = [(r["file"], r["column"], r["code"]) for r in records if r["code"] == "translation_missing"]
    assert missing == [("site.yml", "description", "translation_missing")] * 2


# --- one line per problem --------------------------------------------------------------------

def test_a_path_longer_than_any_column_stays_on_one_line():
    path = "datasets/" + "lembaga_pelatihan_kerja_swasta_" * 5 + "/daftar.csv"
    problem = Problem(file=path, code="required", row=6, column="bidang")
    text = report.render([problem], "both")
    first, *rest = text.splitlines()
    assert first == (f"{path}:6: kolom bidang: Sel wajib diisi tetapi kosong. / "
                     "column bidang: The cell is required but empty.")
    assert rest[0].startswith("    → Isi nilainya dari sumber") and rest[1].startswith("    → Fill in")
    assert sum(path in line for line in text.splitlines()) == 1
    assert rest[2:] == ["1 masalah di 1 berkas. Perbaiki setiap baris di atas, lalu jalankan validasi lagi.",
                        "1 problem(s) in 1 file(s). Fix each line above, then run the validation again."]


def test_a_problem_about_a_whole_file_names_the_file_and_the_key():
    problem = Problem(file="datasets/lembaga/metadata.yml", code="column_unknown", column="warna",
                      params={"column": "warna"})
    [line, *_] = report.lines(problem, "en")
    assert line == ("datasets/lembaga/metadata.yml: warna: The metadata describes a column "
                    "'warna' that the CSV does not have.")


def test_a_warning_says_so_and_validate_is_still_valid():
    problem = Problem(file="datasets/bidang/metadata.yml", code="release_withheld", severity="warning",
                      params={"version": "../x", "commit": "abc", "count": 1, "first": "formula_cell",
                              "file": "datasets/bidang/bidang.csv", "row": 2})
    text = report.render([problem], "en", dataset_count=7)
    assert text.splitlines()[0].startswith("datasets/bidang/metadata.yml: warning: Release ../x ")
    assert text.splitlines()[-1] == "All 7 datasets are valid."


def test_build_says_the_site_was_not_built_and_validate_does_not(broken, opendata):
    code, out, _ = opendata("validate", "--root", str(broken))
    assert code == 1 and "NOT built" not in out and "TIDAK dibangun" not in out
    code, _, err = opendata("build", "--root", str(broken), "--out", str(broken / "site"))
    assert code == 1 and not (broken / "site").exists()
    assert re.search(r"\n\d+ problem\(s\) in \d+ file\(s\)\. The site was NOT built", err)
    assert "Situs TIDAK dibangun" in err


# --- nothing raw from a file reaches the terminal ------------------------------------------

def test_control_characters_in_a_cell_are_printed_escaped(broken, opendata):
    with_cell(broken, "\x1b]0;judul\x07\x1b[2J\x00\x9b\u202e12")
    code, out, _ = opendata("validate", "--root", str(broken), "--lang", "en")
    assert code == 1
    for raw in ("\x1b", "\x00", "\x07", "\x9b", "\u202e"):
        assert raw not in out
    lines = [line for line in out.splitlines() if line.startswith(f"{CSV}:3:")]
    assert (f"{CSV}:3: column persen: Value '\\x1b]0;judul\\x07\\x1b[2J\\x00\\x9b"
            "\\u202e12' is not a valid number.") in lines
    assert f"{CSV}:3: column persen: The cell holds the invisible control character \\x1b." in lines


def test_a_huge_cell_prints_only_an_excerpt(broken, opendata):
    with_cell(broken, "z" * 10_000)
    for fmt in ("text", "github", "json"):
        out = opendata("validate", "--root", str(broken), "--format", fmt)[1]
        assert "z" * (report.DETAIL_EXCERPT + 1) not in out, fmt
        assert max(map(len, out.splitlines())) < 1_000, fmt
    text = opendata("validate", "--root", str(broken), "--lang", "id")[1]
    assert f"{CSV}:3: kolom persen: Nilai '{'z' * report.EXCERPT}…' bukan angka yang sah." in text
    assert "z" * (report.EXCERPT + 1) not in text


def test_excerpt_counts_escapes_and_stops_at_the_limit():
    assert report.excerpt("abc") == "abc"
    assert report.excerpt("a\x1bb", 5) == "a\\x1b…"       # an escape is never cut in half
    assert report.excerpt("\n" * 100, 10) == "\\n" * 5 + "…"
    assert report.printable("Cipocok\u00a0Jaya ü") == "Cipocok\u00a0Jaya ü"   # text stays text
    assert report.printable("a\u200bb\u2028c") == "a\\u200bb\\u2028c"


# --- GitHub Actions annotations ------------------------------------------------------------

def test_github_format_escapes_properties_and_data():
    problem = Problem(file="datasets/a,b:c/x.csv", code="type-error", row=3, column="nilai,x",
                      params={"cell": "50%\r\n::error::palsu", "type": "number"})
    command = github.command(problem, "en")
    assert "\n" not in command and "\r" not in command
    assert command == ("::error file=datasets/a%2Cb%3Ac/x.csv,line=3,title=column nilai%2Cx::"
                       "Value '50%25\\r\\n::error::palsu' is not a valid number. Write the value "
                       "in the column's type (numbers with a dot as decimal point, dates as "
                       "YYYY-MM-DD), or leave it empty if unknown.")
    both = github.command(problem, "both")
    assert both.count("%0A") == 1 and ",title=kolom nilai%2Cx / column nilai%2Cx::" in both
    assert github.escape_property("a%b\nc:d,e\r") == "a%25b%0Ac%3Ad%2Ce%0D"
    assert github.escape_data("a%b\nc:d,e\r") == "a%25b%0Ac:d,e%0D"


def test_github_format_carries_file_line_and_column(broken, opendata):
    code, out, _ = opendata("validate", "--root", str(broken), "--format", "github", "--lang", "en")
    assert code == 1
    lines = out.splitlines()
    assert (f"::error file={CSV},line=3,col=22,title=column persen::Value 'lima' is not a "
            "valid number.") in "\n".join(lines)
    assert f"::error file={CSV},line=7,col=25,title=column status::" in "\n".join(lines)
    assert sum(line.startswith("::error ") for line in lines) == 12
    assert lines[-1] == "12 problem(s) in 2 file(s). Fix each line above, then run the validation again."


def test_a_warning_is_a_github_warning():
    problem = Problem(file="datasets/bidang/metadata.yml", code="release_withheld", severity="warning",
                      params={"version": "2.0", "commit": "abc", "count": 1, "first": "formula_cell",
                              "file": "datasets/bidang/bidang.csv", "row": 2})
    assert github.command(problem, "id").startswith("::warning file=datasets/bidang/metadata.yml,title=")


def test_github_line_and_column_follow_cells_with_line_breaks():
    data = b'id,catatan,n\r\na,"dua\r\nbaris",1\r\nb,"x, ""y""",lima\r\n'
    assert github.locate(data, 3, "n") == (4, 14)          # row 3 starts on line 4
    assert github.locate(data, 2, "n") == (3, 8)           # after the cell's line break
    assert github.locate(data, 2, "id") == (2, 1)
    assert github.locate(data, 9, "n") == (9, None)        # no such row: the row, no column
    assert github.locate(data, 3, "tidak_ada") == (3, None)
    problem = Problem(file="x.csv", code="type-error", row=3, column="n",
                      params={"cell": "lima", "type": "number"})
    assert github.command(problem, "en", "situs/", data).startswith("::error file=situs/x.csv,line=4,col=14,")


def test_annotation_paths_are_relative_to_the_repository(tmp_path):
    site = tmp_path / "repo" / "situs"
    site.mkdir(parents=True)
    git(tmp_path / "repo", "init", "-q")
    assert github.repository_prefix(site) == "situs/"
    assert github.repository_prefix(tmp_path / "repo") == ""


def test_json_keeps_every_record(broken, opendata):
    with_cell(broken, "\x1b[2J")
    records = json.loads(opendata("validate", "--root", str(broken), "--json")[1])
    assert len(records) == 13
    cell = [r for r in records if (r["row"], r["column"]) == (3, "persen")]
    assert {r["code"] for r in cell} == {"type-error", "control_character"}
    assert next(r for r in cell if r["code"] == "type-error")["message_en"] == \
        "Value '\\x1b[2J' is not a valid number."
