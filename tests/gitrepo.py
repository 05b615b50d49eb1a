"""A temporary git repository with a release history, made by code (synthetic changes only
here, in tests/): commit 1 holds the real data as it is; commit 2 raises the version of
`indikator` and edits one row, adds one and removes one; commit 3 raises the version of
`bidang` and edits one cell. Author, committer and dates are fixed through the environment,
so nothing depends on the machine's git configuration or clock."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from support import ROOT, csv_path, metadata_path

DATES = ("2024-01-15T10:00:00+07:00", "2024-02-20T09:30:00+07:00", "2024-03-05T08:00:00+07:00")
MESSAGE_2 = "Perbarui indikator: <b>satu</b> baris diubah & satu ditambah, satu dihapus"
MESSAGE_3 = "Perbaiki nama bidang\n\nParagraf kedua pesan commit."
SITE_URL = "https://data.contoh.test/"


def git_env(date: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="Penguji", GIT_AUTHOR_EMAIL="penguji@contoh.test",
               GIT_COMMITTER_NAME="Penguji", GIT_COMMITTER_EMAIL="penguji@contoh.test")
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return env


def git(root: Path, *args: str, date: str | None = None) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          env=git_env(date), check=True)
    return done.stdout.strip()


def commit(root: Path, message: str, date: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


def copy_project(target: Path) -> Path:
    """The repository's sources, as the `project_copy` fixture copies them, without the
    archives of older versions: a repository started from the copy has only the current
    versions in its history."""
    ignore = shutil.ignore_patterns(".venv", "site", ".git", "__pycache__", ".build-*", "bench", ".cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    prune_archive(target)
    return target


def prune_archive(root: Path) -> None:
    """Remove archive/<name>/<version>/ of every version but each dataset's current one."""
    for folder in (root / "archive").glob("*/*"):
        if folder.is_dir() and folder.name != version(root, folder.parent.name):
            shutil.rmtree(folder)


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    return list(reader.fieldnames), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))


def version(root: Path, name: str) -> str:
    text = metadata_path(root, name).read_text(encoding="utf-8")
    return re.search(r'^version:\s*"?([^"\n]+)"?\s*$', text, re.M).group(1)


def set_version(root: Path, name: str, new: str, notes: bool = True,
                released: str | None = None) -> None:
    """Raise the version; with its release notes in both languages unless notes=False; with
    `released` (YYYY-MM-DD) it is released as `opendata release` does it: the date in the
    metadata and the version's files in archive/."""
    file = metadata_path(root, name)
    text = re.sub(r"^version:.*$", f'version: "{new}"', file.read_text(encoding="utf-8"),
                  count=1, flags=re.M)
    if released:
        text = re.sub(r"^released:.*\n", "", text, flags=re.M)
        text = text.replace("\nversion:", f'\nreleased: "{released}"\nversion:', 1) \
            if "\nversion:" in text else f'released: "{released}"\n' + text
    if notes:
        entry = (f'  "{new}":\n    id: "Versi uji {new}: <i>catatan</i> & perubahan."\n'
                 f'    en: "Test version {new}: <i>notes</i> & changes."\n')
        text = text.replace("\nrelease_notes:\n", "\nrelease_notes:\n" + entry, 1)
    file.write_text(text, encoding="utf-8")
    if released:
        from opendata import archive, project

        archive.write_current(project.load(root), name)


def bump(value: str) -> str:
    major, minor, *_ = value.split(".")
    return f"{major}.{int(minor) + 1}.0"


@dataclass
class ReleaseRepo:
    root: Path
    commits: list[str] = field(default_factory=list)
    versions: dict = field(default_factory=dict)    # name → [versions, oldest first]
    edited: dict = field(default_factory=dict)      # what commit 2 and 3 changed


def make_release_repo(root: Path) -> ReleaseRepo:
    copy_project(root)
    for file in root.glob("datasets/*/metadata.yml"):   # the real releases, as of commit 1
        file.write_text(re.sub(r"^released:.*$", f'released: "{DATES[0][:10]}"',
                               file.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    repo = ReleaseRepo(root)
    repo.versions = {n: [version(root, n)] for n in ("indikator", "bidang")}
    repo.commits.append(commit(root, "Data awal", DATES[0]))

    csv_file = csv_path(root, "indikator")
    header, rows = read_rows(csv_file)
    edited, removed, model = rows[4], rows[6], rows[9]
    old_note = edited["catatan"]
    edited["catatan"] = "Catatan diubah oleh uji rilis <i>&</i>"
    added = {**model, "id": "uji-baris-baru"}
    rows = [r for r in rows if r is not removed] + [added]
    write_rows(csv_file, header, rows)
    repo.versions["indikator"].append(bump(repo.versions["indikator"][0]))
    set_version(root, "indikator", repo.versions["indikator"][1], released=DATES[1][:10])
    repo.commits.append(commit(root, MESSAGE_2, DATES[1]))
    repo.edited["indikator"] = {"changed": (edited["id"], "catatan", old_note, edited["catatan"]),
                                "added": added["id"], "removed": removed["id"]}

    csv_file = csv_path(root, "bidang")
    header, rows = read_rows(csv_file)
    old_name = rows[0]["nama_en"]
    rows[0]["nama_en"] = old_name + " (renamed)"
    write_rows(csv_file, header, rows)
    repo.versions["bidang"].append(bump(repo.versions["bidang"][0]))
    set_version(root, "bidang", repo.versions["bidang"][1], released=DATES[2][:10])
    repo.commits.append(commit(root, MESSAGE_3, DATES[2]))
    repo.edited["bidang"] = {"changed": (rows[0]["kode"], "nama_en", old_name, rows[0]["nama_en"])}
    return repo


def clone(repo: Path, target: Path, commit: str | None = None) -> Path:
    subprocess.run(["git", "clone", "-q", str(repo), str(target)], env=git_env(), check=True)
    if commit:
        git(target, "checkout", "-q", commit)
    return target


def build(root: Path, out: Path, **extra_env: str) -> Path:
    """`python build.py build` in its own process, as a maintainer or CI runs it."""
    env = {**os.environ, "SITE_URL": SITE_URL, **extra_env}
    done = subprocess.run([sys.executable, "build.py", "build", "--out", str(out)], cwd=root,
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return out
