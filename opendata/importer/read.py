"""The office's file → a grid of cells as the file holds them, nothing interpreted yet.

An `.xlsx` workbook is read with openpyxl (read-only, formulas as written, never evaluated);
any other file is CSV text as Excel exports it in any regional setting: UTF-8 with or without
a BOM, UTF-16 ("Unicode text", tab separated), or Windows-1252; CRLF or LF; a `sep=;` first
line; comma, semicolon or tab separated. The separator is the one that splits the header into
the schema's columns (the header settles it; no guessing from the rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem

MAX_BYTES = 200_000_000
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"   # .xls (Excel 97-2003), also old .doc: not read
SEP_LINE = re.compile(r'"?sep=(.)"?[,;\t]*\r?\n?', re.I)
DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Cell:
    """One cell as the file holds it. CSV cells and text cells of a workbook are `str`; a
    workbook's typed cells keep their Python value (int, float, bool, datetime)."""
    value: object
    row: int                   # the row number the officer sees (Excel's; CSV: header = 1)
    column: str                # the column's header as written (its letter when empty)
    fmt: str = ""              # the workbook's number format ("" for CSV)
    formula: bool = False      # a live formula (workbook)
    error: bool = False        # an error value such as #DIV/0! (workbook)

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True)
class Grid:
    file: str                  # the file as the officer named it, for messages
    header: tuple[str, ...]    # header cells as written (stripped)
    rows: tuple[tuple[Cell, ...], ...]   # every non-blank data row, as long as the header
    header_row: int = 1


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA (how a spreadsheet names a column)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read(path: Path, label: str, sheet: str | None, header_ok) -> tuple[Grid | None, list[Problem]]:
    """The grid of `path`; `header_ok(cells)` says whether a header row names the schema's
    columns (it settles a CSV's separator)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None, [Problem(file=label, code="import_file_missing")]
    if not path.is_file() or size > MAX_BYTES:
        code = "import_file_missing" if not path.is_file() else "file_too_large"
        return None, [Problem(file=label, code=code, params={"size": size, "limit": MAX_BYTES})]
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(XLSX_MAGIC):
        return read_xlsx(path, label, sheet)
    if start.startswith(OLD_EXCEL_MAGIC) or path.suffix.lower() in (".xls", ".ods", ".numbers"):
        return None, [Problem(file=label, code="import_file_type",
                              params={"suffix": path.suffix.lower() or "?"})]
    if sheet:
        return None, [Problem(file=label, code="import_sheet_not_workbook", params={"sheet": sheet})]
    return read_csv(path.read_bytes(), label, header_ok)


# --- workbooks --------------------------------------------------------------------------------

def read_xlsx(path: Path, label: str, sheet: str | None) -> tuple[Grid | None, list[Problem]]:
    from openpyxl import load_workbook  # only the import reads workbooks

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        return None, [Problem(file=label, code="import_xlsx_unreadable", detail=str(error)[:300])]
    try:
        names = book.sheetnames
        if sheet is not None and sheet not in names:
            return None, [Problem(file=label, code="import_sheet_missing",
                                  params={"sheet": sheet, "sheets": ", ".join(names)})]
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        rows = []
        for number, cells in enumerate(worksheet.iter_rows(), start=1):
            number = next((c.row for c in cells if getattr(c, "row", None)), number)
            rows.append((number, [(c.value, getattr(c, "data_type", "n"),
                                   getattr(c, "number_format", None) or "") for c in cells]))
    finally:
        book.close()
    label = f"{label} [{worksheet.title}]"
    return _grid(label, rows, lambda raw: raw[0], _xlsx_cell)


def _xlsx_cell(raw, row: int, column: str) -> Cell:
    value, kind, fmt = raw
    if isinstance(value, str) and kind != "f":
        value = value.replace("\r\n", "\n")
    return Cell(value=value, row=row, column=column, fmt=fmt,
                formula=kind == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"),
                error=kind == "e")


# --- CSV text -----------------------------------------------------------------------------------

def decode(data: bytes) -> tuple[str | None, str]:
    """The text and the encoding's name; None when no encoding Excel writes reads it."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None, "UTF-16"
    for encoding, name in (("utf-8", "UTF-8"), ("cp1252", "Windows-1252")):
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        return (None, name) if "\x00" in text else (text, name)
    return None, "UTF-8, Windows-1252"


def read_csv(data: bytes, label: str, header_ok) -> tuple[Grid | None, list[Problem]]:
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError:
        text, encoding = None, "UTF-8 (BOM)"
    if text is None:
        return None, [Problem(file=label, code="import_encoding", params={"encoding": encoding})]
    declared = SEP_LINE.match(text)
    if declared:   # Excel's own hint: `sep=;` on the first line (Excel hides it: rows are
        text = text[declared.end():]   # numbered as Excel shows them, the header first)
    candidates = [declared.group(1)] if declared else list(DELIMITERS)
    parsed = {d: list(csv.reader(io.StringIO(text, newline=""), delimiter=d)) for d in candidates}
    if not any(parsed.values()):
        return None, [Problem(file=label, code="csv_empty")]
    header_of = {d: next((r for r in rows if any(c.strip() for c in r)), []) for d, rows in parsed.items()}
    fitting = [d for d in candidates if header_ok([c.strip() for c in header_of[d]])]
    # the header settles the separator; with none fitting, the one that splits it most
    # is shown, so the message names the columns that do not fit
    chosen = fitting[0] if fitting else max(candidates, key=lambda d: len(header_of[d]))
    rows = list(enumerate(parsed[chosen], start=1))
    return _grid(label, rows, lambda raw: raw, _csv_cell)


def _csv_cell(raw, row: int, column: str) -> Cell:
    return Cell(value=raw.replace("\r\n", "\n"), row=row, column=column)


# --- both ------------------------------------------------------------------------------------------

def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _grid(label: str, rows, value_of, make_cell) -> tuple[Grid | None, list[Problem]]:
    """The first non-blank row is the header; blank rows are left out; short rows are padded
    (a spreadsheet leaves trailing empty cells out); non-empty cells beyond the header, or
    under an empty header cell, are refused."""
    rows = [(n, r) for n, r in rows if not _blank([value_of(c) for c in r])]
    if not rows:
        return None, [Problem(file=label, code="csv_empty")]
    header_row, header_raw = rows[0]
    header = [str(value_of(c)).strip() if value_of(c) is not None else "" for c in header_raw]
    while header and not header[-1]:
        header.pop()
    names = [h or column_letter(i) for i, h in enumerate(header)]
    problems, grid_rows = [], []
    for number, raw in rows[1:]:
        cells = [make_cell(c, number, names[i] if i < len(names) else column_letter(i))
                 for i, c in enumerate(raw)]
        for cell in cells[len(header):]:
            if not cell.empty:
                problems.append(Problem(file=label, code="import_extra_cell", row=number,
                                        column=cell.column))
        for index, cell in enumerate(cells[:len(header)]):
            if not header[index] and not cell.empty:
                problems.append(Problem(file=label, code="import_header_empty", row=number,
                                        column=cell.column))
        cells = cells[:len(header)]
        cells += [Cell(None, number, names[i]) for i in range(len(cells), len(header))]
        grid_rows.append(tuple(cells))
    return Grid(label, tuple(header), tuple(grid_rows), header_row), problems
