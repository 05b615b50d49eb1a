"""A schema's fields as the fast validator reads them, and one cell read exactly as frictionless
5.21 reads it (`frictionless/fields/*.py`, `Field.create_cell_reader`).

The per-cell readers here are the reference: the vectorised parsing in fast_cells.py accepts
only what these accept, and hands every cell it is not sure about to them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa

BAD = object()  # what a reader returns for a cell frictionless reports as a type error
TYPES = {"string", "integer", "number", "boolean", "date", "year"}
STRING_FORMATS = {"default", "uri", "email"}
# exclusiveMinimum/Maximum are left to frictionless: it refuses them in tables.py's resources
# ('requires datapackage v2'), and the fast path repeats that only by handing them over
CONSTRAINTS = {"required", "unique", "enum", "minimum", "maximum", "pattern", "minLength",
               "maxLength"}
BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# frictionless checks a cell's constraints in its field class's `supported_constraints` order
ORDER = {
    "string": ("required", "minLength", "maxLength", "pattern", "enum"),
    "boolean": ("required", "enum"),
}
ORDER_OTHER = ("required", *BOUNDS, "enum")
ARROW = {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(),
         "date": pa.date32(), "year": pa.int64()}
TRUE, FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")
# rfc3986 (what frictionless's "uri" format asks): the string must start with a scheme and ':'
URI_SCHEME = r"^[a-zA-Z][a-zA-Z0-9+.-]*:"
_URI = re.compile(URI_SCHEME)
NUMBER_OPTIONS = ("bareNumber", "groupChar", "decimalChar")


@dataclass(frozen=True)
class Spec:
    """One field of a Table Schema: what its cells must be."""

    name: str
    number: int  # 1-based position, as frictionless counts fields
    type: str
    format: str
    constraints: dict
    missing: tuple[str, ...]
    descriptor: dict

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def unique(self) -> bool:
        return bool(self.constraints.get("unique"))

    @property
    def arrow(self) -> pa.DataType:
        return ARROW.get(self.type, pa.string())

    @property
    def order(self) -> tuple[str, ...]:
        return ORDER.get(self.type, ORDER_OTHER)

    @property
    def flavour(self) -> str:
        """frictionless's note names the type and format: 'type is "number/default"'."""
        return f"{self.type}/{self.format}"


def specs(schema: dict) -> list[Spec]:
    missing = tuple(schema.get("missingValues", [""]))
    return [
        Spec(name=f["name"], number=number, type=f.get("type", "string"),
             format=f.get("format", "default"), constraints=dict(f.get("constraints") or {}),
             missing=tuple(f.get("missingValues", missing)), descriptor=f)
        for number, f in enumerate(schema.get("fields", []), start=1)
    ]


def unsupported(schema: dict, checks) -> str | None:
    """Why this schema needs frictionless itself, or None when the fast path covers it."""
    for spec in specs(schema):
        if spec.type not in TYPES:
            return f"field {spec.name!r} has type {spec.type!r}"
        if spec.type == "string" and spec.format not in STRING_FORMATS:
            return f"field {spec.name!r} has format {spec.format!r}"
        if spec.type in ("number", "integer") and spec.format != "default":
            return f"field {spec.name!r} has format {spec.format!r}"
        unknown = set(spec.constraints) - (CONSTRAINTS & {*spec.order, "unique"})
        if unknown:  # frictionless refuses a constraint its type lacks, tables.py the schema
            return f"field {spec.name!r} has constraint {sorted(unknown)[0]!r}"
        odd = next((name for name, value in spec.constraints.items() if not _usable(spec, name, value)), None)
        if odd:
            return f"field {spec.name!r} has constraint {odd!r} = {spec.constraints[odd]!r}"
    for check in checks or ():
        if check.get("type") != "row-constraint":
            return f"check {check.get('type')!r}"
    return None


def malformed(schema) -> bool:
    """A schema whose fields cannot even be named: tables.py leaves it to the schema's check."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str)
        and isinstance(f.get("constraints", {}), dict) for f in fields)


def _usable(spec: Spec, name: str, value) -> bool:
    """Whether a constraint's value reads as frictionless would need it (else frictionless
    decides what a broken rule does)."""
    if name in ("minLength", "maxLength"):
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "pattern":
        try:
            re.compile(f"^{value}$")
        except (re.error, TypeError):
            return False
        return isinstance(value, str)
    if name == "enum":
        return isinstance(value, list)
    if name in BOUNDS:
        return value is None or reader(spec)(value) is not BAD
    return True


def reader(spec: Spec) -> Callable[[Any], Any]:
    """frictionless's value reader of this field: a cell (or a schema value) → its value, or BAD."""
    make = {"string": _string, "integer": _integer, "number": _number, "boolean": _boolean,
            "date": _date, "year": _year}[spec.type]
    return make(spec)


def cell_value(spec: Spec, read, cell: str | None):
    """A cell as frictionless's cell reader returns it: None for a missing value, BAD for a
    type error, else the value."""
    if cell is None or cell in spec.missing:
        return None
    return read(cell)


def _string(spec: Spec):
    check = _email if spec.format == "email" else _URI.match if spec.format == "uri" else None

    def read(cell):
        if not isinstance(cell, str) or (check and not check(cell)):
            return BAD
        return cell
    return read


def _email(cell: str) -> bool:
    import validators  # frictionless's own email check; only a schema with format: email needs it

    return bool(validators.email(cell))


def _integer(spec: Spec):
    strip = _not_bare(spec)

    def read(cell):
        if isinstance(cell, str):
            try:
                return int(strip(cell.strip()))
            except Exception:
                return BAD
        return _integer_of(cell)
    return read


def _integer_of(cell):
    if cell is True or cell is False:
        return BAD
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, Decimal) and cell % 1 == 0:
        return int(cell)
    return BAD


def _not_bare(spec: Spec):
    if spec.descriptor.get("bareNumber", True):
        return lambda text: text
    pattern = re.compile(r"((^[^-\d]*)|(\D*$))")
    return lambda text: pattern.sub("", text)


def _number(spec: Spec):
    primary, secondary = (float, Decimal) if spec.descriptor.get("floatNumber") else (Decimal, float)
    process = _number_processor(spec)

    def read(cell):
        if isinstance(cell, str):
            text = process(cell.strip())
            if text is None:
                return BAD
            try:
                return primary(text)
            except Exception:
                return BAD
        return _number_of(cell, primary, secondary)
    return read


def _number_of(cell, primary, secondary):
    if isinstance(cell, primary):
        return cell
    if cell is True or cell is False:
        return BAD
    if isinstance(cell, int):
        return cell
    if isinstance(cell, secondary):
        return primary(str(cell) if primary is Decimal else cell)
    return BAD


def _number_processor(spec: Spec):
    if not any(key in spec.descriptor for key in NUMBER_OPTIONS):
        return lambda text: text
    strip = _not_bare(spec)
    group, decimal = spec.descriptor.get("groupChar", ""), spec.descriptor.get("decimalChar", ".")

    def process(text):
        text = strip(text).replace(group, "")
        if decimal != "." and "." in text:
            return None
        return text.replace(decimal, ".")
    return process


def _boolean(spec: Spec):
    mapping = {value: True for value in spec.descriptor.get("trueValues", TRUE)}
    mapping.update({value: False for value in spec.descriptor.get("falseValues", FALSE)})

    def read(cell):
        if cell is True or cell is False:
            return cell
        value = mapping.get(cell) if isinstance(cell, str) else None
        return BAD if value is None else value
    return read


def _date(spec: Spec):
    def read(cell):
        if isinstance(cell, dt.datetime):
            return cell.date() if cell.time() == dt.time() else BAD
        if isinstance(cell, dt.date):
            return cell
        if not isinstance(cell, str):
            return BAD
        try:
            return _parse_date(cell, spec.format)
        except Exception:
            return BAD
    return read


def _parse_date(cell: str, fmt: str) -> dt.date:
    if fmt == "default":
        return dt.datetime.strptime(cell, "%Y-%m-%d").date()
    if fmt == "any":
        from dateutil import parser  # frictionless's reader of format "any"

        return parser.parse(cell).date()
    return dt.datetime.strptime(cell, fmt).date()


def _year(spec: Spec):
    def read(cell):
        if not isinstance(cell, int):
            if not isinstance(cell, str) or len(cell) != 4:
                return BAD
            try:
                cell = int(cell)
            except Exception:
                return BAD
        return cell if 0 <= cell <= 9999 else BAD
    return read
