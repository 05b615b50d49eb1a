"""One batch of records → frictionless's cell and row errors, and its typed columns.

Row constraints (`checks: [{type: row-constraint, formula: ...}]`) are the one part evaluated
row by row: frictionless hands each row's typed values to simpleeval, and so does this, with
the same values (Decimal for a number), so a formula fails on exactly the same rows.
"""

from __future__ import annotations

import ast

import pyarrow as pa
import pyarrow.compute as pc
import simpleeval

from . import fast_errors as errors
from .fast_cells import INT64, Parsed, parse, pick
from .fast_constraints import failures
from .fast_csv import Batch
from .fast_errors import Where
from .fast_rules import cell_rules
from .fast_structure import Facts
from .fast_types import BAD, Spec, reader


def check_batch(where: Where, specs: list[Spec], checks, batch: Batch, facts: Facts):
    """(found problems as (order, Problem), typed columns, fields holding integers beyond
    int64, which their typed column cannot hold) of one batch."""
    parsed = {s.name: parse(s, batch.raw.column(s.name), (batch.absent or {}).get(s.name))
              for s in specs}
    rows = batch.rows.to_pylist()
    blank = _blank(specs, parsed, len(rows))
    found = []
    for spec in specs:
        found += _cell_errors(where, spec, parsed[spec.name], batch, rows, blank, facts)
    found += _shape_errors(where, specs, batch, rows, blank)
    found += cell_rules(where, specs, batch.raw, rows, parsed, facts)
    for order, check in enumerate(checks):
        found += row_constraint_errors(where, check["formula"], order, specs, batch, parsed, rows)
    typed = pa.RecordBatch.from_arrays([parsed[s.name].typed for s in specs],
                                       names=[s.name for s in specs])
    return found, typed, {s.name for s in specs if _oversized(s, parsed[s.name])}


def _oversized(spec: Spec, parsed: Parsed) -> bool:
    return spec.type in ("integer", "year") and any(
        isinstance(v, int) and not INT64[0] <= v <= INT64[1] for v in parsed.exact.values())


def _blank(specs, parsed, n) -> pa.BooleanArray:
    blank = pc.fill_null(pa.nulls(n, pa.bool_()), True)
    for spec in specs:
        blank = pc.and_(blank, parsed[spec.name].none)
    return blank


def _where_true(mask) -> list[int]:
    return pc.indices_nonzero(mask if not mask.null_count else pc.fill_null(mask, False)).to_pylist()


def _cell_errors(where, spec: Spec, parsed: Parsed, batch: Batch, rows, blank, facts) -> list:
    raw = batch.raw.column(spec.name)
    keep = pc.invert(blank)
    bad = _where_true(pc.and_(parsed.bad, keep)) if parsed.bad.true_count else []
    found = [errors.type_error(where, rows[i], spec, cell)
             for i, cell in zip(bad, pick(raw, bad), strict=True)]
    absent = (batch.absent or {}).get(spec.name)
    for name, failed in failures(spec, parsed, raw, facts):
        at = _where_true(pc.and_(failed, keep))
        cells = _cells(raw, absent, at)
        found += [errors.constraint_error(where, rows[i], spec, cell, name)
                  for i, cell in zip(at, cells, strict=True)]
    return found


def _cells(raw, absent, at: list[int]) -> list[str]:
    """frictionless prints a missing cell (a short row) as 'None'."""
    cells = pick(raw, at)
    if absent is None:
        return cells
    gone = pick(absent, at)
    return ["None" if g else c for c, g in zip(cells, gone, strict=True)]


def _shape_errors(where, specs, batch: Batch, rows, blank) -> list:
    blank_at = _where_true(blank)
    found = [errors.blank_row(where, rows[i]) for i in blank_at]
    blank_rows = {rows[i] for i in blank_at}
    found += [errors.extra_cell(where, row, number, cell) for row, number, cell in batch.extras
              if row not in blank_rows]
    for spec in specs if batch.absent else ():
        at = _where_true(pc.and_(batch.absent[spec.name], pc.invert(blank)))
        found += [errors.missing_cell(where, rows[i], spec) for i in at]
    return found


def row_constraint_errors(where, formula: str, order: int, specs, batch, parsed, rows) -> list:
    evaluator = simpleeval.EvalWithCompoundTypes(names={})
    try:
        tree = evaluator.parse(formula)
    except Exception:  # frictionless evaluates it on every row and fails every row
        return [errors.row_constraint(where, row, formula, order) for row in rows]
    wanted = _names(tree) & {s.name for s in specs}
    columns = {s.name: _values(s, batch.raw.column(s.name), parsed[s.name])
               for s in specs if s.name in wanted}
    found = []
    for i, row in enumerate(rows):
        evaluator.names = {name: values[i] for name, values in columns.items()}
        try:
            ok = evaluator.eval(formula, previously_parsed=tree)
        except Exception:
            ok = False
        if not ok:
            found.append(errors.row_constraint(where, row, formula, order))
    return found


def _names(tree) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _values(spec: Spec, raw, parsed: Parsed) -> list:
    """The cells as frictionless hands them to a row constraint: its value, or None."""
    read = reader(spec)
    empty = pc.or_(parsed.none, parsed.bad).to_pylist()
    values = [None if e else read(text) for text, e in zip(raw.to_pylist(), empty, strict=True)]
    return [None if v is BAD else v for v in values]
