"""One column of strings → its typed values and type errors, vectorised with pyarrow.

Each type has a fast path for the plain ASCII spellings that pyarrow and frictionless read
alike; every other cell ('+5', ' 5 ', '1_000', '٣', '2023-1-5', '2023-02-30', 'NaN', ...)
falls back to fast_types' per-cell reader, which is frictionless's own rule, so a cell is
never judged differently, only more slowly. Cells read that way are also where the project's
number rules look (underscores, non-ASCII digits, NaN, infinity, values too large to publish).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc

from .fast_types import BAD, URI_SCHEME, Spec, reader

FAST_INTEGER = r"^[+-]?[0-9]{1,18}$"
FAST_NUMBER = r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$"
FAST_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
FAST_YEAR = r"^[0-9]{4}$"
INT64 = (-(2**63), 2**63 - 1)
ASCII_DIGITS = set("0123456789")
CACHED = 1 << 17


@dataclass
class Parsed:
    """A column read as its field's type. `none`: missing value or missing cell; `bad`: type
    error; `skip`: read, but refused by a number rule that replaces the constraint checks
    (NaN, infinity); `exact`: Python values of the cells read one by one; `notes`: the
    project's number rules, (index, code)."""

    typed: pa.Array
    none: pa.BooleanArray
    bad: pa.BooleanArray
    skip: pa.BooleanArray
    exact: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    @property
    def valid(self) -> pa.BooleanArray:
        """Cells frictionless checks constraints on (read, not missing)."""
        return pc.invert(pc.or_(pc.or_(self.none, self.bad), self.skip))


def parse(spec: Spec, raw: pa.Array, absent: pa.BooleanArray | None = None) -> Parsed:
    none = (pc.equal(raw, spec.missing[0]) if len(spec.missing) == 1 else
            pc.is_in(raw, value_set=pa.array(spec.missing, pa.string())))
    if absent is not None:
        none = pc.or_(none, absent)
    present = pc.invert(none)
    typed, fast = FAST[spec.type](spec, raw, present)
    slow = pc.and_(present, pc.invert(fast))
    return _read_slow(spec, raw, none, typed, slow)


def _string(spec: Spec, raw, present):
    if spec.format == "uri":
        ok = pc.match_substring_regex(raw, URI_SCHEME)
        return with_nulls(raw, pc.and_(present, ok)), ok
    if spec.format == "email":  # no vectorised rule: every cell goes to the reader
        return pa.nulls(len(raw), pa.string()), _false(len(raw))
    return with_nulls(raw, present), _true(len(raw))


def with_nulls(raw: pa.Array, keep: pa.BooleanArray) -> pa.Array:
    """`raw` with null where `keep` is false, sharing raw's buffers (no copy of the text)."""
    if raw.offset or keep.offset or keep.null_count or raw.null_count:
        return pc.if_else(keep, raw, _null(raw.type))
    if keep.false_count == 0:
        return raw
    return pa.Array.from_buffers(raw.type, len(raw), [keep.buffers()[1], *raw.buffers()[1:]])


def _integer(spec: Spec, raw, present):
    if not spec.descriptor.get("bareNumber", True):
        return _nulls(spec, len(raw)), _false(len(raw))
    fast = pc.and_(present, pc.match_substring_regex(raw, FAST_INTEGER))
    digits = pc.if_else(fast, pc.replace_substring_regex(raw, r"^\+", ""), "0")
    return pc.if_else(fast, pc.cast(digits, pa.int64()), _null(pa.int64())), fast


def _number(spec: Spec, raw, present):
    options = ("bareNumber", "groupChar", "decimalChar", "floatNumber")
    if any(key in spec.descriptor for key in options):
        return _nulls(spec, len(raw)), _false(len(raw))
    fast = pc.and_(present, pc.match_substring_regex(raw, FAST_NUMBER))
    try:
        values = pc.cast(pc.if_else(fast, raw, "0"), pa.float64())
    except pa.ArrowInvalid:  # a spelling pyarrow refuses after all: read them one by one
        return _nulls(spec, len(raw)), _false(len(raw))
    return pc.if_else(fast, values, _null(pa.float64())), fast


def _boolean(spec: Spec, raw, present):
    read = reader(spec)
    true = [v for v in spec.descriptor.get("trueValues", ("true", "True", "TRUE", "1")) if read(v) is True]
    false = [v for v in spec.descriptor.get("falseValues", ("false", "False", "FALSE", "0")) if read(v) is False]
    is_true = pc.is_in(raw, value_set=pa.array(true, pa.string()))
    is_false = pc.is_in(raw, value_set=pa.array(false, pa.string()))
    typed = pc.if_else(is_false, False, pc.if_else(is_true, True, _null(pa.bool_())))
    fast = pc.and_(present, pc.or_(is_true, is_false))
    return pc.if_else(fast, typed, _null(pa.bool_())), pc.or_(fast, pc.invert(present))


def _date(spec: Spec, raw, present):
    if spec.format != "default":
        return _nulls(spec, len(raw)), _false(len(raw))
    fast = pc.and_(present, pc.match_substring_regex(raw, FAST_DATE))
    stamps = pc.strptime(pc.if_else(fast, raw, "2000-01-01"), format="%Y-%m-%d", unit="s",
                         error_is_null=True)
    # pyarrow rolls 2023-02-30 over to 2023-03-02: only a date that prints back as written
    # is one Python's strptime accepts too (year 0000 and the rest go to the reader)
    same = pc.equal(pc.strftime(stamps, format="%Y-%m-%d"), raw)
    fast = pc.and_(pc.and_(fast, pc.fill_null(same, False)),
                   pc.invert(pc.starts_with(raw, "0000")))
    return pc.if_else(fast, pc.cast(stamps, pa.date32()), _null(pa.date32())), fast


def _year(spec: Spec, raw, present):
    fast = pc.and_(present, pc.match_substring_regex(raw, FAST_YEAR))
    values = pc.cast(pc.if_else(fast, raw, "0"), pa.int64())
    return pc.if_else(fast, values, _null(pa.int64())), fast


FAST = {"string": _string, "integer": _integer, "number": _number, "boolean": _boolean,
        "date": _date, "year": _year}


def _read_slow(spec: Spec, raw, none, typed, slow) -> Parsed:
    """The cells the fast path left, read one by one as frictionless reads them."""
    n = len(raw)
    indices = pc.indices_nonzero(slow).to_pylist()
    if not indices:
        return Parsed(typed, none, _false(n), _false(n))
    read = reader(spec)
    texts = raw.take(indices).to_pylist()
    values = [read(text) for text in texts]
    parsed = Parsed(typed, none, _false(n), _false(n), exact=dict(zip(indices, values, strict=True)))
    parsed.notes = [(i, code) for i, text, value in zip(indices, texts, values, strict=True)
                    if (code := number_rule(spec, text, value))]
    _apply_slow(spec, parsed, indices, values, n)
    return parsed


def _apply_slow(spec: Spec, parsed: Parsed, indices, values, n) -> None:
    bad = [i for i, value in zip(indices, values, strict=True) if value is BAD]
    parsed.bad = mask(n, bad)
    skip = [i for i, code in parsed.notes if code in ("number_nan", "number_infinite")]
    parsed.skip = mask(n, skip)
    kept = [(i, _arrow_value(spec, v)) for i, v in zip(indices, values, strict=True) if v is not BAD]
    kept = [(i, v) for i, v in kept if v is not None]
    if kept:
        replacements = pa.array([v for _, v in kept], parsed.typed.type)
        parsed.typed = pc.replace_with_mask(parsed.typed, mask(n, [i for i, _ in kept]), replacements)


def _arrow_value(spec: Spec, value):
    if spec.type in ("integer", "year"):
        return value if INT64[0] <= value <= INT64[1] else None  # too large: a number rule says so
    if spec.type == "number":
        return float(value) if not (isinstance(value, Decimal) and value.is_snan()) else math.nan
    return value


def number_rule(spec: Spec, text: str, value) -> str | None:
    """The project's rule for a number frictionless reads but the site would publish
    differently, or None."""
    if value is BAD or spec.type not in ("integer", "number", "year"):
        return None
    if _nan(value):
        return "number_nan"
    if spec.type == "number" and _infinite(value):
        return "number_infinite"
    if any(c.isdigit() and c not in ASCII_DIGITS for c in text):
        return "number_digits"
    if "_" in text:
        return "number_underscore"
    if _too_large(spec, value):
        return "number_too_large"
    return None


def _nan(value) -> bool:
    return value.is_nan() if isinstance(value, Decimal) else value != value


def _infinite(value) -> bool:
    return value.is_infinite() if isinstance(value, Decimal) else math.isinf(value)


def _too_large(spec: Spec, value) -> bool:
    if spec.type == "number":
        return math.isinf(float(value))
    return not INT64[0] <= value <= INT64[1]


def fast_overflow(spec: Spec, parsed: Parsed) -> list[int]:
    """Plain numbers like 1e309 that pyarrow read as infinity: too large to publish."""
    if spec.type != "number" or not pa.types.is_floating(parsed.typed.type):
        return []
    inf = pc.and_(pc.is_inf(parsed.typed), pc.invert(parsed.skip))
    return [i for i in pc.indices_nonzero(pc.fill_null(inf, False)).to_pylist()
            if i not in parsed.exact]


def pick(array, indices: list[int]) -> list:
    """The values of `array` at `indices`, as Python values."""
    return array.take(pa.array(indices, pa.int64())).to_pylist() if indices else []


def mask(n: int, indices: list[int]) -> pa.BooleanArray:
    """A boolean array of length n, true at `indices`."""
    if not indices:
        return _false(n)
    return pc.is_in(arange(n), value_set=pa.array(indices, pa.int64()))


def arange(n: int) -> pa.Array:
    """0, 1, ..., n - 1 (int64)."""
    if n <= CACHED:
        return _arange().slice(0, n)
    return pa.array(range(n), pa.int64())


@lru_cache(maxsize=1)
def _arange() -> pa.Array:
    return pa.array(range(CACHED), pa.int64())


def _null(kind: pa.DataType):
    return pa.scalar(None, kind)


def _nulls(spec: Spec, n: int) -> pa.Array:
    return pa.nulls(n, spec.arrow)


@lru_cache(maxsize=8)
def _false(n: int) -> pa.BooleanArray:
    return pc.fill_null(pa.nulls(n, pa.bool_()), False)


@lru_cache(maxsize=8)
def _true(n: int) -> pa.BooleanArray:
    return pc.fill_null(pa.nulls(n, pa.bool_()), True)
