"""What releases cost: reading the real repository's history, building every release's files,
the metadata stage, and the row-level diff of a large synthetic dataset. Prints figures;
asserts nothing.

    .venv/bin/python bench/releases.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

from opendata import diffs, metadata, releases  # noqa: E402
from opendata.catalog import Dataset, load_catalog  # noqa: E402

from support import ROOT  # noqa: E402


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - start


def synthetic(rows: int, changed_every: int) -> tuple[Dataset, Dataset]:
    """Two versions of a generated table: every `changed_every`-th row edited, as many removed
    and added."""
    header = ("id", "nilai", "catatan")
    schema = {"fields": [{"name": c, "type": "string"} for c in header], "primaryKey": ["id"]}
    old = [{"id": f"r{i}", "nilai": str(i), "catatan": "x"} for i in range(rows)]
    new = [dict(r, nilai=r["nilai"] + "0") if i % changed_every == 0 else r
           for i, r in enumerate(old) if i % changed_every != 1]
    new += [{"id": f"baru{i}", "nilai": "1", "catatan": "y"} for i in range(rows // changed_every)]
    make = lambda data: Dataset("bench", {"version": "1"}, schema, b"", header,  # noqa: E731
                                tuple(data), Path("."))
    return make(old), make(new)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    catalog = load_catalog(ROOT)
    found, seconds = timed(releases.collect, catalog)
    count = sum(len(r) for r in found.values())
    print(f"history of {len(found)} datasets, {count} release(s): {seconds:.2f} s (cold)")
    _, seconds = timed(lambda: [r.files for rs in found.values() for r in rs])
    files = {p: d for rs in found.values() for r in rs for p, d in r.files.items()}
    print(f"release files: {len(files)} files, {sum(map(len, files.values())) / 1024:.0f} KB, "
          f"{seconds:.2f} s")
    contribution, seconds = timed(metadata.stage, catalog, ROOT, "https://example.test/")
    size = sum(map(len, contribution.static.values()))
    print(f"metadata stage: {len(contribution.static)} files, {size / 1024:.0f} KB, {seconds:.2f} s")

    old, new = synthetic(args.rows, 100)
    diff, seconds = timed(diffs.diff, old, new)
    print(f"diff of {args.rows:,} rows: {len(diff.added)} added, {len(diff.removed)} removed, "
          f"{len(diff.changed)} changed in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
