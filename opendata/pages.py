"""Every page of the site, as data: its path, title and sections in order.

This module is the one place that says what is on each kind of page, and in which order.
A Section is a template and the plain data it shows; `render.page` turns a Page into the
Markdown source mkdocs builds. Stages never render pages and pass no functions to templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import (
    cache,
    changes,
    citations,
    corrections,
    diffs,
    figures,
    i18n,
    linked,
    paths,
    permalinks,
    releases,
    views,
)
from .catalog import Catalog, Dataset
from .charts import Rendered
from .directory import Directory
from .figures import Figure
from .publication import Published

# Rows in a dataset page's preview table: enough to see what the data looks like, few
# enough that the page stays light on a phone (each row carries its source link and a
# correction link); every row is on the version's rows pages and in the downloads.
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Section:
    template: str             # under templates/sections/ (the site's templates/ first)
    context: dict = field(default_factory=dict)
    outside: bool = False     # HTML put into the built page after mkdocs (render.page_parts)


@dataclass(frozen=True)
class Page:
    source: str               # the Markdown source, relative to the language's docs folder
    lang: str
    title: str
    kind: str                 # CSS class od-<kind> of the page
    sections: tuple[Section, ...]
    description: str = ""
    linked_data: tuple[dict, ...] = ()
    search: bool = True       # False: left out of the search index
    nav: str | None = None    # catalogue key of its navigation entry, when it has one
    contents: bool = False    # list its sections' headings beside it (desktop)


@dataclass(frozen=True, eq=False)
class Site:
    """Everything the pages show, computed by the stages before."""
    catalog: Catalog
    published: Published
    figures: tuple[Figure, ...]
    charts: tuple[Rendered, ...]
    directory: Directory | None
    updated: dict             # dataset name → date of its last commit (or None)
    repository: str | None    # where readers report corrections
    reference: str | None = None   # HEAD's commit date: the release calendar's "today"
    archive: bytes = b""      # every dataset's current files in one ZIP (opendata/bulk.py)

    @property
    def site_url(self) -> str:
        return self.published.site_url

    def figures_on(self, where: str) -> list[Figure]:
        return [f for f in self.figures if f.shown_on(where)]

    def missing_figures(self, where: str) -> list[dict]:
        """Declared figures of `where` that the data cannot give: their `missing` texts."""
        shown = {f.key for f in self.figures}
        return [declared for _, declared in _declared_figures(self.catalog)
                if where in (declared.get("show") or ()) and declared["key"] not in shown
                and declared.get("missing")]

    def charts_of(self, lang: str, dataset: str | None = None, home: bool = False) -> list[Rendered]:
        return [c for c in self.charts if c.lang == lang and (dataset is None or c.dataset == dataset)
                and (c.home or not home)]


# a page that shows the whole site is rebuilt when anything in it changed; the directory's
# set of covered areas is hashed in a fixed order
cache.register(Site, cache.by_fields())
cache.register(Directory, cache.by_fields())


def card_site(site: Site) -> dict:
    """What a figure card reads of the site (where corrections are reported), and no more:
    a page given the whole Site is built again whenever anything in the site changed."""
    return {"repository": site.repository}


def _declared_figures(catalog: Catalog):
    from .figures import declarations
    return declarations(catalog)


S = Section


# --- the pages of the site ------------------------------------------------------------------

def every_page(site: Site, lang: str) -> list[Page]:
    pages = [home(site, lang), catalogue(site, lang), developers(site, lang), about(site, lang)]
    for dataset in site.catalog.datasets:
        pages.append(dataset_page(site, dataset, lang))
        pages.append(history_page(site, dataset, lang))
        pages += release_pages(site, dataset, lang)
        for release in site.published.releases[dataset.name]:
            pages += row_pages(site, dataset, release, lang)
            pages += figure_pages(site, dataset, release, lang)
    from . import pages_more  # the directory and the office's pages (below this module)

    if site.directory is not None:
        pages += pages_more.directory_pages(site, site.directory, lang)
    pages += [pages_more.quality_page(site, lang), pages_more.calendar_page(site, lang),
              pages_more.guide_page(site, lang)]
    return pages


def home(site: Site, lang: str) -> Page:
    common = dict(site=site)
    return Page(paths.HOME, lang, i18n.t("page.home", lang), "home", (
        S("sections/home_intro.html", common),
        S("sections/figures.html", dict(common, figures=site.figures_on("home"),
                                        missing=site.missing_figures("home"))),
        S("sections/charts.html", dict(charts=site.charts_of(lang, home=True), level=2,
                                       heading=False)),
        S("sections/home_start.html", common),
    ), nav="page.home")


def catalogue(site: Site, lang: str) -> Page:
    """Every dataset with its files, and everything at once."""
    files = {d.name: site.published.file_list(site.published.current(d.name))
             for d in site.catalog.datasets}
    return Page(paths.CATALOG, lang, i18n.t("page.catalog", lang), "catalog", (
        S("sections/catalog_all.html", dict(site=site, bulk=_bulk(site))),
        S("sections/catalog.html", dict(site=site, files=files)),
    ), nav="page.catalog")


def developers(site: Site, lang: str) -> Page:
    """The machine-readable files, with an example each for pandas, frictionless and curl."""
    example = max(site.catalog.datasets, key=lambda d: len(d.rows))
    release = site.published.current(example.name)
    return Page(paths.DEVELOPERS, lang, i18n.t("page.developers", lang), "developers", (
        S("sections/developers.html", dict(
            site=site, bulk=_bulk(site), example=example,
            csv=paths.absolute(site.site_url, paths.download_file(example.name, release.version, "csv")),
            feeds=[(None, paths.feed_file(lang))] + [(d, paths.feed_file(lang, d.name))
                                                     for d in site.catalog.datasets])),
    ), description=i18n.t("developers.lead", lang), nav="page.developers", contents=True)


def _bulk(site: Site) -> dict:
    return {"path": paths.bulk_file(), "bytes": len(site.archive),
            "url": paths.absolute(site.site_url, paths.bulk_file()),
            "datapackage": paths.absolute(site.site_url, paths.DATAPACKAGE),
            "api": paths.absolute(site.site_url, paths.api_file())}


def about(site: Site, lang: str) -> Page:
    return Page(paths.ABOUT, lang, i18n.t("page.about", lang), "about", (
        S("sections/about.html", dict(site=site, figures=site.figures_on("about"))),
    ), nav="page.about")


def dataset_page(site: Site, dataset: Dataset, lang: str) -> Page:
    """The dataset page, in reading order: what it is, its files, what it shows, what it
    does not settle, what each column means, where it comes from, its rows, its versions."""
    published = site.published
    release = published.current(dataset.name)
    found = published.releases[dataset.name]
    groups = views.source_groups(dataset)
    return Page(paths.dataset_page(dataset.name), lang, dataset.text("title", lang), "dataset", (
        S("sections/dataset_header.html", dict(dataset=dataset, updated=site.updated.get(dataset.name))),
        S("sections/downloads.html", dict(files=published.file_list(release), release=release)),
        S("sections/cite.html", dict(cite=citations.cite(release, lang, site.site_url), folded=True)),
        S("sections/directory_links.html", dict(directory=_directory_of(site, dataset))),
        S("sections/charts.html", dict(charts=site.charts_of(lang, dataset.name), level=3,
                                       heading=True)),
        S("sections/conflicts.html", dict(dataset=dataset, no_url=i18n.t("source.no_url", lang),
                                           **_conflicts(dataset, lang))),
        S("sections/dictionary.html", dict(dataset=dataset)),
        S("sections/sources.html", dict(dataset=dataset, repository=site.repository,
                                        groups=groups, data_lang=paths.default_language(),
                                        pages=sum(len(g["pages"]) for g in groups),
                                        accessed=views.accessed_count(groups))),
        S("sections/preview.html", dict(
            dataset=dataset, table=views.preview(dataset, dataset.rows[:PREVIEW_ROWS], lang),
            all_rows=paths.rows_page(dataset.name, dataset.version),
            row_links=[permalinks.row_target(dataset, dataset.version, r)
                       for r in dataset.rows[:PREVIEW_ROWS]],
            corrections=_corrections(site, dataset, dataset.version, dataset.rows[:PREVIEW_ROWS]))),
        S("sections/release_block.html", dict(dataset=dataset, releases=found,
                                              feed=paths.feed_file(lang, dataset.name))),
    ), description=dataset.text("description", lang),
        linked_data=(linked.schema_org(published, dataset.name, lang),), contents=True)


def _corrections(site: Site, dataset: Dataset, version: str, rows) -> list[str | None]:
    """The "report a correction" link of each row: the form with dataset, version and row."""
    return [corrections.correction_url(site.repository, dataset.name, version,
                                       permalinks.row_key(dataset, row)) for row in rows]


# Figures kept beside the preferred one that a dataset page lists (each row is on its rows
# page too): 3,000 non-preferred rows made a 600 KB section and as much search index.
CONFLICT_ROWS = 100


def _conflicts(dataset: Dataset, lang: str) -> dict:
    found = views.conflicts(dataset, lang) or []   # None: the dataset declares no preference
    return {"conflicts": found[:CONFLICT_ROWS], "conflicts_total": len(found)}


def _directory_of(site: Site, dataset: Dataset) -> Directory | None:
    """The directory, on the pages of the datasets it is made of."""
    found = site.directory
    if found is None or dataset.name not in (found.name, found.areas_dataset.name):
        return None
    return found


def history_page(site: Site, dataset: Dataset, lang: str) -> Page:
    found = site.published.releases[dataset.name]
    log = diffs.changelog(found)
    entries = [dict(release=release, summary=diffs.change_summary(release, d, lang),
                    previous=log[i - 1][0] if i else None,
                    notes=releases.notes(release, dataset, lang), **_shown(release, d, HISTORY_ROWS))
               for i, (release, d) in enumerate(log)][::-1]
    title = i18n.t("history.title", lang, title=dataset.text("title", lang))
    return Page(paths.history_page(dataset.name), lang, title, "history", (
        S("sections/history.html", dict(dataset=dataset, entries=entries, latest=dataset.version,
                                        withheld=site.published.withheld.get(dataset.name, ()),
                                        feed=paths.feed_file(lang, dataset.name))),
    ), search=not any(e["counts"]["capped"] for e in entries))


# Rows of each kind of change a page shows (the rest is in the change's CSV): a release page
# shows more than the history page, which lists every release.
RELEASE_ROWS = changes.DIFF_ROWS
HISTORY_ROWS = 20


def _shown(release, difference, limit: int) -> dict:
    """What a page shows of a change: `diff` capped, `counts` of every kind, and `full`, the
    CSV of every change when the page shows only some (changes.diff_files writes it)."""
    shown, counts = changes.capped(difference, limit)
    full = (paths.diff_file(release.name, release.version)
            if changes.capped(difference, changes.DIFF_ROWS)[1]["capped"] else None)
    return dict(diff=shown, counts=counts, full=full)


def release_pages(site: Site, dataset: Dataset, lang: str) -> list[Page]:
    published = site.published
    log = diffs.changelog(published.releases[dataset.name])
    newest = published.current(dataset.name)
    out = []
    for index, (release, d) in enumerate(log):
        title = i18n.t("release.page_title", lang, version=release.version,
                       title=release.dataset.text("title", lang))
        shown = _shown(release, d, RELEASE_ROWS)
        out.append(Page(paths.release_page(dataset.name, release.version), lang, title, "release-page", (
            S("sections/release.html", dict(
                dataset=dataset, release=release, diff=shown["diff"], newest=newest,
                previous=log[index - 1][0] if index else None, files=published.file_list(release),
                summary=diffs.change_summary(release, d, lang),
                notes=releases.notes(release, dataset, lang),
                release_url=published.release_url(release))),
            S("sections/cite.html", dict(cite=citations.cite(release, lang, site.site_url))),
            S("sections/release_changes.html", dict(
                release=release, previous=log[index - 1][0] if index else None,
                summary=diffs.change_summary(release, d, lang),
                notes=releases.notes(release, dataset, lang), **shown)),
        ), description=release.dataset.text("description", lang),
            search=not shown["counts"]["capped"]))   # a long table is no search result
    title = i18n.t("release.latest_title", lang, title=dataset.text("title", lang))
    out.append(Page(paths.release_page(dataset.name, paths.LATEST), lang, title, "release-page", (
        S("sections/release_latest.html", dict(dataset=dataset, release=newest,
                                               files=published.latest_list(newest))),
        S("sections/cite.html", dict(cite=citations.cite(newest, lang, site.site_url))),
    )))
    return out


def row_pages(site: Site, dataset: Dataset, release, lang: str) -> list[Page]:
    """Every row of a version, at its permanent anchor, with its source (left out of the
    search index: the dataset page and the downloads are what a search should find)."""
    newest = site.published.current(dataset.name)
    found = permalinks.row_pages(release.dataset, release.version)
    title = i18n.t("rows.title", lang, title=release.dataset.text("title", lang),
                   version=release.version)
    return [Page(page.source, lang, title, "rows", (
        S("sections/rows.html", dict(dataset=release.dataset, release=release, newest=newest,
                                     current=page, pages=found)),
        S("sections/rows_table.html", dict(
            current=page, table=views.preview(release.dataset, page.rows, lang),
            keys=[paths.row_anchor(permalinks.row_key(release.dataset, r)) for r in page.rows],
            corrections=_corrections(site, release.dataset, release.version, page.rows)),
          outside=True),
    ), search=False) for page in found]


def figure_pages(site: Site, dataset: Dataset, release, lang: str) -> list[Page]:
    """The key figures a version gives, each at a permanent anchor."""
    declared = [f for d, f in figures.declarations(site.catalog) if d.name == dataset.name]
    if not declared:
        return []
    computed = [f for f in figures.key_figures(permalinks.with_version(site.catalog, release.dataset))
                if f.dataset == dataset.name]
    newest = site.published.current(dataset.name)
    title = i18n.t("figures.title", lang, title=release.dataset.text("title", lang),
                   version=release.version)
    return [Page(paths.figures_page(dataset.name, release.version), lang, title, "figures", (
        S("sections/figures_pinned.html", dict(site=card_site(site), release=release,
                                               newest=newest,
                                               figures=computed, missing=[
                                                   d for d in declared
                                                   if d["key"] not in {f.key for f in computed}])),
    ))]


def navigation(pages: list[Page]) -> list[tuple[str, str]]:
    """(catalogue key, Markdown source) of the pages that have a navigation entry: the home
    page and the catalogue first, "for developers" and "about" last."""
    entries = [(p.nav, p.source) for p in pages if p.nav]
    last = [e for key in LAST for e in entries if e[0] == key]
    return [e for e in entries if e[0] not in LAST] + last


LAST = ("page.developers", "page.about")   # the navigation's last entries, in this order
