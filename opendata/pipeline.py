"""The table of contents: load → validate → figures → downloads → pages → mkdocs → swap.

The only module that knows the order. Each stage is a function of what came before; a stage
that fails raises BuildError, and nothing has been written to site/ by then.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import directory, downloads, history, metadata, pages, paths, publish, releases
from .catalog import Catalog, load_catalog
from .charts import stage as charts_stage
from .figures import key_figures
from .problems import BuildError
from .validate import validate

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"

# The explicit navigation: a few entries that stay the same however many datasets there are.
# Stages add theirs between the catalogue and "about".
NAV_START = [("page.home", "index.md"), ("page.catalog", "katalog.md")]
NAV_END = [("page.about", "tentang.md")]

# Stages that contribute pages, files or blocks: name → function(catalog, root) → Contribution.
# Each is a pure function of the validated catalogue (and, for releases, git history).
STAGES: dict = {}
STAGES["releases"] = releases.stage  # every release from git history, Riwayat versi pages
STAGES["metadata"] = lambda catalog, root: metadata.stage(catalog, root, site_url(root))
STAGES["charts"] = charts_stage  # charts declared in metadata: SVG/PNG, embed, cite
STAGES["directory"] = directory.stage  # Direktori LPKS, kecamatan pages, coverage


def load_valid(root: Path = paths.ROOT) -> Catalog:
    catalog = load_catalog(root)
    problems = validate(catalog)
    if problems:
        raise BuildError(problems)
    return catalog


def site_url(root: Path = paths.ROOT) -> str:
    return os.environ.get("SITE_URL") or DEFAULT_SITE_URL


def repo_url() -> str | None:
    """Where readers report a correction: REPO_URL, or the repository GitHub Actions builds."""
    if os.environ.get("REPO_URL"):
        return os.environ["REPO_URL"].rstrip("/")
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    return f"{server}/{repository}" if server and repository else None


def build(root: Path = paths.ROOT, out_dir: Path | None = None) -> Catalog:
    catalog = load_valid(root)
    figures = tuple(key_figures(catalog))
    files = {d.name: downloads.release_files(d) for d in catalog.datasets}
    updated = {d.name: history.last_changed(root, d.csv_file, d.metadata_file, d.schema_file)
               for d in catalog.datasets}
    contributions = {name: stage(catalog, root) for name, stage in STAGES.items()}
    for contribution in contributions.values():  # releases: the current version as released
        files.update(contribution.data.get("downloads", {}))
    site = pages.Site(catalog=catalog, figures=figures, updated=updated, downloads=files,
                      site_url=site_url(root), contributions=contributions,
                      repo_url=repo_url())
    docs = {lang: pages.render(site, lang) for lang in paths.LANGUAGES}
    static = downloads.with_latest(catalog, files)
    static.update(assets())
    for contribution in contributions.values():
        static.update(contribution.static)
    nav = NAV_START + [entry for c in contributions.values() for entry in c.nav] + NAV_END
    publish.publish(docs, static, nav, root, out_dir or root / "site", site.site_url)
    return catalog


def assets() -> dict[str, bytes]:
    """Our own CSS and scripts, served from the site itself (no CDN)."""
    folder = paths.PACKAGE / "assets"
    return {f"{paths.language_root(lang)}assets/od/{p.name}": p.read_bytes()
            for lang in paths.LANGUAGES
            for p in sorted(folder.iterdir()) if p.is_file()}
