"""What the tests share that is not a fixture: where the real project is, its languages."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent      # the real project: datasets/, site.yml
LANGUAGES = ("id", "en")                           # site.yml: Indonesian at /, English at /en/


def with_rows(dataset, rows):
    """The same dataset with other rows (raw text cells), typed by its schema."""
    from dataclasses import replace

    from opendata.table import Table

    table = Table(header=dataset.header, given_rows=tuple(rows), fields=dataset.table.fields,
                  missing_values=dataset.table.missing_values)
    return replace(dataset, table=table)


def with_dataset(catalog, dataset):
    """The catalogue with `dataset` in place of the one of the same name."""
    from dataclasses import replace

    return replace(catalog, datasets=tuple(dataset if d.name == dataset.name else d
                                           for d in catalog.datasets))


def dataset_dir(root: Path, name: str) -> Path:
    return Path(root) / "datasets" / name


def csv_path(root: Path, name: str) -> Path:
    return dataset_dir(root, name) / f"{name}.csv"


def metadata_path(root: Path, name: str) -> Path:
    return dataset_dir(root, name) / "metadata.yml"


def schema_path(root: Path, name: str) -> Path:
    return Path(root) / "schemas" / f"{name}.schema.json"


def valid_catalog(root: Path = ROOT):
    """The validated catalogue of a project (raises BuildError when it is not valid)."""
    from opendata import pipeline, project

    return pipeline.load_valid(project.load(root)).catalog


def as_next_version(root: Path, name: str) -> None:
    """After editing a copy's rows: they are the next, unreleased version (a released
    version's rows never change)."""
    from gitrepo import set_version

    set_version(root, name, "99.0.0")


class Transfers:
    """Every response body a Playwright page received, by URL, in the order they arrived
    (the first-load measures of tests/test_performance.py and bench/chart_page_bytes.py)."""

    def __init__(self, page):
        self.bodies: dict[str, bytes] = {}
        page.on("response", self._record)

    def _record(self, response):
        try:
            self.bodies[response.url] = response.body()
        except Exception:   # redirects and aborted requests have no body
            self.bodies[response.url] = b""


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by its path relative to it, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
