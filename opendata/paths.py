"""Every path and URL derived from a dataset name, in one place."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
DOWNLOAD_FORMATS = ("csv", "json", "xlsx", "datapackage.json", "zip")


def dataset_dir(root: Path, name: str) -> Path:
    return root / "datasets" / name


def csv_path(root: Path, name: str) -> Path:
    return dataset_dir(root, name) / f"{name}.csv"


def metadata_path(root: Path, name: str) -> Path:
    return dataset_dir(root, name) / "metadata.yml"


def schema_path(root: Path, name: str) -> Path:
    return root / "schemas" / f"{name}.schema.json"


def relative(path: Path, root: Path) -> str:
    """How a maintainer names a file: relative to the repository, with '/'."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


# --- where things are published (paths relative to the site root) -------------------------

def release_dir(name: str, version: str) -> str:
    return f"data/{name}/{version}"


def download_file(name: str, version: str, fmt: str) -> str:
    """`data/<name>/<version>/<name>.<fmt>`; the data package keeps its standard name."""
    if fmt == "datapackage.json":
        return f"{release_dir(name, version)}/datapackage.json"
    return f"{release_dir(name, version)}/{name}.{fmt}"


def release_page(name: str, version: str) -> str:
    """The Markdown source of a release's page: it is published at the release's folder."""
    return f"{release_dir(name, version)}/index.md"


def history_page(name: str) -> str:
    """The Markdown source of a dataset's Riwayat versi (version history) page."""
    return f"dataset/{name}/riwayat.md"


def feed_file(name: str | None = None) -> str:
    """An Atom feed of releases, relative to a language's root: the site's or a dataset's."""
    return f"feeds/{name or 'rilis'}.xml"


def api_file(name: str | None = None) -> str:
    """The static JSON API: the catalogue, or one dataset."""
    return f"api/{name or 'datasets'}.json"


def dataset_page(name: str) -> str:
    """The Markdown source of a dataset's page, relative to a language's docs folder."""
    return f"dataset/{name}/index.md"


def page_url(page: str) -> str:
    """The URL (relative to a language's root) mkdocs gives a Markdown source."""
    if page == "index.md":
        return ""
    if page.endswith("/index.md"):
        return page[: -len("index.md")]
    return page[: -len(".md")] + "/"


def language_root(lang: str) -> str:
    """Where a language's tree is published, relative to the site root."""
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def link(from_page: str, lang: str, target: str) -> str:
    """A relative link from a page of `lang` to `target`, a path relative to the site root."""
    depth = (language_root(lang) + page_url(from_page)).count("/")
    return "../" * depth + target


def chart_file(lang: str, chart_id: str, ext: str) -> str:
    """A chart's files under a language's root: `grafik/<id>.svg`, `.png`, `.csv`,
    `.vl.json` (the Vega-Lite spec) and `.html` (the standalone embed page)."""
    return f"{language_root(lang)}grafik/{chart_id}.{ext}"
