"""What a page shows of a change between two versions, and the CSV of all of it.

A release page shows at most `DIFF_ROWS` rows of each kind of change (added, removed,
changed), the history page fewer; every change is in `dataset/<name>/perubahan-<version>.csv`
when a page left some out. 100,000 changed rows made a 29 MB page and a 27 MB search index.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from . import paths
from .diffs import Diff, changelog

DIFF_ROWS = 100


def capped(difference: Diff | None, limit: int = DIFF_ROWS) -> tuple[Diff | None, dict]:
    """What a page shows of a difference (the first `limit` rows of each kind), and how many
    rows of each kind there are, with `capped`: whether any were left out."""
    if difference is None:
        return None, {"added": 0, "removed": 0, "changed": 0, "capped": False}
    counts = {"added": len(difference.added), "removed": len(difference.removed),
              "changed": len(difference.changed)}
    counts["capped"] = max(counts.values()) > limit
    shown = replace(difference, added=difference.added[:limit], removed=difference.removed[:limit],
                    changed=difference.changed[:limit])
    return shown, counts


DIFF_HEADER = ("perubahan", "kunci", "kolom", "lama", "baru")   # change, key, column, old, new


def diff_csv(difference: Diff, old_header, new_header) -> bytes:
    """Every change, one line per cell: `ditambah` (added) and `dihapus` (removed) rows cell
    by cell, `diubah` (changed) cells with the old and the new value. The key is the row's
    primary key (its row number in its version when rows were compared whole)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DIFF_HEADER)
    for kind, rows, header in (("ditambah", difference.added, new_header),
                               ("dihapus", difference.removed, old_header)):
        for number, row in enumerate(rows, 1):
            key = difference.key_of(row) if difference.key else f"#{number}"
            for column in header:
                value = row.get(column, "")
                writer.writerow((kind, key, column, "", value) if kind == "ditambah"
                                else (kind, key, column, value, ""))
    for change in difference.changed:
        for column, old, new in change.cells:
            writer.writerow(("diubah", " · ".join(change.key), column, old, new))
    return out.getvalue().encode("utf-8")


def diff_files(published_releases: dict, limit: int = DIFF_ROWS) -> dict[str, bytes]:
    """The CSV of every change too long for its page, at paths.diff_file."""
    files = {}
    for found in published_releases.values():
        for index, (release, difference) in enumerate(changelog(found)):
            if difference is not None and capped(difference, limit)[1]["capped"]:
                previous = found[index - 1]
                files[paths.diff_file(release.name, release.version)] = diff_csv(
                    difference, previous.dataset.header, release.dataset.header)
    return files
