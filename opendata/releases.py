"""Releases from git history, and the row-level difference between them.

A release of a dataset is a commit on the first-parent line of HEAD in which `version` in
`datasets/<name>/metadata.yml` changed (or the dataset first appeared). Its files are built
from the dataset as it was at that commit, so a published release never changes; its date is
the committer date, never the clock. The working tree is always published at its version:
when no commit has released that version yet, it is the next release, marked "not yet
released", with no date.

Validation: the CSV of a version that was already released must be byte-identical to the
released one (`release_changed`), otherwise the maintainer must raise the version.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from . import downloads, history, i18n, pages, paths
from .catalog import Catalog, Dataset, dataset_from_bytes
from .problems import BuildError, Problem


@dataclass(frozen=True)
class Release:
    dataset: Dataset          # as it was at the release (the working tree when unreleased)
    commit: str | None        # None: not yet released
    committed: str | None     # committer date, ISO 8601 with offset (RFC 3339)
    message: str = ""

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def version(self) -> str:
        return self.dataset.version

    @property
    def released(self) -> bool:
        return self.commit is not None

    @property
    def date(self) -> str | None:
        """YYYY-MM-DD (in the committer's time zone), None when not yet released."""
        return self.committed[:10] if self.committed else None

    @cached_property
    def files(self) -> dict[str, bytes]:
        """Every file of the release, keyed by its path under the site root."""
        if self.commit is None:
            return downloads.release_files(self.dataset)
        return _files_at(self.dataset.root, self.commit, self.name, self.committed)


@dataclass(frozen=True)
class Change:
    key: tuple[str, ...]
    cells: tuple[tuple[str, str, str], ...]   # (column, old, new) for every changed cell


@dataclass(frozen=True)
class Diff:
    """What changed between two versions of a dataset, row by row."""

    key: tuple[str, ...]          # the primary key used; () when rows were compared whole
    added: tuple[dict, ...]
    removed: tuple[dict, ...]
    changed: tuple[Change, ...]
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added
                    or self.columns_removed)

    def key_of(self, row: dict) -> str:
        return " · ".join(row.get(column, "") for column in self.key)


# --- reading the history ------------------------------------------------------------------

def collect(catalog: Catalog) -> dict[str, tuple[Release, ...]]:
    """Every dataset's releases, oldest first; the last one is the working tree's version."""
    return {dataset.name: releases_of(dataset) for dataset in catalog.datasets}


def releases_of(dataset: Dataset) -> tuple[Release, ...]:
    found = list(_released(dataset.root, dataset.name))
    if not any(r.version == dataset.version for r in found):
        found.append(Release(dataset=dataset, commit=None, committed=None))
    return tuple(found)


def current(releases: tuple[Release, ...], version: str) -> Release:
    """The release a dataset's page shows: the one of the working tree's version."""
    return next(r for r in releases if r.version == version)


def _released(root: Path, name: str) -> tuple[Release, ...]:
    if not history.is_repository(root):
        return ()
    return _released_at(root, _head(root), name)


def _head(root: Path) -> str:
    return (history.git(root, "rev-parse", "HEAD") or "").strip()


@lru_cache(maxsize=256)
def _released_at(root: Path, head: str, name: str) -> tuple[Release, ...]:
    """The releases as HEAD (`head`, part of the cache key) sees them."""
    meta_path = paths.relative(paths.metadata_path(root, name), root)
    commits = history.first_parent_log(root, meta_path)
    metadata = history.blobs(root, [f"{commit}:{meta_path}" for commit, _, _ in commits])
    releases, seen, previous = [], set(), None
    for (commit, committed, message), meta in zip(commits, metadata, strict=True):
        version = _version(meta)
        if version is None or version == previous:
            previous = version if version is not None else previous
            continue
        previous = version
        if version in seen:   # a version used again later keeps its first release
            continue
        dataset = _dataset_at(root, commit, name)
        if dataset is not None:
            seen.add(version)
            releases.append(Release(dataset, commit, committed, message.strip()))
    return tuple(releases)


def _version(metadata: bytes | None) -> str | None:
    import yaml

    try:
        value = yaml.safe_load(metadata.decode("utf-8")) if metadata else None
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    version = value.get("version") if isinstance(value, dict) else None
    return str(version) if version not in (None, "") else None


@lru_cache(maxsize=256)
def _dataset_at(root: Path, commit: str, name: str) -> Dataset | None:
    files = [paths.metadata_path(root, name), paths.schema_path(root, name),
             paths.csv_path(root, name)]
    meta, schema, data = history.blobs(root, [f"{commit}:{paths.relative(f, root)}"
                                              for f in files])
    if meta is None or schema is None or data is None:
        return None
    return dataset_from_bytes(root, name, meta, schema, data)


@lru_cache(maxsize=256)
def _files_at(root: Path, commit: str, name: str, committed: str) -> dict[str, bytes]:
    """A commit never changes, so neither do the files built from it (memoised)."""
    return downloads.release_files(_dataset_at(root, commit, name), released=committed)


def check_shallow(root: Path) -> None:
    """A shallow clone would publish HEAD as every dataset's first release: refuse."""
    if history.is_repository(root) and history.is_shallow(root):
        raise BuildError([Problem(file=".git", code="history_shallow")])


# --- validation ---------------------------------------------------------------------------

def changed_releases(catalog: Catalog) -> list[Problem]:
    """A released version whose CSV in the working tree is not the released CSV."""
    problems = []
    for dataset in catalog.datasets:
        release = next((r for r in _released(dataset.root, dataset.name)
                        if r.version == dataset.version), None)
        if release is not None and release.dataset.csv_bytes != dataset.csv_bytes:
            problems.append(Problem(
                file=dataset.csv_file, code="release_changed", column=None,
                params={"version": dataset.version, "next": next_version(dataset.version),
                        "commit": release.commit[:10]}))
    return problems


def next_version(version: str) -> str:
    """1.0.0 → 1.0.1; a version whose last part is not a number gets '.1'."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if last.isdigit() and head else f"{version}.1"


# --- row-level difference -----------------------------------------------------------------

def diff(old: Dataset, new: Dataset) -> Diff:
    """Rows added, removed and changed, keyed by the new schema's primaryKey; rows are compared
    whole when the key is missing or not unique in either version."""
    key = _primary_key(new)
    columns_added = tuple(c for c in new.header if c not in old.header)
    columns_removed = tuple(c for c in old.header if c not in new.header)
    if not key or not _unique(old, key) or not _unique(new, key):
        return _whole_rows(old, new, columns_added, columns_removed)
    before = {tuple(r.get(c, "") for c in key): r for r in old.rows}
    after = {tuple(r.get(c, "") for c in key): r for r in new.rows}
    compared = [c for c in new.header if c in old.header]
    changed = []
    for k, row in after.items():
        if k in before:
            cells = tuple((c, before[k].get(c, ""), row.get(c, "")) for c in compared
                          if before[k].get(c, "") != row.get(c, ""))
            if cells:
                changed.append(Change(k, cells))
    return Diff(key=key,
                added=tuple(r for k, r in after.items() if k not in before),
                removed=tuple(r for k, r in before.items() if k not in after),
                changed=tuple(changed), columns_added=columns_added,
                columns_removed=columns_removed)


def _primary_key(dataset: Dataset) -> tuple[str, ...]:
    key = dataset.schema.get("primaryKey") or []
    key = (key,) if isinstance(key, str) else tuple(key)
    return key if key and all(c in dataset.header for c in key) else ()


def _unique(dataset: Dataset, key: tuple[str, ...]) -> bool:
    if not all(c in dataset.header for c in key):
        return False
    keys = [tuple(r.get(c, "") for c in key) for r in dataset.rows]
    return len(keys) == len(set(keys))


def _whole_rows(old: Dataset, new: Dataset, columns_added, columns_removed) -> Diff:
    def counted(dataset):
        return Counter(tuple(r.get(c, "") for c in dataset.header) for r in dataset.rows)

    before, after = counted(old), counted(new)
    added = after - before
    removed = before - after
    return Diff(key=(), columns_added=columns_added, columns_removed=columns_removed,
                added=tuple(r for r in new.rows if _take(added, r, new.header)),
                removed=tuple(r for r in old.rows if _take(removed, r, old.header)),
                changed=())


def _take(counter: Counter, row: dict, header) -> bool:
    values = tuple(row.get(c, "") for c in header)
    if counter[values] > 0:
        counter[values] -= 1
        return True
    return False


def changelog(releases: tuple[Release, ...]) -> list[tuple[Release, Diff | None]]:
    """Every release with its difference from the one before (None for the first)."""
    return [(release, diff(releases[i - 1].dataset, release.dataset) if i else None)
            for i, release in enumerate(releases)]


def change_summary(release: Release, diff, lang: str) -> str:
    if diff is None:
        return i18n.t("release.first", lang, rows=i18n.number(len(release.dataset.rows), lang))
    if diff.empty:
        return i18n.t("release.no_change", lang)
    return i18n.t("release.summary", lang, added=i18n.number(len(diff.added), lang),
                  removed=i18n.number(len(diff.removed), lang),
                  changed=i18n.number(len(diff.changed), lang))


# --- the stage ------------------------------------------------------------------------------

def stage(catalog: Catalog, root: Path) -> pages.Contribution:
    """Every release's files at /data/<name>/<version>/, `latest`, and a Riwayat versi page
    per dataset; the current version's files replace the pipeline's own (`downloads`)."""
    check_shallow(root)
    found = collect(catalog)
    static, current_files = {}, {}
    for dataset in catalog.datasets:
        for release in found[dataset.name]:
            files = release.files
            static.update(files)
            if release.version == dataset.version:
                current_files[dataset.name] = files
    static.update(downloads.with_latest(catalog, current_files))
    return pages.Contribution(
        static=static,
        pages=lambda site, lang: history_pages(site, lang, found),
        blocks={"dataset": [lambda site, lang, here, dataset=None:
                            history_link(lang, here, dataset, found)]},
        data={"releases": found, "downloads": current_files},
    )


def history_pages(site, lang: str, found: dict) -> dict[str, str]:
    env = pages.environment(lang)
    out = {}
    for dataset in site.catalog.datasets:
        source = paths.history_page(dataset.name)
        log = changelog(found[dataset.name])
        entries = [(release, d, change_summary(release, d, lang), log[i - 1][0] if i else None)
                   for i, (release, d) in enumerate(log)][::-1]
        out[source] = pages.render_page(
            env, "history.html", source,
            i18n.t("history.title", lang, title=dataset.text("title", lang)), site=site,
            dataset=dataset, entries=entries, latest=dataset.version,
            feed=paths.language_root(lang) + paths.feed_file(dataset.name))
    return out


def history_link(lang: str, here: str, dataset: Dataset, found: dict):
    releases = found.get(dataset.name, ())
    return pages.fragment(lang, "release_block.html", here, dataset=dataset, releases=releases,
                          feed=paths.language_root(lang) + paths.feed_file(dataset.name))
