"""Rows against their Table Schemas with frictionless: no error limit, foreign keys across
datasets, the extra checks a dataset declares in its metadata."""

from __future__ import annotations

import re

from frictionless import Checklist, Package, Resource, Schema
from frictionless.formats import CsvControl

from .. import cache
from ..catalog import Catalog, Dataset
from ..dates import is_partial_date
from ..figures import SOURCE_COLUMNS
from ..problems import Problem

NO_LIMIT = 10**12  # frictionless stops at 1,000 errors by default; we never do
KNOWN = {
    "required", "type-error", "format-error", "constraint-error", "unique-error", "primary-key", "foreign-key",
    "missing-cell", "extra-cell", "blank-row", "row-constraint",
}
LABELS = {"incorrect-label", "missing-label", "extra-label", "duplicate-label", "blank-label"}


def validate_tables(catalog: Catalog, resolve: bool = True) -> list[Problem]:
    """resolve=False: keys into other datasets are not checked (a historical release alone)."""
    readable = {d.name for d in catalog.datasets if _schema_ok(d)}
    problems: list[Problem] = []
    resources = {}
    for dataset in catalog.datasets:
        if dataset.name in readable:
            resources[dataset.name], unresolved = _resource(dataset, readable, catalog, resolve)
            problems += unresolved
    Package(resources=list(resources.values()))  # joins them so foreign keys resolve
    for dataset in catalog.datasets:
        if dataset.name not in resources:
            continue
        checklist = Checklist.from_descriptor({"checks": dataset.metadata.get("checks") or []})
        report = resources[dataset.name].validate(checklist, limit_errors=NO_LIMIT)
        problems += [_problem(dataset, error) for task in report.tasks for error in task.errors]
        if resolve:
            problems += list_references(catalog, dataset)
        problems += formula_cells(dataset)
        problems += source_dates(dataset)
    return problems


def _schema_ok(dataset: Dataset) -> bool:
    return cache.memo("schema_ok", dataset.schema_file, dataset.schema,
                      lambda: _valid_schema(dataset.schema))


def _valid_schema(schema: dict) -> bool:
    try:
        return Schema.validate_descriptor(schema).valid
    except Exception:  # noqa: BLE001 - reported by the descriptor checks
        return False


def _resource(dataset: Dataset, readable: set[str], catalog: Catalog,
              resolve: bool) -> tuple[Resource, list[Problem]]:
    """The frictionless resource, with the foreign keys it can check. A key into a dataset
    that could not be read is left out and named, so the rest of the rows are still checked
    (frictionless would otherwise stop at one resource error)."""
    schema, unresolved = dict(dataset.schema), []
    keys = schema.get("foreignKeys") or []
    target = lambda fk: (fk.get("reference") or {}).get("resource") or dataset.name  # noqa: E731
    schema["foreignKeys"] = [fk for fk in keys if target(fk) in readable
                             and (resolve or target(fk) == dataset.name)]
    for fk in keys if resolve else ():
        if target(fk) not in readable:
            fields = fk.get("fields")
            exists = catalog.project.dataset_dir(str(target(fk))).is_dir()
            unresolved.append(Problem(
                file=dataset.schema_file if not exists else dataset.csv_file,
                code="foreign_key_unchecked" if exists else "foreign_key_unknown",
                column=fields if isinstance(fields, str) else ", ".join(fields or []),
                params={"resource": target(fk)}))
    # comma, always: the published CSV is read by everyone with the default dialect, so
    # frictionless must not sniff another delimiter that catalog.py would not read
    resource = Resource(dataset.csv_bytes, format="csv", encoding="utf-8", name=dataset.name,
                        control=CsvControl(delimiter=","), schema=Schema.from_descriptor(schema))
    return resource, unresolved


def _problem(dataset: Dataset, error) -> Problem:
    kind = error.type
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None)
    field_names = getattr(error, "field_names", None)
    if column is None and field_names:
        column = ", ".join(field_names)
    cell = getattr(error, "cell", None)
    if cell is None and getattr(error, "cells", None) and field_names:
        cell = ", ".join(str(c) for c in _cells_of(dataset, row, field_names))
    params = {"cell": cell if cell is not None else "", "name": dataset.name,
              "type": kind, "constraint": getattr(error, "note", "") or ""}
    if kind == "primary-key":
        keys = dataset.schema.get("primaryKey") or []
        keys = [keys] if isinstance(keys, str) else keys
        column = ", ".join(keys)
        params["cell"] = ", ".join(_cells_of(dataset, row, keys))
    if kind == "constraint-error":
        name = _constraint_name(params["constraint"])
        if name == "required":
            kind = "required"
        constraint = (dataset.field(column or "").get("constraints") or {}).get(name)
        params.update(constraint_name=name, constraint_value=constraint)
    if kind == "type-error":
        field = dataset.field(column or "")
        params["type"] = field.get("type", "string")
        if field.get("format") in ("uri", "email"):  # a string with a format: name the format
            kind, params["type"] = "format-error", f"{params['type']}.{field['format']}"
    if kind == "foreign-key":
        params["resource"] = getattr(error, "reference_name", "") or dataset.name
    if kind in LABELS:
        code, row = "label-error", 1
        params["cell"] = getattr(error, "label", "") or ""
        column = column or getattr(error, "field_name", None)
    elif kind in KNOWN:
        code = kind
    else:
        code = "frictionless"
    return Problem(file=dataset.csv_file, code=code, row=row, column=column, params=params,
                   detail=error.message)


def _constraint_name(note: str) -> str:
    """'constraint "maximum" is "100"' → 'maximum'."""
    parts = note.split('"')
    return parts[1] if len(parts) > 2 else ""


def _cells_of(dataset: Dataset, row: int | None, field_names) -> list[str]:
    if row is None or row - 2 >= len(dataset.rows):
        return []
    record = dataset.rows[row - 2]
    return [record.get(name, "") for name in field_names]


def list_references(catalog: Catalog, dataset: Dataset) -> list[Problem]:
    """A column that holds several codes separated by `separator`, each a key of another
    dataset: frictionless cannot check it, so the metadata declares it and this does."""
    problems = []
    for ref in dataset.metadata.get("list_references") or []:
        target = ref.get("resource", "")
        if target not in catalog:
            continue
        known = {r.get(ref.get("reference_field", "")) for r in catalog[target].rows}
        for number, record in enumerate(dataset.rows, start=2):
            cell = record.get(ref.get("field", ""), "") or ""
            for value in filter(None, (v.strip() for v in cell.split(ref.get("separator", ";")))):
                if value not in known:
                    problems.append(Problem(
                        file=dataset.csv_file, code="list_reference", row=number,
                        column=ref.get("field"),
                        params={"value": value, "resource": target,
                                "reference_field": ref.get("reference_field")}))
    return problems


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A leading + or - followed only by digits, dots and commas is a signed number, a phone number
# written without spaces ("+62254123456") or a "-" placeholder: a spreadsheet reads it as a
# number or as text, never as a formula. With spaces or other signs ("+62 254 1234",
# "-2+3") it would evaluate it, so those are refused like "=".
NUMBER_LIKE = re.compile(r"[+-][0-9.,]*")


def formula_cells(dataset: Dataset) -> list[Problem]:
    """Text that a spreadsheet would run as a formula never enters a dataset, so the CSV
    can be published exactly as it is in the repository and still be safe to open."""
    text_fields = [f["name"] for f in dataset.fields if f.get("type", "string") == "string"]
    return [
        Problem(file=dataset.csv_file, code="formula_cell", row=number, column=name,
                params={"first": record[name][0].replace("\t", "TAB").replace("\r", "CR")})
        for number, record in enumerate(dataset.rows, start=2)
        for name in text_fields
        if _formula_like(record.get(name) or "")
    ]


def _formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not NUMBER_LIKE.fullmatch(text)


def source_dates(dataset: Dataset) -> list[Problem]:
    """The date of a row's source (`sumber_tanggal`) is a real year, month or day: the pages
    write it out ("November 2025"), and 2023-02-30 or month 13 is a typo to fix, not a date."""
    column = SOURCE_COLUMNS[2]
    if column not in dataset.header:
        return []
    cells = dataset.table.column(column)
    bad = {text for text in set(cells) if text and not is_partial_date(text)}   # dates repeat
    if not bad:
        return []
    return [Problem(file=dataset.csv_file, code="date_impossible", row=number, column=column,
                    params={"cell": text[:40]})
            for number, text in enumerate(cells, start=2) if text in bad]
