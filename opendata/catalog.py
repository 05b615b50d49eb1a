"""datasets/<name>/ and schemas/<name>.schema.json → Dataset objects, each read and typed once.

The only module that reads those folders (git history comes through `history.py` as bytes
and becomes Datasets here too). Loading never stops at a broken file: what cannot be read
becomes a Problem, and the dataset is left out so later checks do not trip on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import cache, yamlsafe
from . import project as projects
from .problems import Problem
from .project import Project
from .table import Table, Unreadable, read_csv

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
# Files larger than this are refused before they are read (a dataset's metadata may raise
# the CSV's limit: `limits: {bytes: ...}`).
MAX_DESCRIPTOR_BYTES = 1_000_000
MAX_CSV_BYTES = 200_000_000


@dataclass(frozen=True, eq=False)
class Dataset:
    name: str
    metadata: dict
    schema: dict
    table: Table
    csv_bytes: bytes              # as read (the published CSV is table.canonical_csv())
    csv_file: str                 # paths as a maintainer names them, for problems
    metadata_file: str
    schema_file: str
    commit: str | None = None     # None: the working tree

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

    @property
    def header(self) -> tuple[str, ...]:
        return self.table.header

    @property
    def rows(self) -> tuple[dict, ...]:
        """The cells as written (text)."""
        return self.table.rows

    @property
    def records(self) -> tuple[dict, ...]:
        """The rows typed by the schema."""
        return self.table.records

    @property
    def fields(self) -> list[dict]:
        fields = self.schema.get("fields", [])
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    def field(self, name: str) -> dict:
        return next((f for f in self.fields if f.get("name") == name), {})

    @property
    def primary_key(self) -> tuple[str, ...]:
        key = self.schema.get("primaryKey") or []
        return (key,) if isinstance(key, str) else tuple(key)

    def text(self, key: str, lang: str) -> str:
        """A bilingual metadata text (title, description, ...) in `lang`."""
        value = self.metadata.get(key) or {}
        return str(value.get(lang, "")) if isinstance(value, dict) else str(value)

    def column_text(self, column: str, lang: str) -> str:
        described = self.metadata.get("columns") or {}
        texts = described.get(column) if isinstance(described, dict) else None
        return str(texts.get(lang, "")) if isinstance(texts, dict) else ""

    def code_label(self, column: str, code: str, lang: str) -> str:
        codes = self.metadata.get("codes") or {}
        labels = (codes.get(column) or {}).get(code) if isinstance(codes, dict) else None
        return str(labels.get(lang, code)) if isinstance(labels, dict) else code

    @property
    def license(self) -> dict:
        """The dataset's licence, or the site's default."""
        value = self.metadata.get("license")
        return value if isinstance(value, dict) else dict(projects.active().config.license)


@dataclass(frozen=True, eq=False)
class Catalog:
    datasets: tuple[Dataset, ...]
    problems: tuple[Problem, ...]
    project: Project

    @property
    def root(self) -> Path:
        return self.project.root

    def __getitem__(self, name: str) -> Dataset:
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        return any(d.name == name for d in self.datasets)

    def get(self, name: str) -> Dataset | None:
        return next((d for d in self.datasets if d.name == name), None)

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.datasets]


def load_catalog(root: Path | Project) -> Catalog:
    project = root if isinstance(root, Project) else projects.load(root)
    datasets, problems = [], list(project.problems)
    linked = [Problem(file=project.relative(folder), code="symlink")
              for folder in (project.datasets_dir, project.schemas_dir) if folder.is_symlink()]
    if linked:   # what is read must be inside the project: nothing is read through a link
        return Catalog((), tuple(problems + linked), project)
    for name in dataset_names(project, problems):
        dataset, found = load_dataset(project, name)
        problems.extend(found)
        if dataset is not None:
            datasets.append(dataset)
    problems.extend(_orphan_schemas(project, {d.name for d in datasets} | set(_folders(project))))
    return Catalog(tuple(datasets), tuple(problems), project)


def _folders(project: Project) -> list[str]:
    folder = project.datasets_dir
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def dataset_names(project: Project, problems: list[Problem]) -> list[str]:
    """The dataset folders; a folder whose name cannot be a dataset's name (or that is a
    symbolic link) is named as a problem and left out."""
    names = []
    for name in _folders(project):
        path = project.dataset_dir(name)
        if path.is_symlink():
            problems.append(Problem(file=project.relative(path), code="symlink"))
        elif not NAME.fullmatch(name):
            problems.append(Problem(file=f"datasets/{name[:60]}", code="dataset_name_invalid",
                                    params={"name": name[:60]}))
        else:
            names.append(name)
    return names


def _orphan_schemas(project: Project, names: set[str]) -> list[Problem]:
    folder = project.schemas_dir
    if not folder.is_dir():
        return []
    return [
        Problem(file=project.relative(p), code="schema_without_dataset",
                params={"name": p.name.removesuffix(".schema.json")})
        for p in sorted(folder.glob("*.schema.json"))
        if p.name.removesuffix(".schema.json") not in names
    ]


def load_dataset(project: Project, name: str) -> tuple[Dataset | None, list[Problem]]:
    problems: list[Problem] = []
    meta = _read_file(project, project.metadata_path(name), problems, MAX_DESCRIPTOR_BYTES)
    schema = _read_file(project, project.schema_path(name), problems, MAX_DESCRIPTOR_BYTES)
    data = _read_file(project, project.csv_path(name), problems, csv_limit(meta))
    return from_bytes(project, name, meta, schema, data, problems=problems)


def csv_limit(metadata: bytes | None) -> int:
    """The CSV's size limit: `limits.bytes` in its metadata (1 to 2e9, its JSON Schema says),
    else MAX_CSV_BYTES. Known before the CSV is opened."""
    try:
        value = yamlsafe.load(metadata) if metadata else None
    except yamlsafe.YamlError:
        return MAX_CSV_BYTES
    limits = value.get("limits") if isinstance(value, dict) else None
    wanted = limits.get("bytes") if isinstance(limits, dict) else None
    if isinstance(wanted, int) and not isinstance(wanted, bool) and 1 <= wanted <= 2_000_000_000:
        return wanted
    return MAX_CSV_BYTES


def from_bytes(project: Project, name: str, metadata: bytes | None, schema: bytes | None,
               csv_bytes: bytes | None, commit: str | None = None,
               problems: list[Problem] | None = None) -> tuple[Dataset | None, list[Problem]]:
    """A dataset from the bytes of its three files (as read, or as they were at a commit);
    None, with the problems, when one of them cannot be read."""
    problems = [] if problems is None else problems
    files = [project.relative(p) for p in (project.metadata_path(name), project.schema_path(name),
                                           project.csv_path(name))]
    meta = _parse_yaml(metadata, files[0], problems) if metadata is not None else None
    table_schema = _parse_json(schema, files[1], problems) if schema is not None else None
    if meta is None or table_schema is None or csv_bytes is None:
        return None, problems
    fields = [f for f in table_schema.get("fields") or [] if isinstance(f, dict)] \
        if isinstance(table_schema.get("fields"), list) else []
    missing = table_schema.get("missingValues", [""])
    try:
        table = read_csv(csv_bytes, fields, missing if isinstance(missing, list) else [""])
    except Unreadable as error:
        problems.append(Problem(file=files[2], code=error.code, row=error.row,
                                detail=error.detail[:300] or None))
        return None, problems
    dataset = Dataset(name=name, metadata=meta, schema=table_schema, table=table,
                      csv_bytes=csv_bytes, csv_file=files[2], metadata_file=files[0],
                      schema_file=files[1], commit=commit)
    return dataset, problems


def _read_file(project: Project, path: Path, problems: list[Problem], limit: int) -> bytes | None:
    file = project.relative(path)
    if path.is_symlink():
        problems.append(Problem(file=file, code="symlink"))
        return None
    if not path.is_file():
        problems.append(Problem(file=file, code="file_missing"))
        return None
    size = path.stat().st_size
    if size > limit:
        problems.append(Problem(file=file, code="file_too_large",
                                params={"size": size, "limit": limit}))
        return None
    return path.read_bytes()


def _parse_yaml(raw: bytes, file: str, problems: list[Problem]) -> dict | None:
    try:   # in a build, a file read before is not parsed again (the cache has its value)
        value = cache.memo("yaml", file, raw, lambda: yamlsafe.load(raw))
    except yamlsafe.YamlError as error:
        problems.append(Problem(file=file, code=error.code, row=error.line,
                                params={"key": error.detail[:80]}, detail=error.detail[:300]))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(file=file, code="yaml_not_mapping"))
        return None
    return value


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _no_duplicates(pairs):
    value = dict(pairs)
    if len(value) < len(pairs):   # one pass: an object of 100,000 keys is read in milliseconds
        seen = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _DuplicateKey(duplicate)
    return value


def _parse_json(raw: bytes, file: str, problems: list[Problem]) -> dict | None:
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except _DuplicateKey as error:
        problems.append(Problem(file=file, code="json_duplicate_key", detail=str(error)[:300],
                                params={"key": error.key[:80]}))
        return None
    except (ValueError, RecursionError) as error:   # bad JSON, not UTF-8, nested too deep
        problems.append(Problem(file=file, code="json_invalid",
                                row=getattr(error, "lineno", None), detail=str(error)[:300]))
        return None
    if not isinstance(value, dict):
        problems.append(Problem(file=file, code="json_not_object"))
        return None
    return value


# what the build cache hashes for a dataset (every input of its outputs) and for the catalogue
cache.register(Table, cache.by_fields())
cache.register(Dataset, cache.by_fields())
cache.register(Catalog, cache.by_fields())
