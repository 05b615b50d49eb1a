"""A directory of institutions, enabled by a dataset's metadata (`directory:` names its
columns), grouped by the two levels of an areas dataset (`areas:`, e.g. kecamatan and
kelurahan): the model the directory, area and coverage pages show.

Nothing here names a dataset or a column of this site. Institution text is untrusted: it
reaches the pages only through autoescaped templates, and becomes a link only through
`render.safe_url`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from slugify import slugify

from . import paths, placement
from .catalog import Catalog, Dataset
from .figures import Source, source_of
from .problems import Problem
from .urls import https_url, phone_href, safe_url  # noqa: F401 (phone_href: the model's)

UNKNOWN = "tidak_diketahui"          # the filter value for an empty cell (code, never shown)


@dataclass(frozen=True)
class Kelurahan:
    code: str
    name: str
    kecamatan: str           # code of its kecamatan

    @property
    def anchor(self) -> str:
        return "kel-" + re.sub(r"[^0-9A-Za-z]", "", self.code)


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kelurahan: tuple[Kelurahan, ...]
    page: str = ""           # its page's Markdown source

    @property
    def slug(self) -> str:
        return slugify(self.name) or "wilayah"


@dataclass(frozen=True)
class Institution:
    id: str
    name: str
    jenis: str
    kelurahan: Kelurahan | None
    kecamatan: Kecamatan | None
    address: str
    bidang: tuple[str, ...]
    akreditasi: str          # code, or "" = unknown
    coordinates: tuple[float, float] | None
    phone: str
    website: str
    note: str
    source: Source
    place: str = placement.HERE  # HERE, ELSEWHERE or UNKNOWN (opendata/placement.py)
    location: str = ""           # the location cell's code, when the directory declares one

    @property
    def kecamatan_key(self) -> str:
        """The kecamatan filter's value: its code; OUTSIDE for a partner elsewhere; UNKNOWN."""
        if self.kecamatan:
            return self.kecamatan.code
        return placement.OUTSIDE if self.place == placement.ELSEWHERE else UNKNOWN

    @property
    def phone_href(self) -> str | None:
        return phone_href(self.phone)

    @property
    def website_href(self) -> str | None:
        return safe_url(self.website)

    @property
    def source_href(self) -> str | None:
        return https_url(self.source.url)


@dataclass(frozen=True, eq=False)
class Directory:
    dataset: Dataset         # the institutions
    areas_dataset: Dataset   # the areas
    declaration: dict
    areas: tuple[Kecamatan, ...]
    institutions: tuple[Institution, ...]
    covered: frozenset = field(default_factory=frozenset)   # kelurahan codes with an entry
    total: int = 0           # kelurahan in the areas dataset
    field_labels: dict = field(default_factory=dict)        # lang → {code: label}

    @property
    def name(self) -> str:
        return self.dataset.name

    def kecamatan(self, code: str) -> Kecamatan | None:
        return next((k for k in self.areas if k.code == code), None)

    @property
    def pages(self) -> dict[str, str]:
        """Markdown sources of the directory's own pages."""
        return {"directory": paths.directory_page(self.name),
                "coverage": paths.coverage_page(self.name),
                "add": paths.add_page(self.name),
                "areas": paths.areas_page(self.areas_dataset.name)}

    @property
    def has_fields(self) -> bool:
        return bool(self.declaration.get("fields"))

    @property
    def has_status(self) -> bool:
        return bool(self.declaration.get("status"))

    @property
    def status_codes(self) -> list[str]:
        if not self.has_status:
            return []
        enum = (self.dataset.field(self.declaration["status"]).get("constraints") or {}).get("enum")
        return list(enum) if isinstance(enum, list) else []

    def status_label(self, code: str, lang: str) -> str:
        return self.dataset.code_label(self.declaration.get("status", ""), code, lang)

    def type_label(self, code: str, lang: str) -> str:
        return self.dataset.code_label(self.declaration.get("type", ""), code, lang) if code else ""

    @property
    def has_location(self) -> bool:
        return placement.declaration(self.declaration) is not None

    def location_label(self, item: Institution, lang: str) -> str:
        column = (placement.declaration(self.declaration) or {}).get("column", "")
        return self.dataset.code_label(column, item.location, lang) if item.location else ""

    @property
    def highlighted(self) -> int:   # institutions of the declared `highlight_type`
        wanted = self.declaration.get("highlight_type")
        return sum(1 for i in self.institutions if wanted and i.jenis == wanted)


# --- the model ------------------------------------------------------------------------------

def declared(catalog: Catalog) -> tuple[Dataset, dict] | None:
    """The dataset whose metadata declares `directory:` (the first, when several do)."""
    return next(((d, d.metadata["directory"]) for d in catalog.datasets
                 if isinstance(d.metadata.get("directory"), dict)), None)


def build(catalog: Catalog) -> Directory | None:
    found = declared(catalog)
    if found is None or check(catalog):
        return None
    dataset, declaration = found
    areas_dataset = catalog[declaration["areas"]]
    kecamatan = areas(areas_dataset)
    items = institutions(dataset, declaration, kecamatan)
    known = {kel.code for kec in kecamatan for kel in kec.kelurahan}
    covered = frozenset(i.kelurahan.code for i in items if i.kelurahan and i.kelurahan.code in known)
    return Directory(dataset, areas_dataset, declaration, kecamatan, items, covered, len(known),
                     field_labels(catalog, declaration))


def areas(dataset: Dataset) -> tuple[Kecamatan, ...]:
    """The upper level of an areas dataset, each with its lower level, in code order."""
    spec = dataset.metadata["areas"]
    code, name, parent, level = spec["code"], spec["name"], spec["parent"], spec["level"]
    lower = [Kelurahan(r[code], r[name], r[parent]) for r in dataset.rows
             if r.get(level) == spec["lower"]]
    uppers = sorted((r for r in dataset.rows if r.get(level) == spec["upper"]), key=lambda r: r[code])
    return tuple(
        Kecamatan(r[code], r[name],
                  tuple(sorted((k for k in lower if k.kecamatan == r[code]), key=lambda k: k.code)),
                  page=paths.area_page(dataset.name, slugify(r[name]) or "wilayah"))
        for r in uppers)


def institutions(dataset: Dataset, spec: dict, kecamatan) -> tuple[Institution, ...]:
    """Every row, placed in its kelurahan and kecamatan, in directory order."""
    places = {kel.code: (kel, kec) for kec in kecamatan for kel in kec.kelurahan}
    key = dataset.primary_key[0] if dataset.primary_key else spec["name"]
    items = []
    for row in dataset.rows:
        kelurahan, kec = places.get(row.get(spec["area"]) or "", (None, None))
        place = placement.place_of(row, spec, kelurahan is not None)
        if place != placement.HERE:      # only an institution here is placed in an area
            kelurahan = kec = None
        items.append(_institution(row, key, spec, kelurahan, kec, place))
    return tuple(sorted(items, key=sort_key))


def _institution(row: dict, key: str, spec: dict, kelurahan, kecamatan, place) -> Institution:
    cell = lambda role: row.get(spec[role], "") if spec.get(role) else ""  # noqa: E731
    fields = spec.get("fields") or {}
    separator = fields.get("separator", ";")
    codes = (row.get(fields["column"]) or "").split(separator) if fields else []
    return Institution(
        id=row.get(key, ""), name=cell("name"), jenis=cell("type"),
        kelurahan=kelurahan, kecamatan=kecamatan, address=cell("address"),
        bidang=tuple(filter(None, (c.strip() for c in codes))),
        akreditasi=cell("status"), coordinates=coordinates(row, spec.get("coordinates")),
        phone=cell("phone"), website=cell("website"), note=cell("note"), source=source_of(row),
        place=place, location=row.get((placement.declaration(spec) or {}).get("column", ""), "") or "")


def sort_key(item: Institution) -> tuple:
    """Here, elsewhere, unknown; kecamatan by code (unknown last), then kelurahan name, then
    institution name."""
    return (placement.ORDER.index(item.place), item.kecamatan is None, item.kecamatan.code if item.kecamatan else "",
            item.kelurahan.name.casefold() if item.kelurahan else "", item.name.casefold(), item.id)


def coordinates(row: dict, spec: dict | None) -> tuple[float, float] | None:
    if not spec:
        return None
    try:
        lat, lon = float(row.get(spec["lat"]) or ""), float(row.get(spec["lon"]) or "")
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def field_labels(catalog: Catalog, spec: dict) -> dict[str, dict[str, str]]:
    """lang → {field code: label}, from the dataset the declaration names."""
    labels = (spec.get("fields") or {}).get("labels")
    if not labels or labels["dataset"] not in catalog:
        return {lang: {} for lang in paths.languages()}
    rows = catalog[labels["dataset"]].rows
    return {lang: {r[labels["key"]]: r.get(labels["label"][lang]) or r[labels["key"]] for r in rows}
            for lang in paths.languages()}


# --- grouping and coverage ------------------------------------------------------------------

def by_kecamatan(items) -> dict[str, list[Institution]]:
    """Kecamatan code (UNKNOWN when the kelurahan is not known) → its institutions, in order."""
    groups: dict[str, list[Institution]] = {}
    for item in items:
        groups.setdefault(item.kecamatan.code if item.kecamatan else UNKNOWN, []).append(item)
    return groups


def located(items) -> list[tuple[str, dict[str, list[Institution]]]]:
    """[(place, groups)] for each place that has institutions, here first: here's groups are
    its kecamatan (by_kecamatan); elsewhere and unknown are one group each."""
    found = []
    for where in placement.ORDER:
        chosen = [i for i in items if i.place == where]
        if chosen:
            found.append((where, by_kecamatan(chosen) if where == placement.HERE else {where: chosen}))
    return found


def by_kelurahan(items) -> dict[str, list[Institution]]:
    """Kelurahan code → its institutions; institutions with no known kelurahan are left out."""
    groups: dict[str, list[Institution]] = {}
    for item in items:
        if item.kelurahan is not None:
            groups.setdefault(item.kelurahan.code, []).append(item)
    return groups


@dataclass(frozen=True)
class KecamatanCoverage:
    kecamatan: Kecamatan
    covered: int             # kelurahan with at least one listed institution
    institutions: int

    @property
    def total(self) -> int:
        return len(self.kecamatan.kelurahan)


def coverage(directory: Directory) -> list[KecamatanCoverage]:
    counts = Counter(i.kecamatan.code for i in directory.institutions if i.kecamatan)
    return [KecamatanCoverage(k, sum(1 for kel in k.kelurahan if kel.code in directory.covered),
                              counts[k.code])
            for k in directory.areas]


def coverage_rows(directory: Directory) -> list[tuple[Kecamatan, Kelurahan, int]]:
    """One row per kelurahan: (kecamatan, kelurahan, number of listed institutions)."""
    counts = {code: len(items) for code, items in by_kelurahan(directory.institutions).items()}
    return [(kec, kel, counts.get(kel.code, 0)) for kec in directory.areas for kel in kec.kelurahan]


def bars(items: list[KecamatanCoverage], left: int = 130, width: int = 330) -> dict:
    """Geometry of the coverage bars (one per kecamatan: all kelurahan, covered part on top)."""
    most = max((c.total for c in items), default=0) or 1
    rows = [{"item": c, "y": 8 + i * 30, "total": round(c.total / most * width, 1),
             "covered": round(c.covered / most * width, 1)} for i, c in enumerate(items)]
    legend = 8 + len(items) * 30 + 6
    return {"rows": rows, "left": left, "width": left + width + 70, "legend": legend,
            "height": legend + 20}


def option_counts(items) -> dict[str, Counter]:
    """How many institutions each filter value would show (before other filters)."""
    counts = {"kecamatan": Counter(), "bidang": Counter(), "akreditasi": Counter()}
    for item in items:
        counts["kecamatan"][item.kecamatan_key] += 1
        counts["akreditasi"][item.akreditasi or UNKNOWN] += 1
        for code in item.bidang or (UNKNOWN,):
            counts["bidang"][code] += 1
    return counts


# --- validation -------------------------------------------------------------------------------

def check(catalog: Catalog) -> list[Problem]:
    """The declaration names columns and datasets that exist, and an areas dataset that
    declares its levels."""
    found = declared(catalog)
    if found is None:
        return []
    dataset, spec = found
    where = dict(file=dataset.metadata_file, column="directory")
    problems = placement.check(dataset, spec)
    roles = ["name", "type", "area", "status", "address", "phone", "website", "note"]
    columns = [spec[r] for r in roles if isinstance(spec.get(r), str)]
    columns += list((spec.get("coordinates") or {}).values())
    if isinstance(spec.get("fields"), dict) and spec["fields"].get("column"):
        columns.append(spec["fields"]["column"])
    for column in sorted(set(map(str, columns)) - set(dataset.header)):
        problems.append(Problem(code="directory_column_unknown", params={"column": column}, **where))
    areas_name = str(spec.get("areas", ""))
    areas_dataset = catalog.get(areas_name)
    if areas_dataset is None or not isinstance(areas_dataset.metadata.get("areas"), dict):
        problems.append(Problem(code="directory_areas_unknown", params={"dataset": areas_name[:80]},
                                **where))
    else:
        declared_areas = areas_dataset.metadata["areas"]
        wanted = [declared_areas.get(k) for k in ("code", "name", "parent", "level")]
        for column in sorted({str(c) for c in wanted} - set(areas_dataset.header)):
            problems.append(Problem(code="directory_column_unknown", params={"column": column},
                                    file=areas_dataset.metadata_file, column="areas"))
    labels = (spec.get("fields") or {}).get("labels") if isinstance(spec.get("fields"), dict) else None
    if isinstance(labels, dict) and labels.get("dataset") not in catalog:
        problems.append(Problem(code="directory_areas_unknown",
                                params={"dataset": str(labels.get("dataset"))[:80]}, **where))
    return problems
