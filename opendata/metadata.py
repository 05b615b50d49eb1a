"""How releases are described, for people and for machines: citations (APA-style text in
Indonesian or English, BibTeX, CSL-JSON), each release's page, schema.org `Dataset` JSON-LD
in every dataset page, a DCAT-AP catalogue in JSON-LD, a catalogue-wide `datapackage.json`,
a static JSON API and Atom feeds.

Every value comes from the datasets and from git (through `releases`), never from the clock,
so two builds of the same commit give the same bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from markupsafe import Markup

from . import downloads, history, i18n, pages, paths, releases
from .catalog import Catalog, Dataset
from .releases import Release

AUTHOR = "Data Ketenagakerjaan Kota Serang"
CITED_SOURCES = 6        # a citation names this many original sources, then how many more
EPOCH = "1980-01-01T00:00:00Z"   # a feed with no release yet (same fixed time as the ZIPs)
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


# --- files and URLs -----------------------------------------------------------------------

def file_kind(file: str) -> str:
    return "datapackage.json" if file == "datapackage.json" else (
        file.split(".", 1)[1] if "." in file else file)


def release_url(site_url: str, release: Release) -> str:
    """The permanent URL of a release: its folder under /data/."""
    return f"{site_url}{paths.release_dir(release.name, release.version)}/"


def file_list(release: Release) -> list[dict]:
    """The files of a release in a fixed order, each with its size and SHA-256."""
    order = ["csv", "json", "xlsx", "datapackage.json", "zip", "SHA256SUMS"]
    items = [{"path": path, "file": path.rsplit("/", 1)[1], "kind": file_kind(path.rsplit("/", 1)[1]),
              "bytes": len(data), "sha256": downloads.sha256(data)}
             for path, data in release.files.items()]
    return sorted(items, key=lambda item: (order.index(item["kind"])
                                           if item["kind"] in order else 9, item["file"]))


# --- citations ----------------------------------------------------------------------------

def source_names(dataset: Dataset) -> list[str]:
    """The publishers behind the rows, once each, those most rows cite first (ties keep the
    order of the metadata)."""
    names = [str(s.get("publisher", "")).strip() for s in dataset.metadata.get("sources") or []]
    used = Counter(row.get("sumber_penerbit") for row in dataset.rows)
    return sorted(dict.fromkeys(n for n in names if n), key=lambda n: -used.get(n, 0))


def cited_sources(dataset: Dataset, lang: str) -> str:
    """The original sources a citation names: the first few, then how many more."""
    names = source_names(dataset)
    text = "; ".join(names[:CITED_SOURCES])
    if len(names) > CITED_SOURCES:
        text += "; " + i18n.t("cite.more", lang, count=len(names) - CITED_SOURCES)
    return i18n.t("cite.sources", lang, sources=text)


def citation(release: Release, lang: str, site_url: str) -> dict:
    """The parts of an APA-style citation, and its plain text."""
    dataset = release.dataset
    parts = {
        "author": AUTHOR,
        "year": release.date[:4] if release.date else i18n.t("cite.no_date", lang),
        "title": dataset.text("title", lang),
        "version": i18n.t("cite.version", lang, version=release.version),
        "kind": i18n.t("cite.kind", lang),
        "sources": cited_sources(dataset, lang),
        "url": release_url(site_url, release),
    }
    parts["text"] = ("{author}. ({year}). {title} ({version}) [{kind}]. {sources} {url}"
                     .format(**parts))
    return parts


def citation_key(release: Release) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"kotaserang_{release.name}_{release.version}")


BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                  "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bibtex_text(value: str) -> str:
    return "".join(BIBTEX_ESCAPES.get(c, c) for c in str(value))


def bibtex(release: Release, lang: str, site_url: str) -> str:
    dataset = release.dataset
    fields = [
        ("author", "{" + bibtex_text(AUTHOR) + "}"),
        ("title", bibtex_text(dataset.text("title", lang))),
        ("year", release.date[:4] if release.date else None),
        ("version", bibtex_text(release.version)),
        ("publisher", bibtex_text(AUTHOR)),
        ("howpublished", bibtex_text(i18n.t("cite.kind", lang))),
        ("url", release_url(site_url, release)),
        ("note", bibtex_text(cited_sources(dataset, lang))),
        ("language", "indonesian" if lang == "id" else "english"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{citation_key(release)},\n{body}\n}}\n"


def csl_json(release: Release, lang: str, site_url: str) -> str:
    dataset = release.dataset
    item = {
        "id": citation_key(release),
        "type": "dataset",
        "title": dataset.text("title", lang),
        "version": release.version,
        "author": [{"literal": AUTHOR}],
        "publisher": AUTHOR,
        "original-publisher": "; ".join(source_names(dataset)),
        "URL": release_url(site_url, release),
        "note": cited_sources(dataset, lang),
        "language": "id-ID" if lang == "id" else "en-GB",
    }
    if release.date:
        item["issued"] = {"date-parts": [[int(p) for p in release.date.split("-")]]}
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def cite_block(release: Release, lang: str, here: str, site_url: str) -> Markup:
    return pages.fragment(lang, "cite.html", here, release=release,
                          apa=citation(release, lang, site_url),
                          bibtex=bibtex(release, lang, site_url),
                          csl=csl_json(release, lang, site_url))


# --- JSON-LD ------------------------------------------------------------------------------

def _temporal(dataset: Dataset) -> tuple[str, str] | None:
    temporal = dataset.metadata.get("temporal") or {}
    if not isinstance(temporal, dict) or temporal.get("start") is None:
        return None
    return str(temporal["start"]), str(temporal.get("end") or temporal["start"])


def schema_org(release: Release, lang: str, site_url: str, found: tuple[Release, ...]) -> dict:
    """A schema.org Dataset for a dataset page (Google Dataset Search reads it)."""
    dataset = release.dataset
    organisation = {"@type": "Organization", "name": AUTHOR, "url": site_url}
    page = site_url + paths.language_root(lang) + paths.page_url(paths.dataset_page(release.name))
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
        "license": dataset.metadata["license"].get("path"),
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "keywords": list((dataset.metadata.get("keywords") or {}).get(lang) or []),
        "isBasedOn": [s["url"] for s in dataset.metadata.get("sources") or [] if s.get("url")],
        "creditText": citation(release, lang, site_url)["text"],
        "distribution": [
            {"@type": "DataDownload", "name": f["file"], "contentUrl": site_url + f["path"],
             "encodingFormat": MEDIA_TYPES.get(f["kind"], "application/octet-stream"),
             "contentSize": f"{f['bytes']} B", "sha256": f["sha256"]}
            for f in file_list(release)
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
    return [{"@value": dataset.text(key, lang), "@language": lang} for lang in paths.LANGUAGES
            if dataset.text(key, lang)]


def _typed(value, kind: str) -> dict:
    return {"@value": str(value), "@type": f"xsd:{kind}"}


def dcat(catalog: Catalog, found: dict, site_url: str) -> dict:
    """A DCAT-AP catalogue (JSON-LD): every dataset, its current distributions and versions."""
    publisher = {"@id": f"{site_url}#penerbit", "@type": "foaf:Agent", "foaf:name": AUTHOR,
                 "foaf:homepage": {"@id": site_url}}
    datasets = [_dcat_dataset(d, found[d.name], site_url, publisher["@id"])
                for d in catalog.datasets]
    modified = max((r.date for rs in found.values() for r in rs if r.date), default=None)
    value = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/", "spdx": "http://spdx.org/rdf/terms#",
            "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#",
            "skos": "http://www.w3.org/2004/02/skos/core#",
        },
        "@id": f"{site_url}dcat.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": [{"@value": i18n.t("site.name", lang), "@language": lang}
                      for lang in paths.LANGUAGES],
        "dct:description": [{"@value": i18n.t("site.description", lang), "@language": lang}
                            for lang in paths.LANGUAGES],
        "dct:publisher": publisher,
        "foaf:homepage": {"@id": site_url},
        "dct:language": [{"@id": f"{EU}language/IND"}, {"@id": f"{EU}language/ENG"}],
        "dcat:dataset": datasets,
    }
    if modified:
        value["dct:modified"] = _typed(modified, "date")
    return value


def _dcat_dataset(dataset: Dataset, found: tuple[Release, ...], site_url: str,
                  publisher: str) -> dict:
    release = releases.current(found, dataset.version)
    licence = {"@id": dataset.metadata["license"]["path"]}
    value = {
        "@id": site_url + paths.page_url(paths.dataset_page(dataset.name)),
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.name,
        "dct:title": _texts(dataset, "title"),
        "dct:description": _texts(dataset, "description"),
        "dcat:keyword": [{"@value": k, "@language": lang} for lang in paths.LANGUAGES
                         for k in (dataset.metadata.get("keywords") or {}).get(lang) or []],
        "dct:license": licence,
        "dct:publisher": {"@id": publisher},
        "dct:creator": {"@id": publisher},
        "dct:source": [{"@id": s["url"]} for s in dataset.metadata.get("sources") or []
                       if s.get("url")],
        "dcat:landingPage": {"@id": site_url + paths.page_url(paths.dataset_page(dataset.name))},
        "owl:versionInfo": dataset.version,
        "dcat:hasVersion": [{"@id": release_url(site_url, r)} for r in found],
        "dcat:distribution": [_distribution(f, release, site_url, licence)
                              for f in file_list(release)],
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
    url = site_url + file["path"]
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

def catalogue_package(catalog: Catalog, found: dict, site_url: str) -> dict:
    """One Frictionless Data Package for every dataset's current CSV (foreign keys resolve
    between them), with relative paths into the release folders."""
    resources = []
    for dataset in catalog.datasets:
        release = releases.current(found[dataset.name], dataset.version)
        resource = downloads.data_resource(release.dataset)
        resource["path"] = paths.download_file(dataset.name, dataset.version, "csv")
        resource["licenses"] = [release.dataset.metadata["license"]]
        resource["version"] = dataset.version
        resources.append(resource)
    licences = {json.dumps(r["licenses"][0], sort_keys=True): r["licenses"][0] for r in resources}
    return {
        "profile": "tabular-data-package",
        "name": "data-ketenagakerjaan-kota-serang",
        "title": i18n.t("site.name", "id"),
        "description": i18n.t("site.description", "id"),
        "homepage": site_url,
        "licenses": list(licences.values()),
        "resources": resources,
    }


def _release_record(release: Release, site_url: str, diff) -> dict:
    record = {
        "version": release.version,
        "released": release.released,
        "date": release.date,
        "committed": release.committed,
        "commit": release.commit,
        "message": release.message,
        "url": release_url(site_url, release),
        "files": [{"name": f["file"], "url": site_url + f["path"], "bytes": f["bytes"],
                   "sha256": f["sha256"], "mediatype": MEDIA_TYPES.get(f["kind"])}
                  for f in file_list(release)],
    }
    if diff is not None:
        record["changes"] = {"added": len(diff.added), "removed": len(diff.removed),
                             "changed": len(diff.changed)}
    return record


def api_dataset(dataset: Dataset, found: tuple[Release, ...], site_url: str) -> dict:
    return {
        "name": dataset.name,
        "version": dataset.version,
        "title": dataset.metadata.get("title"),
        "description": dataset.metadata.get("description"),
        "license": dataset.metadata.get("license"),
        "page": site_url + paths.page_url(paths.dataset_page(dataset.name)),
        "history": site_url + paths.page_url(paths.history_page(dataset.name)),
        "metadata": dataset.metadata,
        "schema": dataset.schema,
        "releases": [_release_record(r, site_url, d)
                     for r, d in reversed(releases.changelog(found))],
    }


def api_catalogue(catalog: Catalog, found: dict, site_url: str) -> dict:
    items = []
    for dataset in catalog.datasets:
        release = releases.current(found[dataset.name], dataset.version)
        items.append({
            "name": dataset.name,
            "title": dataset.metadata.get("title"),
            "description": dataset.metadata.get("description"),
            "version": dataset.version,
            "license": dataset.metadata.get("license"),
            "page": site_url + paths.page_url(paths.dataset_page(dataset.name)),
            "api": site_url + paths.api_file(dataset.name),
            "files": {f["kind"]: site_url + f["path"] for f in file_list(release)},
            "latest": f"{site_url}{paths.release_dir(dataset.name, 'latest')}/",
            "releases": [{"version": r.version, "date": r.date, "url": release_url(site_url, r)}
                         for r in reversed(found[dataset.name])],
        })
    return {"name": AUTHOR, "url": site_url, "datapackage": f"{site_url}datapackage.json",
            "dcat": f"{site_url}dcat.jsonld", "datasets": items}


def to_json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


# --- Atom feeds ---------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


def _element(parent, tag: str, text: str | None = None, **attributes):
    element = ET.SubElement(parent, tag, {k.replace("_", ":"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def atom(lang: str, title: str, feed_url: str, page_url: str, entries: list[dict],
         fallback_date: str | None) -> bytes:
    """An Atom 1.0 feed; `entries` are dicts with id, title, updated, link, summary."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": lang})
    _element(feed, "id", feed_url)
    _element(feed, "title", title)
    updated = max((e["updated"] for e in entries), default=None) or fallback_date or EPOCH
    _element(feed, "updated", updated)
    _element(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _element(feed, "link", rel="alternate", type="text/html", href=page_url)
    _element(_element(feed, "author"), "name", AUTHOR)
    for entry in entries:
        item = _element(feed, "entry")
        _element(item, "id", entry["id"])
        _element(item, "title", entry["title"])
        _element(item, "published", entry["updated"])
        _element(item, "updated", entry["updated"])
        _element(item, "link", rel="alternate", type="text/html", href=entry["link"])
        _element(item, "summary", entry["summary"])
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_entries(found: dict, names: list[str], lang: str, site_url: str) -> list[dict]:
    entries = []
    for name in names:
        for release, diff in releases.changelog(found[name]):
            if not release.released:
                continue
            page = paths.language_root(lang) + paths.page_url(
                paths.release_page(name, release.version))
            entries.append({
                "id": release_url(site_url, release),
                "title": i18n.t("release.page_title", lang, version=release.version,
                                title=release.dataset.text("title", lang)),
                "updated": release.committed,
                "link": site_url + page,
                "summary": releases.change_summary(release, diff, lang)
                + (f"\n\n{release.message}" if release.message else ""),
            })
    return sorted(entries, key=lambda e: (e["updated"], e["id"]), reverse=True)


def feeds(catalog: Catalog, found: dict, site_url: str, fallback: str | None) -> dict[str, bytes]:
    out = {}
    for lang in paths.LANGUAGES:
        base = site_url + paths.language_root(lang)
        site_feed = paths.language_root(lang) + paths.feed_file()
        out[site_feed] = atom(lang, i18n.t("feed.site_title", lang), site_url + site_feed, base,
                              feed_entries(found, catalog.names, lang, site_url), fallback)
        for dataset in catalog.datasets:
            file = paths.language_root(lang) + paths.feed_file(dataset.name)
            out[file] = atom(
                lang, i18n.t("feed.dataset_title", lang, title=dataset.text("title", lang)),
                site_url + file, base + paths.page_url(paths.history_page(dataset.name)),
                feed_entries(found, [dataset.name], lang, site_url), fallback)
    return out


# --- the stage ------------------------------------------------------------------------------

def stage(catalog: Catalog, root: Path, site_url: str) -> pages.Contribution:
    found = releases.collect(catalog)
    head = (history.git(root, "log", "-1", "--format=%cI") or "").strip() or None
    static = {
        "datapackage.json": to_json(catalogue_package(catalog, found, site_url)),
        "dcat.jsonld": to_json(dcat(catalog, found, site_url)),
        paths.api_file(): to_json(api_catalogue(catalog, found, site_url)),
        **{paths.api_file(d.name): to_json(api_dataset(d, found[d.name], site_url))
           for d in catalog.datasets},
        **feeds(catalog, found, site_url, head),
    }
    return pages.Contribution(
        static=static,
        pages=lambda site, lang: release_pages(site, lang, found),
        blocks={"dataset": [lambda site, lang, here, dataset=None:
                            dataset_block(site, lang, here, dataset, found)]},
        linked_data={"dataset": [lambda site, lang, here, dataset=None: schema_org(
            releases.current(found[dataset.name], dataset.version), lang, site.site_url,
            found[dataset.name])]},
    )


def dataset_block(site, lang: str, here: str, dataset: Dataset, found: dict) -> Markup:
    """On a dataset page: the citation of its current version."""
    release = releases.current(found[dataset.name], dataset.version)
    return cite_block(release, lang, here, site.site_url)


def release_pages(site, lang: str, found: dict) -> dict[str, str]:
    env = pages.environment(lang)
    out = {}
    for dataset in site.catalog.datasets:
        log = releases.changelog(found[dataset.name])
        newest = releases.current(found[dataset.name], dataset.version)
        for index, (release, diff) in enumerate(log):
            source = paths.release_page(dataset.name, release.version)
            title = i18n.t("release.page_title", lang, version=release.version,
                           title=release.dataset.text("title", lang))
            out[source] = pages.render_page(
                env, "release.html", source, title, site=site, dataset=dataset,
                release=release, diff=diff, previous=log[index - 1][0] if index else None,
                newest=newest, files=file_list(release),
                summary=releases.change_summary(release, diff, lang),
                cite=cite_block(release, lang, source, site.site_url),
                description=release.dataset.text("description", lang))
        source = paths.release_page(dataset.name, "latest")
        out[source] = pages.render_page(
            env, "release_latest.html", source,
            i18n.t("release.latest_title", lang, title=dataset.text("title", lang)),
            site=site, dataset=dataset, release=newest,
            files=[{**f, "path": f["path"].replace(
                f"/{newest.version}/", "/latest/", 1)} for f in file_list(newest)],
            cite=cite_block(newest, lang, source, site.site_url))
    return out
