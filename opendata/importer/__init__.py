"""`opendata import FILE --dataset NAME`: the office's spreadsheet → the dataset's canonical CSV.

    prepare(project, name, path, options) -> Prepared     reads and checks; writes nothing
    run(project, name, path, options, ...) -> exit code  prints the changes, asks, writes

The file is read as it is (`read`), each cell typed by the dataset's Table Schema (`cells`),
and the result is the canonical CSV (UTF-8 without BOM, LF, commas, the schema's column
order). Before anything is written, the change is printed row by row by primary key (added,
removed, changed cells: `diffs.diff`), and the officer confirms it (or passes `--yes`).
Anything that cannot be read without guessing is refused, with file, row and column; then
nothing is written.

Saving again is not a change: a cell whose value equals the current one keeps the current
spelling (`9.260` stays `9.260` when Excel writes `9,26`), and rows keep their current order
(new rows go at the end), so importing a file re-saved from Excel gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import diffs, i18n
from ..catalog import Dataset, load_dataset
from ..problems import Problem
from ..project import Project
from ..table import Table, Unreadable, converter, read_csv
from . import cells, read

MAX_LISTED = 200   # changed rows printed one by one; the rest are counted


@dataclass(frozen=True)
class Options:
    sheet: str | None = None
    decimal: str | None = None       # "," or "." (the officer's flag), None: from the file
    date_order: str | None = None    # "dmy" or "mdy" (--date-format), None: from the file


@dataclass(frozen=True)
class Prepared:
    problems: tuple[Problem, ...]
    target: Path                     # the dataset's CSV
    data: bytes | None = None        # the canonical CSV to write (None when refused)
    diff: diffs.Diff | None = None
    unchanged: bool = False          # the bytes are already the dataset's


# --- reading ------------------------------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(text).strip().casefold())


def map_header(header, fields: list[dict]) -> tuple[dict[int, str], list[tuple[str, int | None, str]]]:
    """{position: field name}, and what does not fit: (code, position, column). A header
    names a field by its name or its title, in any case, with spaces for underscores."""
    by_name = {_key(f["name"]): f["name"] for f in fields}
    by_title = {_key(f["title"]): f["name"] for f in fields if f.get("title")}
    found, wrong = {}, []
    for index, text in enumerate(header):
        if not text:
            continue
        name = by_name.get(_key(text)) or by_title.get(_key(text))
        if name is None:
            wrong.append(("import_header_unknown", index, text))
        elif name in found.values():
            wrong.append(("import_header_duplicate", index, text))
        else:
            found[index] = name
    wrong += [("import_column_missing", None, f["name"]) for f in fields
              if f["name"] not in found.values()]
    return found, wrong


def _schema(project: Project, name: str) -> dict | None:
    path = project.schema_path(name)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name) or not path.is_file():
        return None
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fields = schema.get("fields") if isinstance(schema, dict) else None
    if not isinstance(fields, list) or not all(isinstance(f, dict) and f.get("name") for f in fields):
        return None
    return schema


def prepare(project: Project, name: str, path: Path, options: Options = Options(),
            label: str | None = None) -> Prepared:
    label = label or str(path)
    target = project.csv_path(name) if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name) else Path(name)
    schema = _schema(project, name)
    if schema is None:
        return Prepared((Problem(file=label, code="import_dataset_unknown", params={"name": name}),),
                        target)
    fields = schema["fields"]

    def header_ok(header) -> bool:
        return not map_header(header, fields)[1]

    grid, problems = read.read(path, label, options.sheet, header_ok)
    if grid is None:
        return Prepared(tuple(problems), target)
    mapping, wrong = map_header(grid.header, fields)
    expected = ", ".join(f["name"] for f in fields)
    problems += [Problem(file=grid.file, code=code, row=None if index is None else grid.header_row,
                         column=column, params={"column": column, "expected": expected})
                 for code, index, column in wrong]
    if wrong:
        return Prepared(tuple(problems), target)
    by_field = {f["name"]: f for f in fields}
    columns = [(by_field[n], [row[i] for row in grid.rows]) for i, n in sorted(mapping.items())]
    conventions, found = cells.settle(columns, options.decimal, options.date_order, grid.file)
    problems += found
    rows = []
    for row in grid.rows:
        record = {}
        for index, field_name in mapping.items():
            try:
                record[field_name] = cells.convert(row[index], by_field[field_name], conventions)
            except cells.Refused as refused:
                problems.append(Problem(file=grid.file, code=refused.code, row=row[index].row,
                                        column=row[index].column, params=refused.params))
        rows.append(record)
    if problems:
        return Prepared(tuple(problems), target)
    current = _current(project, name, schema)
    table = _table(current, fields, schema, rows)
    data = table.canonical_csv()
    diff = diffs.diff(current, dataclasses.replace(current, table=table))
    return Prepared((), target, data, diff, unchanged=data == current.csv_bytes)


def _current(project: Project, name: str, schema: dict) -> Dataset:
    """The dataset as it is: its CSV even when its metadata is broken, no rows when the CSV
    does not exist or cannot be read."""
    dataset, _ = load_dataset(project, name)
    if dataset is not None:
        return dataset
    path = project.csv_path(name)
    data = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    try:
        table = read_csv(data, schema["fields"])
    except Unreadable:
        table = Table(tuple(f["name"] for f in schema["fields"]), (), tuple(schema["fields"]))
    return Dataset(name=name, metadata={}, schema=schema, table=table, csv_bytes=data,
                   csv_file=project.relative(path), metadata_file="",
                   schema_file=project.relative(project.schema_path(name)))


def _table(current: Dataset, fields: list[dict], schema: dict, rows: list[dict]) -> Table:
    """The new rows in the schema's column order; a value equal to the current one keeps
    its current spelling, and rows keep their current order (new rows at the end)."""
    header = tuple(f["name"] for f in fields)
    key = tuple(c for c in current.primary_key if c in header)
    before = {tuple(r.get(c, "") for c in key): r for r in current.rows} if key else {}
    keys = [tuple(r[c] for c in key) for r in rows] if key else []
    if key and len(set(keys)) == len(keys) and len(before) == len(current.rows):
        typed = {f["name"]: converter(f) for f in fields}
        for k, row in zip(keys, rows, strict=True):
            old = before.get(k)
            for column in header if old else ():
                if row[column] != old.get(column, "") and _same(typed[column], old.get(column, ""), row[column]):
                    row[column] = old[column]
        place = {k: i for i, k in enumerate(before)}
        order = sorted(range(len(rows)), key=lambda i: (place.get(keys[i], len(place)), i))
        rows = [rows[i] for i in order]
    missing = schema.get("missingValues", [""])
    return Table(header=header, given_rows=tuple(rows), fields=tuple(fields),
                 missing_values=tuple(missing) if isinstance(missing, list) else ("",))


def _same(typed, old: str, new: str) -> bool:
    if old.strip() == new:
        return True
    a, b = typed(old), typed(new)
    return a is not None and not isinstance(a, str) and a == b


# --- telling and writing --------------------------------------------------------------------------

def languages(choice: str) -> tuple[str, ...]:
    return ("id", "en") if choice == "both" else (choice,)


def problem_lines(problems, choice: str) -> list[str]:
    """One line a person can copy per problem and language: file:row: column: what, then the fix."""
    from ..validate import report

    lines = []
    for problem in problems:
        for lang in languages(choice):
            where = problem.file + (f":{problem.row}" if problem.row else "")
            column = f" {i18n.t('import.column', lang)} {problem.column}:" if problem.column else ""
            lines.append(f"{where}:{column} {report.message(problem, lang)} {report.action(problem, lang)}")
    return lines


def change_lines(prepared: Prepared, choice: str) -> list[str]:
    diff = prepared.diff
    both = lambda key, **params: " / ".join(i18n.t(key, lang, **params) for lang in languages(choice))  # noqa: E731
    lines = [" / ".join(diffs.diff_summary(diff, lang) for lang in languages(choice))]
    for column in diff.columns_added:
        lines.append(f"  + {both('import.column')} {column}")
    for column in diff.columns_removed:
        lines.append(f"  - {both('import.column')} {column}")
    entries = ([f"  + {_row_text(diff, r)}" for r in diff.added]
               + [f"  - {_row_text(diff, r)}" for r in diff.removed]
               + [f"  ~ {' · '.join(c.key)}: " + "; ".join(f"{column}: {old!r} → {new!r}"
                                                             for column, old, new in c.cells)
                  for c in diff.changed])
    lines += entries[:MAX_LISTED]
    if len(entries) > MAX_LISTED:
        lines.append(both("import.more", count=len(entries) - MAX_LISTED))
    return lines


def _row_text(diff: diffs.Diff, row: dict) -> str:
    return diff.key_of(row) if diff.key else " | ".join(row.values())


def run(project: Project, name: str, path: Path, options: Options = Options(), yes: bool = False,
        choice: str = "both", out=print, ask=None, label: str | None = None) -> int:
    """Print what will change, ask, write. 0: written or nothing to write; 1: refused or not
    confirmed (nothing written). `ask` defaults to input()."""
    ask = ask or (lambda prompt: input(prompt))
    with project.activate():
        prepared = prepare(project, name, path, options, label)
        both = lambda key, **params: " / ".join(i18n.t(key, lang, **params) for lang in languages(choice))  # noqa: E731
        target = project.relative(prepared.target)
        if prepared.problems:
            for line in problem_lines(prepared.problems, choice):
                out(line)
            out(both("import.refused", count=len(prepared.problems), file=target))
            return 1
        if prepared.unchanged:
            out(both("import.nothing", file=target))
            return 0
        out(both("import.heading", file=target, source=label or str(path)))
        for line in change_lines(prepared, choice):
            out(line)
        if prepared.diff.empty:
            out(both("import.formatting_only"))
        if not yes:
            try:
                answer = ask(both("import.confirm") + " ")
            except EOFError:
                answer = ""
            if answer.strip().casefold() not in ("y", "ya", "yes", "j"):
                out(both("import.cancelled", file=target))
                return 1
        write_atomically(prepared.target, prepared.data)
        out(both("import.written", file=target, name=name))
        return 0


def write_atomically(target: Path, data: bytes) -> None:
    """The whole file or the old one, never half of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

