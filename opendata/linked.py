"""Releases described for machines: schema.org `Dataset` JSON-LD for every dataset page, a
DCAT-AP catalogue in JSON-LD, a catalogue-wide `datapackage.json` and a static JSON API.

Every value comes from the datasets and from git (through `releases`), never from the clock,
so two builds of the same commit give the same bytes. Commit messages are never published:
releases carry the notes written for readers (`release_notes` in metadata).
"""

from __future__ import annotations

import json

from . import diffs, downloads, i18n, paths, project, releases
from .catalog import Dataset
from .citations import author, citation
from .publication import Published, release_url
from .releases import Release

MEDIA_TYPES = {
    "csv": "text/csv", "json": "application/json", "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "datapackage.json": "application/json", "SHA256SUMS": "text/plain",
}
FREQUENCY = {  # update_frequency → EU Publications Office frequency authority (DCAT-AP)
    "tahunan": "ANNUAL", "semesteran": "ANNUAL_2", "bulanan": "MONTHLY",
    "tidak_tentu": "IRREG", "tidak_diperbarui": "NEVER",
}
EU = "http://publications.europa.eu/resource/authority/"


def _temporal(dataset: Dataset) -> tuple[str, str] | None:
    temporal = dataset.metadata.get("temporal") or {}
    if not isinstance(temporal, dict) or temporal.get("start") is None:
        return None
    return str(temporal["start"]), str(temporal.get("end") or temporal["start"])


def _page(site_url: str, lang: str, name: str) -> str:
    return paths.absolute(site_url, paths.page_target(lang, paths.dataset_page(name)))


def schema_org(published: Published, name: str, lang: str) -> dict:
    """A schema.org Dataset for a dataset page (Google Dataset Search reads it)."""
    site_url, found = published.site_url, published.releases[name]
    release = published.current(name)
    dataset = release.dataset
    organisation = {"@type": "Organization", "name": author(), "url": site_url}
    page = _page(site_url, lang, name)
    value = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": page,
        "url": page,
        "name": dataset.text("title", lang),
        "description": dataset.text("description", lang),
        "identifier": release_url(site_url, release),
        "version": release.version,
        "inLanguage": lang,
        "license": dataset.license.get("path"),
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "keywords": list((dataset.metadata.get("keywords") or {}).get(lang) or []),
        "isBasedOn": [s["url"] for s in dataset.metadata.get("sources") or [] if s.get("url")],
        "creditText": citation(release, lang, site_url)["text"],
        "distribution": [
            {"@type": "DataDownload", "name": f["file"], "contentUrl": paths.absolute(site_url, f["path"]),
             "encodingFormat": MEDIA_TYPES.get(f["kind"], "application/octet-stream"),
             "contentSize": f"{f['bytes']} B", "sha256": f["sha256"]}
            for f in published.file_list(release) if f["kind"] != "reference"
        ],
    }
    temporal = _temporal(dataset)
    if temporal:
        value["temporalCoverage"] = "/".join(temporal) if temporal[0] != temporal[1] else temporal[0]
    if dataset.metadata.get("spatial"):
        value["spatialCoverage"] = {"@type": "Place", "name": dataset.text("spatial", lang)}
    dates = [r.date for r in found if r.date]
    if dates:
        value["datePublished"] = dates[0]
    if release.date:
        value["dateModified"] = release.date
    return value


def _texts(dataset: Dataset, key: str) -> list[dict]:
    return [{"@value": dataset.text(key, lang), "@language": lang} for lang in paths.languages()
            if dataset.text(key, lang)]


def _typed(value, kind: str) -> dict:
    return {"@value": str(value), "@type": f"xsd:{kind}"}


def dcat(published: Published) -> dict:
    """A DCAT-AP catalogue (JSON-LD): every dataset, its current distributions and versions."""
    site_url, found, catalog = published.site_url, published.releases, published.catalog
    publisher = {"@id": f"{site_url}#penerbit", "@type": "foaf:Agent", "foaf:name": author(),
                 "foaf:homepage": {"@id": site_url}}
    datasets = [_dcat_dataset(published, d, publisher["@id"]) for d in catalog.datasets]
    modified = max((r.date for rs in found.values() for r in rs if r.date), default=None)
    value = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/", "spdx": "http://spdx.org/rdf/terms#",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
        },
        "@id": paths.absolute(site_url, paths.DCAT),
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": i18n.t("site.name", lang), "@language": lang}
                      for lang in paths.languages()],
        "dct:description": [{"@value": i18n.t("site.description", lang), "@language": lang}
                            for lang in paths.languages()],
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": site_url},
        "dct:language": [{"@id": f"{EU}language/IND"}, {"@id": f"{EU}language/ENG"}],
        "dcat:dataset": datasets,
    }
    if modified:
        value["dct:modified"] = _typed(modified, "date")
    return value


def _dcat_dataset(published: Published, dataset: Dataset, publisher: str) -> dict:
    site_url, found = published.site_url, published.releases[dataset.name]
    release = published.current(dataset.name)
    licence = {"@id": dataset.license["path"]}
    value = {
        "@id": _page(site_url, paths.default_language(), dataset.name),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.name,
        "dct:title": _texts(dataset, "title"),
        "dct:description": _texts(dataset, "description"),
        "dcat:keyword": [{"@value": k, "@language": lang} for lang in paths.languages()
                         for k in (dataset.metadata.get("keywords") or {}).get(lang) or []],
        "dct:license": licence,
        "dct:publisher": {"@id": publisher},
        "dct:creator": {"@id": publisher},
        "dct:source": [{"@id": s["url"]} for s in dataset.metadata.get("sources") or []
                       if s.get("url")],
        "dcat:landingPage": {"@id": _page(site_url, paths.default_language(), dataset.name)},
        "owl:versionInfo": dataset.version,
        "dcat:hasVersion": [{"@id": release_url(site_url, r)} for r in found],
        "dcat:distribution": [_distribution(f, release, site_url, licence)
                              for f in published.file_list(release) if f["kind"] != "reference"],
    }
    frequency = FREQUENCY.get(dataset.metadata.get("update_frequency"))
    if frequency:
        value["dct:accrualPeriodicity"] = {"@id": f"{EU}frequency/{frequency}"}
    temporal = _temporal(dataset)
    if temporal:
        value["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                                 "dcat:startDate": _typed(temporal[0], "gYear"),
                                 "dcat:endDate": _typed(temporal[1], "gYear")}
    if dataset.metadata.get("spatial"):
        value["dct:spatial"] = {"@type": "dct:Location", "skos:prefLabel": _texts(dataset, "spatial")}
    dates = [r.date for r in found if r.date]
    if dates:
        value["dct:issued"] = _typed(dates[0], "date")
    if release.date:
        value["dct:modified"] = _typed(release.date, "date")
    return value


def _distribution(file: dict, release: Release, site_url: str, licence: dict) -> dict:
    url = paths.absolute(site_url, file["path"])
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": file["file"],
        "dcat:accessURL": {"@id": release_url(site_url, release)},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": "http://www.iana.org/assignments/media-types/"
                                  + MEDIA_TYPES.get(file["kind"], "application/octet-stream")},
        "dcat:byteSize": _typed(file["bytes"], "nonNegativeInteger"),
        "spdx:checksum": {"@type": "spdx:Checksum",
                          "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                          "spdx:checksumValue": _typed(file["sha256"], "hexBinary")},
        "dct:license": licence,
        "owl:versionInfo": release.version,
    }


# --- the catalogue's data package and the static API ---------------------------------------

def catalogue_package(published: Published) -> dict:
    """One Frictionless Data Package for every dataset's current CSV (foreign keys resolve
    between them), with relative paths into the release folders."""
    resources = []
    for dataset in published.catalog.datasets:
        release = published.current(dataset.name)
        resource = downloads.data_resource(release.dataset)
        resource["path"] = paths.download_file(dataset.name, dataset.version, "csv")
        resource["licenses"] = [release.dataset.license]
        resource["version"] = dataset.version
        resources.append(resource)
    licences = {json.dumps(r["licenses"][0], sort_keys=True): r["licenses"][0] for r in resources}
    return {
        "profile": "tabular-data-package",
        "name": project.active().config.slug,
        "title": i18n.t("site.name", "id"),
        "description": i18n.t("site.description", "id"),
        "homepage": published.site_url,
        "licenses": list(licences.values()),
        "resources": resources,
    }


def _release_record(published: Published, release: Release, diff) -> dict:
    newest = published.catalog[release.name]
    record = {
        "version": release.version,
        "released": release.released,
        "date": release.date,
        "committed": release.committed,
        "commit": release.commit,
        "notes": {lang: releases.notes(release, newest, lang) for lang in paths.languages()},
        "url": published.release_url(release),
        "files": [{"name": f["file"], "url": paths.absolute(published.site_url, f["path"]),
                   "bytes": f["bytes"], "sha256": f["sha256"],
                   "mediatype": MEDIA_TYPES.get(f["kind"])}
                  for f in published.file_list(release)],
    }
    if diff is not None:
        record["changes"] = {"added": len(diff.added), "removed": len(diff.removed),
                             "changed": len(diff.changed)}
    return record


def api_dataset(published: Published, dataset: Dataset) -> dict:
    site_url, found = published.site_url, published.releases[dataset.name]
    return {
        "name": dataset.name,
        "version": dataset.version,
        "title": dataset.metadata.get("title"),
        "description": dataset.metadata.get("description"),
        "license": dataset.license,
        "page": _page(site_url, paths.default_language(), dataset.name),
        "history": paths.absolute(site_url, paths.page_target(paths.default_language(),
                                                              paths.history_page(dataset.name))),
        "metadata": dataset.metadata,
        "schema": dataset.schema,
        "releases": [_release_record(published, r, d)
                     for r, d in reversed(diffs.changelog(found))],
    }


def api_catalogue(published: Published) -> dict:
    site_url, found = published.site_url, published.releases
    items = []
    for dataset in published.catalog.datasets:
        release = published.current(dataset.name)
        items.append({
            "name": dataset.name,
            "title": dataset.metadata.get("title"),
            "description": dataset.metadata.get("description"),
            "version": dataset.version,
            "license": dataset.license,
            "page": _page(site_url, paths.default_language(), dataset.name),
            "api": paths.absolute(site_url, paths.api_file(dataset.name)),
            "files": {f["kind"]: paths.absolute(site_url, f["path"])
                      for f in published.file_list(release) if f["kind"] != "reference"},
            "latest": paths.absolute(site_url, paths.latest_dir(dataset.name) + "/"),
            "releases": [{"version": r.version, "date": r.date, "url": release_url(site_url, r)}
                         for r in reversed(found[dataset.name])],
        })
    return {"name": author(), "url": site_url,
            "datapackage": paths.absolute(site_url, paths.DATAPACKAGE),
            "dcat": paths.absolute(site_url, paths.DCAT), "datasets": items}


def static(published: Published) -> dict[str, bytes]:
    """The catalogue's data package, DCAT, and the static API."""
    return {
        paths.DATAPACKAGE: to_json(catalogue_package(published)),
        paths.DCAT: to_json(dcat(published)),
        paths.api_file(): to_json(api_catalogue(published)),
        **{paths.api_file(d.name): to_json(api_dataset(published, d))
           for d in published.catalog.datasets},
    }


def to_json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()
