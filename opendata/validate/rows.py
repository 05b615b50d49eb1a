"""Every dataset's rows against its Table Schema, vectorised (fast.py): the table check the
gate runs. Same problems as the frictionless path (tables.py, kept as the reference the
tests compare against), plus the project's own rules (fast.py's docstring lists them).

Each table is read once, in batches, keeping only the key columns other tables refer to;
tables are checked in parallel processes when there are several large ones.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from .. import cache
from ..catalog import Catalog, Dataset
from ..problems import Problem
from . import tables
from .fast import check_table, foreign_key_problems, list_reference_problems
from .fast_errors import OwnRules

PARALLEL_BYTES = 20_000_000   # below this, a process costs more than it saves


def referenced(catalog: Catalog, name: str) -> list[str]:
    """The columns of `name` that keys of other datasets (or its own) point to."""
    found = []
    for other in catalog.datasets:
        for fk in other.schema.get("foreignKeys") or []:
            reference = fk.get("reference") or {} if isinstance(fk, dict) else {}
            if (reference.get("resource") or other.name) == name:
                fields = reference.get("fields") or []
                found += [fields] if isinstance(fields, str) else list(fields)
        for ref in other.metadata.get("list_references") or []:
            if not isinstance(ref, dict):
                continue
            if ref.get("resource") == name:
                found.append(ref.get("reference_field"))
            if other.name == name:
                found.append(ref.get("field"))
    return [f for f in found if isinstance(f, str)]


def validate_tables(catalog: Catalog, resolve: bool = True, workers: int | None = None) -> list[Problem]:
    """resolve=False: keys into other datasets are not checked (a historical release alone).
    workers: processes that check tables at once (None: one per core when the tables are
    large enough to pay for the processes; 1: here)."""
    readable = [d for d in catalog.datasets if tables._schema_ok(d)]
    jobs = [(d.csv_bytes, d.schema, d.csv_file, d.name, d.metadata.get("checks") or [],
             referenced(catalog, d.name), OwnRules.of(d.metadata)) for d in readable]
    checked = dict(zip((d.name for d in readable), _run(jobs, workers), strict=True))
    problems: list[Problem] = []
    for dataset in readable:
        check = checked[dataset.name]
        problems += check.problems
        if resolve:
            problems += _foreign_keys(catalog, dataset, check, checked)
            problems += list_reference_problems(check, dataset.metadata.get("list_references"),
                                                checked)
        else:
            own = {**dataset.schema, "foreignKeys": [   # keys within the dataset itself
                fk for fk in dataset.schema.get("foreignKeys") or []
                if (fk.get("reference") or {}).get("resource") in (None, "", dataset.name)]}
            problems += foreign_key_problems(check, own, {dataset.name: check})
        problems += tables.source_dates(dataset)
    return problems


def _check(job):
    data, schema, file, name, checks, keys, rules = job
    return check_table(data, schema, file=file, name=name, checks=checks, keep=False, keys=keys,
                       rules=rules)


def _run(jobs: list, workers: int | None = None) -> list:
    """Each table's check, in order; the tables are independent, so in parallel processes
    (each gets its table's bytes; the results come back in the order of the jobs). In a
    build, a check is kept in the build cache by the table's bytes, schema and rules."""
    store = cache.active()
    if store is None or store.folder is None:
        return _run_all(jobs, workers)
    keys = [store.key("table", job) for job in jobs]
    found = [store.get("table", key) for key in keys]
    done = iter(_run_all([job for job, hit in zip(jobs, found, strict=True) if hit is None], workers))
    results = []
    for key, job, hit in zip(keys, jobs, found, strict=True):
        if hit is None:
            value = next(done)
            store.misses.append(("table", job[3]))
            store.put("table", key, value)
        else:
            store.hits["table"] += 1
            value = hit[0]
        results.append(value)
    return results


def _run_all(jobs: list, workers: int | None = None) -> list:
    if workers is None:   # processes pay only when the work splits: not for one big table
        sizes = sorted((len(job[0]) for job in jobs), reverse=True)
        big = len(sizes) > 1 and sum(sizes) > PARALLEL_BYTES and sum(sizes[1:]) > PARALLEL_BYTES / 4
        workers = (os.cpu_count() or 1) if big else 1
    if workers <= 1 or len(jobs) <= 1:
        return [_check(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_check, jobs, chunksize=max(1, len(jobs) // (4 * workers))))


def _foreign_keys(catalog: Catalog, dataset: Dataset, check, checked: dict) -> list[Problem]:
    """Keys into other datasets; a key into a dataset that could not be read is named once
    (`foreign_key_unchecked`, or `foreign_key_unknown` when no such dataset exists)."""
    problems = foreign_key_problems(check, dataset.schema, checked)
    renamed = []
    for problem in problems:
        target = problem.params.get("resource", "")
        if problem.code == "foreign_key_unchecked" and not catalog.project.dataset_dir(
                str(target)).is_dir():
            problem = Problem(file=dataset.schema_file, code="foreign_key_unknown",
                              column=problem.column, params=problem.params)
        renamed.append(problem)
    return renamed
