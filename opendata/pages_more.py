"""The pages of the directory (a dataset that declares `directory:`) and of the office's work:
data quality, the release calendar and the guide for data staff. The same page model as
opendata/pages.py, which lists them among every page."""

from __future__ import annotations

from . import corrections, directory, i18n, paths, placement, views
from .charts import Rendered
from .directory import Directory
from .figures import Figure
from .pages import Page, Site, card_site
from .pages import Section as S

# Above this many institutions the directory page lists none (a 10,000-row registry made an
# 8 MB page, 486 KB gzip on first load): it links to the page of each kecamatan and field,
# which list them. The finder, which filters in the page, is tested with 2,000.
SPLIT_ABOVE = 2500


def directory_pages(site: Site, found: Directory, lang: str) -> list[Page]:
    """The directory, the areas, the coverage and how to add an institution."""
    context = dict(site=card_site(site), directory=found, UNKNOWN=directory.UNKNOWN, OUTSIDE=placement.OUTSIDE,
                   HERE=placement.HERE, ELSEWHERE=placement.ELSEWHERE, UNPLACED=placement.UNKNOWN,
                   place_counts={p: sum(1 for i in found.institutions if i.place == p)
                                 for p in placement.ORDER},
                   maybe=[i for i in found.institutions if i.kecamatan_key == directory.UNKNOWN],
                   bidang=found.field_labels[lang], coverage=directory.coverage(found),
                   reported=_figure(site, (found.declaration.get("reported") or {}).get("figure")),
                   own=found.pages, addition=corrections.issue_url(site.repository, corrections.ADDITION))
    groups = directory.by_kelurahan(found.institutions)
    fields = views.field_groups(found)
    if len(found.institutions) > SPLIT_ABOVE:   # the areas' and fields' pages list them
        finder = S("sections/directory_split.html", dict(context, fields=fields))
    else:
        finder = S("sections/directory.html", dict(context, places=directory.located(found.institutions),
                                                   counts=directory.option_counts(found.institutions),
                                                   fields=fields, script=paths.asset(lang, "finder.js")))
    pages = [
        Page(found.pages["directory"], lang, i18n.t("directory.title", lang), "finder", (finder,),
             description=i18n.t("directory.lead", lang), nav="nav.directory"),
        Page(found.pages["coverage"], lang, i18n.t("coverage.title", lang), "coverage", (
            S("sections/directory_coverage.html", dict(
                context, rows=directory.coverage_rows(found), bars=directory.bars(context["coverage"]),
                figures=site.figures_on("coverage"), city_chart=_city_chart(site, found, lang),
                datasets={f.dataset: site.catalog[f.dataset] for f in site.figures_on("coverage")})),
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
                                                    places=directory.located(taught["items"]))),
        ), description=i18n.t("field.lead", lang, name=name)))
    return pages


def _figure(site: Site, key: str | None) -> Figure | None:
    return next((f for f in site.figures if f.key == key), None)


def _city_chart(site: Site, found: Directory, lang: str) -> Rendered | None:
    """The chart the declaration names as the city-wide coverage chart, when it exists."""
    wanted = found.declaration.get("coverage_chart")
    return next((c for c in site.charts_of(lang, found.name) if c.id == wanted), None)


def quality_page(site: Site, lang: str) -> Page:
    """Kualitas data: every dataset's figures of quality, computed from its rows."""
    from . import quality
    from .figures import SOURCE_COLUMNS

    return Page(paths.quality_page(), lang, i18n.t("page.quality", lang), "quality", (
        S("sections/quality.html", dict(
            site=site, items=quality.build(site), json=paths.quality_api(),
            kind_column=quality.SOURCE_KIND_COLUMN, preferred_column=quality.PREFERRED_COLUMN,
            confidence_column=SOURCE_COLUMNS[3], host_kinds=quality.HOST_KINDS,
            other=quality.OTHER)),
    ), description=i18n.t("quality.lead", lang), nav="page.quality")


def calendar_page(site: Site, lang: str) -> Page:
    """Jadwal rilis: update frequency, last release and next update, overdue ones flagged."""
    from . import schedule

    return Page(paths.calendar_page(), lang, i18n.t("page.calendar", lang), "calendar", (
        S("sections/calendar.html", dict(
            site=site, entries=schedule.build(site.catalog, {
                d.name: site.published.current(d.name).date for d in site.catalog.datasets},
                site.reference),
            reference=site.reference, dcat=paths.DCAT)),
    ), description=i18n.t("calendar.lead", lang), nav="page.calendar")


def guide_page(site: Site, lang: str) -> Page:
    """Panduan staf data: from an Excel file to a release, and what every error means."""
    from . import guide

    import_errors, validate_errors = guide.errors(lang)
    return Page(paths.guide_page(), lang, i18n.t("page.guide", lang), "guide", (
        S("sections/guide.html", dict(site=site, import_errors=import_errors,
                                      validate_errors=validate_errors)),
    ), description=i18n.t("guide.lead", lang), nav="page.guide")
