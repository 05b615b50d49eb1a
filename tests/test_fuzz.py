"""Find the next hostile input before a user does (issue 11, §8): Hypothesis writes cells,
headers and metadata texts from hostile alphabets (control characters, markup, formulas, huge,
tiny and non-ASCII numbers, NaN, mixed scripts, long words) into a small synthetic project,
and the invariant must hold:

    validate reports problems, or the build succeeds and every output is safe:
    no live formula in any CSV or XLSX cell, no markup from the data in any page or SVG,
    nothing written outside the output folder, and never an exception but BuildError.

`make test` runs a fixed number of examples (profile `ci`: the same ones every run);
`make fuzz` runs many more (profile `fuzz`, HYPOTHESIS_PROFILE=fuzz). Validation is quick, so
most examples only validate (and build the release files and charts when valid); a few
build the whole site."""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from opendata import project
from opendata.problems import BuildError
from opendata.validate import gate, report

from hostile import FIELDS, PLAIN, ROWS, small_project

pytestmark = pytest.mark.fuzz
EXAMPLES = settings().max_examples          # of the profile: ci 60, fuzz 2000
BUILDS = max(3, EXAMPLES // 15)             # whole builds take seconds each

# --- hostile alphabets ----------------------------------------------------------------------

CANARY = "odfuzz"     # a tag no template writes: seen as an element, it came from the data
MARKUP = ["<odfuzz>", "</odfuzz>", "<odfuzz a='1' onclick=alert(1)>", "<script>", "</script>",
          "<img src=x onerror=alert(1)>", "</textarea>", "</title>", "<!--", "-->", "]]>",
          "<![CDATA[", "&lt;", "&amp;", "&#0;", '"', "'", "`", "{{", "}}", "{%", "%}",
          "{value}", "{0.__class__}", "**odmd**", "_odmd_", "[odlink](javascript:alert(1))",
          "javascript:", "\\", "|", ";", ",", "\n", "\r\n", "\r", "\t", " "]
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("https://x.test","k")', "+62 254 1",
            "-2+3", "=", "+", "-", "@", "=cmd|' /C calc'!A0", "+-1", "-+1"]
NUMBERS = ["1e309", "-1e309", "1e-400", "NaN", "nan", "Infinity", "-inf", "1_000", "٣", "١٢",
           "１２", "७", "0x10", "9" * 40, "-0", "+0", "00012", "1,5", "7.030", "1.", ".5", "²",
           "½", "Ⅻ", "1 000", "1e3", "0.1e-2", "12345678901234567"]
CONTROLS = ["\x00", "\x1b[2J", "\x1b]0;judul\x07", "\x07", "\x08", "\x7f", "\x85", "\x9b",
            "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e", "\u2066", "\u0000x"]
MIXED = st.characters(codec="utf-8", exclude_categories=["Cs"])
TOKENS = st.sampled_from(MARKUP + FORMULAS + NUMBERS + CONTROLS)


@st.composite
def hostile_text(draw, max_size: int = 8) -> str:
    parts = draw(st.lists(st.one_of(TOKENS, st.text(MIXED, max_size=12)), max_size=max_size))
    if draw(st.integers(0, 20)) == 0:
        parts.append(draw(st.sampled_from(["Panjang", "ب", "字", "x"])) * draw(st.integers(200, 3000)))
    return "".join(parts)


# Cells that stay valid often enough for the build to be reached: no control characters,
# no formula start, no long digit runs.
SAFE_TOKENS = st.sampled_from([t for t in MARKUP if t not in ("\r", "\r\n", "\t")
                               and "{" not in t and "}" not in t]
                              + ["٣ apel", "+-", "Ⅻ", "½", "ÅÄÖ", "עב", "عربي", "字"])


@st.composite
def mostly_valid_text(draw, max_size: int = 6) -> str:
    text = "".join(draw(st.lists(st.one_of(SAFE_TOKENS, st.text(
        st.characters(categories=["L", "M", "P", "S", "Zs"]), max_size=10)), max_size=max_size)))
    return ("x" + text) if text[:1] in "=+-@" else text


def number_cell(kind: str, hostile: bool = True):
    valid = (st.integers(-10**6, 10**6).map(str) if kind == "integer"
             else st.decimals(-10**6, 10**6, places=3, allow_nan=False).map(str))
    if not hostile:
        return st.one_of(valid, st.just(""))
    return st.one_of(valid, valid, st.sampled_from(NUMBERS + [""]), hostile_text(3))


@st.composite
def table(draw, text=hostile_text, hostile: bool = True) -> tuple[list[str] | None, list[dict]]:
    """A header (None: the schema's) and rows. hostile=False keeps ids, codes, numbers and
    the header valid, so that the hostile texts reach the outputs."""
    size = draw(st.integers(0, 5))
    rows = []
    for i in range(size):
        rows.append({
            "id": draw(st.one_of(st.just(f"r{i}"), st.just(f"r{i}"), text())) if hostile
            else f"r{i}",
            "nama": draw(text()),
            "jenis": draw(st.one_of(st.sampled_from(["a", "b", ""]), *([text()] if hostile else []))),
            "nilai": draw(number_cell("number", hostile)),
            "jumlah": draw(number_cell("integer", hostile)),
            "tahun": draw(st.integers(2000, 2100).map(str) if not hostile else
                          st.one_of(st.integers(2000, 2100).map(str), number_cell("integer"))),
        })
    columns = [f["name"] for f in FIELDS]
    header = draw(st.one_of(
        st.none(), st.none(), st.none(),
        st.permutations(columns).map(list),
        st.lists(st.one_of(st.sampled_from(columns), text(3)), min_size=1, max_size=8),
        st.just(["\ufeff" + columns[0], *columns[1:]]),
    )) if hostile else None
    return header, rows or ROWS


@st.composite
def metadata_texts(draw, text=hostile_text) -> dict:
    """Every text the metadata prints (titles, descriptions, code labels, chart titles and
    figure texts), each hostile or plain."""
    return {key: draw(st.one_of(st.just(PLAIN[key]), text())) for key in PLAIN}


# --- what a safe output is ------------------------------------------------------------------

PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?|[+-]")


def live_formula(cell: str) -> bool:
    """Text a spreadsheet would evaluate: starting with = + - @ (or a tab or carriage return
    before one), unless it is a plain signed number."""
    stripped = cell.lstrip("\t\r")
    return stripped[:1] in ("=", "+", "-", "@") and not PLAIN_NUMBER.fullmatch(stripped)


def csv_cells(data: bytes):
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        yield from row


def xlsx_problems(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [f"{sheet.title}!{cell.coordinate}: {cell.value!r}" for sheet in book
            for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("="))
            and cell.data_type != "s"]


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag == CANARY or any(name.startswith("on") for name, _ in attrs):
            self.found.append(f"<{tag} {attrs}>")
        self._stack.append(tag)

    def handle_data(self, data):
        """Markdown in the data that was read as Markdown: `**odmd**` / `_odmd_` became
        <strong> / <em> without their marks, `[odlink](...)` a link without its brackets."""
        tag = self._stack[-1] if self._stack else ""
        if (tag in ("strong", "em", "b", "i") and "odmd" in data
                and "**odmd**" not in data and "_odmd_" not in data) or (
                tag == "a" and "odlink" in data and "[odlink]" not in data):
            self.found.append(f"markdown became <{tag}>: {data[:40]!r}")

    def handle_endtag(self, tag):
        if tag in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag):]


def markup_problems(text: str) -> list[str]:
    found = _Markup()
    found.feed(text)
    found.close()
    return found.found


def unsafe(files: dict[str, bytes]) -> list[str]:
    """What is wrong with a set of output files (path → bytes)."""
    wrong = []
    for path, data in files.items():
        if path.endswith(".csv"):
            wrong += [f"{path}: formula {c[:40]!r}" for c in csv_cells(data) if live_formula(c)]
        elif path.endswith(".xlsx"):
            wrong += [f"{path}: {p}" for p in xlsx_problems(data)]
        elif path.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(data)) as bundle:
                wrong += unsafe({f"{path}/{n}": bundle.read(n) for n in bundle.namelist()})
        elif path.endswith((".html", ".svg")):
            wrong += [f"{path}: {p}" for p in markup_problems(data.decode("utf-8"))]
    return wrong


# --- the properties -------------------------------------------------------------------------

def checked(root: Path):
    """The gate, and its report in every form a user sees (it must never raise either)."""
    with project.load(root).activate():
        result = gate(root)
        report.render(result.problems, "both", len(result.catalog.datasets))
        report.as_records(result.problems)
    return result


def release_and_chart_files(root: Path, result) -> dict[str, bytes]:
    from opendata import charts, publication

    with project.load(root).activate():
        published = publication.build(result.catalog, "https://data.contoh.test/",
                                      result.releases, result.withheld)
        rendered = charts.render_all(result.catalog, "https://data.contoh.test/")
        return {**publication.static(published), **charts.static(rendered)}


@pytest.mark.build     # renders charts for every example: the full tier, not the fast one
@given(st.one_of(table(), table(text=mostly_valid_text, hostile=False)),
       st.one_of(metadata_texts(), metadata_texts(text=mostly_valid_text)))
def test_validate_refuses_or_the_release_files_are_safe(data, texts):
    header, rows = data
    with tempfile.TemporaryDirectory() as tmp:
        root = small_project(Path(tmp) / "project", rows=rows, texts=texts, header=header)
        result = checked(root)
        event("refused" if result.errors else "valid")
        if result.errors:
            assert all(p.file and p.code for p in result.errors)
            return
        assert unsafe(release_and_chart_files(root, result)) == []


def snapshot(folder: Path, out: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_relative_to(out) and not p.name.endswith(".lock")}


@pytest.mark.build
@settings(max_examples=BUILDS)
@given(table(text=mostly_valid_text, hostile=False), metadata_texts(text=mostly_valid_text))
def test_validate_refuses_or_the_whole_site_is_safe(data, texts):
    from opendata import pipeline

    header, rows = data
    with tempfile.TemporaryDirectory() as tmp:
        root = small_project(Path(tmp) / "project", rows=rows, texts=texts, header=header)
        result = checked(root)
        event("refused" if result.errors else "built")
        assume(not result.errors)   # refused: the other property covers it
        out = Path(tmp) / "site"
        before = snapshot(Path(tmp), out)
        try:
            pipeline.build(root, out)
        except BuildError as error:   # the gate passed: a build failure is a bug
            raise AssertionError(report.render(error.problems, "en")) from error
        assert snapshot(Path(tmp), out) == before, "written outside the output folder"
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                 if p.is_file()}
        assert unsafe(files) == []


# --- the checks themselves catch what they look for ------------------------------------------

@pytest.mark.parametrize("cell, live", [("=1+1", True), ("+62 254", True), ("-2+3", True),
                                        ("@SUM(A1)", True), ("\t=1", True), ("-12", False),
                                        ("+62254123456", False), ("-", False), ("1.5", False),
                                        ("abc", False), ("-1e5", False)])
def test_the_formula_check_knows_a_formula(cell, live):
    assert live_formula(cell) is live


def test_the_output_check_finds_markup_and_formulas():
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+1"
    data = io.BytesIO()
    book.save(data)
    found = unsafe({"a.csv": b'x,"=HYPERLINK(""a"")"\n', "b.xlsx": data.getvalue(),
                    "c.html": b"<p>&lt;odfuzz&gt;</p><odfuzz>", "d.svg": b"<svg onload='x'/>",
                    "e.html": b"<strong>odmd</strong><em>ok</em><a>**odmd**</a>"})
    assert [f.split(":")[0] for f in found] == ["a.csv", "b.xlsx", "c.html", "d.svg", "e.html"]
