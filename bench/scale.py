"""Growth (issue 14, goals 4 and 5): time and peak memory of validating and building synthetic
projects (tests/synthetic_sites.py, in a temporary folder: never datasets/) as they grow,
each measured in a fresh process, with ratios to the budgets of the issue.

- datasets: 7, 50, 200 (clones of `indikator`): validate, cold build, no-change build;
  validation of the tables on one core and on two (concurrent.futures processes);
- history: 100 extra releases: the no-change build against the same project without them;
- rows: one dataset of 10k, 100k, 1M rows: validate; 200k rows: validate and cold build.

    .venv/bin/python bench/scale.py                 # everything (tens of minutes)
    .venv/bin/python bench/scale.py --quick         # 7 and 50 datasets, 10k and 100k rows, 20 releases
    .venv/bin/python bench/scale.py --only rows --rows 10000,1000000

Prints one line per measurement; asserts nothing (exit 0).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(HERE), str(HERE / "tests")]

BUDGETS = {"cold_200": 60.0, "nochange_200": 10.0, "history": 0.10, "validate_200k": 5.0,
           "build_200k": 60.0, "memory_200k": 1024.0}


# --- one measurement, in its own process -------------------------------------------------------

def child(args: list[str]) -> None:
    """validate ROOT WORKERS | build ROOT OUT CACHE → JSON {seconds, peak_mb} on stdout."""
    from opendata import cache, pipeline, project

    kind, root = args[0], Path(args[1])
    start = time.perf_counter()
    if kind == "validate":
        from opendata.catalog import load_catalog
        from opendata.validate import gate, rows

        workers = int(args[2])
        active = project.load(root)
        with active.activate():
            original = rows.validate_tables
            rows.validate_tables = lambda c, resolve=True, workers=workers: original(c, resolve, workers)
            checked = gate(load_catalog(active))
        extra = {"problems": len(checked.errors)}
    elif kind == "tables":   # the table check alone, on WORKERS processes
        from opendata.catalog import load_catalog
        from opendata.validate import rows

        active = project.load(root)
        with active.activate():
            catalog = load_catalog(active)
            start = time.perf_counter()
            found = rows.validate_tables(catalog, workers=int(args[2]))
        extra = {"problems": len(found)}
    else:
        import gzip

        store = cache.Cache(Path(args[3]), root)
        pipeline.build(root, Path(args[2]), store)
        catalogue = Path(args[2]) / "katalog" / "index.html"
        extra = {"built": len(store.misses),
                 "catalogue_kb": len(gzip.compress(catalogue.read_bytes(), 6)) / 1024
                 if catalogue.is_file() else 0}
    seconds = time.perf_counter() - start
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, **extra}))


def measure(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def line(label: str, found: dict, note: str = "") -> None:
    print(f"{label:<46} {found['seconds']:8.2f} s {found['peak_mb']:8.0f} MB  {note}", flush=True)


# --- the series ---------------------------------------------------------------------------------

def datasets_series(tmp: Path, sizes: list[int]) -> None:
    from synthetic_sites import make_site

    print("\n# datasets (clones of indikator, 178 rows each)")
    first = None
    for n in sizes:
        start = time.perf_counter()
        root = make_site(tmp / f"d{n}", datasets=n)
        made = time.perf_counter() - start
        validated = measure("validate", str(root), "1")
        line(f"{n} datasets: validate (gate, one process)", validated, f"(project made in {made:.0f} s)")
        one, two = measure("tables", str(root), "1"), measure("tables", str(root), "2")
        line(f"{n} datasets: table checks, 1 process", one)
        line(f"{n} datasets: table checks, 2 processes", two,
             f"{one['seconds'] / two['seconds']:.2f}× faster than 1")
        cold = measure("build", str(root), str(tmp / f"site{n}"), str(tmp / f"cache{n}"))
        again = measure("build", str(root), str(tmp / f"site{n}"), str(tmp / f"cache{n}"))
        note = f"{cold['seconds'] / n:.2f} s per dataset"
        if first:
            note += f"; {cold['seconds'] / first[1]['seconds']:.1f}× the time of {first[0]} for " \
                    f"{n / first[0]:.1f}× the datasets"
        if n == 200:
            note += f"; budget {BUDGETS['cold_200']:.0f} s: {cold['seconds'] / BUDGETS['cold_200']:.2f}×"
        line(f"{n} datasets: cold build", cold, note + f"; catalogue page {cold['catalogue_kb']:.0f} KB gzip")
        note = f"{again['seconds'] / cold['seconds']:.1%} of cold, built again: {again['built']}"
        if n == 200:
            note += f"; budget {BUDGETS['nochange_200']:.0f} s: {again['seconds'] / BUDGETS['nochange_200']:.2f}×"
        line(f"{n} datasets: no-change build", again, note)
        first = first or (n, cold)


def history_series(tmp: Path, releases: int, datasets: int) -> None:
    from synthetic_sites import make_site

    print(f"\n# history ({datasets} datasets, {releases} extra releases, one changed row each)")
    results = {}
    for count in (0, releases):
        root = make_site(tmp / f"h{count}", datasets=datasets, history=count)
        cache = str(tmp / f"hcache{count}")
        cold = measure("build", str(root), str(tmp / f"hsite{count}"), cache)
        again = measure("build", str(root), str(tmp / f"hsite{count}"), cache)
        line(f"{count} extra releases: cold build", cold)
        line(f"{count} extra releases: no-change build", again)
        results[count] = (cold, again)
    added = results[releases][1]["seconds"] / results[0][1]["seconds"] - 1
    print(f"{releases} releases add {added:.1%} to a no-change build (budget +{BUDGETS['history']:.0%}); "
          f"{results[releases][0]['seconds'] / results[0][0]['seconds'] - 1:.1%} to a cold one")


def rows_series(tmp: Path, counts: list[int], build_rows: int | None) -> None:
    from synthetic_sites import make_site

    print("\n# rows (one dataset of indikator's shape, the next version of a released one)")
    for count in sorted(set(counts) | ({build_rows} if build_rows else set())):
        root = make_site(tmp / f"r{count}", datasets=7, big_rows=count)
        size = (root / "datasets" / "besar" / "besar.csv").stat().st_size / 1e6
        validated = measure("validate", str(root), "2")
        if validated["problems"]:
            raise RuntimeError(f"{count} rows: the synthetic project is not valid")
        note = f"CSV {size:.0f} MB; {count / validated['seconds']:,.0f} rows/s (whole gate)"
        if count == 200_000:
            note += f"; budget {BUDGETS['validate_200k']:.0f} s: {validated['seconds'] / BUDGETS['validate_200k']:.2f}×"
        line(f"{count:,} rows: validate", validated, note)
        if count == build_rows:
            built = measure("build", str(root), str(tmp / f"rsite{count}"), str(tmp / f"rcache{count}"))
            line(f"{count:,} rows: cold build", built,
                 f"budget {BUDGETS['build_200k']:.0f} s: {built['seconds'] / BUDGETS['build_200k']:.2f}×, "
                 f"{BUDGETS['memory_200k']:.0f} MB: {built['peak_mb'] / BUDGETS['memory_200k']:.2f}×")


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="the small end of every series")
    parser.add_argument("--only", choices=("datasets", "history", "rows"), action="append")
    parser.add_argument("--datasets", default="7,50,200")
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--build-rows", type=int, default=200_000, help="0: no build of a big table")
    parser.add_argument("--history", type=int, default=100)
    parser.add_argument("--history-datasets", type=int, default=7)
    args = parser.parse_args()
    if args.quick:
        args.datasets, args.rows, args.build_rows, args.history = "7,50", "10000,100000", 0, 20
    only = set(args.only or ("datasets", "history", "rows"))
    print("time and peak memory (the process and its mkdocs children), each in a fresh process; "
          "2 cores, shared with other work")
    with tempfile.TemporaryDirectory() as tmp:
        if "datasets" in only:
            datasets_series(Path(tmp), [int(n) for n in args.datasets.split(",")])
        if "history" in only:
            history_series(Path(tmp), args.history, args.history_datasets)
        if "rows" in only:
            rows_series(Path(tmp), [int(n) for n in args.rows.split(",")], args.build_rows or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
