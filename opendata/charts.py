"""Charts declared in each dataset's metadata (`charts:`) → Vega-Lite specs built with Altair
from the validated rows; SVG and PNG rendered at build time (vl-convert); the chart's data as
CSV; a standalone embed page; the blocks shown on the dataset and home pages.

Static first: the SVG is in the page. The Vega bundle is served from the site itself and
loaded only when a reader asks for the interactive view (assets/charts.js). Every chart is
rendered once per language: titles, labels and number formats in the page's language.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache

import altair as alt
import vl_convert

from . import cache, chartsources, i18n, paths, render
from .catalog import Catalog, Dataset
from .chartdata import ChartData, chart_data, csv_text, declarations
from .chartspec import build_spec
from .charttext import alt_text
from .problems import BuildError, Problem

VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])   # "6.4"
BUNDLE = (f"vendor/vega-{vl_convert.get_vega_version()}-lite-{VEGA_LITE}"
          f"-embed-{vl_convert.get_vega_embed_version()}.js")   # under assets/od/
PNG_SCALE = 2


FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


@lru_cache(maxsize=1)
def fonts() -> tuple:
    """The fonts vl-convert may draw with (it finds the system's): each file's path, size and
    time, part of every render's key, so a font installed or updated renders again."""
    found = []
    for folder in FONT_FOLDERS:
        for top, _, names in os.walk(os.path.expanduser(folder)):
            for name in names:
                with contextlib.suppress(OSError):
                    stat = os.stat(os.path.join(top, name))
                    found.append((os.path.join(top, name), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def _render_key(spec: dict, kind: str) -> tuple:
    """What a render depends on: the spec (its theme and data included), vl-convert and the
    fonts."""
    return (json.dumps(spec, sort_keys=True, ensure_ascii=False), kind, vl_convert.__version__,
            VEGA_LITE, PNG_SCALE, fonts())


def render_svg(spec: dict, label: str = "") -> str:
    return cache.memo("svg", label, _render_key(spec, "svg"),
                      lambda: _render(vl_convert.vegalite_to_svg, spec))


def render_png(spec: dict, label: str = "") -> bytes:
    return cache.memo("png", label, _render_key(spec, "png"),
                      lambda: _render(vl_convert.vegalite_to_png, spec, scale=PNG_SCALE), raw=True)


def _render(convert, spec: dict, **options):
    """vl-convert fails ("unexpected end of hex escape") when Vega shortens a label to its
    limit between the two halves of a character beyond U+FFFF (an emoji, 𐀀): it then draws
    the chart again with no label shortened. A chart that still fails stops the build with
    the chart named (chart_render_failed), never a traceback."""
    try:
        return convert(spec, vl_version=VEGA_LITE, **options)
    except ValueError:
        pass
    try:
        return convert(_unshortened(spec), vl_version=VEGA_LITE, **options)
    except ValueError as error:
        raise ChartFailed(str(error).splitlines()[-1][:300]) from None


class ChartFailed(ValueError):
    pass


LIMITS = ("labelLimit", "titleLimit", "limit")


def _unshortened(value):
    """The spec with every text limit off (0: no limit)."""
    if isinstance(value, dict):
        found = {k: 0 if k in LIMITS else _unshortened(v) for k, v in value.items()}
        if "config" in value or "$schema" in value:
            config = dict(found.get("config") or {})
            for part, keys in (("axis", ("labelLimit", "titleLimit")),
                               ("legend", ("labelLimit", "titleLimit")), ("title", ("limit",))):
                config[part] = {**(config.get(part) or {}), **dict.fromkeys(keys, 0)}
            found["config"] = config
        return found
    if isinstance(value, list):
        return [_unshortened(v) for v in value]
    return value


def with_title(svg: str, text: str) -> str:
    """The SVG file names itself: a <title> (escaped) as its first child is its accessible
    name when it is opened or embedded alone."""
    end = svg.index(">", svg.index("<svg")) + 1
    return f'{svg[:end]}<title>{html.escape(text, quote=False)}</title>{svg[end:]}'


def svg_size(svg: str) -> tuple[int, int]:
    import re

    match = re.search(r'<svg[^>]*\bwidth="([0-9.]+)"[^>]*\bheight="([0-9.]+)"', svg)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (600, 400)


BUNDLE_NOTICE = (
    f"/*! Vega {vl_convert.get_vega_version()}, Vega-Lite {VEGA_LITE}, Vega-Embed "
    f"{vl_convert.get_vega_embed_version()} (with vega-tooltip and vega-themes): BSD-3-Clause, "
    "Copyright (c) University of Washington Interactive Data Lab. Includes d3 modules (ISC, "
    "Copyright Mike Bostock) and other MIT/ISC-licensed modules. Bundled by vl-convert "
    f"(BSD-3-Clause, Copyright 2023 Jon Mease) {vl_convert.__version__}. */\n")


def javascript_bundle() -> bytes:
    """vega, vega-lite and vega-embed in one file, served from the site itself, with their
    licence notice (the minified bundle carries none of its own)."""
    return cache.memo("bundle", BUNDLE, (BUNDLE, BUNDLE_NOTICE, vl_convert.__version__),
                      _javascript_bundle, raw=True)


@lru_cache(maxsize=1)
def _javascript_bundle() -> bytes:
    return (BUNDLE_NOTICE + vl_convert.javascript_bundle(vl_version=VEGA_LITE)).encode("utf-8")


# --- one chart in one language, ready for the pages --------------------------------------------

@dataclass(frozen=True)
class Rendered:
    id: str
    dataset: str
    lang: str
    title: str
    description: str
    data: ChartData
    alt: str                      # what the chart shows, without its title (the page says it)
    spec: dict                    # the full chart: title, description and source in the image
    svg: str
    png: bytes
    home: bool
    files: dict = field(default_factory=dict)   # kind → path under the site root
    url: str = ""                 # the chart on its dataset's page, absolute
    citation: Citation | None = None
    bundle: str = ""              # the Vega bundle, under the site root
    iframe: str = ""              # the embed snippet
    summary: str = ""             # the alternative text with the title (the files alone)
    screens: dict = field(default_factory=dict)   # "page" | "narrow" → (spec, svg)

    @property
    def size(self) -> tuple[int, int]:
        """The page image's size (what the page and the embed code show)."""
        return svg_size(self.screens["page"][1]) if self.screens else svg_size(self.svg)

    @property
    def narrow_size(self) -> tuple[int, int]:
        return svg_size(self.screens["narrow"][1]) if self.screens else self.size

    @property
    def table(self) -> dict:
        """The data as the page's table: labels instead of codes, numbers formatted, each
        value with its sources and the other sources' figures (opendata/chartsources.py)."""
        return chartsources.table(self.data, self.lang)


def source_line(data: ChartData, lang: str, site_url: str = "") -> str:
    """The image's footer: the site and its address on one line, the datasets and their
    versions on the next (a version never wraps away from its name)."""
    datasets = ", ".join(i18n.t("chart.dataset_version", lang, name=n, version=v).replace(" ", "\u00a0")
                         for n, v in data.versions)
    return "\n".join((i18n.t("chart.source_line", lang, site=i18n.t("site.name", lang),
                              address=paths.absolute(site_url, paths.language_root(lang)) if site_url else ""),
                       i18n.t("chart.source_versions", lang, datasets=datasets)))


FILES = (("svg", "svg"), ("png", "png"), ("csv", "csv"), ("spec", "vl.json"), ("embed", "html"),
         ("page_svg", "lebar.svg"), ("page_spec", "lebar.vl.json"),
         ("narrow_svg", "sempit.svg"), ("narrow_spec", "sempit.vl.json"))


def render_chart(catalog: Catalog, dataset: Dataset, chart: dict, lang: str,
                 site_url: str) -> Rendered:
    data = chartsources.annotate(catalog, dataset, chart, chart_data(catalog, dataset, chart, lang), lang)
    title = chart["title"][lang]
    summary = alt_text(data, title, lang)
    line = source_line(data, lang, site_url)
    label = f"{dataset.name}/{chart['id']}/{lang}"
    spec = _spec(label, chart, data, lang, line, summary)
    try:
        screens = {}
        for layout in ("page", "narrow"):
            shown = _spec(f"{label}/{layout}", chart, data, lang, line, summary, layout)
            screens[layout] = (shown, with_title(render_svg(shown, f"{label}/{layout}"), summary))
        svg, png = with_title(render_svg(spec, label), summary), render_png(spec, label)
    except ChartFailed as error:
        raise BuildError([Problem(file=dataset.metadata_file, code="chart_render_failed",
                                  column="charts", params={"id": chart["id"],
                                                           "message": str(error)})]) from None
    files = {kind: paths.chart_file(lang, chart["id"], ext) for kind, ext in FILES}
    url = chart_url(site_url, lang, dataset.name, chart["id"])
    rendered = Rendered(id=chart["id"], dataset=dataset.name, lang=lang, title=title,
                        description=(chart.get("description") or {}).get(lang, ""), data=data,
                        alt=alt_text(data, None, lang), spec=spec, svg=svg, png=png,
                        home=bool(chart.get("home")), files=files, url=url,
                        citation=citation(data, title, lang, url),
                        bundle=paths.asset(paths.default_language(), BUNDLE), summary=summary,
                        screens=screens)
    return replace(rendered, iframe=iframe(site_url, rendered))


def _spec(label: str, *args) -> dict:
    """The Vega-Lite spec (Altair builds and checks it: the slow part), by its inputs."""
    return cache.memo("spec", label, args, lambda: build_spec(*args))


def spec_json(spec: dict) -> bytes:
    """The spec as a file. `<`, `>` and `&` are escaped so that even pasted into a page the
    JSON cannot close a <script> element."""
    text = json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            + "\n").encode("utf-8")


def static_files(chart: Rendered) -> dict[str, bytes]:
    embed = render.fragment(chart.lang, "chart_embed.html", paths.HOME, chart=chart)
    return {
        chart.files["svg"]: chart.svg.encode("utf-8"),
        chart.files["png"]: chart.png,
        chart.files["csv"]: csv_text(chart.data).encode("utf-8"),
        chart.files["spec"]: spec_json(chart.spec),
        chart.files["embed"]: str(embed).encode("utf-8"),
        **{chart.files[f"{layout}_spec"]: spec_json(spec) for layout, (spec, _) in chart.screens.items()},
        **{chart.files[f"{layout}_svg"]: svg.encode("utf-8") for layout, (_, svg) in chart.screens.items()},
    }


# --- what the pages show ---------------------------------------------------------------------

DATE_SLOT = "{date}"


@dataclass(frozen=True)
class Citation:
    """What "Cite this chart" shows. `text` is the page's own: no access date, because a page
    built from a commit is read for months and must stay byte-reproducible. `dated` is the same
    citation with `DATE_SLOT` where assets/charts.js writes the day the reader reads it, in
    `locale`; empty when the slot is not found exactly once (a source naming "{date}").
    `lead` is the sources' names when both start with them: the data's own words, which the
    page marks as the data's language."""
    text: str
    dated: str
    locale: str
    lead: str = ""


def chart_url(site_url: str, lang: str, dataset: str, chart_id: str) -> str:
    """The absolute URL of a chart on its dataset's page."""
    return paths.absolute(site_url, paths.page_target(lang, paths.dataset_page(dataset),
                                                      f"grafik-{chart_id}"))


def citation(data: ChartData, title: str, lang: str, url: str) -> Citation:
    datasets = ", ".join(i18n.t("chart.dataset_version", lang, name=n, version=v)
                         for n, v in data.versions)
    params = dict(sources="; ".join(data.sources) or i18n.t("source.none", lang),
                  title=title, site=i18n.t("site.name", lang), datasets=datasets, url=url)
    dated = i18n.t("chart.citation", lang, date=DATE_SLOT, **params)
    dated = dated if dated.count(DATE_SLOT) == 1 else ""
    text = i18n.t("chart.citation_undated", lang, **params)
    lead = params["sources"] if data.sources and text.startswith(params["sources"]) \
        and dated.startswith(params["sources"]) else ""
    return Citation(text=text, dated=dated, locale=i18n.LOCALES[lang].replace("_", "-"), lead=lead)


def iframe(site_url: str, chart: Rendered) -> str:
    width, height = chart.size
    src = paths.absolute(site_url, chart.files["embed"])
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(chart.title)}" '
            f'width="{width + 32}" height="{embed_height(chart)}" style="border:0;max-width:100%" '
            f'loading="lazy"></iframe>')


def embed_height(chart: Rendered) -> int:
    """The snippet's height: the embed page's texts as a 360 px screen wraps them (a 320 px
    column: about 26 characters a line of the title, 36 of the rest, generously) above the
    narrow image at that width; or the page image with room for its texts, when taller. The
    embed page gives the image whatever its texts leave (templates/chart_embed.html)."""
    lines = lambda text, per_line: -(-len(text) // per_line)  # noqa: E731
    sources = "; ".join(chart.data.sources)
    texts = (24 + 23 * lines(chart.title, 26) + 6
             + 19 * (lines(chart.description, 36) + lines(sources, 36) + 1 + 3) + 24)
    narrow_width, narrow_height = chart.narrow_size
    image = max(160, round(narrow_height * 320 / max(narrow_width, 1)))
    return max(texts + image, chart.size[1] + 160)


def render_all(catalog: Catalog, site_url: str) -> tuple[Rendered, ...]:
    """Every declared chart in every language. Nothing here reads git or the clock, so the
    same commit builds the same bytes."""
    return tuple(render_chart(catalog, dataset, chart, lang, site_url)
                 for dataset, chart in declarations(catalog) for lang in paths.languages())


def static(charts: tuple[Rendered, ...]) -> dict[str, bytes]:
    """Every chart's files, and the Vega bundle (loaded only when a reader asks)."""
    files = {paths.asset(paths.default_language(), BUNDLE): javascript_bundle()} if charts else {}
    for chart in charts:
        files.update(static_files(chart))
    return files
