"""Problems as `tables._problem` builds them from frictionless's errors: the same code, row,
column and params, and frictionless's own English message as `detail`.

Each builder returns (order, Problem): `order` sorts a table's problems the way frictionless
reports them (row by row; in a row the cells in field order, then extra and missing cells,
unique values, primary key, foreign keys, row constraints; the project's own rules last).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..problems import Problem

CELL, EXTRA, MISSING, UNIQUE, PRIMARY, FOREIGN, ROW, OWN = range(8)
TEMPLATES = {
    "type-error": 'Type error in the cell "{cell}" in row "{row}" and field "{field}" at position "{number}": {note}',
    "constraint-error": 'The cell "{cell}" in row at position "{row}" and field "{field}" at position "{number}" does not conform to a constraint: {note}',
    "unique-error": 'Row at position "{row}" has unique constraint violation in field "{field}" at position "{number}": {note}',
    "missing-cell": 'Row at position "{row}" has a missing cell in field "{field}" at position "{number}"',
    "extra-cell": 'Row at position "{row}" has an extra value in field at position "{number}"',
    "blank-row": 'Row at position "{row}" is completely blank',
    "primary-key": 'Row at position "{row}" violates the primary key: {note}',
    "foreign-key": 'Row at position "{row}" violates the foreign key: {note}',
    "row-constraint": "The row at position {row} has an error: {note}",
}


CELL_LIMIT = 2_000   # characters in one cell, unless the metadata's `limits.cell` says more


@dataclass(frozen=True)
class OwnRules:
    """What the dataset's metadata adds to its own rules: the longest cell (`limits.cell`),
    and the columns that count (`counts`: whole numbers, at least in the rows named)."""

    cell: int = CELL_LIMIT
    counts: tuple = ()

    @classmethod
    def of(cls, metadata) -> OwnRules:
        """From metadata the descriptors' check read already; anything malformed is left to
        that check's problem (its JSON Schema), never raised here."""
        metadata = metadata if isinstance(metadata, dict) else {}
        limits = metadata.get("limits") if isinstance(metadata.get("limits"), dict) else {}
        cell = limits.get("cell")
        counts = tuple(
            (c["column"], tuple(sorted((str(k), str(v)) for k, v in (c.get("when") or {}).items())))
            for c in metadata.get("counts") or () if isinstance(c, dict)
            and isinstance(c.get("column"), str) and isinstance(c.get("when") or {}, dict))
        return cls(cell if isinstance(cell, int) and not isinstance(cell, bool) and cell > 0
                   else CELL_LIMIT, counts)


@dataclass(frozen=True)
class Where:
    """The table a problem is in: its CSV file (as maintainers name it) and dataset name; and
    the rules its metadata adds."""

    file: str
    name: str
    rules: OwnRules = OwnRules()

    def problem(self, kind: str, row: int, column, cell: str, note: str = "", *, code=None,
                field: str = "", number: int = 0, **params) -> Problem:
        detail = TEMPLATES[kind].format(cell=cell, row=row, field=field, number=number, note=note)
        params = {"cell": cell, "name": self.name, "type": kind, "constraint": note, **params}
        return Problem(file=self.file, code=code or kind, row=row, column=column, params=params,
                       detail=detail)


def type_error(where: Where, row: int, spec, cell: str):
    code, shown = "type-error", spec.type
    if spec.format in ("uri", "email"):  # a string with a format: name the format
        code, shown = "format-error", f"{spec.type}.{spec.format}"
    note = f'type is "{spec.flavour}"'
    problem = where.problem("type-error", row, spec.name, cell, note, code=code, field=spec.name,
                            number=spec.number)
    problem.params["type"] = shown
    return (row, CELL, spec.number, -1), problem


def constraint_error(where: Where, row: int, spec, cell: str, name: str):
    value = spec.constraints[name]
    note = f'constraint "{name}" is "{value}"'
    code = "required" if name == "required" else "constraint-error"
    problem = where.problem("constraint-error", row, spec.name, cell, note, code=code,
                            field=spec.name, number=spec.number, constraint_name=name,
                            constraint_value=value)
    return (row, CELL, spec.number, spec.order.index(name)), problem


def unique_error(where: Where, row: int, spec, cell: str, previous: int, order: int):
    note = f"the same as in the row at position {previous}"
    problem = where.problem("unique-error", row, spec.name, cell, note, field=spec.name,
                            number=spec.number)
    return (row, UNIQUE, order, 0), problem


def missing_cell(where: Where, row: int, spec):
    problem = where.problem("missing-cell", row, spec.name, "", field=spec.name, number=spec.number)
    return (row, MISSING, spec.number, 0), problem


def extra_cell(where: Where, row: int, number: int, cell: str):
    problem = where.problem("extra-cell", row, "", cell, number=number)
    return (row, EXTRA, number, 0), problem


def blank_row(where: Where, row: int):
    return (row, CELL, 0, 0), where.problem("blank-row", row, None, "")


def primary_key(where: Where, row: int, keys: list[str], cells: list[str], previous: int | None):
    note = (f"the same as in the row at position {previous}" if previous
            else 'cells composing the primary keys are all "None"')
    problem = where.problem("primary-key", row, ", ".join(keys), ", ".join(cells), note)
    return (row, PRIMARY, 0, 0), problem


def foreign_key(where: Where, row: int, fk: dict, cells: list[str], values: list[str], order: int):
    fields, target = fk["fields"], fk["reference"]
    note = 'for "{}": values "{}" not found in the lookup table "{}" as "{}"'.format(
        ", ".join(fields), ", ".join(values), target["resource"], ", ".join(target["fields"]))
    problem = where.problem("foreign-key", row, ", ".join(fields), ", ".join(cells), note,
                            resource=target["resource"] or where.name)
    return (row, FOREIGN, order, 0), problem


def row_constraint(where: Where, row: int, formula: str, order: int):
    note = f'the row constraint to conform is "{formula}"'
    return (row, ROW, order, 0), where.problem("row-constraint", row, None, "", note)


def own(where: Where, code: str, row: int | None = None, column: str | None = None,
        number: int = 0, params: dict | None = None):
    """One of the project's own problems (codes in messages_cells.yml or messages.yml)."""
    problem = Problem(file=where.file, code=code, row=row, column=column, params=params or {})
    return (row or 0, OWN, number, code), problem
