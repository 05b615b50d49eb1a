"""The row-level difference between two versions of a dataset: rows added, removed and
changed (keyed by the primary key, or compared whole), and its summary in words. Used by the
release and history pages, `opendata diff`, the importer and `opendata release`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import cache, i18n
from .catalog import Dataset
from .releases import Release


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


def diff(old: Dataset, new: Dataset) -> Diff:
    """Rows added, removed and changed, keyed by the new schema's primaryKey; rows are compared
    whole when the key is missing or not unique in either version."""
    key = tuple(c for c in new.primary_key if c in new.header)
    if len(key) != len(new.primary_key):
        key = ()
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
    """Every release with its difference from the one before (None for the first); each
    difference computed once and kept in the build cache (two released versions' difference
    never changes)."""
    return [(release, _diff(releases[i - 1].dataset, release.dataset) if i else None)
            for i, release in enumerate(releases)]


def _diff(old: Dataset, new: Dataset) -> Diff:
    return cache.memo("diff", f"{new.name}@{old.version}..{new.version}", (old, new),
                      lambda: diff(old, new))


def change_summary(release: Release, difference: Diff | None, lang: str) -> str:
    if difference is None:
        return i18n.plural("release.first", lang, len(release.dataset.rows))
    if difference.empty:
        return i18n.t("release.no_change", lang)
    return diff_summary(difference, lang)


def diff_summary(difference: Diff, lang: str) -> str:
    """'2 rows added, 1 row removed, 0 rows changed.' by the language's plural rules."""
    rows = lambda n: i18n.plural("count.rows", lang, n)  # noqa: E731
    return i18n.t("release.summary", lang, added=rows(len(difference.added)),
                  removed=rows(len(difference.removed)), changed=rows(len(difference.changed)))
