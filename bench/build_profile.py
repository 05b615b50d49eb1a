"""A cold build of the real site under cProfile: how often each dataset version is read and
typed, and how often its release files are built. Prints figures; exits non-zero only when
a version is read or built more than once (the one-typed-model contract of the pipeline).

    .venv/bin/python bench/build_profile.py [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from opendata import catalog, downloads, pipeline, project, table  # noqa: E402


def counted(module, name: str, key, counts: Counter):
    """Wrap module.name to count calls by key(*args)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        counts[key(*args, **kwargs)] += 1
        return original(*args, **kwargs)

    setattr(module, name, wrapper)
    return original


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    reads, typed, built = Counter(), Counter(), Counter()
    counted(catalog, "from_bytes", lambda p, name, *a, commit=None, **k: (name, (commit or "tree")[:10]), reads)
    counted(downloads, "release_files", lambda d, **k: (d.name, d.version), built)
    original_records = table.Table.__dict__["records"].func

    def records(self):
        typed[id(self)] += 1
        return original_records(self)

    counting = functools.cached_property(records)
    counting.__set_name__(table.Table, "records")
    table.Table.records = counting
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        profile.enable()
        pipeline.build(project.load(ROOT), Path(tmp) / "site")
        profile.disable()
        elapsed = time.perf_counter() - start
    print(f"cold build: {elapsed:.2f} s")
    print(f"dataset versions read: {len(reads)}; read more than once: "
          f"{sum(1 for n in reads.values() if n > 1)}")
    print(f"tables typed: {len(typed)} (at most one per version read)")
    print(f"release file sets built: {len(built)}; built more than once: "
          f"{sum(1 for n in built.values() if n > 1)}")
    for (name, version), n in sorted(built.items()):
        print(f"  {name} {version}: release files built {n}×")
    stats = pstats.Stats(profile).sort_stats("cumulative")
    print(f"\ntop {args.top} by cumulative time:")
    stats.print_stats(args.top)
    twice = [k for k, n in reads.items() if n > 1] + [k for k, n in built.items() if n > 1]
    return 1 if twice or len(typed) > len(reads) else 0


if __name__ == "__main__":
    sys.exit(main())
