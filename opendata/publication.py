"""What is published: every release of every dataset with its files, built once, and the
URLs that name them. The stages that describe releases (citations, linked data, feeds, pages)
read this; none of them builds a file again.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import archive, cache, downloads, paths
from .catalog import Catalog
from .releases import Release

ORDER = ["csv", "json", "xlsx", "datapackage.json", "zip", "reference", "SHA256SUMS"]


@dataclass(frozen=True, eq=False)
class Published:
    catalog: Catalog
    site_url: str
    releases: dict          # name → (Release, ...), oldest first
    withheld: dict          # name → (Withheld, ...)
    files: dict             # (name, version) → {path under the site root: bytes}

    def current(self, name: str) -> Release:
        dataset = self.catalog[name]
        return next(r for r in self.releases[name] if r.version == dataset.version)

    def files_of(self, release: Release) -> dict[str, bytes]:
        return self.files[(release.name, release.version)]

    def file_list(self, release: Release) -> list[dict]:
        """The files of a release in a fixed order, each with its size and SHA-256."""
        items = [{"path": path, "file": path.rsplit("/", 1)[1],
                  "kind": file_kind(path.rsplit("/", 1)[1], release.name), "bytes": len(data),
                  "sha256": downloads.sha256(data)}
                 for path, data in self.files_of(release).items()]
        return sorted(items, key=lambda item: (ORDER.index(item["kind"])
                                               if item["kind"] in ORDER else 9, item["file"]))

    def latest_list(self, release: Release) -> list[dict]:
        """The same files under data/<name>/latest/."""
        return [{**f, "path": paths.as_latest(f["path"], release.name, release.version)}
                for f in self.file_list(release)]

    def release_url(self, release: Release) -> str:
        return release_url(self.site_url, release)


def build(catalog: Catalog, site_url: str, releases: dict, withheld: dict) -> Published:
    """Every release's files: a released version's from the archive (made once, when it was
    released), the next one's built from the working tree."""
    files = {(r.name, r.version): files_of(catalog, r) for found in releases.values() for r in found}
    return Published(catalog, site_url, releases, withheld, files)


def files_of(catalog: Catalog, release: Release) -> dict[str, bytes]:
    """A version's files: from the archive when it has one (every released version does; the
    next one does once `opendata release` wrote it), else built from the working tree."""
    archived = archive.read(catalog.project, release.name, release.version)
    if archived is not None:
        return archive.as_published(release.name, release.version, archived)
    references = downloads.references(catalog, release.dataset)
    return cache.memo("release", f"{release.name}@{release.version}",
                      (release.dataset, release.created, references),
                      lambda: downloads.release_files(release.dataset, released=release.created,
                                                      references=references))


def file_kind(file: str, name: str) -> str:
    """A file's kind by its name; a CSV named after another dataset is a "reference": a table
    this one's foreign keys point at, which travels with the version but is not its data."""
    if file == "datapackage.json":
        return file
    kind = file.split(".", 1)[1] if "." in file else file
    return "reference" if kind == "csv" and file != f"{name}.csv" else kind


def release_url(site_url: str, release: Release) -> str:
    """The permanent URL of a release: its folder under /data/."""
    return paths.absolute(site_url, paths.release_dir(release.name, release.version) + "/")


def static(published: Published) -> dict[str, bytes]:
    """Every release file, and the current version's again under latest/."""
    out = {}
    for found in published.releases.values():
        for release in found:
            out.update(published.files_of(release))
    current = {d.name: published.files_of(published.current(d.name))
               for d in published.catalog.datasets}
    out.update(downloads.with_latest(published.catalog, current))
    return out


cache.register(Published, cache.by_fields())
