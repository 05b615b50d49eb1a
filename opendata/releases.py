"""Releases from git history, and the row-level difference between them.

A release of a dataset is a commit on the first-parent line of HEAD in which `version` in
`datasets/<name>/metadata.yml` changed (or the dataset first appeared). Its files are built
from the dataset as it was at that commit, so a published release never changes; its date is
`released` in its metadata, else the committer date, never the clock. The working tree is
always published at its version: when no commit has released that version yet, it is the
next release, marked "not yet released".

History is input like any other: `candidates()` only reads it; `validate.history` checks
every candidate with the same rules as the working tree, and a release that fails is withheld
from the site with a note instead of breaking the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import archive, cache, history, paths, yamlsafe
from . import catalog as catalogs
from .catalog import Catalog, Dataset
from .problems import Problem
from .project import Project

VERSION = r"[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}"


@dataclass(frozen=True, eq=False)
class Release:
    dataset: Dataset          # as it was at the release (the working tree when unreleased)
    commit: str | None        # None: not yet released
    committed: str | None     # committer date, ISO 8601 with offset (RFC 3339)

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def version(self) -> str:
        return self.dataset.version

    @property
    def released(self) -> bool:
        return self.commit is not None

    @property
    def date(self) -> str | None:
        """YYYY-MM-DD: `released` in the release's metadata, else the committer's date; None
        when not yet released."""
        if not self.released:
            return None
        declared = self.dataset.metadata.get("released")
        return str(declared) if declared else self.committed[:10] if self.committed else None

    @property
    def created(self) -> str | None:
        """The release's timestamp in its data package: the declared date, or the commit's."""
        if not self.released:
            return None
        return declared_timestamp(self.dataset.metadata) or self.committed


def declared_timestamp(metadata: dict) -> str | None:
    """`released: 2026-12-02` as the RFC 3339 timestamp a Data Package's `created` needs."""
    declared = metadata.get("released")
    return f"{declared}T00:00:00Z" if declared else None


@dataclass(frozen=True)
class Withheld:
    """A historical release that fails validation: not published, and said so."""
    name: str
    version: str              # as written in the old metadata (shown escaped, never a path)
    commit: str
    committed: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Candidate:
    name: str
    version: str
    commit: str
    committed: str
    dataset: Dataset | None   # None: one of its files could not be read
    problems: tuple[Problem, ...]


# --- reading the history ------------------------------------------------------------------

def candidates(catalog: Catalog) -> dict[str, tuple[Candidate, ...]]:
    """Every dataset's historical releases as read from git, oldest first, not yet checked."""
    project = catalog.project
    if not history.is_repository(project.root):
        return {d.name: () for d in catalog.datasets}
    head = history.head(project.root)
    return {d.name: _candidates(project, head, d.name) for d in catalog.datasets}


@lru_cache(maxsize=512)
def _candidates(project: Project, head: str, name: str) -> tuple[Candidate, ...]:
    """The releases as HEAD (`head`, part of the cache key) sees them: one per run of commits
    with the same version, as its first commit holds it (what was published when the version
    was raised; the archive keeps those bytes)."""
    meta_path = project.relative(project.metadata_path(name))
    commits = history.first_parent_log(project.root, meta_path)
    metadata = history.blobs(project.root, [f"{commit}:{meta_path}" for commit, _ in commits],
                             limit=catalogs.MAX_DESCRIPTOR_BYTES)
    found, seen, previous = [], set(), None
    for (commit, committed), meta in zip(commits, metadata, strict=True):
        version = _version(meta)
        if version is None or version == previous:
            continue
        previous = version
        if version in seen:   # a version used again later keeps its first release
            continue
        seen.add(version)
        found.append(_candidate(project, name, version, commit, committed))
    return tuple(found)


def _version(metadata: bytes | None) -> str | None:
    try:
        value = yamlsafe.load(metadata) if metadata else None
    except yamlsafe.YamlError:
        return None
    version = value.get("version") if isinstance(value, dict) else None
    return str(version)[:80] if version not in (None, "") else None


def _candidate(project: Project, name: str, version: str, commit: str, committed: str) -> Candidate:
    files = [project.relative(p) for p in (project.metadata_path(name), project.schema_path(name),
                                           project.csv_path(name))]
    specs = [f"{commit}:{f}" for f in files]
    linked, sizes = history.links(project.root, commit, files), history.sizes(project.root, specs)
    meta, schema = history.blobs(project.root, specs[:2], limit=catalogs.MAX_DESCRIPTOR_BYTES)
    limits = (catalogs.MAX_DESCRIPTOR_BYTES, catalogs.MAX_DESCRIPTOR_BYTES, catalogs.csv_limit(meta))
    [data] = history.blobs(project.root, specs[2:], limit=limits[2])
    problems = []
    for file, size, limit in zip(files, sizes, limits, strict=True):
        if file in linked:
            problems.append(Problem(file=file, code="symlink"))
        elif size is None:
            problems.append(Problem(file=file, code="file_missing"))
        elif size > limit:
            problems.append(Problem(file=file, code="file_too_large",
                                    params={"size": size, "limit": limit}))
    if problems:
        return Candidate(name, version, commit, committed, None, tuple(problems))
    dataset, found = catalogs.from_bytes(project, name, meta, schema, data, commit=commit)
    return Candidate(name, version, commit, committed, dataset, tuple(problems + found))


def assemble(catalog: Catalog, accepted: dict[str, tuple[Candidate, ...]]) -> dict[str, tuple[Release, ...]]:
    """The published releases of every dataset, oldest first; the last is the working tree's
    version (released or not)."""
    out = {}
    for dataset in catalog.datasets:
        # the current version shows the working tree (the archive check proved its rows are
        # the released ones; its metadata may have been corrected since)
        found = [Release(dataset if c.version == dataset.version else c.dataset, c.commit,
                         c.committed) for c in accepted.get(dataset.name, ())]
        if not any(r.version == dataset.version for r in found):
            found.append(Release(dataset=dataset, commit=None, committed=None))
        out[dataset.name] = tuple(found)
    return out


def collect(catalog: Catalog) -> dict[str, tuple[Release, ...]]:
    """Every release as read from history, unchecked (tools and tests; the build publishes
    what `validate.gate` accepted)."""
    return assemble(catalog, {name: tuple(c for c in found if c.dataset is not None)
                              for name, found in candidates(catalog).items()})


def current(releases: tuple[Release, ...], version: str) -> Release:
    """The release a dataset's page shows: the one of the working tree's version."""
    return next(r for r in releases if r.version == version)


def notes(release: Release, newest: Dataset, lang: str) -> str:
    """The release notes of a version, for readers: from the dataset's current metadata
    (`release_notes`), else from the release's own; empty when there are none."""
    for metadata in (newest.metadata, release.dataset.metadata):
        declared = metadata.get("release_notes")
        text = declared.get(release.version) if isinstance(declared, dict) else None
        if isinstance(text, dict) and text.get(lang):
            return str(text[lang])
    return ""


# --- validation of the archive against history and the working tree --------------------------

def archive_problems(catalog: Catalog, accepted: dict | None = None) -> list[Problem]:
    """Every released version is archived (`archive/<name>/<version>/`), its sums verify, and
    its CSV holds the version's rows: those of the working tree for the current version
    (compared canonically: re-saving the same rows with a BOM or CRLF is not a change), those
    of its last commit for an older one."""
    accepted = candidates(catalog) if accepted is None else accepted
    problems = []
    repository = history.is_repository(catalog.project.root)   # once, not once per dataset
    for dataset in catalog.datasets:
        found = [c for c in accepted.get(dataset.name, ()) if c.dataset is not None]
        if not any(c.version == dataset.version for c in found) and archive.read(
                catalog.project, dataset.name, dataset.version) is not None:
            # the next version, archived by `opendata release` before it is merged
            found.append(Candidate(dataset.name, dataset.version, "", "", dataset, ()))
        for release in found:
            current = release.version == dataset.version
            state = dataset if current else release.dataset
            files = archive.read(catalog.project, dataset.name, release.version)
            if files is None:
                problems.append(Problem(
                    file=dataset.metadata_file, code="release_not_archived", column="version",
                    params={"version": release.version, "name": dataset.name}))
                continue
            found = cache.memo("archive", f"{dataset.name}@{release.version}",
                               (dataset.name, release.version, files, state),
                               lambda d=dataset, r=release, f=files, s=state: archive.problems(
                                   catalog.project, d.name, r.version, f, s.table.canonical_csv()))
            if current:   # the maintainer edits the working tree: name the file they edited
                found = [Problem(file=dataset.csv_file, code=p.code, params=p.params)
                         if p.code == "release_changed" else p for p in found]
            problems += found
        if repository:
            problems += _orphans(catalog, dataset, {r.version for r in accepted.get(dataset.name, ())})
    return problems


def _orphans(catalog: Catalog, dataset: Dataset, released: set[str]) -> list[Problem]:
    """An archived version that is neither released nor the working tree's: never published
    (a warning: it harms nothing, and history without git cannot tell)."""
    folder = catalog.project.root / "archive" / dataset.name
    versions = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return [Problem(file=catalog.project.relative(folder / version), code="archive_orphan",
                    params={"version": version[:40]}, severity="warning")
            for version in versions if version not in released | {dataset.version}]


def next_version(version: str) -> str:
    """1.0.0 → 1.0.1; a version whose last part is not a number gets '.1'."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if last.isdigit() and head else f"{version}.1"


def release_path_ok(name: str, version: str) -> bool:
    """Whether a name and version can become a release folder (paths.segment)."""
    return paths.is_safe(name) and paths.is_safe(version)
