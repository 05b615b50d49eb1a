"""The project's own cell rules, vectorised: deliberate additions to what frictionless checks
(fast.py's docstring lists them). Each finds candidate cells with one pyarrow pass over a
column; only those few cells are looked at again in Python.
"""

from __future__ import annotations

import re
from itertools import accumulate

import pyarrow as pa
import pyarrow.compute as pc

from .fast_cells import Parsed, fast_overflow
from .fast_errors import Where, own
from .fast_types import Spec

FORMULA_STARTS = tuple("=+-@\t\r")  # tables.FORMULA_STARTS
# tables.NUMBER_LIKE: a signed number, a phone number written without spaces, a "-" placeholder
NUMBER_LIKE = re.compile(r"[+-][0-9.,]*")
# C0 controls but tab, line feed and carriage return (text may hold them: a quoted cell can
# span lines), DEL, and the C1 controls
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\x{80}-\x{9F}]"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # what str.strip() strips
# a national ID (NIK): 16 digits, maybe written in groups separated by one space or dot
NIK_CANDIDATE = r"[0-9](?:[ .]?[0-9]){15}"
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ .][0-9]+)*")
# where a written NIK may be cut: 2.2.2.6.4 (area codes, birth date, serial) or 4-4-4-4
NIK_CUTS = ({2, 4, 6, 12}, {4, 8, 12})


def cell_rules(where: Where, specs: list[Spec], raw: pa.RecordBatch, rows: list[int],
               parsed: dict[str, Parsed], facts) -> list:
    """`facts` (fast_csv.Facts) say which rules the file can break at all."""
    found = []
    for spec in specs:
        column = raw.column(spec.name)
        found += _too_long(where, spec, column, rows)
        if facts.controls:
            found += _controls(where, spec, column, rows)
        found += _numbers(where, spec, parsed[spec.name], column, rows)
        if spec.type == "string":
            found += _formulas(where, spec, column, rows)
            if facts.long_numbers:
                found += _personal_ids(where, spec, column, rows)
            if spec.required:
                found += _only_spaces(where, spec, column, rows, parsed[spec.name])
    names = {spec.name: spec for spec in specs}
    for column, when in where.rules.counts:
        if column in names and all(key in names for key, _ in when):
            found += _counts(where, names[column], raw, when, rows)
    return found


def _too_long(where, spec, column, rows):
    """A cell longer than the dataset's limit (a pasted document, not a value): it would be
    printed on every page that shows the row, in the search index and in every download."""
    limit = where.rules.cell
    long = pc.greater(pc.utf8_length(column), limit)
    return [own(where, "cell_too_long", rows[i], spec.name, spec.number,
                params={"length": len(text), "limit": limit})
            for i, text in _hits(column, long)]


WHOLE = r"^[0-9]+$"


def _counts(where, spec, raw: pa.RecordBatch, when: tuple, rows):
    """A count (of people, of institutions) is written as a whole number, digits only:
    `7.030` in a count of people is 7,030 written with a thousands dot, which a number column
    reads as 7.03. `when` names the rows that count ({satuan: orang}); none: every row."""
    column = raw.column(spec.name)
    counted = pc.and_(pc.not_equal(column, ""), pc.invert(pc.match_substring_regex(column, WHOLE)))
    for key, value in when:
        counted = pc.and_(counted, pc.equal(raw.column(key), value))
    shown = ", ".join(f"{key} = {value}" for key, value in when)
    return [own(where, "count_not_whole", rows[i], spec.name, spec.number,
                params={"cell": text[:40], "when": shown or spec.name})
            for i, text in _hits(column, counted)]


def _hits(column: pa.Array, candidates: pa.BooleanArray) -> list[tuple[int, str]]:
    indices = pc.indices_nonzero(pc.fill_null(candidates, False)).to_pylist()
    return list(zip(indices, column.take(indices).to_pylist(), strict=True)) if indices else []


def _formulas(where, spec, column, rows):
    first = pc.utf8_slice_codeunits(column, 0, 1)
    starts = pc.is_in(first, value_set=pa.array(FORMULA_STARTS, pa.string()))
    return [own(where, "formula_cell", rows[i], spec.name, spec.number,
                params={"first": text[0].replace("\t", "TAB").replace("\r", "CR")})
            for i, text in _hits(column, starts) if not NUMBER_LIKE.fullmatch(text)]


def _controls(where, spec, column, rows):
    return [own(where, "control_character", rows[i], spec.name, spec.number,
                params={"char": escape(_CONTROL.search(text).group())})
            for i, text in _hits(column, pc.match_substring_regex(column, CONTROL))]


def escape(char: str) -> str:
    """A control character as a maintainer can read it: '\\x1b', never the raw byte."""
    return f"\\x{ord(char):02x}"


def _personal_ids(where, spec, column, rows):
    candidates = pc.match_substring_regex(column, NIK_CANDIDATE)
    return [own(where, "personal_id", rows[i], spec.name, spec.number)
            for i, text in _hits(column, candidates) if holds_nik(text)]


def holds_nik(text: str) -> bool:
    """16 digits in a row, or in groups cut where a NIK is written cut (2.2.2.6.4 or 4-4-4-4),
    and not part of a longer run of digits."""
    for run in _DIGIT_RUN.finditer(text):
        groups = [len(g) for g in re.split(r"[ .]", run.group())]
        for start in range(len(groups)):
            if _nik_from(groups[start:]):
                return True
    return False


def _nik_from(groups: list[int]) -> bool:
    ends = list(accumulate(groups))
    if 16 not in ends:
        return False
    cuts = set(ends[:ends.index(16)])
    return any(cuts <= allowed for allowed in NIK_CUTS)


def _only_spaces(where, spec, column, rows, parsed: Parsed):
    nothing_left = pc.equal(pc.utf8_trim(column, characters=WHITESPACE), "")
    blank = pc.and_(pc.and_(nothing_left, pc.not_equal(column, "")), pc.invert(parsed.none))
    return [own(where, "required_spaces", rows[i], spec.name, spec.number)
            for i, _ in _hits(column, blank)]


def _numbers(where, spec, parsed: Parsed, column, rows):
    notes = parsed.notes + [(i, "number_too_large") for i in fast_overflow(spec, parsed)]
    if not notes:
        return []
    cells = column.take([i for i, _ in notes]).to_pylist()
    return [own(where, code, rows[i], spec.name, spec.number,
                params={"cell": cell, "type": spec.type})
            for (i, code), cell in zip(notes, cells, strict=True)]
