"""Direktori LPKS: the registry as a filterable directory, a page per kecamatan, the coverage
of the 67 kelurahan, and how to add or correct an institution.

The model (areas, institutions, coverage) is computed once from the validated catalogue; the
pages are rendered per language from it. Institution text is untrusted: it reaches the pages
only through autoescaped templates, and becomes a link only when `pages.safe_url` accepts it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from slugify import slugify

from . import i18n, paths
from .catalog import Catalog
from .figures import Source, covered_kelurahan, kelurahan_codes, source_of
from .pages import Contribution, environment, fragment, render_page, safe_url

UNKNOWN = "tidak_diketahui"          # the filter value for an empty cell (code, never shown)
DIRECTORY = "lpks/index.md"
COVERAGE = "lpks/cakupan.md"
ADD = "lpks/tambah.md"
AREAS = "wilayah/index.md"
SCRIPT = "assets/od/finder.js"
CITY_CHART = "cakupan-kelurahan"     # declared in datasets/lpks/metadata.yml, drawn by charts.py
PHONE = re.compile(r"^\+?[0-9](?:[0-9 \-]*[0-9])?$")


@dataclass(frozen=True)
class Kelurahan:
    code: str
    name: str
    kecamatan: str           # code of its kecamatan

    @property
    def anchor(self) -> str:
        return "kel-" + self.code.replace(".", "")


@dataclass(frozen=True)
class Kecamatan:
    code: str
    name: str
    kelurahan: tuple[Kelurahan, ...]

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def page(self) -> str:
        return f"wilayah/{self.slug}.md"


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

    @property
    def phone_href(self) -> str | None:
        return phone_href(self.phone)

    @property
    def website_href(self) -> str | None:
        return safe_url(self.website)

    @property
    def source_href(self) -> str | None:
        return https_url(self.source.url)


@dataclass(frozen=True)
class Directory:
    areas: tuple[Kecamatan, ...]
    institutions: tuple[Institution, ...]
    covered: frozenset = field(default_factory=frozenset)   # kelurahan codes with an entry
    total: int = 0           # kelurahan in the wilayah dataset

    def kecamatan(self, code: str) -> Kecamatan | None:
        return next((k for k in self.areas if k.code == code), None)


# --- the model ------------------------------------------------------------------------------

def areas(catalog: Catalog) -> tuple[Kecamatan, ...]:
    """The kecamatan of the wilayah dataset, each with its kelurahan, in code order."""
    rows = catalog["wilayah"].rows if "wilayah" in catalog else ()
    kelurahan = [Kelurahan(r["kode"], r["nama"], r["kode_induk"])
                 for r in rows if r.get("tingkat") == "kelurahan"]
    return tuple(
        Kecamatan(r["kode"], r["nama"],
                  tuple(sorted((k for k in kelurahan if k.kecamatan == r["kode"]),
                               key=lambda k: k.code)))
        for r in sorted(rows, key=lambda r: r["kode"]) if r.get("tingkat") == "kecamatan")


def institutions(catalog: Catalog, kecamatan: tuple[Kecamatan, ...]) -> tuple[Institution, ...]:
    """Every registry row, placed in its kelurahan and kecamatan, in directory order."""
    if "lpks" not in catalog:
        return ()
    places = {kel.code: (kel, kec) for kec in kecamatan for kel in kec.kelurahan}
    items = [_institution(row, *places.get(row.get("kelurahan_kode") or "", (None, None)))
             for row in catalog["lpks"].rows]
    return tuple(sorted(items, key=sort_key))


def _institution(row: dict, kelurahan: Kelurahan | None, kecamatan: Kecamatan | None):
    return Institution(
        id=row["id"], name=row.get("nama", ""), jenis=row.get("jenis", ""),
        kelurahan=kelurahan, kecamatan=kecamatan, address=row.get("alamat", ""),
        bidang=tuple(filter(None, (c.strip() for c in (row.get("bidang") or "").split(";")))),
        akreditasi=row.get("akreditasi", ""), coordinates=coordinates(row),
        phone=row.get("telepon", ""), website=row.get("situs_web", ""),
        note=row.get("catatan", ""), source=source_of(row))


def sort_key(item: Institution) -> tuple:
    """Kecamatan by code (unknown last), then kelurahan name, then institution name."""
    return (item.kecamatan is None, item.kecamatan.code if item.kecamatan else "",
            item.kelurahan.name.casefold() if item.kelurahan else "", item.name.casefold(), item.id)


def coordinates(row: dict) -> tuple[float, float] | None:
    try:
        lat, lon = float(row.get("lintang") or ""), float(row.get("bujur") or "")
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def build_directory(catalog: Catalog) -> Directory:
    kecamatan = areas(catalog)
    return Directory(kecamatan, institutions(catalog, kecamatan),
                     frozenset(covered_kelurahan(catalog)), len(kelurahan_codes(catalog)))


# --- grouping and coverage ------------------------------------------------------------------

def by_kecamatan(items) -> dict[str, list[Institution]]:
    """Kecamatan code (UNKNOWN when the kelurahan is not known) → its institutions, in order."""
    groups: dict[str, list[Institution]] = {}
    for item in items:
        groups.setdefault(item.kecamatan.code if item.kecamatan else UNKNOWN, []).append(item)
    return groups


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


def chart(items: list[KecamatanCoverage], left: int = 130, width: int = 330) -> dict:
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
        counts["kecamatan"][item.kecamatan.code if item.kecamatan else UNKNOWN] += 1
        counts["akreditasi"][item.akreditasi or UNKNOWN] += 1
        for code in item.bidang or (UNKNOWN,):
            counts["bidang"][code] += 1
    return counts


# --- links from untrusted text --------------------------------------------------------------

def phone_href(text: str) -> str | None:
    """'tel:+62254...' for a plausible phone number (digits, optional leading +, spaces and
    dashes), else None: anything else stays plain text."""
    value = (text or "").strip()
    digits = re.sub(r"[^0-9]", "", value)
    if not PHONE.match(value) or not 5 <= len(digits) <= 15:
        return None
    return safe_url("tel:" + ("+" if value.startswith("+") else "") + digits)


def https_url(value) -> str | None:
    url = safe_url(value)
    return url if url and url.startswith("https://") else None


# --- pages ----------------------------------------------------------------------------------

def bidang_labels(catalog: Catalog, lang: str) -> dict[str, str]:
    if "bidang" not in catalog:
        return {}
    return {r["kode"]: r.get(f"nama_{lang}") or r["kode"] for r in catalog["bidang"].rows}


def render_pages(directory: Directory, site, lang: str) -> dict[str, str]:
    env = environment(lang)
    catalog = site.catalog
    context = dict(site=site, directory=directory, lpks=catalog["lpks"], UNKNOWN=UNKNOWN,
                   bidang=bidang_labels(catalog, lang), coverage=coverage(directory),
                   figures={f.key: f for f in site.figures}, script=SCRIPT, chart=chart)
    pages = {
        DIRECTORY: _page(env, "directory.html", DIRECTORY, "directory.title", lang, context,
                         groups=by_kecamatan(directory.institutions),
                         counts=option_counts(directory.institutions)),
        COVERAGE: _page(env, "directory_coverage.html", COVERAGE, "coverage.title", lang,
                        context, rows=coverage_rows(directory), city_chart=city_chart(site, lang)),
        ADD: _page(env, "directory_add.html", ADD, "add.title", lang, context),
        AREAS: _page(env, "directory_areas.html", AREAS, "areas.title", lang, context),
    }
    groups = by_kelurahan(directory.institutions)
    for kec in directory.areas:
        pages[kec.page] = render_page(
            env, "kecamatan.html", kec.page, i18n.t("kecamatan.title", lang, name=kec.name),
            kecamatan=kec, groups=groups, **context)
    return pages


def city_chart(site, lang: str):
    """The charts stage's city-wide coverage chart (lpks: cakupan-kelurahan), when it exists."""
    stage = site.contributions.get("charts")
    charts = stage.data.get("charts", []) if stage is not None else []
    return next((c for c in charts if (c.dataset, c.id, c.lang) == ("lpks", CITY_CHART, lang)), None)


def _page(env, template: str, source: str, title_key: str, lang: str, context: dict, **extra):
    return render_page(env, template, source, i18n.t(title_key, lang),
                       description=i18n.t(title_key.split(".")[0] + ".lead", lang),
                       **context, **extra)


def dataset_block(site, lang: str, here: str, dataset=None):
    """On the lpks and wilayah dataset pages: where to browse the registry by place."""
    if dataset is None or dataset.name not in ("lpks", "wilayah"):
        return ""
    return fragment(lang, "directory_block.html", here)


def stage(catalog: Catalog, root=paths.ROOT) -> Contribution:
    """The directory stage: pages in both languages and two navigation entries."""
    if "lpks" not in catalog or "wilayah" not in catalog:
        return Contribution()
    directory = build_directory(catalog)
    return Contribution(
        pages=lambda site, lang: render_pages(directory, site, lang),
        nav=[("nav.directory", DIRECTORY), ("nav.areas", AREAS)],
        blocks={"dataset": [dataset_block]},
        data={"directory": directory})


