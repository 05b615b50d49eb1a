"""Every page of the site, as data: its path, title and sections in order.

This module is the one place that says what is on each kind of page, and in which order.
A Section is a template and the plain data it shows; `render.page` turns a Page into the
Markdown source mkdocs builds. Stages never render pages and pass no functions to templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import citations, directory, i18n, linked, paths, releases, views
from .catalog import Catalog, Dataset
from .charts import Rendered
from .directory import Directory
from .figures import Figure
from .publication import Published

# Rows in a dataset page's preview table: enough to see what the data looks like, few
# enough that the page stays light on a phone; every row is in the downloads.
PREVIEW_ROWS = 50


@dataclass(frozen=True)
class Section:
    template: str             # under templates/sections/ (the site's templates/ first)
    context: dict = field(default_factory=dict)


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
    if site.directory is not None:
        pages += directory_pages(site, site.directory, lang)
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
        S("sections/conflicts.html", dict(dataset=dataset)),
        S("sections/dictionary.html", dict(dataset=dataset)),
        S("sections/sources.html", dict(groups=groups, data_lang=paths.default_language(),
                                        pages=sum(len(g["pages"]) for g in groups),
                                        accessed=views.accessed_count(groups))),
        S("sections/preview.html", dict(dataset=dataset, table=views.preview(
            dataset, dataset.rows[:PREVIEW_ROWS], lang))),
        S("sections/release_block.html", dict(dataset=dataset, releases=found,
                                              feed=paths.feed_file(lang, dataset.name))),
    ), description=dataset.text("description", lang),
        linked_data=(linked.schema_org(published, dataset.name, lang),), contents=True)


def _directory_of(site: Site, dataset: Dataset) -> Directory | None:
    """The directory, on the pages of the datasets it is made of."""
    found = site.directory
    if found is None or dataset.name not in (found.name, found.areas_dataset.name):
        return None
    return found


def history_page(site: Site, dataset: Dataset, lang: str) -> Page:
    found = site.published.releases[dataset.name]
    log = releases.changelog(found)
    entries = [dict(release=release, diff=d, summary=releases.change_summary(release, d, lang),
                    previous=log[i - 1][0] if i else None,
                    notes=releases.notes(release, dataset, lang))
               for i, (release, d) in enumerate(log)][::-1]
    title = i18n.t("history.title", lang, title=dataset.text("title", lang))
    return Page(paths.history_page(dataset.name), lang, title, "history", (
        S("sections/history.html", dict(dataset=dataset, entries=entries, latest=dataset.version,
                                        withheld=site.published.withheld.get(dataset.name, ()),
                                        feed=paths.feed_file(lang, dataset.name))),
    ))


def release_pages(site: Site, dataset: Dataset, lang: str) -> list[Page]:
    published = site.published
    log = releases.changelog(published.releases[dataset.name])
    newest = published.current(dataset.name)
    out = []
    for index, (release, d) in enumerate(log):
        title = i18n.t("release.page_title", lang, version=release.version,
                       title=release.dataset.text("title", lang))
        out.append(Page(paths.release_page(dataset.name, release.version), lang, title, "release-page", (
            S("sections/release.html", dict(
                dataset=dataset, release=release, diff=d, newest=newest,
                previous=log[index - 1][0] if index else None, files=published.file_list(release),
                summary=releases.change_summary(release, d, lang),
                notes=releases.notes(release, dataset, lang),
                release_url=published.release_url(release))),
            S("sections/cite.html", dict(cite=citations.cite(release, lang, site.site_url))),
            S("sections/release_changes.html", dict(
                release=release, diff=d, previous=log[index - 1][0] if index else None,
                summary=releases.change_summary(release, d, lang),
                notes=releases.notes(release, dataset, lang))),
        ), description=release.dataset.text("description", lang)))
    title = i18n.t("release.latest_title", lang, title=dataset.text("title", lang))
    out.append(Page(paths.release_page(dataset.name, paths.LATEST), lang, title, "release-page", (
        S("sections/release_latest.html", dict(dataset=dataset, release=newest,
                                               files=published.latest_list(newest))),
        S("sections/cite.html", dict(cite=citations.cite(newest, lang, site.site_url))),
    )))
    return out


def directory_pages(site: Site, found: Directory, lang: str) -> list[Page]:
    """The directory, the areas, the coverage and how to add an institution."""
    context = dict(site=site, directory=found, UNKNOWN=directory.UNKNOWN,
                   bidang=found.field_labels[lang], coverage=directory.coverage(found),
                   reported=_figure(site, (found.declaration.get("reported") or {}).get("figure")),
                   own=found.pages)
    groups = directory.by_kelurahan(found.institutions)
    fields = views.field_groups(found)
    pages = [
        Page(found.pages["directory"], lang, i18n.t("directory.title", lang), "finder", (
            S("sections/directory.html", dict(context, groups=directory.by_kecamatan(found.institutions),
                                              counts=directory.option_counts(found.institutions),
                                              fields=fields, script=paths.asset(lang, "finder.js"))),
        ), description=i18n.t("directory.lead", lang), nav="nav.directory"),
        Page(found.pages["coverage"], lang, i18n.t("coverage.title", lang), "coverage", (
            S("sections/directory_coverage.html", dict(
                context, rows=directory.coverage_rows(found), bars=directory.bars(context["coverage"]),
                figures=site.figures_on("coverage"), city_chart=_city_chart(site, found, lang))),
        ), description=i18n.t("coverage.lead", lang)),
        Page(found.pages["add"], lang, i18n.t("add.title", lang), "add", (
            S("sections/directory_add.html", context),
        ), description=i18n.t("add.lead", lang)),
        Page(found.pages["areas"], lang, i18n.t("areas.title", lang), "areas", (
            S("sections/directory_areas.html", context),
        ), description=i18n.t("areas.lead", lang), nav="nav.areas"),
    ]
    for kec in found.areas:
        pages.append(Page(kec.page, lang, i18n.t("kecamatan.title", lang, name=kec.name), "kecamatan", (
            S("sections/kecamatan.html", dict(context, kecamatan=kec, groups=groups)),
        )))
    for taught in fields:   # one page per field taught: the directory browsed without a script
        name = taught["labels"][lang]
        pages.append(Page(taught["page"], lang, i18n.t("field.title", lang, name=name), "field", (
            S("sections/directory_field.html", dict(context, field=taught, fields=fields,
                                                    groups=directory.by_kecamatan(taught["items"]))),
        ), description=i18n.t("field.lead", lang, name=name)))
    return pages


def _figure(site: Site, key: str | None) -> Figure | None:
    return next((f for f in site.figures if f.key == key), None)


def _city_chart(site: Site, found: Directory, lang: str) -> Rendered | None:
    """The chart the declaration names as the city-wide coverage chart, when it exists."""
    wanted = found.declaration.get("coverage_chart")
    return next((c for c in site.charts_of(lang, found.name) if c.id == wanted), None)


def navigation(pages: list[Page]) -> list[tuple[str, str]]:
    """(catalogue key, Markdown source) of the pages that have a navigation entry: the home
    page and the catalogue first, "for developers" and "about" last."""
    entries = [(p.nav, p.source) for p in pages if p.nav]
    last = [e for key in LAST for e in entries if e[0] == key]
    return [e for e in entries if e[0] not in LAST] + last


LAST = ("page.developers", "page.about")   # the navigation's last entries, in this order
