#!/usr/bin/env python3
"""Table validation at scale: the fast validator (opendata/validate/fast.py) against frictionless.

Writes LPKS-shaped tables (rows from tests/lpks_synthetic.py, into a temporary folder, never
datasets/) of 10,000, 100,000 and 1,000,000 rows, each valid and with about 5 % bad rows
(every kind of error frictionless reports, see `spoil`), and validates each in a child process:

- fast, keep=False: `check_table(path, keep=False)` streaming in batches, plus its foreign key
  into the real wilayah dataset;
- fast, keep=True: the same, keeping the raw and typed tables;
- frictionless: `Resource.validate` with no error limit in a Package holding wilayah, the way
  opendata/validate/tables.py calls it.

For each: wall time of the child (interpreter start and imports included) and its peak
resident memory (`os.wait4`'s ru_maxrss), the median of the runs; the ratios; and the errors
each found as (row, column, code), compared as sets. The fast child imports the validator
modules without opendata/validate/__init__.py, which still imports frictionless and altair
for the other checks. Prints figures and asserts nothing; exits non-zero when a child fails.

    .venv/bin/python bench/validate_scale.py [--quick] [--runs 3] [--sizes 10000,100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SIZES = (10_000, 100_000, 1_000_000)
BAD_SHARE = 0.05
SCHEMA = ROOT / "schemas" / "lpks.schema.json"
WILAYAH = ROOT / "datasets" / "wilayah" / "wilayah.csv"
WILAYAH_SCHEMA = ROOT / "schemas" / "wilayah.schema.json"
FRICTIONLESS_CODES = {"type-error", "format-error", "constraint-error", "required", "unique-error",
                      "primary-key", "foreign-key", "missing-cell", "extra-cell", "blank-row",
                      "row-constraint", "label-error", "frictionless"}


# --- the tables ------------------------------------------------------------------------------

def write_tables(folder: Path, size: int) -> None:
    from lpks_synthetic import synthetic_rows

    rows = synthetic_rows(size, seed=size)
    header = [f["name"] for f in json.loads(SCHEMA.read_text(encoding="utf-8"))["fields"]]
    valid, bad = folder / f"lpks_{size}_valid.csv", folder / f"lpks_{size}_bad.csv"
    _write(valid, header, ([row[c] for c in header] for row in rows))
    rng = random.Random(size)
    _write(bad, header, (spoil(rng, [row[c] for c in header], header)
                         if rng.random() < BAD_SHARE else [row[c] for c in header] for row in rows))


def _write(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def spoil(rng: random.Random, row: list[str], header: list[str]) -> list[str]:
    """One error of a kind frictionless reports, chosen at random."""
    at = {name: i for i, name in enumerate(header)}
    kind = rng.randrange(12)
    changes = {
        0: ("id", "sintetis_0001"),                 # unique-error and primary-key
        1: ("id", "Sintetis X"),                    # pattern
        2: ("nama", ""),                            # required
        3: ("jenis", "lpk"),                        # enum
        4: ("kelurahan_kode", "36.73.09.9999"),     # foreign-key
        5: ("lintang", "91.5"),                     # maximum
        6: ("bujur", "106,15"),                     # type-error
        7: ("situs_web", "www.lpk.example.org"),    # format-error
        8: ("sumber_tanggal", "24-11-2025"),        # pattern
    }
    if kind in changes:
        name, value = changes[kind]
        row[at[name]] = value
        return row
    if kind == 9:
        return row[: rng.randint(1, len(row) - 1)]  # missing-cell
    if kind == 10:
        return row + ["lebih"]                      # extra-cell
    return [""] * len(row)                          # blank-row (and primary-key)


# --- the children ------------------------------------------------------------------------------

def child_fast(csv_path: str, keep: bool, out: str) -> None:
    import types

    import opendata

    package = types.ModuleType("opendata.validate")
    package.__path__ = [os.path.join(opendata.__path__[0], "validate")]
    sys.modules["opendata.validate"] = package
    from opendata.validate.fast import check_table, foreign_key_problems

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    wilayah = check_table(WILAYAH.read_bytes(), json.loads(WILAYAH_SCHEMA.read_text(encoding="utf-8")),
                          file="wilayah.csv", name="wilayah")
    check = check_table(csv_path, schema, file="lpks.csv", name="lpks", keep=keep)
    problems = check.problems + foreign_key_problems(check, schema, {"wilayah": wilayah})
    _dump(out, [(p.row, p.column, p.code) for p in problems if p.code in FRICTIONLESS_CODES])


def child_frictionless(csv_path: str, out: str) -> None:
    from frictionless import Checklist, Package, Resource, Schema
    from frictionless.formats import CsvControl

    from opendata.validate import tables

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    control = CsvControl(delimiter=",")
    path = Path(csv_path)  # frictionless reads only relative paths under a basepath
    lpks = Resource(path=path.name, basepath=str(path.parent), format="csv", encoding="utf-8",
                    name="lpks", control=control, schema=Schema.from_descriptor(schema))
    wilayah = Resource(path=WILAYAH.name, basepath=str(WILAYAH.parent), format="csv",
                       encoding="utf-8", name="wilayah", control=control,
                       schema=Schema.from_descriptor(json.loads(WILAYAH_SCHEMA.read_text(encoding="utf-8"))))
    Package(resources=[lpks, wilayah])
    report = lpks.validate(Checklist(), limit_errors=tables.NO_LIMIT)
    dataset = _Described(schema)
    _dump(out, [_key(tables._problem(dataset, e)) for task in report.tasks for e in task.errors])


class _Described:
    """What tables._problem reads of a dataset, without the rows it would hold in memory (so
    primary and foreign key problems lack their cells, which the comparison does not use)."""

    name, csv_file, rows = "lpks", "lpks.csv", ()

    def __init__(self, schema: dict):
        self.schema = schema

    def field(self, name: str) -> dict:
        return next((f for f in self.schema["fields"] if f["name"] == name), {})


def _key(problem) -> tuple:
    return problem.row, problem.column, problem.code


def _dump(out: str, keys: list[tuple]) -> None:
    Path(out).write_text(json.dumps(keys), encoding="utf-8")


# --- measuring ---------------------------------------------------------------------------------

def measure(command: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"child failed ({child.returncode}): {' '.join(command)}")
    return seconds, usage.ru_maxrss / 1024


def run(kind: str, csv_path: Path, out: Path, runs: int) -> dict:
    command = [sys.executable, __file__, "--child", kind, str(csv_path), str(out)]
    figures = [measure(command) for _ in range(runs)]
    errors = {tuple(k) for k in json.loads(out.read_text(encoding="utf-8"))}
    return {"seconds": statistics.median(f[0] for f in figures),
            "mb": statistics.median(f[1] for f in figures), "errors": errors}


def compare(size: int, variant: str, path: Path, folder: Path, runs: int) -> None:
    found = {kind: run(kind, path, folder / f"{kind}.json", runs)
             for kind in ("fast-stream", "fast-keep", "frictionless")}
    lean, full, slow = found["fast-stream"], found["fast-keep"], found["frictionless"]
    print(f"{size:>9,} {variant:5} "
          f"{lean['seconds']:7.2f} s {lean['mb']:6.0f} MB | "
          f"{full['seconds']:7.2f} s {full['mb']:6.0f} MB | "
          f"{slow['seconds']:7.2f} s {slow['mb']:6.0f} MB | "
          f"{slow['seconds'] / lean['seconds']:5.1f}x {lean['mb'] / slow['mb']:5.2f} | "
          f"{len(lean['errors']):>7,} {len(slow['errors']):>7,} "
          f"{'equal' if lean['errors'] == slow['errors'] == full['errors'] else 'DIFFERENT'}",
          flush=True)
    if lean["errors"] != slow["errors"]:
        for label, keys in (("only fast", lean["errors"] - slow["errors"]),
                            ("only frictionless", slow["errors"] - lean["errors"])):
            print(f"    {label}: {sorted(keys, key=str)[:5]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run, 10,000 and 100,000 rows")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default=None, help="comma-separated row counts")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--write", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_tables(Path(args.write[0]), int(args.write[1]))
        return
    if args.child:
        kind, csv_path, out = args.child
        if kind == "frictionless":
            child_frictionless(csv_path, out)
        else:
            child_fast(csv_path, kind == "fast-keep", out)
        return
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else SIZES[:2] if args.quick else SIZES
    runs = 1 if args.quick else args.runs
    print(f"median of {runs} run(s); time = child wall time, memory = child peak RSS\n"
          f"{'rows':>9} {'table':5} {'fast keep=False':>19} | {'fast keep=True':>17} | "
          f"{'frictionless':>17} | {'speed':>6} {'mem':>5} | {'errors fast, frictionless':>15}")
    with tempfile.TemporaryDirectory(prefix="validate-scale-") as tmp:
        for size in sizes:
            folder = Path(tmp) / str(size)
            folder.mkdir()
            # in a child: a parent that held a million rows would lend its memory to the
            # children it forks, and their peak RSS would count it
            subprocess.run([sys.executable, __file__, "--write", str(folder), str(size)], check=True)
            for variant in ("valid", "bad"):
                compare(size, variant, folder / f"lpks_{size}_{variant}.csv", folder, runs)


if __name__ == "__main__":
    main()
