"""A dataset's release files: the CSV as published, JSON, XLSX (no live formula),
datapackage.json (with bytes and hash), a ZIP of all of them with a README, SHA256SUMS.

Pure: takes a Dataset, returns {path relative to the site root: bytes}. Deterministic: the
same dataset gives the same bytes (fixed timestamps inside ZIP and XLSX).
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import zipfile

from . import i18n, paths
from .catalog import Dataset

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
MEDIATYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIXED_DATETIME = dt.datetime(1980, 1, 1)


def release_files(dataset: Dataset, released: str | None = None,
                  references: tuple[Dataset, ...] = ()) -> dict[str, bytes]:
    """Every file of a version of a dataset, keyed by its path under the site root. The CSV is
    published canonically (UTF-8 without BOM, "\\n", commas, minimal quoting). `references`
    are the datasets its foreign keys point to (and theirs): their CSVs travel with it, so the
    version's data package keeps its keys and validates on its own."""
    name, version = dataset.name, dataset.version
    files = {
        f"{name}.csv": dataset.table.canonical_csv(),
        f"{name}.json": to_json(dataset),
        f"{name}.xlsx": to_xlsx(dataset),
    }
    files.update({f"{ref.name}.csv": ref.table.canonical_csv() for ref in references})
    files["datapackage.json"] = datapackage(dataset, files, released, references)
    files["README.txt"] = readme(dataset, references)
    files[f"{name}.zip"] = to_zip(files)
    files["SHA256SUMS"] = sha256sums(files)
    del files["README.txt"]  # lives inside the zip only
    return {_path(name, version, file): data for file, data in files.items()}


def _path(name: str, version: str, file: str) -> str:
    if file in ("datapackage.json", "SHA256SUMS"):
        return paths.download_file(name, version, file)
    stem, fmt = file.split(".", 1)
    return paths.download_file(name, version, fmt) if stem == name else \
        paths.reference_file(name, version, stem)


def references(catalog, dataset: Dataset) -> tuple[Dataset, ...]:
    """The datasets a dataset's foreign keys point to, and theirs, each once."""
    found, todo = {}, [dataset]
    while todo:
        current = todo.pop()
        for fk in current.schema.get("foreignKeys") or []:
            target = (fk.get("reference") or {}).get("resource") if isinstance(fk, dict) else None
            if target and target != dataset.name and target not in found and target in catalog:
                found[target] = catalog[target]
                todo.append(catalog[target])
    return tuple(found[name] for name in sorted(found))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256sums(files: dict[str, bytes]) -> bytes:
    lines = [f"{sha256(data)}  {file}\n" for file, data in sorted(files.items())
             if file != "SHA256SUMS" and file != "README.txt"]
    return "".join(lines).encode()


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def records(dataset: Dataset) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in dataset.records]


def to_json(dataset: Dataset) -> bytes:
    document = {
        "name": dataset.name,
        "version": dataset.version,
        "title": dataset.metadata.get("title"),
        "license": dataset.license,
        "fields": [{"name": f["name"], "type": f.get("type", "string")} for f in dataset.fields],
        "data": records(dataset),
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode()


def to_xlsx(dataset: Dataset) -> bytes:
    """Typed cells (real numbers, booleans and dates), a frozen and filtered header, fitted
    widths, a dictionary sheet; text always stored as text, so '=1+1' stays four characters."""
    from . import xlsx

    return xlsx.workbook(dataset, normalise_zip)


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps and order, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core_dates(content)
            target.writestr(_entry(info.filename), content)
    return out.getvalue()


def _fixed_core_dates(xml: bytes) -> bytes:
    import re
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                  rb"\g<1>1980-01-01T00:00:00Z\g<2>", xml)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def to_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(files):
            archive.writestr(_entry(file), files[file])
    return out.getvalue()


def data_resource(dataset: Dataset) -> dict:
    """The Frictionless resource describing the published CSV."""
    meta = dataset.metadata
    return {
        "name": dataset.name,
        "path": f"{dataset.name}.csv",
        "profile": "tabular-data-resource",
        "title": meta["title"]["id"],
        "description": meta["description"]["id"],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(dataset.table.canonical_csv()),
        "hash": f"sha256:{sha256(dataset.table.canonical_csv())}",
        "schema": dataset.schema,
    }


def _keys_within(dataset: Dataset, names: set[str]) -> dict:
    """A resource's schema keeping the foreign keys whose targets are in the package."""
    keys = [fk for fk in dataset.schema.get("foreignKeys", [])
            if (fk.get("reference", {}).get("resource") or dataset.name) in names | {dataset.name}]
    return {**dataset.schema, "foreignKeys": keys}


def datapackage(dataset: Dataset, files: dict[str, bytes], released: str | None,
                references: tuple[Dataset, ...] = ()) -> bytes:
    meta = dataset.metadata
    names = {ref.name for ref in references}
    resource = data_resource(dataset)
    resource["schema"] = _keys_within(dataset, names)   # keys into what the package holds
    referenced = []
    for ref in references:
        item = data_resource(ref)
        item.update(path=f"{ref.name}.csv", schema=_keys_within(ref, names), version=ref.version)
        referenced.append(item)
    package = {
        "profile": "data-package",
        "name": dataset.name.replace("_", "-"),
        "title": meta["title"]["id"],
        "description": meta["description"]["id"],
        "version": dataset.version,
        "licenses": [dataset.license],
        "sources": [
            {"title": s["publisher"], **({"path": s["url"]} if s.get("url") else {})}
            for s in meta.get("sources", [])
        ],
        "keywords": (meta.get("keywords") or {}).get("id", []),
        "resources": [resource] + referenced + [
            {"name": f"{dataset.name}-{ext}", "path": f"{dataset.name}.{ext}",
             "type": "file", "format": ext, "mediatype": MEDIATYPES[ext], "bytes": len(files[f"{dataset.name}.{ext}"]),
             "hash": f"sha256:{sha256(files[f'{dataset.name}.{ext}'])}"}
            for ext in ("json", "xlsx")
        ],
    }
    if released:
        package["created"] = released
    return (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode()


def readme(dataset: Dataset, references: tuple[Dataset, ...] = ()) -> bytes:
    """README.txt of the ZIP: both languages, every line from metadata or the catalogue."""
    def both(key: str, **params) -> str:
        return " / ".join(i18n.t(key, lang, **params) for lang in ("id", "en"))

    meta = dataset.metadata
    name = dataset.name
    lines = [
        f"{meta['title']['id']} / {meta['title']['en']}",
        f"{both('readme.version')}: {dataset.version}",
        f"{both('readme.license')}: {dataset.license['title']} ({dataset.license['path']})",
        "",
        meta["description"]["id"],
        "",
        meta["description"]["en"],
        "",
        f"{both('readme.files')}:",
        f"  {name + '.csv':<18} {both('readme.file_csv')}",
        f"  {name + '.json':<18} {both('readme.file_json')}",
        f"  {name + '.xlsx':<18} {both('readme.file_xlsx')}",
        f"  {'datapackage.json':<18} {both('readme.file_datapackage')}",
        *[f"  {ref.name + '.csv':<18} {both('readme.file_reference', name=ref.name, version=ref.version)}"
          for ref in references],
        "",
        f"{both('readme.columns')}:",
    ]
    for f in dataset.fields:
        lines.append(f"  {f['name']} ({f.get('type', 'string')}): "
                     f"{dataset.column_text(f['name'], 'id')} / {dataset.column_text(f['name'], 'en')}")
    lines += ["", f"{both('readme.sources')}:"]
    for s in meta.get("sources", []):
        lines.append(f"  {s['publisher']}" + (f" <{s['url']}>" if s.get("url") else ""))
    return ("\n".join(lines) + "\n").encode()


def with_latest(catalog, files: dict[str, dict[str, bytes]]) -> dict[str, bytes]:
    """The current version's files, plus a copy under data/<name>/latest/."""
    out: dict[str, bytes] = {}
    for dataset in catalog.datasets:
        for path, data in files[dataset.name].items():
            out[path] = data
            out[paths.as_latest(path, dataset.name, dataset.version)] = data
    return out
