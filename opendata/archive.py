"""The archive of released files: `archive/<name>/<version>/` holds every file of a release
exactly as it was published (CSV, JSON, XLSX, ZIP, datapackage.json, SHA256SUMS).

A release's bytes are made once, when it is released (`opendata release` writes them in the
pull request that raises the version), and never again: the build publishes them from here,
so a later change of the code that writes XLSX or JSON changes new releases only, and a
researcher's checksum verifies forever. The archive is checked like any input: its sums must
verify, and its CSV must hold the rows of the version it names.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import paths
from .problems import Problem
from .project import Project
from .table import read_csv

SUMS = "SHA256SUMS"


def folder(project: Project, name: str, version: str) -> Path:
    return project.root / "archive" / paths.segment(name) / paths.segment(version)


def read(project: Project, name: str, version: str) -> dict[str, bytes] | None:
    """{file name: bytes} of an archived release, None when it is not archived."""
    if not paths.is_safe(name) or not paths.is_safe(version):
        return None
    place = folder(project, name, version)
    if not place.is_dir() or place.is_symlink():
        return None
    return {p.name: p.read_bytes() for p in sorted(place.iterdir())
            if p.is_file() and not p.is_symlink()}


def write(project: Project, name: str, version: str, files: dict[str, bytes]) -> Path:
    """Archive a release's files ({path under the site root or file name: bytes})."""
    place = folder(project, name, version)
    place.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        (place / path.rsplit("/", 1)[-1]).write_bytes(data)
    return place


def as_published(name: str, version: str, files: dict[str, bytes]) -> dict[str, bytes]:
    """Archived files under their paths in the site."""
    from .downloads import _path

    return {_path(name, version, file): data for file, data in files.items()}


def problems(project: Project, name: str, version: str, files: dict[str, bytes],
             canonical_csv: bytes) -> list[Problem]:
    """An archive whose files do not match its SHA256SUMS, or whose CSV is not the rows of
    the version it names."""
    where = project.relative(folder(project, name, version))
    listed = {}
    for line in files.get(SUMS, b"").decode("utf-8", "replace").splitlines():
        digest, _, file = line.partition("  ")
        listed[file] = digest
    expected = {f for f in files if f != SUMS}
    if not listed or set(listed) != expected or any(
            hashlib.sha256(files[f]).hexdigest() != listed[f] for f in expected):
        return [Problem(file=where, code="archive_sums", params={"version": version})]
    csv_file = f"{name}.csv"
    if csv_file not in files:
        return [Problem(file=where, code="archive_sums", params={"version": version})]
    try:
        archived = read_csv(files[csv_file]).canonical_csv()
    except ValueError:
        archived = b""
    if archived != canonical_csv:
        return [Problem(file=f"{where}/{csv_file}", code="release_changed",
                        params={"version": version, "next": _next(version), "commit": "archive"})]
    return []


def _next(version: str) -> str:
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if last.isdigit() and head else f"{version}.1"


def missing(project: Project, releases: dict) -> list:
    """Released versions (name → (Release, ...)) that have no archive yet."""
    return [r for found in releases.values() for r in found
            if r.released and read(project, r.name, r.version) is None]


def write_current(project: Project, name: str) -> Path:
    """Archive the working tree's version of a dataset, dated by its `released` metadata (what
    `opendata release` does in the pull request that raises the version)."""
    from . import downloads
    from .catalog import load_catalog
    from .releases import declared_timestamp

    with project.activate():
        catalog = load_catalog(project)
        dataset = catalog.get(name)
        if dataset is None:
            raise ValueError(f"{name}: {[p.code for p in catalog.problems]}")
        files = downloads.release_files(dataset, released=declared_timestamp(dataset.metadata),
                                        references=downloads.references(catalog, dataset))
        return write(project, name, dataset.version, files)
