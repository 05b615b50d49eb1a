"""Everything in one download: every dataset's current release files in a folder of its own,
and a Frictionless Data Package of all of them whose paths resolve inside the archive (so its
foreign keys resolve between the datasets). Built like the releases' own ZIPs
(`downloads.to_zip`: fixed timestamps and order), so the same data gives the same bytes.
"""

from __future__ import annotations

from . import cache, downloads, linked, paths
from .publication import Published

LEFT_OUT = ("zip", "SHA256SUMS")     # each dataset's own ZIP holds the same files again


def archive(published: Published) -> bytes:
    """The ZIP, by the published files it is made of (rebuilt when any dataset changes)."""
    return cache.memo("bulk", paths.bulk_file(), published, lambda: _archive(published), raw=True)


def _archive(published: Published) -> bytes:
    files: dict[str, bytes] = {}
    package = linked.catalogue_package(published)
    for dataset, resource in zip(published.catalog.datasets, package["resources"], strict=True):
        release = published.current(dataset.name)
        for path, data in published.files_of(release).items():
            file = path.rsplit("/", 1)[1]
            if file.rsplit(".", 1)[-1] not in LEFT_OUT:
                files[paths.bulk_member(dataset.name, file)] = data
        files[paths.bulk_member(dataset.name, "README.txt")] = downloads.readme(release.dataset)
        resource["path"] = paths.bulk_member(dataset.name, f"{dataset.name}.csv")
    files[paths.DATAPACKAGE] = linked.to_json(package)
    files["SHA256SUMS"] = downloads.sha256sums(files)
    return downloads.to_zip(files)


def static(archive_bytes: bytes) -> dict[str, bytes]:
    return {paths.bulk_file(): archive_bytes} if archive_bytes else {}
