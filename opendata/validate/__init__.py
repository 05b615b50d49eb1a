"""The gate: every problem any later stage would hit, found at once, before anything is built.

    gate(root) -> Validated(catalog, releases, withheld, problems)

Checks, in order: reading (files, names, YAML and JSON), descriptors (site.yml, metadata and
schemas against their rules and against each other), tables (rows against their schemas,
keys across datasets, the project's own cell rules), declarations against the data (figures,
charts, the directory), and history (every historical release with the same rules; one that
fails is withheld with a warning). `build` runs this first and builds only from what it
returns, so once it passes the build cannot fail on data.

Nothing here imports a renderer (Altair, vl-convert, openpyxl, Jinja): a test proves it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .. import chartdata, directory, figures, history, releases
from ..catalog import Catalog, Dataset, load_catalog
from ..problems import Problem, errors
from ..project import Project
from . import descriptors, history_check, rows


@dataclass(frozen=True, eq=False)
class Validated:
    catalog: Catalog
    releases: dict          # name → (Release, ...), oldest first; the last is the working tree's
    withheld: dict          # name → (Withheld, ...): historical releases not published
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def ok(self) -> bool:
        return not self.errors


def gate(root: Path | Project | Catalog, table_validator=None) -> Validated:
    catalog = root if isinstance(root, Catalog) else load_catalog(root)
    table_validator = table_validator or rows.validate_tables
    problems = list(catalog.problems)
    problems += descriptors.validate_descriptors(catalog)
    found = table_validator(_runnable(catalog, problems))
    problems += found
    # checks of declarations against the data run on datasets whose rows are valid; the rows'
    # own problems are reported above, and are what the maintainer fixes first
    broken = frozenset(d.name for d in catalog.datasets
                       if any(p.file in (d.csv_file, d.schema_file) and p.is_error for p in found))
    problems += figures.check(catalog, broken)
    problems += chartdata.check(catalog, broken)
    problems += directory.check(catalog)
    problems += _shallow(catalog)
    accepted, withheld, found = history_check.check(catalog, check_dataset)
    problems += found
    problems += releases.archive_problems(catalog, accepted)
    published = releases.assemble(catalog, accepted)
    problems += _missing_notes(catalog, published)
    return Validated(catalog, published, withheld, sorted(problems, key=Problem.sort_key))


def _missing_notes(catalog: Catalog, published: dict) -> list[Problem]:
    """Every published version has release notes for readers (commit messages are never
    published): in the dataset's metadata (`release_notes`), or in the release's own."""
    return [Problem(file=dataset.metadata_file, code="release_notes_missing", column="release_notes",
                    params={"version": release.version[:40]})
            for dataset in catalog.datasets for release in published.get(dataset.name, ())
            if not all(releases.notes(release, dataset, lang) for lang in catalog.project.config.languages)]


def validate(catalog: Catalog | Path | Project, table_validator=None) -> list[Problem]:
    """Every problem, errors and warnings, sorted by file, row and column."""
    return gate(catalog, table_validator).problems


def check_dataset(catalog: Catalog, dataset: Dataset) -> list[Problem]:
    """The rules of one dataset on its own (used for every historical release too): its
    descriptors and its rows, without keys into other datasets."""
    found = descriptors.dataset_problems(dataset)
    alone = _runnable(Catalog((dataset,), (), catalog.project), found)
    return found + rows.validate_tables(alone, resolve=False)


# the metadata keys the table validator reads (rows.py, fast.py, tables.py)
TABLE_KEYS = {"checks": [], "list_references": [], "counts": [], "limits": {}}


def _runnable(catalog: Catalog, problems: list[Problem]) -> Catalog:
    """The catalogue as the table validator may read it: a key it reads that the metadata
    rules refused (an unknown check type, a number where a list reference belongs) is
    reported already, and is left out here, because the table check would raise on it
    instead of reporting."""
    refused: dict[str, set] = {}
    for p in problems:
        key = (p.column or "").split("/")[0]
        if p.is_error and p.code == "metadata_invalid" and key in TABLE_KEYS:   # its shape
            refused.setdefault(p.file, set()).add(key)
    if not refused:
        return catalog
    return replace(catalog, datasets=tuple(
        replace(d, metadata={**d.metadata, **{k: TABLE_KEYS[k] for k in refused[d.metadata_file]}})
        if d.metadata_file in refused else d for d in catalog.datasets))


def _shallow(catalog: Catalog) -> list[Problem]:
    """A shallow clone would publish HEAD as every dataset's first release."""
    root = catalog.project.root
    if history.is_repository(root) and history.is_shallow(root):
        return [Problem(file=".git", code="history_shallow")]
    return []
