"""The explicit fallback to frictionless for a schema fast.py does not cover (a type,
format, constraint or check it does not know): fast.check_table logs it and calls this."""

from __future__ import annotations

from dataclasses import replace

from ..problems import Problem
from .fast_structure import read_head
from .fast_types import specs


def with_frictionless(source, schema, where, checks, keep, keys):
    """A schema the fast path does not cover: frictionless checks it (without its foreign
    keys, which foreign_key_problems checks, on text values); the table is still read for
    keys and the project's own rules. Imports frictionless, so only when called."""
    from ..catalog import Dataset
    from ..table import Table, Unreadable, read_csv
    from . import tables
    from .fast import TableCheck, _check_rows

    data = source.read()
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)]
    try:
        table = read_csv(data, fields)
    except Unreadable:
        table = Table(header=(), given_rows=())
    dataset = Dataset(name=where.name, metadata={"checks": list(checks)}, schema=schema,
                      table=table, csv_bytes=data, csv_file=where.file, metadata_file="",
                      schema_file="")
    if not tables._schema_ok(dataset):  # tables.py leaves it to the schema's own check
        return TableCheck(where.file, where.name, [], fields=tuple(specs(schema)))
    plain = {**schema, "fields": [{**f, "type": "string", "format": "default",
                                   "constraints": {}} for f in schema.get("fields", [])]}
    check = _check_rows(source, read_head(source), plain, where, (), keep, keys)
    own = [p for p in check.problems if p.code not in tables.KNOWN | {"label-error"}]
    check.problems = _frictionless_problems(tables, dataset, checks, where) + own
    return check


def _frictionless_problems(tables, dataset, checks, where) -> list[Problem]:
    resource, _ = tables._resource(dataset, set(), None, False)
    checklist = tables.Checklist.from_descriptor({"checks": list(checks)})
    try:
        report = resource.validate(checklist, limit_errors=tables.NO_LIMIT)
        return [replace(tables._problem(dataset, e), file=where.file)
                for task in report.tasks for e in task.errors]
    except Exception as error:  # a rule frictionless crashes on (a bound it cannot read, ...)
        return [Problem(file=where.file, code="frictionless", params={"type": type(error).__name__},
                        detail=str(error))]
