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
    cache,
    changes,
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


def build(root: Path | project.Project, out_dir: Path | None = None,
          outputs: cache.Cache | None = None, draft: Path | None = None) -> Validated:
    """Build the site of `root` into `out_dir` (default: its site/); returns what the gate
    found (its warnings: historical releases withheld). `outputs`: the build cache (default:
    the project's, .cache/opendata/): what it holds for the same inputs is not built again.
    draft: the live preview's mkdocs folder (publish.publish), for `opendata serve` only."""
    active = root if isinstance(root, project.Project) else project.load(root)
    out_dir = Path(out_dir or active.root / "site")
    outputs = outputs if outputs is not None else cache.Cache.for_project(active.root)
    with active.activate(), cache.use(outputs), publish.lock(out_dir, active):
        checked = load_valid(active)
        inputs = inputs_key(checked, active, outputs)
        if outputs.up_to_date(out_dir, inputs):   # nothing changed since it was built
            return checked
        site = assemble(checked, active)
        every = {lang: pages.every_page(site, lang) for lang in paths.languages()}
        parts = {lang: {page.source: render.page_parts(page) for page in every[lang]}
                 for lang in paths.languages()}
        docs = {lang: {source: text for source, (text, _) in found.items()}
                for lang, found in parts.items()}
        slots = {lang: {source: filled for source, (_, filled) in found.items() if filled}
                 for lang, found in parts.items()}
        nav = pages.navigation(every[paths.default_language()])
        publish.publish(docs, static_files(site), nav, active, out_dir, draft, slots)
        outputs.built(out_dir, inputs)
    return checked


def inputs_key(checked: Validated, active: project.Project, outputs: cache.Cache) -> str | None:
    """Everything a build reads besides what the cache's environment covers (package, its
    dependencies, the project's configuration, texts and templates): the datasets, every
    release and withheld version the gate found, the archive's files, git's HEAD (the dates
    of commits), the addresses, and a theme folder of the project's own."""
    theme = (publish.base_config(active).get("theme") or {}).get("custom_dir")
    own_theme = active.root / theme if theme and (active.root / theme).is_dir() else None
    return outputs.key("site", (
        checked.catalog, checked.releases, checked.withheld, checked.problems,
        cache.tree_digest(active.root / "archive"),
        cache.tree_digest(own_theme) if own_theme else "",
        history.head(active.root) if history.is_repository(active.root) else "",
        active.site_url, active.repository, paths.languages()))


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
        **changes.diff_files(site.published.releases),
        **cache.memo("linked", "linked", site.published, lambda: linked.static(site.published)),
        **cache.memo("quality", "quality", site, lambda: quality.static(site)),
        **cache.memo("feeds", "feeds", (site.published, head), lambda: feeds.feeds(site.published, head)),
        **charts.static(site.charts),
        **bulk.static(site.archive),
        **assets(),
    }


def assets() -> dict[str, bytes]:
    """Our own CSS and scripts, served from the site itself (no CDN)."""
    folder = project.PACKAGE / "assets"
    return {paths.asset(lang, p.name): p.read_bytes()
            for lang in paths.languages() for p in sorted(folder.iterdir()) if p.is_file()}
