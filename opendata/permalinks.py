"""Permanent, version-pinned addresses of every row and every key figure.

A row lives at `data/<name>/<version>/baris/[<page>/]#baris-<key>` and a key figure at
`data/<name>/<version>/angka/#<figure>`: a version never changes, so these show the same
value forever, and say when a newer version exists. Rows come a page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import paths
from .catalog import Catalog, Dataset

ROWS_PER_PAGE = 500


def row_key(dataset: Dataset, row: dict) -> str:
    """The row's primary key as text ('a--b' for a key of several columns); the row's
    position when the schema has no key."""
    key = dataset.primary_key
    if key and all(column in row for column in key):
        return "--".join(str(row.get(column, "")) for column in key)
    return str(dataset.rows.index(row) + 1) if row in dataset.rows else ""


@dataclass(frozen=True)
class RowPage:
    number: int
    count: int                # pages in all
    rows: tuple[dict, ...]
    source: str               # the page's Markdown source

    @property
    def first(self) -> int:
        return (self.number - 1) * ROWS_PER_PAGE + 1


def row_pages(dataset: Dataset, version: str) -> list[RowPage]:
    rows = dataset.rows
    count = max(1, -(-len(rows) // ROWS_PER_PAGE))
    return [RowPage(n, count, tuple(rows[(n - 1) * ROWS_PER_PAGE:n * ROWS_PER_PAGE]),
                    paths.rows_page(dataset.name, version, n))
            for n in range(1, count + 1)]


def row_target(dataset: Dataset, version: str, row: dict) -> tuple[str, str]:
    """(page source, anchor) of a row's permanent address."""
    index = dataset.rows.index(row) if row in dataset.rows else 0
    number = index // ROWS_PER_PAGE + 1
    return paths.rows_page(dataset.name, version, number), paths.row_anchor(row_key(dataset, row))


def with_version(catalog: Catalog, dataset: Dataset) -> Catalog:
    """The catalogue with a version of one dataset in place of the current one (its figures
    computed from that version's rows)."""
    from dataclasses import replace

    return replace(catalog, datasets=tuple(dataset if d.name == dataset.name else d
                                           for d in catalog.datasets))
