"""Data quality, per dataset, computed from the rows at build time (the *Kualitas data* page and
`api/kualitas.json`): rows; how full every column is; rows by confidence; sources by kind;
the newest source's date; open conflicts; known gaps; and for a directory, its coverage.

Only what a column says is counted, by the conventions of datasets/README.md: the source
columns (`figures.SOURCE_COLUMNS`), a boolean `utama` column marking the preferred figure
where sources disagree (a row with `false` is an open conflict), and a `jenis_sumber`
column when a dataset records its sources' kind. Without one, the kind comes from the
source URL's host: a BPS host is BPS, another `go.id` host is government, any other host
(or no URL) is other. Nothing reads the clock: a source's age is counted to the release
date of the version, and a version not yet released has none.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from . import cache, dates, paths
from .catalog import Dataset
from .figures import PREFERRED_COLUMN, SOURCE_COLUMNS, SOURCE_KIND_COLUMN

__all__ = ["PREFERRED_COLUMN", "SOURCE_KIND_COLUMN"]   # the columns, named in figures.py
HOST_KINDS = (("bps", "bps.go.id"), ("pemerintah", "go.id"))   # (kind, host or its parent)
OTHER = "lainnya"
LISTED_KEYS = 50                      # conflicting rows named one by one


@dataclass(frozen=True)
class ColumnFill:
    name: str
    filled: int
    percent: float


@dataclass(frozen=True)
class Coverage:
    """A directory's coverage: of the lower-level areas, and of the reported number."""
    areas_total: int
    areas_covered: int
    areas_percent: float
    listed: int                       # every institution in the registry
    highlighted: int                  # those of the declared highlight type
    reported: float | None            # the figure the declaration names as `reported`
    reported_percent: float | None


@dataclass(frozen=True)
class DatasetQuality:
    name: str
    version: str
    release_date: str | None          # None: not yet released
    rows: int
    columns: tuple[ColumnFill, ...]
    confidence: tuple[tuple[str, int], ...]   # (code, rows); "" = empty
    source_rule: str | None           # "column" | "host" | None (no source columns)
    sources: tuple[tuple[str, int], ...]      # (kind, distinct sources)
    newest_source: str | None         # YYYY, YYYY-MM or YYYY-MM-DD, as written
    undated_rows: int
    source_age_months: int | None     # from the newest source to the release date
    conflicts: int | None             # None: the dataset has no preferred-figure column
    conflict_keys: tuple[str, ...]
    notes: dict | None                # {id, en}: known gaps, from metadata
    coverage: Coverage | None = None


def percent(part: int | float, whole: int | float) -> float:
    return round(part * 100 / whole, 1) if whole else 0.0


def source_kind(url: str) -> str:
    """The kind of a source by its URL's host (without a `jenis_sumber` column)."""
    host = (urlsplit(url).hostname or "").lower() if url else ""
    for kind, suffix in HOST_KINDS:
        if host == suffix or host.endswith("." + suffix):
            return kind
    return OTHER


def _confidence(dataset: Dataset) -> tuple[tuple[str, int], ...]:
    column = SOURCE_COLUMNS[3]
    if column not in dataset.header:
        return ()
    counts = Counter(row.get(column, "") for row in dataset.rows)
    enum = (dataset.field(column).get("constraints") or {}).get("enum") or []
    order = [c for c in enum if isinstance(c, str)] + sorted(c for c in counts if c not in enum)
    return tuple((code, counts.get(code, 0)) for code in order)


def _sources(dataset: Dataset) -> tuple[str | None, tuple[tuple[str, int], ...]]:
    publisher, url = SOURCE_COLUMNS[0], SOURCE_COLUMNS[1]
    if publisher not in dataset.header and url not in dataset.header:
        return None, ()
    by_column = SOURCE_KIND_COLUMN in dataset.header
    seen = {(r.get(publisher, ""), r.get(url, "")): (r.get(SOURCE_KIND_COLUMN, "") or OTHER)
            if by_column else source_kind(r.get(url, "")) for r in dataset.rows}
    counts = Counter(seen.values())
    if by_column:   # the dataset's own codes, in its schema's order
        enum = (dataset.field(SOURCE_KIND_COLUMN).get("constraints") or {}).get("enum") or []
        order = [c for c in enum if isinstance(c, str)]
    else:
        order = [kind for kind, _ in HOST_KINDS] + [OTHER]
    order += sorted(set(counts) - set(order))
    return ("column" if by_column else "host"), tuple((k, counts.get(k, 0)) for k in order)


def _newest(dataset: Dataset) -> tuple[str | None, int]:
    column = SOURCE_COLUMNS[2]
    if column not in dataset.header:
        return None, 0
    written = [row.get(column, "") for row in dataset.rows]
    known = [(dates.partial_date(text), text) for text in written if dates.partial_date(text)]
    newest = max(known, key=lambda item: item[0] + (0,) * (3 - len(item[0])), default=(None, None))
    return newest[1], sum(1 for text in written if not text)


def months_between(earlier: str | None, later: str | None) -> int | None:
    """Whole months from a source's date to the release date (None when either lacks a month)."""
    first, last = dates.partial_date(earlier), dates.partial_date(later)
    if not first or not last or len(first) < 2 or len(last) < 2:
        return None
    return (last[0] - first[0]) * 12 + last[1] - first[1]


def _conflicts(dataset: Dataset) -> tuple[int | None, tuple[str, ...]]:
    if PREFERRED_COLUMN not in dataset.header or dataset.field(PREFERRED_COLUMN).get("type") != "boolean":
        return None, ()
    key = [c for c in dataset.primary_key if c in dataset.header]
    rows = [(row, record) for row, record in zip(dataset.rows, dataset.records, strict=True)
            if record.get(PREFERRED_COLUMN) is False]
    return len(rows), tuple(" · ".join(row.get(c, "") for c in key) for row, _ in rows[:LISTED_KEYS]
                            if key)


def dataset_quality(dataset: Dataset, release_date: str | None = None,
                    coverage: Coverage | None = None) -> DatasetQuality:
    total = len(dataset.rows)
    missing = set(dataset.table.missing_values)
    columns = []
    for column in dataset.header:
        filled = sum(1 for row in dataset.rows if row.get(column, "") not in missing)
        columns.append(ColumnFill(column, filled, percent(filled, total)))
    rule, sources = _sources(dataset)
    newest, undated = _newest(dataset)
    conflicts, keys = _conflicts(dataset)
    notes = dataset.metadata.get("notes")
    return DatasetQuality(
        name=dataset.name, version=dataset.version, release_date=release_date, rows=total,
        columns=tuple(columns), confidence=_confidence(dataset), source_rule=rule,
        sources=sources, newest_source=newest, undated_rows=undated,
        source_age_months=months_between(newest, release_date), conflicts=conflicts,
        conflict_keys=keys, notes=notes if isinstance(notes, dict) else None, coverage=coverage)


def coverage(directory, reported: float | None) -> Coverage:
    """A directory's coverage of its lower-level areas and of the reported number."""
    covered = len(directory.covered)
    return Coverage(areas_total=directory.total, areas_covered=covered,
                    areas_percent=percent(covered, directory.total),
                    listed=len(directory.institutions), highlighted=directory.highlighted,
                    reported=reported,
                    reported_percent=percent(directory.highlighted, reported) if reported else None)


def build(site) -> tuple[DatasetQuality, ...]:
    """Every dataset's quality, from what the build assembled (`pages.Site`); computed once
    per build and kept in the build cache (the page in each language and the JSON use it)."""
    return cache.memo("quality_build", "quality", site, lambda: _build(site))


def _build(site) -> tuple[DatasetQuality, ...]:
    found = site.directory
    reported = None
    if found is not None:
        key = (found.declaration.get("reported") or {}).get("figure")
        reported = next((f.value for f in site.figures if f.key == key), None)
    return tuple(
        dataset_quality(d, site.published.current(d.name).date,
                        coverage(found, reported) if found is not None and found.name == d.name else None)
        for d in site.catalog.datasets)


def as_json(items: tuple[DatasetQuality, ...]) -> bytes:
    def plain(item: DatasetQuality) -> dict:
        value = asdict(item)
        value["columns"] = {c["name"]: {"filled": c["filled"], "percent": c["percent"]}
                            for c in value["columns"]}
        value["confidence"] = dict(item.confidence)
        value["sources"] = {"rule": item.source_rule, "kinds": dict(item.sources)}
        value["conflicts"] = None if item.conflicts is None else {
            "column": PREFERRED_COLUMN, "rows": item.conflicts, "keys": list(item.conflict_keys)}
        del value["source_rule"], value["conflict_keys"]
        return value

    document = {"rules": {"source_kind_column": SOURCE_KIND_COLUMN,
                          "source_hosts": dict((host, kind) for kind, host in HOST_KINDS),
                          "other": OTHER, "preferred_column": PREFERRED_COLUMN},
                "datasets": [plain(item) for item in items]}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def static(site) -> dict[str, bytes]:
    return {paths.quality_api(): as_json(build(site))}
