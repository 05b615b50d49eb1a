"""datasets/<name>/ and schemas/<name>.schema.json → Dataset objects.

The only module that reads those folders. Loading never stops at a broken file: what cannot
be read becomes a Problem, and the dataset is left out so later checks do not trip on it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import paths
from .problems import Problem


@dataclass(frozen=True)
class Dataset:
    name: str
    metadata: dict
    schema: dict
    csv_bytes: bytes
    header: tuple[str, ...]
    rows: tuple[dict, ...]  # raw text cells, as in the CSV
    root: Path

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

    @property
    def csv_file(self) -> str:
        return paths.relative(paths.csv_path(self.root, self.name), self.root)

    @property
    def metadata_file(self) -> str:
        return paths.relative(paths.metadata_path(self.root, self.name), self.root)

    @property
    def schema_file(self) -> str:
        return paths.relative(paths.schema_path(self.root, self.name), self.root)

    @property
    def fields(self) -> list[dict]:
        return list(self.schema.get("fields", []))

    def field(self, name: str) -> dict:
        return next((f for f in self.fields if f.get("name") == name), {})

    def text(self, key: str, lang: str) -> str:
        """A bilingual metadata text (title, description, ...) in `lang`."""
        value = self.metadata.get(key) or {}
        return value.get(lang, "") if isinstance(value, dict) else str(value)

    def column_text(self, column: str, lang: str) -> str:
        return (self.metadata.get("columns") or {}).get(column, {}).get(lang, "")

    def code_label(self, column: str, code: str, lang: str) -> str:
        labels = (self.metadata.get("codes") or {}).get(column, {}).get(code)
        return labels.get(lang, code) if isinstance(labels, dict) else code


@dataclass(frozen=True)
class Catalog:
    datasets: tuple[Dataset, ...]
    problems: tuple[Problem, ...]
    root: Path

    def __getitem__(self, name: str) -> Dataset:
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        return any(d.name == name for d in self.datasets)

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.datasets]


def load_catalog(root: Path = paths.ROOT) -> Catalog:
    datasets, problems = [], []
    folder = root / "datasets"
    names = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    for name in names:
        dataset, found = _load_dataset(root, name)
        problems.extend(found)
        if dataset is not None:
            datasets.append(dataset)
    orphans = _orphan_schemas(root, set(names))
    problems.extend(orphans)
    return Catalog(tuple(datasets), tuple(problems), root)


def _orphan_schemas(root: Path, names: set[str]) -> list[Problem]:
    folder = root / "schemas"
    if not folder.is_dir():
        return []
    return [
        Problem(file=paths.relative(p, root), code="schema_without_dataset",
                params={"name": p.name.removesuffix(".schema.json")})
        for p in sorted(folder.glob("*.schema.json"))
        if p.name.removesuffix(".schema.json") not in names
    ]


def _load_dataset(root: Path, name: str) -> tuple[Dataset | None, list[Problem]]:
    csv_file = paths.csv_path(root, name)
    meta_file = paths.metadata_path(root, name)
    schema_file = paths.schema_path(root, name)
    problems: list[Problem] = []
    metadata = _read_yaml(meta_file, root, problems)
    schema = _read_json(schema_file, root, problems)
    raw = _read_bytes(csv_file, root, problems)
    if raw is None or metadata is None or schema is None:
        return None, problems
    header, rows = _parse_csv(raw, csv_file, root, problems)
    if header is None:
        return None, problems
    dataset = Dataset(name=name, metadata=metadata, schema=schema, csv_bytes=raw,
                      header=header, rows=rows, root=root)
    return dataset, problems


def dataset_from_bytes(root: Path, name: str, metadata: bytes, schema: bytes,
                       csv_bytes: bytes) -> Dataset | None:
    """A dataset from the bytes of its three files, e.g. as they were at a git commit; None
    when one of them cannot be read (history is published as it was, not validated)."""
    try:
        meta, table_schema = yaml.safe_load(metadata.decode("utf-8")), json.loads(schema)
    except (UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError):
        return None
    if not isinstance(meta, dict) or not isinstance(table_schema, dict):
        return None
    header, rows = _parse_csv(csv_bytes, paths.csv_path(root, name), root, [])
    if header is None:
        return None
    return Dataset(name=name, metadata=meta, schema=table_schema, csv_bytes=csv_bytes,
                   header=header, rows=rows, root=root)


def _read_bytes(path: Path, root: Path, problems: list[Problem]) -> bytes | None:
    if not path.is_file():
        problems.append(Problem(file=paths.relative(path, root), code="file_missing"))
        return None
    return path.read_bytes()


def _read_yaml(path: Path, root: Path, problems: list[Problem]) -> dict | None:
    raw = _read_bytes(path, root, problems)
    if raw is None:
        return None
    try:
        value = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        problems.append(Problem(file=paths.relative(path, root), code="yaml_invalid",
                                row=None if line is None else line + 1, detail=str(error)))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(file=paths.relative(path, root), code="yaml_not_mapping"))
        return None
    return value


def _read_json(path: Path, root: Path, problems: list[Problem]) -> dict | None:
    raw = _read_bytes(path, root, problems)
    if raw is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(Problem(file=paths.relative(path, root), code="json_invalid",
                                row=getattr(error, "lineno", None), detail=str(error)))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(file=paths.relative(path, root), code="json_not_object"))
        return None
    return value


def _parse_csv(raw: bytes, path: Path, root: Path, problems: list[Problem]):
    file = paths.relative(path, root)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(file=file, code="csv_not_utf8", detail=str(error)))
        return None, ()
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        problems.append(Problem(file=file, code="csv_empty"))
        return None, ()
    header = tuple(records[0])
    if len(header) == 1 and ";" in header[0]:
        # Excel with Indonesian regional settings saves "CSV" with semicolons
        problems.append(Problem(file=file, code="csv_semicolon", row=1))
        return None, ()
    # short or long rows are frictionless's to report (missing-cell, extra-cell); keep going
    rows = tuple(dict(zip(header, record, strict=False)) for record in records[1:])
    return header, rows


def typed_rows(dataset: Dataset) -> list[dict]:
    """The rows with each cell read as its schema type (numbers, booleans, dates; None when
    empty). Only meaningful after validation: a cell that does not parse becomes None."""
    from frictionless import Schema

    schema = Schema.from_descriptor(dataset.schema)
    readers = {f.name: f.create_cell_reader() for f in schema.fields}
    rows = []
    for record in dataset.rows:
        row = {}
        for name, raw in record.items():
            reader = readers.get(name)
            value, _notes = reader(raw) if reader else (raw, None)
            row[name] = None if raw == "" else value
        rows.append(row)
    return rows
