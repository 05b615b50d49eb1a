"""Synthetic projects for the scale benches and the cache tests (never written to datasets/).

`make_site(target, datasets=200)` copies the repository's sources (the archive of each
dataset's current version only) into `target`, adds clones of `indikator` named
`sintetis_001` ... until there are `datasets` datasets (each with its own title and rows, no
charts and no key figures: those stay the real ones'), and commits everything to a fresh git
repository with fixed dates. `history=N` then adds N commits, each releasing a new version of
one clone with one row changed (archived as `opendata release` does). `big_rows=N` gives one
more dataset, `besar`, of N indikator-shaped rows, as the next unreleased version of a
released one of 178 rows.

Everything is written with fixed dates and seeds: two calls write the same bytes.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

from gitrepo import commit, copy_project, git, read_rows, set_version, write_rows
from support import ROOT

TEMPLATE = "indikator"
DATE = "2024-01-15T10:00:00+07:00"
PREFIX = "sintetis"


def clone_name(index: int) -> str:
    return f"{PREFIX}_{index:03d}"


def make_site(target: Path, datasets: int = 7, history: int = 0, big_rows: int = 0) -> Path:
    """A project of `datasets` datasets (at least the real 7), committed; see the module."""
    copy_project(target)
    shutil.rmtree(target / ".cache", ignore_errors=True)
    for folder in (target / "site", target / "site.old"):
        shutil.rmtree(folder, ignore_errors=True)
    real = len(list((target / "datasets").glob("*/metadata.yml")))
    for index in range(1, max(0, datasets - real) + 1):
        add_clone(target, clone_name(index), seed=index)
    if big_rows:
        add_clone(target, "besar", seed=0)
    for file in target.glob("datasets/*/metadata.yml"):   # every release dated as commit 1
        file.write_text(re.sub(r"^released:.*$", f'released: "{DATE[:10]}"',
                               file.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    _archive_current(target)
    git(target, "init", "-q", "-b", "main")
    commit(target, "Data awal", DATE)
    clones = [clone_name(i) for i in range(1, max(0, datasets - real) + 1)] or [TEMPLATE]
    for step in range(history):
        name = clones[step % len(clones)]
        change_cell(target, name, step, f"Catatan rilis {step + 1}")
        version = _version(target, name)
        set_version(target, name, _next(version), released=_date(step)[:10])
        commit(target, f"Rilis {name} {step + 1}", _date(step))
    if big_rows:
        write_big(target, "besar", big_rows)
    return target


def add_clone(root: Path, name: str, seed: int) -> None:
    """`datasets/<name>/` and its schema: indikator's, renamed, its rows shuffled and renamed
    by `seed`, without charts or key figures."""
    source = ROOT / "datasets" / TEMPLATE
    folder = root / "datasets" / name
    folder.mkdir(parents=True)
    text = (source / "metadata.yml").read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
    text = re.sub(r"^(  (?:id|en): )(.*)$", lambda m: f"{m.group(1)}{m.group(2)} ({name})", text,
                  count=2, flags=re.M)   # the title, in both languages
    text = re.sub(r"^charts:\n(?:[ -].*\n|\n)*", "charts: []\n", text, flags=re.M)
    text = re.sub(r"^figures:\n(?:[ -].*\n|\n)*", "", text, flags=re.M)
    text = re.sub(r"^released:.*\n", "", text, flags=re.M)
    text = text.replace("\nversion:", f'\nreleased: "{DATE[:10]}"\nversion:', 1)
    (folder / "metadata.yml").write_text(text, encoding="utf-8")
    shutil.copyfile(ROOT / "schemas" / f"{TEMPLATE}.schema.json",
                    root / "schemas" / f"{name}.schema.json")
    header, rows = read_rows(ROOT / "datasets" / TEMPLATE / f"{TEMPLATE}.csv")
    random.Random(seed).shuffle(rows)
    rows = [dict(row, id=f"{row['id']}-{name}") for row in rows]
    write_rows(folder / f"{name}.csv", header, rows)


def change_cell(root: Path, name: str, seed: int, value: str) -> None:
    """One cell of one row of the dataset `name` (its `catatan`) set to `value`."""
    path = root / "datasets" / name / f"{name}.csv"
    header, rows = read_rows(path)
    rows[seed % len(rows)]["catatan"] = value
    write_rows(path, header, rows)


def write_big(root: Path, name: str, count: int) -> None:
    """`count` rows of the indikator shape as the next, unreleased version of `name`: every
    one valid, none preferred (`utama: false`), so no chart or figure changes."""
    header, rows = read_rows(root / "datasets" / name / f"{name}.csv")
    rng = random.Random(count)
    made = []
    for i in range(count - len(rows)):
        model = rows[rng.randrange(len(rows))]
        made.append(dict(model, id=f"sintetis-{i:07d}", utama="false", catatan=f"Baris sintetis {i}",
                         tahun=str(2015 + i % 11), nilai=str(rng.randint(0, 100))))
    write_rows(root / "datasets" / name / f"{name}.csv", header, rows + made)
    size = (root / "datasets" / name / f"{name}.csv").stat().st_size
    if size > 150_000_000:   # past the default limit of a CSV (catalog.MAX_CSV_BYTES): said
        metadata = root / "datasets" / name / "metadata.yml"
        metadata.write_text(metadata.read_text(encoding="utf-8")
                            + f"limits:\n  bytes: {2 * size}\n", encoding="utf-8")
    set_version(root, name, "99.0.0")


def _archive_current(root: Path) -> None:
    """The current version of every dataset without an archive, archived."""
    from opendata import archive, project

    active = project.load(root)
    for metadata in sorted(root.glob("datasets/*/metadata.yml")):
        name = metadata.parent.name
        if not (root / "archive" / name / _version(root, name)).is_dir():
            archive.write_current(active, name)


def _version(root: Path, name: str) -> str:
    text = (root / "datasets" / name / "metadata.yml").read_text(encoding="utf-8")
    return re.search(r'^version:\s*"?([^"\n]+)"?\s*$', text, re.M).group(1)


def _next(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) + 1}"


def _date(step: int) -> str:
    day = 16 + step
    return f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}T10:00:00+07:00"


def run_git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout
