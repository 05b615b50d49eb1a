"""The table of contents: gate → figures → charts → releases' files → linked data → pages →
mkdocs → swap.

The only module that knows the order. `validate.gate` runs first and finds every problem a
later stage could hit; the stages after it build only from what it returned, so a build that
passes the gate cannot fail on data. Nothing is written to the output folder until the end.
"""

from __future__ import annotations

from pathlib import Path

from . import (
    bulk,
    charts,
    directory,
    feeds,
    figures,
    history,
    linked,
    pages,
    paths,
    project,
    publication,
    publish,
    quality,
    render,
)
from .problems import BuildError
from .validate import Validated, gate


def build(root: Path | project.Project, out_dir: Path | None = None) -> Validated:
    """Build the site of `root` into `out_dir` (default: its site/); returns what the gate
    found (its warnings: historical releases withheld)."""
    active = root if isinstance(root, project.Project) else project.load(root)
    out_dir = Path(out_dir or active.root / "site")
    with active.activate(), publish.lock(out_dir, active):
        checked = load_valid(active)
        site = assemble(checked, active)
        docs = {lang: {page.source: render.page(page) for page in pages.every_page(site, lang)}
                for lang in paths.languages()}
        nav = pages.navigation(pages.every_page(site, paths.default_language()))
        publish.publish(docs, static_files(site), nav, active, out_dir)
    return checked


def load_valid(active: project.Project) -> Validated:
    """The gate: every problem at once, or a catalogue the build cannot fail on."""
    checked = gate(active)
    if checked.errors:
        raise BuildError(checked.errors)
    return checked


def assemble(checked: Validated, active: project.Project) -> pages.Site:
    """What the pages show, each stage computed once from the validated catalogue."""
    catalog = checked.catalog
    site_url = active.site_url
    published = publication.build(catalog, site_url, checked.releases, checked.withheld)
    return pages.Site(
        catalog=catalog,
        published=published,
        figures=tuple(figures.key_figures(catalog)),
        charts=charts.render_all(catalog, site_url),
        directory=directory.build(catalog),
        updated={d.name: history.last_changed(active.root, d.csv_file, d.metadata_file,
                                              d.schema_file) for d in catalog.datasets},
        repository=active.repository,
        reference=history.head_date(active.root),
        archive=bulk.archive(published),
    )


def static_files(site: pages.Site) -> dict[str, bytes]:
    """Everything that is not a page: release files, linked data, feeds, charts, assets."""
    head = (history.git(site.catalog.root, "log", "-1", "--format=%cI") or "").strip() or None
    return {
        **publication.static(site.published),
        **linked.static(site.published),
        **quality.static(site),
        **feeds.feeds(site.published, head),
        **charts.static(site.charts),
        **bulk.static(site.archive),
        **assets(),
    }


def assets() -> dict[str, bytes]:
    """Our own CSS and scripts, served from the site itself (no CDN)."""
    folder = project.PACKAGE / "assets"
    return {paths.asset(lang, p.name): p.read_bytes()
            for lang in paths.languages() for p in sorted(folder.iterdir()) if p.is_file()}
