"""One dataset version's rows, read once and typed once: every stage reads this.

`Table.rows` are the cells as written (text, "" when empty), for the preview, differences
between versions and filters; `Table.records` are the same rows typed by the Table Schema
(int, Decimal, bool, date; None when empty), for figures, charts and downloads. Both are
computed once per table. The published CSV is `canonical_csv()`: UTF-8 without BOM, "\\n",
commas and minimal quoting, whatever the editor saved (a BOM or CRLF from Excel is not a
change of the data).

Typing assumes a validated table: a cell that does not parse becomes None.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

TRUE_VALUES = ("true", "True", "TRUE", "1")     # Table Schema defaults
FALSE_VALUES = ("false", "False", "FALSE", "0")


def _integer(text: str):
    return int(text)


def _number(text: str):
    value = Decimal(text)
    return value if value.is_finite() else None


def _boolean(text: str):
    return True if text in TRUE_VALUES else False if text in FALSE_VALUES else None


def _date(text: str):
    return dt.date.fromisoformat(text)


CONVERTERS = {"integer": _integer, "year": _integer, "number": _number,
              "boolean": _boolean, "date": _date}


def converter(field: dict):
    """text → the field's Python value (None when it does not parse)."""
    convert = CONVERTERS.get(field.get("type", "string"))
    if field.get("type") == "boolean" and (field.get("trueValues") or field.get("falseValues")):
        true, false = field.get("trueValues") or TRUE_VALUES, field.get("falseValues") or FALSE_VALUES
        convert = lambda text: True if text in true else False if text in false else None  # noqa: E731
    if convert is None:
        return lambda text: text

    def safe(text: str):
        try:
            return convert(text)
        except (ValueError, InvalidOperation, ArithmeticError):
            return None
    return safe


@dataclass(frozen=True, eq=False)
class Table:
    header: tuple[str, ...]
    given_rows: tuple[dict, ...] | None = None   # rows given directly (tests, imports)
    fields: tuple[dict, ...] = ()   # the Table Schema fields, for typing
    missing_values: tuple[str, ...] = ("",)
    text: str | None = field(default=None, repr=False)   # the CSV, read into rows on demand

    def __len__(self) -> int:
        return len(self.rows)

    @cached_property
    def rows(self) -> tuple[dict, ...]:
        """{column: text}, "" when empty, one per record in file order (blank lines included,
        as empty rows: validation reports them), read from the CSV the first time it is asked
        for: validating a large table never builds them."""
        if self.given_rows is not None:
            return self.given_rows
        width = len(self.header)
        records = csv.reader(io.StringIO(self.text or "", newline=""))
        next(records, None)
        return tuple(dict(zip(self.header, record[:width] + [""] * (width - len(record)),
                              strict=True)) for record in records)

    @cached_property
    def records(self) -> tuple[dict, ...]:
        """The rows typed by the schema; None where a cell is empty (a missing value)."""
        converters = {f.get("name"): converter(f) for f in self.fields}
        missing = set(self.missing_values)
        plain = lambda text: text  # noqa: E731
        return tuple(
            {column: None if text in missing else converters.get(column, plain)(text)
             for column, text in row.items()}
            for row in self.rows)

    def column(self, name: str) -> list[str]:
        """One column's cells, without building every row when they are not built yet."""
        if "rows" in self.__dict__ or self.text is None or name not in self.header:
            return [row.get(name, "") for row in self.rows]
        index = self.header.index(name)
        records = csv.reader(io.StringIO(self.text, newline=""))
        next(records, None)
        return [record[index] if index < len(record) else "" for record in records]

    def canonical_csv(self) -> bytes:
        return canonical_csv(self.header, self.rows)


def canonical_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(column, "") for column in header] for row in rows)
    return out.getvalue().encode("utf-8")


class Unreadable(ValueError):
    """The bytes are not a CSV table: `code` names the message, `row` the line."""

    def __init__(self, code: str, row: int | None = None, detail: str = ""):
        super().__init__(code)
        self.code, self.row, self.detail = code, row, detail


def read_csv(data: bytes, fields=(), missing_values=("",)) -> Table:
    """A Table from CSV bytes (UTF-8, a BOM allowed, any line ending); Unreadable when it is
    not one. Short or long rows are kept as they are: validation reports them."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable("csv_not_utf8", detail=str(error)) from error
    first = next(csv.reader(io.StringIO(text, newline="")), None)
    if first is None:
        raise Unreadable("csv_empty")
    header = tuple(first)
    if len(header) == 1 and ";" in header[0]:
        raise Unreadable("csv_semicolon", row=1)   # Excel with Indonesian regional settings
    # rows are read on demand; every row has every column ("" when the row is short; extra
    # cells are left out): validation reports both, and nothing that reads a row trips on it
    return Table(header=header, fields=tuple(fields), missing_values=tuple(missing_values),
                 text=text)
