"""A vectorised table validator with frictionless's errors: pyarrow instead of a Python loop
over every cell. On a million registry-shaped rows about 15 times faster than frictionless, in
two thirds of its memory with keep=False (bench/validate_scale.py).

Interface
---------
``check_table(data, schema, *, file, name, checks=(), keep=True, keys=()) -> TableCheck``
    Checks one CSV (``data``: its bytes, or the path, str or Path, of a file to stream)
    against its Table Schema. ``file`` and ``name`` are the CSV's path as maintainers name it and the dataset's
    name (they fill the problems); ``checks`` are the metadata's ``checks:`` (row
    constraints). With ``keep=False`` the table is read in batches and only what keys need
    is kept, so memory stays low on huge files. ``keys`` names more fields to keep then:
    those other tables refer to (a foreign key into a field that is not the primary key or
    unique) and ``list_references`` fields.
``foreign_key_problems(source, schema, targets) -> list[Problem]``
    The schema's ``foreignKeys`` of a checked table, against ``targets`` (dataset name →
    TableCheck; a key into the table itself uses ``source``). A target missing from
    ``targets`` or unreadable gives ``foreign_key_unchecked``: the caller, who knows whether
    that dataset exists at all, may name it ``foreign_key_unknown`` instead.
``list_reference_problems(source, references, targets) -> list[Problem]``
    The metadata's ``list_references:`` (``tables.list_references``, vectorised).

``TableCheck`` holds ``problems``; ``raw`` (every column ``pa.string()``, "" for an empty or
missing cell, the schema's field order, one row per data record) and ``typed`` (string →
string with null for a missing value, integer → int64, number → float64, boolean → bool_,
date → date32, year → int64; null where a cell is missing or not of its type), both None
with ``keep=False``; ``row_numbers`` (int64, the CSV row of each record: the header is row
1, as frictionless numbers rows); ``key_raw`` and ``key_typed`` (``raw`` and ``typed``, or
with ``keep=False`` the same for only the fields keys need); ``fields`` (the schema's fields
as read); ``readable`` (False when the file's structure stopped the check: then only
``problems``).

Identical to frictionless
-------------------------
For a table whose header matches its schema: the same (file, code, row, column), params and
detail as ``tables.validate_tables`` builds from frictionless 5.21, with no limit: type-error
and format-error (uri, email), required and constraint-error (enum, minimum, maximum,
pattern, minLength, maxLength), unique-error, primary-key, foreign-key, missing-cell,
extra-cell, blank-row, row-constraint; ``missingValues``; and formula_cell, list_reference.
Cells pyarrow and Python read differently ('+5', ' 5 ', '007', '1e5', '.5', '5.', '1,000',
'TRUE'/'tRUE', '2023-02-30', '2023-1-5', integers beyond int64, Unicode digits) are read one
by one with frictionless's rule (fast_types.py). Row constraints are evaluated row by row
with simpleeval on frictionless's values: the one part not vectorised. A schema with a type,
format, constraint or check this module does not know is validated by frictionless itself
(logged; fast_fallback.py), and one frictionless refuses gets no row checks, as in tables.py;
a rule frictionless crashes on (a bound it cannot read, a pattern re cannot compile), where
tables.py raises, is one ``frictionless`` problem with frictionless's words.
Where frictionless would sniff a dialect that skips spaces after commas, or a field's
missingValues lack "" (a blank line is then not a row of empty strings), the body is read by
Python's csv module as frictionless reads it.

Deliberate differences (each with its own code and message, messages_cells.yml)
-------------------------------------------------------------------------------
- ``number_underscore``, ``number_digits``, ``number_nan``, ``number_infinite``,
  ``number_too_large``: numbers frictionless accepts but the site would publish differently
  ('1_000', '١٢٣' or full-width digits, 'NaN', 'Infinity'/'-inf', '1e309' or an integer
  beyond int64). NaN and infinity get only their own problem: frictionless's "less than 0"
  or "more than 100" for them is not reported. The others keep frictionless's errors too.
- ``required_spaces``: a required text cell holding only spaces (frictionless accepts it).
- ``control_character``: a cell holding a C0 control (but tab, line feed, carriage return,
  which text may hold), DEL or a C1 control; the message shows it escaped ('\\x1b').
- ``personal_id``: a text cell holding a national ID number (NIK: 16 digits, in a row or
  cut into 2.2.2.6.4 or 4-4-4-4 groups by spaces or dots, not part of a longer number).
- Structure, one problem each instead of frictionless's cascade, and then no row checks:
  ``column_missing``, ``column_extra`` (each column named), ``column_order``, ``csv_quote``
  (a quote not closed where its cell ends, so the rest of the file, or lines up to a later
  quote, run into one cell: the line where it opened), ``csv_not_utf8``, ``csv_empty``,
  ``csv_semicolon``. A UTF-8 BOM and CRLF or mixed line ends are read as frictionless reads
  them. A foreign key into such a table is ``foreign_key_unchecked``.
- A table validated by frictionless (fallback) has its foreign keys checked here, on text
  values; integers beyond int64 are null in ``typed`` (keys compare them in Python).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem
from . import fast_errors as errors
from . import fast_keys as keys_
from .fast_cells import pick
from .fast_csv import Kept, Reader, Source
from .fast_errors import OwnRules, Where
from .fast_fallback import with_frictionless
from .fast_rows import check_batch
from .fast_structure import Facts, Head, read_head, scan, unterminated
from .fast_types import Spec, malformed, specs, unsupported

log = logging.getLogger(__name__)


@dataclass
class TableCheck:
    """One checked table (the module docstring says what each part holds)."""

    file: str
    name: str
    problems: list[Problem]
    raw: pa.Table | None = None
    typed: pa.Table | None = None
    row_numbers: pa.Array | None = None
    key_raw: pa.Table | None = None
    key_typed: pa.Table | None = None
    fields: tuple[Spec, ...] = ()
    oversized: frozenset = frozenset()  # fields holding integers beyond int64 (null in typed)

    @property
    def readable(self) -> bool:
        return self.row_numbers is not None

    def spec(self, name: str) -> Spec | None:
        return next((s for s in self.fields if s.name == name), None)


def check_table(data, schema: dict, *, file: str, name: str, checks=(), keep: bool = True,
                keys=(), rules: OwnRules | None = None) -> TableCheck:
    where, source = Where(file, name, rules or OwnRules()), Source(data)
    if malformed(schema):  # as tables.py: the schema's own check reports it
        return TableCheck(file, name, [])
    fields = specs(schema)
    stop, facts = scan(source, file)
    if stop:
        return TableCheck(file, name, [stop], fields=tuple(fields))
    head = read_head(source)
    found = _structure(where, head, fields)
    if found:
        return TableCheck(file, name, found, fields=tuple(fields))
    reason = unsupported(schema, checks)
    if reason:
        log.warning("%s: %s; validating with frictionless", file, reason)
        return with_frictionless(source, schema, where, checks, keep, keys)
    if any("" not in f.missing for f in fields):
        # pyarrow reads a blank line as empty cells, frictionless as no cells, which are
        # missing whatever missingValues says: read it as frictionless does
        head.python = True
    return _check_rows(source, head, schema, where, checks, keep, keys, facts)


def _structure(where: Where, head: Head, fields: list[Spec]) -> list[Problem]:
    """The file's own problems: one each, naming what to fix."""
    if head.open_quote is not None:
        return [errors.own(where, "csv_quote", 1, params={"line": 1})[1]]
    if not head.labels:
        return [errors.own(where, "csv_empty")[1]]
    labels, names = head.labels, [f.name for f in fields]
    if len(labels) == 1 and ";" in labels[0]:
        return [errors.own(where, "csv_semicolon", 1)[1]]
    if labels == names:
        return []
    missing = [n for n in names if n not in labels]
    extra = [(i, label) for i, label in enumerate(labels, start=1)
             if label not in names or label in labels[:i - 1]]
    found = [errors.own(where, "column_missing", 1, n, params={"column": n})[1] for n in missing]
    found += [errors.own(where, "column_extra", 1, label, params={"column": label, "position": i})[1]
              for i, label in extra]
    if not found:
        found = [errors.own(where, "column_order", 1, params={
            "found": ", ".join(labels), "expected": ", ".join(names)})[1]]
    return found


def _check_rows(source, head, schema, where, checks, keep, keys, facts=None) -> TableCheck:
    fields = specs(schema)
    wanted = _key_fields(schema, fields, keys)
    kept = Kept(fields if keep else _pick(fields, wanted), compact=not keep)
    found, oversized, line = _read(source, head, fields, where, checks, kept, facts or Facts())
    if line is not None:
        problem = errors.own(where, "csv_quote", line, params={"line": line})[1]
        return TableCheck(where.file, where.name, [problem], fields=tuple(fields))
    rows, raw, typed = kept.tables()
    found += _key_errors(where, schema, fields, raw, typed, rows, oversized)
    problems = [p for _, p in sorted(found, key=lambda f: f[0])]
    whole = (raw, typed) if keep else (None, None)
    return TableCheck(where.file, where.name, problems, *whole, rows, raw, typed, tuple(fields),
                      frozenset(oversized))


def _read(source, head, fields, where, checks, kept: Kept, facts: Facts):
    """Every batch checked and kept: (problems found, fields holding integers beyond int64,
    the line of a quote that ran cells together or None)."""
    reader = Reader(source, head, [f.name for f in fields])
    found, oversized = [], set()
    for batch in reader.batches():
        if reader.quote_line is not None:
            break
        batch_found, typed, big = check_batch(where, fields, list(checks), batch, facts)
        found += batch_found
        oversized |= big
        kept.add(batch.rows, batch.raw, typed)
    line = reader.quote_line
    if line is None and reader.last[0]:
        line = unterminated(source, reader.last[1])
    return found, oversized, line


def _pick(fields: list[Spec], wanted: list[str]) -> list[Spec]:
    return [f for f in fields if f.name in wanted]


def _key_fields(schema: dict, fields: list[Spec], keys) -> list[str]:
    """The fields kept with keep=False: keys of this table, keys into it, `keys`."""
    names = set(_primary_key(schema)) | {f.name for f in fields if f.unique} | set(keys)
    for fk in _foreign_keys(schema):
        names |= set(fk["fields"])
    return [f.name for f in fields if f.name in names]


def _key_errors(where, schema, fields, raw, typed, rows, oversized) -> list:
    found = []
    for spec in fields:
        if spec.unique:
            found += keys_.unique_errors(where, spec, raw[spec.name], typed[spec.name], rows,
                                         oversized)
    primary = [next(f for f in fields if f.name == n) for n in _primary_key(schema)]
    if primary:
        found += keys_.primary_key_errors(where, primary, raw, typed, rows, oversized)
    return found


def _primary_key(schema: dict) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _foreign_keys(schema: dict) -> list[dict]:
    """foreignKeys as frictionless normalises them: lists of fields, resource '' for itself."""
    found = []
    for fk in schema.get("foreignKeys") or []:
        reference = fk.get("reference") or {}
        listed = lambda v: [v] if isinstance(v, str) else list(v or [])  # noqa: E731
        found.append({"fields": listed(fk.get("fields")),
                      "reference": {"resource": reference.get("resource", ""),
                                    "fields": listed(reference.get("fields"))}})
    return found


def foreign_key_problems(source: TableCheck, schema: dict,
                         targets: dict[str, TableCheck]) -> list[Problem]:
    if not source.readable:
        return []
    where, found = Where(source.file, source.name), []
    for order, fk in enumerate(_foreign_keys(schema)):
        name = fk["reference"]["resource"]
        target = source if name in ("", source.name) else targets.get(name)
        if target is None or not target.readable:
            found.append(((0, 0, order, 0), Problem(
                file=source.file, code="foreign_key_unchecked", column=", ".join(fk["fields"]),
                params={"resource": name})))
            continue
        found += _foreign_key(where, source, target, fk, order)
    return [p for _, p in sorted(found, key=lambda f: f[0])]


def _foreign_key(where, source: TableCheck, target: TableCheck, fk: dict, order: int) -> list:
    ours = [_spec(source, n) for n in fk["fields"]]
    theirs = [_spec(target, n) for n in fk["reference"]["fields"]]
    oversized = {s.name for s in ours if s.name in source.oversized} | \
        {s.name for s in theirs if s.name in target.oversized}
    missing = keys_.missing_references(ours, source.key_raw, source.key_typed, theirs,
                                       target.key_raw, target.key_typed, oversized)
    at = pc.indices_nonzero(missing)
    rows = source.row_numbers.take(at).to_pylist()
    cells = [source.key_raw[s.name].take(at).to_pylist() for s in ours]
    values = [keys_.python_values(s, source.key_raw[s.name].take(at),
                                  source.key_typed[s.name].take(at)) for s in ours]
    return [errors.foreign_key(where, row, fk, [c[i] for c in cells],
                               [str(v[i]) for v in values], order)
            for i, row in enumerate(rows)]


def _spec(check: TableCheck, name: str) -> Spec:
    spec = check.spec(name)
    if spec is None:
        raise ValueError(f"{check.name} has no field {name!r}")
    if name not in check.key_raw.column_names:
        raise ValueError(f"{check.name}: field {name!r} was not kept (check_table(keys=...))")
    return spec


def list_reference_problems(source: TableCheck, references, targets: dict[str, TableCheck]):
    """tables.list_references: each listed code must be a value of the target's field."""
    found = []
    for ref in references or []:
        target = targets.get(ref.get("resource", ""))
        field, known_field = ref.get("field", ""), ref.get("reference_field", "")
        if target is None or not target.readable or not source.readable or \
                source.spec(field) is None:
            continue  # as tables.list_references: a dataset or column that is not there
        known = (target.key_raw[_spec(target, known_field).name] if target.spec(known_field)
                 else pa.array([], pa.string()))  # no such column: no code is known
        cells = source.key_raw[_spec(source, field).name].combine_chunks()
        hits = keys_.list_reference_missing(cells, ref.get("separator", ";"), known)
        rows = pick(source.row_numbers, [i for i, _ in hits])
        found += [Problem(file=source.file, code="list_reference", row=row, column=field,
                          params={"value": value, "resource": ref.get("resource", ""),
                                  "reference_field": known_field})
                  for row, (_, value) in zip(rows, hits, strict=True)]
    return found
