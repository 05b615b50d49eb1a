"""Cells → the canonical text of their column's type (Table Schema), never a guess.

A number is written with a dot as the decimal mark and no thousands separator, a date as
YYYY-MM-DD, a boolean as `true`/`false`, text without surrounding spaces. What a cell means
must be settled by the file or by the officer:

- the decimal mark: a cell that can only be read one way (`9,26`, `1.234.567`, `1.234,5`,
  `12.5`) settles it for the whole file, as do `--decimal-comma`/`--thousands-dot` and
  `--decimal-dot`/`--thousands-comma`; `1.234` alone (one thousand two hundred thirty-four,
  or one point two three four) is refused while nothing settles it;
- the order of day and month: `25/12/2024` settles `dd/mm/yyyy`, `12/25/2024` settles
  `mm/dd/yyyy`, as does `--date-format`; `01/02/2024` alone is refused;
- a file that settles both ways (`9,26` and `9.26`) is refused at the first cell of each.

Refused outright: a live formula (its value is whatever Excel last computed, if it ever did:
copy the column and paste it as values), an error value (#DIV/0!), a percent (Excel keeps
9,26 % as 0.0926: write the number the column publishes), a two-digit year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from ..problems import Problem
from .read import Cell

NUMBER = re.compile(r"([+-]?)([0-9.,]+)")
SLASH_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]00:00(?::00)?)?")
NUMERIC = ("number", "integer", "year")
TRUE = ("true", "benar", "ya", "yes", "1")
FALSE = ("false", "salah", "tidak", "no", "0")
FLAGS = {",": ("--decimal-comma", "--thousands-dot"), ".": ("--decimal-dot", "--thousands-comma")}
ORDERS = {"dmy": "dd/mm/yyyy", "mdy": "mm/dd/yyyy"}


@dataclass(frozen=True)
class Conventions:
    decimal: str | None = None      # "," or "."; None: not settled
    date_order: str | None = None   # "dmy" or "mdy"; None: not settled


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def is_date_like(field: dict) -> bool:
    """A text column that holds ISO dates (its pattern accepts 2024-01-31): Excel turns
    those into dates of its own format when it opens a CSV, so they are read back."""
    pattern = (field.get("constraints") or {}).get("pattern")
    if field.get("type", "string") != "string" or not isinstance(pattern, str):
        return False
    try:
        return re.fullmatch(pattern, "2024-01-31") is not None
    except re.error:
        return False


# --- settling the conventions -------------------------------------------------------------------

def readings(body: str) -> dict[str, str]:
    """{decimal mark: canonical number} for every way `body` (digits, dots, commas) reads."""
    found = {}
    for mark, thousands in ((",", "."), (".", ",")):
        whole, sep, fraction = body.partition(mark)
        if mark in fraction or thousands in fraction or (sep and not fraction):
            continue
        if thousands in whole:
            groups = whole.split(thousands)
            if not groups[0] or groups[0][0] == "0" or len(groups[0]) > 3 \
                    or any(len(g) != 3 for g in groups[1:]):
                continue
            whole = "".join(groups)
        if not re.fullmatch(r"[0-9]*", whole) or not re.fullmatch(r"[0-9]*", fraction):
            continue
        found[mark] = (whole.lstrip("0") or "0") + (f".{fraction}" if sep else "")
    return found


def settle(cells_by_field: list[tuple[dict, list[Cell]]], decimal: str | None,
           date_order: str | None, file: str) -> tuple[Conventions, list[Problem]]:
    """The file's conventions: the officer's flags, else what its unambiguous cells show."""
    marks, orders = {}, {}
    for field, cells in cells_by_field:
        kind = field.get("type", "string")
        for cell in cells:
            text = cell.value.strip() if isinstance(cell.value, str) else None
            if not text:
                continue
            if kind in NUMERIC and (m := NUMBER.fullmatch(text)) and ("." in text or "," in text):
                found = readings(m.group(2))
                if len(found) == 1:
                    marks.setdefault(next(iter(found)), cell)
            elif (kind == "date" or is_date_like(field)) and (m := SLASH_DATE.fullmatch(text)):
                first, second = int(m.group(1)), int(m.group(3))
                if first > 12 >= second:
                    orders.setdefault("dmy", cell)
                elif second > 12 >= first:
                    orders.setdefault("mdy", cell)
    problems = []
    if decimal is None and len(marks) == 2:
        problems += [Problem(file=file, code="import_decimal_conflict", row=c.row, column=c.column,
                             params={"cell": c.value.strip(), "mark": mark})
                     for mark, c in sorted(marks.items(), key=lambda item: item[1].row)]
    if date_order is None and len(orders) == 2:
        problems += [Problem(file=file, code="import_date_conflict", row=c.row, column=c.column,
                             params={"cell": c.value.strip(), "format": ORDERS[order]})
                     for order, c in sorted(orders.items(), key=lambda item: item[1].row)]
    settled = Conventions(decimal or (next(iter(marks)) if len(marks) == 1 else None),
                          date_order or (next(iter(orders)) if len(orders) == 1 else None))
    return settled, problems


# --- one cell -------------------------------------------------------------------------------------

def convert(cell: Cell, field: dict, conventions: Conventions) -> str:
    """The canonical text of a cell in `field`'s column; Refused when it cannot be read."""
    if cell.formula:
        raise Refused("import_formula", cell=str(cell.value)[:60])
    if cell.error:
        raise Refused("import_cell_error", cell=str(cell.value)[:20])
    if cell.empty:
        return ""
    kind = field.get("type", "string")
    value = cell.value
    if "%" in cell.fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Refused("import_percent", cell=f"{value * 100:g} %")
    if kind in NUMERIC:
        return _number(value, kind, conventions)
    if kind == "boolean":
        return _boolean(value, field)
    if kind == "date":
        return _date(value, conventions)
    return _text(cell, field, conventions)


def _number(value, kind: str, conventions: Conventions) -> str:
    if isinstance(value, (bool, dt.date, dt.time)):
        raise Refused("import_not_a_number", cell=_shown(value))
    if isinstance(value, (int, float)):
        text = _plain_number(value)
    else:
        raw = str(value).strip()
        if raw.endswith("%"):
            raise Refused("import_percent", cell=raw)
        match = NUMBER.fullmatch(raw)
        found = readings(match.group(2)) if match else {}
        if not found:
            raise Refused("import_not_a_number", cell=raw)
        if len(set(found.values())) > 1 and conventions.decimal is None:
            raise Refused("import_number_ambiguous", cell=raw, **_ambiguity(raw, found))
        if conventions.decimal is not None and conventions.decimal not in found:
            raise Refused("import_number_convention", cell=raw, mark=conventions.decimal,
                          flag=FLAGS[conventions.decimal][0])
        text = found[conventions.decimal] if conventions.decimal in found else next(iter(found.values()))
        text = ("-" if match.group(1) == "-" else "") + text
    if kind in ("integer", "year"):
        whole, _, fraction = text.partition(".")
        if fraction.strip("0"):
            raise Refused("import_not_an_integer", cell=_shown(value))
        return whole
    return text


def _ambiguity(raw: str, found: dict) -> dict:
    sign = "-" if raw.startswith("-") else ""
    mark = "." if "." in raw else ","
    whole, fraction = raw.lstrip("+-").split(mark)
    thousands = "," if mark == "." else "."
    return {"as_thousands": sign + found[thousands],
            "as_decimal_id": f"{sign}{whole},{fraction}", "as_decimal_en": f"{sign}{whole}.{fraction}",
            "flag_thousands": FLAGS[thousands][1], "flag_decimal": FLAGS[mark][0]}


def _plain_number(value) -> str:
    """A workbook's number as text: integers without '.0', others in plain notation."""
    if isinstance(value, float) and not value.is_integer():
        return format(Decimal(repr(value)), "f")
    return str(int(value))


def _boolean(value, field: dict) -> str:
    true_values = field.get("trueValues") or []
    false_values = field.get("falseValues") or []
    text = str(value).strip() if not isinstance(value, bool) else ("true" if value else "false")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
        text = str(int(value))
    if text in true_values or text.casefold() in TRUE:
        return true_values[0] if true_values else "true"
    if text in false_values or text.casefold() in FALSE:
        return false_values[0] if false_values else "false"
    raise Refused("import_not_a_boolean", cell=_shown(value))


def _date(value, conventions: Conventions) -> str:
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            raise Refused("import_not_a_date", cell=_shown(value))
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise Refused("import_not_a_date", cell=_shown(value))
    text = value.strip()
    if match := ISO_DATE.fullmatch(text):
        return _real(text, int(match.group(1)), int(match.group(2)), int(match.group(3)))
    converted = _slash_date(text, conventions)
    if converted is None:
        raise Refused("import_not_a_date", cell=text)
    return converted


def _slash_date(text: str, conventions: Conventions) -> str | None:
    match = SLASH_DATE.fullmatch(text)
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), match.group(4)
    if len(year) == 2:
        raise Refused("import_year_short", cell=text)
    order = conventions.date_order
    if first != second and max(first, second) <= 12 and order is None:
        raise Refused("import_date_ambiguous", cell=text,
                      day_first=f"{year}-{second:02d}-{first:02d}",
                      month_first=f"{year}-{first:02d}-{second:02d}")
    if order is None:
        order = "dmy" if first > 12 or first == second else "mdy"
    day, month = (first, second) if order == "dmy" else (second, first)
    return _real(text, int(year), month, day)


def _real(text: str, year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise Refused("import_not_a_date", cell=text) from None


def _text(cell: Cell, field: dict, conventions: Conventions) -> str:
    value = cell.value
    if isinstance(value, str):
        text = value.strip()
        if is_date_like(field) and SLASH_DATE.fullmatch(text):
            return _slash_date(text, conventions) or text
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.datetime, dt.date)):
        if not is_date_like(field):
            raise Refused("import_date_in_text", cell=_shown(value))
        return _date_with_precision(value, cell.fmt)
    if isinstance(value, (int, float)):
        text = _plain_number(value)
        zeros = cell.fmt if re.fullmatch(r"0+", cell.fmt or "") else ""
        return text.zfill(len(zeros)) if zeros and text.isdigit() else text
    raise Refused("import_not_text", cell=_shown(value))


def _date_with_precision(value, fmt: str) -> str:
    """A date cell in a text column of dates, at the precision its format shows: `mmm-yy`
    is a month (2025-11), `yyyy` a year, anything with a day a day."""
    tokens = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt or "").lower()
    day = value.date() if isinstance(value, dt.datetime) else value
    if "d" in tokens or not tokens or tokens == "general":
        return day.isoformat()
    return day.isoformat()[:7] if "m" in tokens else day.isoformat()[:4]


def _shown(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:60]
