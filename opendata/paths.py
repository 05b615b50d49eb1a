"""Every output path and URL of the site, in one place.

Paths are relative to the site root ("data/indikator/1.0.0/indikator.csv") or, for pages, to a
language's docs folder (the Markdown source mkdocs builds: "dataset/indikator/index.md").
Nothing else in the package joins site paths by hand; templates get them from here.

A name or version becomes a path segment only through `segment()`, which refuses anything
that could leave its folder ("..", "/", "\\", control characters): whatever an old commit
holds, no file is written outside the site.
"""

from __future__ import annotations

import re

from . import project

DOWNLOAD_FORMATS = ("csv", "json", "xlsx", "datapackage.json", "zip")
SAFE_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
LATEST = "latest"

HOME = "index.md"
CATALOG = "katalog.md"
ABOUT = "tentang.md"
QUALITY = "kualitas.md"
CALENDAR = "jadwal-rilis.md"
GUIDE = "panduan.md"
DEVELOPERS = "pengembang.md"
DATAPACKAGE = "datapackage.json"
DCAT = "dcat.jsonld"


class UnsafePath(ValueError):
    """A name or version that cannot be a path segment."""


def segment(value) -> str:
    text = str(value)
    if not SAFE_SEGMENT.fullmatch(text) or ".." in text:
        raise UnsafePath(text[:80])
    return text


def is_safe(value) -> bool:
    try:
        segment(value)
    except UnsafePath:
        return False
    return True


# --- languages ---------------------------------------------------------------------------

def languages() -> tuple[str, ...]:
    """The site's languages, the default first (site.yml)."""
    return project.active().config.languages


def default_language() -> str:
    return languages()[0]


def language_root(lang: str) -> str:
    """Where a language's tree is published, relative to the site root."""
    return "" if lang == default_language() else f"{segment(lang)}/"


# --- pages (Markdown sources, relative to a language's docs folder) ------------------------

def dataset_page(name: str) -> str:
    return f"dataset/{segment(name)}/index.md"


def history_page(name: str) -> str:
    """A dataset's Riwayat versi (version history) page."""
    return f"dataset/{segment(name)}/riwayat.md"


def release_page(name: str, version: str) -> str:
    """A release's page: published at the release's folder."""
    return f"{release_dir(name, version)}/index.md"


def rows_page(name: str, version: str, number: int = 1) -> str:
    """Every row of a version, a page of rows at a time, each at a permanent anchor."""
    tail = "" if number == 1 else f"{int(number)}/"
    return f"{release_dir(name, version)}/baris/{tail}index.md"


def figures_page(name: str, version: str) -> str:
    """The key figures a version of a dataset gives, at permanent anchors."""
    return f"{release_dir(name, version)}/angka/index.md"


def row_anchor(key: str) -> str:
    """The anchor of a row, from its primary key: 'baris-<key>'."""
    return "baris-" + re.sub(r"[^A-Za-z0-9_.-]", "-", key)[:120]


def directory_page(name: str) -> str:
    """The directory of the dataset `name` (the one whose metadata declares `directory:`)."""
    return f"{segment(name)}/index.md"


def coverage_page(name: str) -> str:
    return f"{segment(name)}/cakupan.md"


def add_page(name: str) -> str:
    return f"{segment(name)}/tambah.md"


def field_page(name: str, code: str) -> str:
    """The institutions of the directory `name` that teach one field (`code`)."""
    return f"{segment(name)}/bidang/{segment(code)}.md"


def areas_page(areas: str) -> str:
    """The areas (kecamatan and kelurahan) of the dataset `areas`."""
    return f"{segment(areas)}/index.md"


def area_page(areas: str, slug: str) -> str:
    return f"{segment(areas)}/{segment(slug)}.md"


def quality_page() -> str:
    """Kualitas data: every dataset's completeness, confidence, sources and coverage."""
    return QUALITY


def calendar_page() -> str:
    """Jadwal rilis: how often each dataset is updated and when the next version is due."""
    return CALENDAR


def guide_page() -> str:
    """Panduan staf data: from an Excel file to a published release."""
    return GUIDE


def page_url(page: str) -> str:
    """The URL (relative to a language's root) mkdocs gives a Markdown source."""
    if page == HOME:
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def page_target(lang: str, page: str, anchor: str = "") -> str:
    """A page of `lang`, relative to the site root, with an optional #anchor."""
    return language_root(lang) + page_url(page) + (f"#{anchor}" if anchor else "")


def link(from_page: str, lang: str, target: str) -> str:
    """A relative link from a page of `lang` to `target`, a path relative to the site root."""
    depth = (language_root(lang) + page_url(from_page)).count("/")
    return "../" * depth + target


def absolute(site_url: str, target: str = "") -> str:
    """An absolute URL: `site_url` (with its trailing slash) and a path from the site root."""
    return site_url.rstrip("/") + "/" + target


# --- files (relative to the site root) ------------------------------------------------------

def diff_file(name: str, version: str) -> str:
    """Every change of a version from the one before, as CSV (when its page shows only some)."""
    return f"dataset/{segment(name)}/perubahan-{segment(version)}.csv"


def release_dir(name: str, version: str) -> str:
    return f"data/{segment(name)}/{segment(version)}"


def latest_dir(name: str) -> str:
    return release_dir(name, LATEST)


def download_file(name: str, version: str, fmt: str) -> str:
    """`data/<name>/<version>/<name>.<fmt>`; the data package and checksums keep their names."""
    if fmt in ("datapackage.json", "SHA256SUMS"):
        return f"{release_dir(name, version)}/{fmt}"
    return f"{release_dir(name, version)}/{segment(name)}.{fmt}"


def reference_file(name: str, version: str, reference: str) -> str:
    """A table another dataset's keys point to, published with a version of `name`."""
    return f"{release_dir(name, version)}/{segment(reference)}.csv"


def as_latest(path: str, name: str, version: str) -> str:
    """The copy of a release file under `latest/`."""
    release = release_dir(name, version) + "/"
    if not path.startswith(release):
        raise UnsafePath(path[:80])
    return latest_dir(name) + "/" + path[len(release):]


def bulk_file() -> str:
    """Every dataset's current files in one ZIP, named after the site."""
    return f"data/{segment(project.active().config.slug)}.zip"


def bulk_member(name: str, file: str) -> str:
    """A file inside that ZIP: one folder per dataset."""
    return f"{segment(name)}/{file}"


def feed_file(lang: str, name: str | None = None) -> str:
    """An Atom feed of releases: the site's, or a dataset's."""
    return f"{language_root(lang)}feeds/{segment(name) if name else 'rilis'}.xml"


def api_file(name: str | None = None) -> str:
    """The static JSON API: the catalogue, or one dataset."""
    return f"api/{segment(name) if name else 'datasets'}.json"


def quality_api() -> str:
    """The quality page's figures as JSON (beside api_file(name): like `datasets`, the name
    `kualitas` is taken, so a dataset of that name would clash with it)."""
    return "api/kualitas.json"


def chart_file(lang: str, chart_id: str, ext: str) -> str:
    """A chart's files: `grafik/<id>.svg`, `.png`, `.csv`, `.vl.json` (the Vega-Lite spec)
    and `.html` (the standalone embed page)."""
    return f"{language_root(lang)}grafik/{segment(chart_id)}.{ext}"


def asset(lang: str, file: str) -> str:
    """Our own CSS and scripts, under each language's root (mkdocs builds them separately)."""
    return f"{language_root(lang)}assets/od/{file}"
