"""Unique values, primary keys, foreign keys and list references, vectorised.

Duplicates are found by sorting on the key and the row number and comparing neighbours, so
each repeat names the most recent earlier row, as frictionless's dict of seen values does
(null equals null inside a composite key, as None does in a tuple). A number key, whose
equality frictionless decides on Decimals, and a foreign key between fields of different
types are compared in Python instead (no real schema has either).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from . import fast_errors as errors
from .fast_errors import Where
from .fast_rules import WHITESPACE
from .fast_types import Spec, reader


def duplicates(columns: list, rows: pa.Array) -> list[tuple[int, int]]:
    """(row, the latest earlier row with equal values) for every repeated key that is not
    all null; `rows` are in increasing order; inside a composite key null equals null."""
    if len(rows) < 2:
        return []
    names = [f"k{i}" for i in range(len(columns))]
    table = pa.table(dict(zip(names, columns, strict=True)))
    order = pc.sort_indices(table, sort_keys=[(n, "ascending", "at_end") for n in names])  # stable
    same = None
    for name in names:
        column = table[name].take(order)
        a, b = column.slice(1), column.slice(0, len(column) - 1)
        equal = pc.fill_null(pc.equal(a, b), False)
        if len(names) > 1:
            equal = pc.or_(equal, pc.and_(pc.is_null(a), pc.is_null(b)))
        same = equal if same is None else pc.and_(same, equal)
    if len(names) > 1:
        same = pc.and_(same, pc.invert(_all_null(columns).take(order).slice(1)))
    hits = pc.indices_nonzero(same)
    current = rows.take(order.slice(1).take(hits)).to_pylist()
    previous = rows.take(order.slice(0, len(order) - 1).take(hits)).to_pylist()
    return sorted(zip(current, previous, strict=True))


def python_duplicates(keys: list, rows: list) -> list[tuple[int, int]]:
    """The same as frictionless computes it, for keys arrow cannot compare as Python does."""
    seen, found = {}, []
    for key, row in zip(keys, rows, strict=True):
        match = seen.get(key)
        seen[key] = row
        if match:
            found.append((row, match))
    return found


def python_values(spec: Spec, raw: pa.Array, typed: pa.Array) -> list:
    """Each cell's frictionless value (None when missing or unreadable); an integer beyond
    int64, null in `typed`, is read again."""
    read = reader(spec)
    return [_value(spec, read, text, value)
            for text, value in zip(raw.to_pylist(), typed.to_pylist(), strict=True)]


def _value(spec: Spec, read, text: str, typed):
    if typed is not None:
        return read(text)
    if spec.type not in ("integer", "year") or text in spec.missing:
        return None
    value = read(text)
    return value if isinstance(value, int) and value.bit_length() > 63 else None


def in_python(specs: list[Spec], oversized) -> bool:
    """Keys arrow cannot compare as frictionless does: numbers (Decimal equality), integers
    beyond int64."""
    return any(s.type == "number" or s.name in oversized for s in specs)


def unique_errors(where: Where, spec: Spec, raw, typed, rows, oversized=()) -> list:
    if in_python([spec], oversized):
        values = python_values(spec, raw, typed)
        kept = [(v, r) for v, r in zip(values, rows.to_pylist(), strict=True) if v is not None]
        pairs = python_duplicates([v for v, _ in kept], [r for _, r in kept])
        shown = {r: str(v) for v, r in kept}
    else:
        pairs = duplicates([typed], rows)
        shown = _shown(rows, typed, [row for row, _ in pairs])
    return [errors.unique_error(where, row, spec, shown[row], previous, spec.number)
            for row, previous in pairs]


def _shown(rows, typed, wanted: list[int]) -> dict[int, str]:
    """str() of the typed value at each wanted row (frictionless prints the value it read)."""
    if not wanted:
        return {}
    at = pc.indices_nonzero(pc.is_in(rows, value_set=pa.array(wanted, pa.int64())))
    return dict(zip(rows.take(at).to_pylist(), map(str, typed.take(at).to_pylist()), strict=True))


def primary_key_errors(where: Where, specs: list[Spec], raw: pa.Table, typed: pa.Table, rows,
                       oversized=()) -> list:
    if in_python(specs, oversized):
        keys = _python_keys(specs, raw, typed)
        empty = [r for k, r in zip(keys, rows.to_pylist(), strict=True) if set(k) == {None}]
        kept = [(k, r) for k, r in zip(keys, rows.to_pylist(), strict=True) if set(k) != {None}]
        pairs = python_duplicates([k for k, _ in kept], [r for _, r in kept])
    else:
        typed_columns = [typed[s.name] for s in specs]
        empty = pc.filter(rows, _all_null(typed_columns)).to_pylist()
        pairs = duplicates(typed_columns, rows)
    found = [(row, None) for row in empty] + pairs
    cells = _raw_cells(rows, raw, [s.name for s in specs], [row for row, _ in found])
    names = [s.name for s in specs]
    return [errors.primary_key(where, row, names, cells[row], previous) for row, previous in found]


def _all_null(columns) -> pa.BooleanArray:
    nothing = pc.is_null(columns[0])
    for column in columns[1:]:
        nothing = pc.and_(nothing, pc.is_null(column))
    return nothing


def _raw_cells(rows, raw: pa.Table, names: list[str], wanted: list[int]) -> dict[int, list[str]]:
    if not wanted:
        return {}
    at = pc.indices_nonzero(pc.is_in(rows, value_set=pa.array(wanted, pa.int64())))
    columns = [raw[name].take(at).to_pylist() for name in names]
    return dict(zip(rows.take(at).to_pylist(), map(list, zip(*columns, strict=True)), strict=True))


def missing_references(source_specs, source_raw, source_typed, target_specs, target_raw,
                       target_typed, oversized=()) -> pa.BooleanArray:
    """Rows whose key (not all null) is not among the target's keys. `oversized`: fields
    (of either table) holding integers beyond int64."""
    if _vectorised(source_specs, target_specs) and not in_python(source_specs + target_specs,
                                                                 oversized):
        return _missing_vectorised(source_specs, source_typed, target_specs, target_typed)
    source = _python_keys(source_specs, source_raw, source_typed)
    known = {k for k in _python_keys(target_specs, target_raw, target_typed) if set(k) != {None}}
    return pa.array([set(k) != {None} and k not in known for k in source], pa.bool_())


def _vectorised(source_specs, target_specs) -> bool:
    return all(s.type == t.type and s.type != "number" for s, t in zip(source_specs, target_specs, strict=True))


def _python_keys(specs, raw, typed) -> list[tuple]:
    columns = [python_values(s, raw[s.name], typed[s.name]) for s in specs]
    return list(zip(*columns, strict=True))


def _missing_vectorised(source_specs, source_typed, target_specs, target_typed):
    source = [source_typed[s.name] for s in source_specs]
    target = [target_typed[t.name] for t in target_specs]
    counted = pc.invert(_all_null(source))
    if len(source) == 1:
        known = pc.unique(pc.drop_null(target[0]))
        found = pc.fill_null(pc.is_in(source[0], value_set=known), False)
        return pc.and_(counted, pc.invert(found))
    left = _flagged(source).append_column("i", pa.array(range(len(source[0])), pa.int64()))
    right = _flagged(target).filter(pc.invert(_all_null(target))).group_by(
        _flagged(target).column_names).aggregate([])
    kept = left.join(right, keys=right.column_names, join_type="left anti")
    missing = pc.is_in(pa.array(range(len(source[0])), pa.int64()), value_set=kept["i"])
    return pc.and_(counted, missing)


def _flagged(columns) -> pa.Table:
    """A key as join-able columns: nulls filled, with a flag saying which were null."""
    data = {}
    for i, column in enumerate(columns):
        data[f"v{i}"] = pc.fill_null(column, _filler(column.type))
        data[f"n{i}"] = pc.is_null(column)
    return pa.table(data)


def _filler(kind: pa.DataType):
    if pa.types.is_string(kind):
        return ""
    if pa.types.is_boolean(kind):
        return False
    return pa.scalar(0, pa.int64()).cast(kind) if not pa.types.is_date(kind) else \
        pa.scalar(0, pa.int32()).cast(kind)


def list_reference_missing(raw_cells: pa.Array, separator: str, known: pa.Array):
    """(index of the row, value) for each listed value not among the known ones."""
    parts = pc.split_pattern(raw_cells, pattern=separator)
    values = pc.utf8_trim(pc.list_flatten(parts), characters=WHITESPACE)
    parents = pc.list_parent_indices(parts)
    wanted = pc.and_(pc.not_equal(values, ""),
                     pc.invert(pc.is_in(values, value_set=pc.unique(known))))
    return list(zip(pc.filter(parents, wanted).to_pylist(), pc.filter(values, wanted).to_pylist(), strict=True))
