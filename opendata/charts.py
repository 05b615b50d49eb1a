"""Charts declared in each dataset's metadata (`charts:`) → Vega-Lite specs built with Altair
from the validated rows; SVG and PNG rendered at build time (vl-convert); the chart's data as
CSV; a standalone embed page; the blocks shown on the dataset and home pages.

Static first: the SVG is in the page. The Vega bundle is served from the site itself and
loaded only when a reader asks for the interactive view (assets/charts.js). Every chart is
rendered once per language: titles, labels and number formats in the page's language.
"""

from __future__ import annotations

import html
import json
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache

import altair as alt
import vl_convert
from babel import numbers as babel_numbers
from jsonschema import Draft202012Validator
from markupsafe import Markup

from . import i18n, pages, paths
from .catalog import Catalog, Dataset
from .chartdata import ChartData, alt_text, chart_data, csv_text, latest_year, series_names_of
from .problems import BuildError, Problem

VEGA_LITE = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])   # "6.4"
BUNDLE = (f"assets/od/vendor/vega-{vl_convert.get_vega_version()}-lite-{VEGA_LITE}"
          f"-embed-{vl_convert.get_vega_embed_version()}.js")
PNG_SCALE = 2
YEAR_PARAM = "pilih_tahun"
PALETTE = ["#00695c", "#e65100", "#5e35b1", "#6d4c41", "#c2185b", "#546e7a"]
HIGHLIGHT, MUTED = "#00695c", "#9e9e9e"


# --- the Vega-Lite spec, built with Altair -----------------------------------------------------

def d3_locale(lang: str) -> dict:
    """d3-format's number locale from Babel's: '9,26' in Indonesian, '9.26' in English."""
    locale = i18n.LOCALES[lang]
    return {"decimal": babel_numbers.get_decimal_symbol(locale),
            "thousands": babel_numbers.get_group_symbol(locale),
            "grouping": [3], "currency": ["", ""]}


def build_spec(chart: dict, data: ChartData, lang: str, source_line: str, summary: str) -> dict:
    title = alt.Title(_title_text(chart, data, lang), subtitle=_subtitle(chart, lang, source_line),
                      anchor="start")
    base = alt.Chart(alt.Data(values=list(data.records)))
    layers = _line_layers(chart, data, base, lang) if chart["type"] == "line" \
        else _bar_layers(chart, data, base, lang)
    layered = alt.layer(*layers).properties(
        title=title, width=chart.get("width", 560 if chart["type"] == "line" else 380),
        description=summary,
        **({"height": chart["height"]} if "height" in chart else {}))
    if data.year:
        layered = _with_year_param(layered, data, chart, lang)
    spec = layered.to_dict()
    spec["config"] = {
        "locale": {"number": d3_locale(lang)}, "font": "sans-serif",
        "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
        "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 320},
        "title": {"fontSize": 16, "subtitleFontSize": 12, "subtitleColor": "#444"},
        "view": {"stroke": None},
    }
    return spec


def _title_text(chart: dict, data: ChartData, lang: str):
    """The title; with a chosen year, an expression that adds it (the title is a JSON string
    literal in it, so no metadata text can become code)."""
    if not data.year:
        return chart["title"][lang]
    return alt.ExprRef(expr=f"{json.dumps(chart['title'][lang])} + ' (' + {YEAR_PARAM} + ')'")


def _subtitle(chart: dict, lang: str, source_line: str) -> list[str]:
    """The description and the source, wrapped to the chart's width."""
    width = 90   # characters: about the width of the drawn chart at 12 px
    lines = textwrap.wrap(chart["description"][lang], width) if chart.get("description") else []
    return lines + textwrap.wrap(source_line, width)


def _value_axis(chart: dict, lang: str, **extra):
    unit = chart["value"]["unit"]
    return dict(title=chart["value"]["title"][lang], axis=alt.Axis(format=",~r" if unit == "persen" else ",d",
                                                                  tickMinStep=1), **extra)


def _tooltip(data: ChartData, chart: dict, lang: str) -> list:
    tips = []
    if data.series:
        tips.append(alt.Tooltip(f"{data.series}:N", title=chart["series"]["title"][lang]))
    category_title = (chart.get("category") or {}).get("title", {}).get(lang) or i18n.t("chart.measure", lang)
    tips.append(alt.Tooltip(f"{data.category}:N", title=category_title))
    tips.append(alt.Tooltip(f"{data.value}_teks:N", title=chart["value"]["title"][lang]))
    return tips


def _series_order(data: ChartData) -> list[str]:
    return series_names_of(data)


def _colours(names: list[str], lang: str) -> list[str]:
    """One colour per series in order; grey for 'not stated'."""
    palette = iter(PALETTE)
    return [MUTED if name == i18n.t("chart.not_stated", lang) else next(palette) for name in names]


def _line_layers(chart: dict, data: ChartData, base, lang: str) -> list:
    names = _series_order(data)
    series_title = chart["series"]["title"][lang] if data.series else None
    scale = dict(domain=names)
    colours = _colours(names, lang)
    encoding = dict(
        x=alt.X(f"{data.category}:O", title=chart["category"]["title"][lang],
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{data.value}:Q", scale=alt.Scale(zero=True), **_value_axis(chart, lang)),
        tooltip=_tooltip(data, chart, lang))
    if data.series:
        legend = alt.Legend(orient="bottom", direction="horizontal", title=series_title)
        encoding.update(
            color=alt.Color(f"{data.series}:N", scale=alt.Scale(range=colours, **scale),
                            sort=names, legend=legend, title=series_title),
            strokeDash=alt.StrokeDash(f"{data.series}:N", scale=alt.Scale(**scale), sort=names,
                                      legend=legend, title=series_title),
            shape=alt.Shape(f"{data.series}:N", scale=alt.Scale(**scale), sort=names,
                            legend=legend, title=series_title))
    line = base.mark_line(point=alt.OverlayMarkDef(filled=True, size=50), strokeWidth=2.5,
                          invalid="break-paths-filter-domains").encode(**encoding)
    return _reference_layers(data) + [line]


def _reference_layers(data: ChartData) -> list:
    if not data.reference:
        return []
    ref = data.reference
    values = [{"bawah": ref["low"], "atas": ref["high"], "label": ref["label"]}]
    band = alt.Chart(alt.Data(values=values))
    low = "bawah" if ref["low"] is not None else "atas"
    high = "atas" if ref["high"] is not None else "bawah"
    rect = band.mark_rect(color="#ffb74d", opacity=0.35).encode(y=alt.Y(f"{low}:Q"), y2=alt.Y2(high))
    values[0]["tengah"] = (ref["low"] + ref["high"]) / 2 if low != high else values[0][low]
    text = band.mark_text(align="left", baseline="middle", dx=6, color="#7a4100",
                          fontSize=11).encode(x=alt.value(0), y=alt.Y("tengah:Q"), text="label:N")
    return [rect, text]


def _bar_layers(chart: dict, data: ChartData, base, lang: str) -> list:
    sort = "-x" if not chart.get("category", {}).get("order") else None
    encoding = dict(
        y=alt.Y(f"{data.category}:N", title=None, sort=sort, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{data.value}:Q", **_value_axis(chart, lang)),
        tooltip=_tooltip(data, chart, lang))
    if data.series:
        names = _series_order(data)
        title = chart["series"]["title"][lang]
        encoding["color"] = alt.Color(f"{data.series}:N", title=title, sort=names,
                                      scale=alt.Scale(domain=names, range=_colours(names, lang)),
                                      legend=alt.Legend(orient="bottom", direction="horizontal"))
        encoding["order"] = alt.Order(f"{data.series}:N")
    elif chart.get("highlight"):
        test = alt.FieldEqualPredicate(field=chart["highlight"]["field"],
                                       equal=chart["highlight"]["value"])
        encoding["color"] = alt.condition(test, alt.value(HIGHLIGHT), alt.value(MUTED))
    else:
        encoding["color"] = alt.value(HIGHLIGHT)
    bars = base.mark_bar().encode(**encoding)
    if data.series:
        return [bars]
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        y=alt.Y(f"{data.category}:N", sort=sort), x=alt.X(f"{data.value}:Q"),
        text=f"{data.value}_teks:N")
    return [bars, labels]


def _with_year_param(chart, data: ChartData, declared: dict, lang: str):
    years = sorted({r[data.year] for r in data.records if r[data.value] is not None})
    param = alt.param(name=YEAR_PARAM, value=latest_year(data), bind=alt.binding_select(
        options=years, name=declared["year_param"]["title"][lang] + " "))
    return chart.add_params(param).transform_filter(f"datum[{json.dumps(data.year)}] == {YEAR_PARAM}")


def render_svg(spec: dict) -> str:
    return vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE)


def render_png(spec: dict) -> bytes:
    return vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE, scale=PNG_SCALE)


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


@lru_cache(maxsize=1)
def javascript_bundle() -> bytes:
    """vega, vega-lite and vega-embed in one file, served from the site itself, with their
    licence notice (the minified bundle carries none of its own)."""
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
    alt: str
    spec: dict
    svg: str
    png: bytes
    home: bool
    files: dict = field(default_factory=dict)   # kind → path under the site root

    @property
    def size(self) -> tuple[int, int]:
        return svg_size(self.svg)

    @property
    def table(self) -> tuple[list[str], list[list[str]]]:
        """The data as the page's table: labels instead of codes, numbers formatted."""
        shown = [c for c in self.data.columns if c.kind != "code"]
        rows = [[r[f"{c.key}_teks"] if c.kind == "value" else str(r[c.key]) for c in shown]
                for r in self.data.records]
        return [c.title for c in shown], rows


def declarations(catalog: Catalog) -> list[tuple[Dataset, dict]]:
    return [(d, chart) for d in catalog.datasets for chart in d.metadata.get("charts") or []]


@lru_cache(maxsize=1)
def _chart_schema() -> Draft202012Validator:
    schema = json.loads((paths.PACKAGE / "jsonschemas" / "metadata.schema.json").read_text("utf-8"))
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/chart"})


def check(catalog: Catalog) -> list[Problem]:
    """What the JSON Schema cannot see: ids used twice, datasets and columns that do not exist.
    Declarations that break the schema are left to its report."""
    problems, seen = [], set()
    for dataset, chart in declarations(catalog):
        if not _chart_schema().is_valid(chart):
            continue
        where = dict(file=dataset.metadata_file, column="charts")
        if chart["id"] in seen:
            problems.append(Problem(code="chart_duplicate", params={"chart": chart["id"]}, **where))
        seen.add(chart["id"])
        for name, columns in _named_columns(dataset, chart):
            if name not in catalog:
                problems.append(Problem(code="chart_dataset_unknown", **where,
                                        params={"chart": chart["id"], "dataset": name}))
                continue
            for column in sorted(set(columns) - set(catalog[name].header)):
                problems.append(Problem(code="chart_column_unknown", **where, params={
                    "chart": chart["id"], "dataset": name, "column": column}))
    return problems


def _named_columns(dataset: Dataset, chart: dict):
    """(dataset name, [columns]) for every column a declaration names."""
    own = list(chart.get("filter") or {})
    for role in ("category", "series", "year_param"):
        if role in chart:
            own.append(chart[role]["field"])
            lookup = chart[role].get("lookup")
            if lookup:
                yield lookup["dataset"], [lookup["key"], *lookup["label"].values()]
    if chart.get("highlight"):
        own.append(chart["highlight"]["field"])
    if "field" in chart["value"]:
        own.append(chart["value"]["field"])
    yield dataset.name, own
    for measure in chart.get("measures", []):
        yield measure["dataset"], [*(measure.get("filter") or {}),
                                   *[measure[k] for k in ("count_distinct", "sum") if k in measure]]
    if chart.get("reference"):
        ref = chart["reference"]
        yield ref["dataset"], [*ref["filter"], ref["low"], ref["high"]]


def source_line(data: ChartData, lang: str) -> str:
    datasets = ", ".join(i18n.t("chart.dataset_version", lang, name=n, version=v)
                         for n, v in data.versions)
    return i18n.t("chart.source_line", lang, site=i18n.t("site.name", lang), datasets=datasets)


def render_chart(catalog: Catalog, dataset: Dataset, chart: dict, lang: str) -> Rendered:
    data = chart_data(catalog, dataset, chart, lang)
    title = chart["title"][lang]
    summary = alt_text(data, title, lang)
    spec = build_spec(chart, data, lang, source_line(data, lang), summary)
    svg = with_title(render_svg(spec), summary)
    files = {kind: paths.chart_file(lang, chart["id"], ext) for kind, ext in
             (("svg", "svg"), ("png", "png"), ("csv", "csv"), ("spec", "vl.json"), ("embed", "html"))}
    return Rendered(id=chart["id"], dataset=dataset.name, lang=lang, title=title,
                    description=(chart.get("description") or {}).get(lang, ""), data=data,
                    alt=summary, spec=spec, svg=svg, png=render_png(spec),
                    home=bool(chart.get("home")), files=files)


def spec_json(spec: dict) -> bytes:
    """The spec as a file. `<`, `>` and `&` are escaped so that even pasted into a page the
    JSON cannot close a <script> element."""
    text = json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            + "\n").encode("utf-8")


def static_files(chart: Rendered) -> dict[str, bytes]:
    embed = pages.fragment(chart.lang, "chart_embed.html", "index.md", chart=chart)
    return {
        chart.files["svg"]: chart.svg.encode("utf-8"),
        chart.files["png"]: chart.png,
        chart.files["csv"]: csv_text(chart.data).encode("utf-8"),
        chart.files["spec"]: spec_json(chart.spec),
        chart.files["embed"]: str(embed).encode("utf-8"),
    }


# --- what the pages show ---------------------------------------------------------------------

def page_url(site, chart: Rendered) -> str:
    """The absolute URL of the chart on its dataset's page."""
    return (site.site_url.rstrip("/") + "/" + paths.language_root(chart.lang)
            + paths.page_url(paths.dataset_page(chart.dataset)) + f"#grafik-{chart.id}")


DATE_SLOT = "{date}"


@dataclass(frozen=True)
class Citation:
    """What "Cite this chart" shows. `text` is the page's own: no access date, because a page
    built from a commit is read for months and must stay byte-reproducible. `dated` is the same
    citation with `DATE_SLOT` where assets/charts.js writes the day the reader reads it, in
    `locale`; empty when the slot is not found exactly once (a source naming "{date}")."""
    text: str
    dated: str
    locale: str


def citation(site, chart: Rendered) -> Citation:
    lang = chart.lang
    datasets = ", ".join(i18n.t("chart.dataset_version", lang, name=n, version=v)
                         for n, v in chart.data.versions)
    params = dict(sources="; ".join(chart.data.sources) or i18n.t("source.none", lang),
                  title=chart.title, site=i18n.t("site.name", lang), datasets=datasets,
                  url=page_url(site, chart))
    dated = i18n.t("chart.citation", lang, date=DATE_SLOT, **params)
    return Citation(text=i18n.t("chart.citation_undated", lang, **params),
                    dated=dated if dated.count(DATE_SLOT) == 1 else "",
                    locale=i18n.LOCALES[lang].replace("_", "-"))


def iframe(site, chart: Rendered) -> str:
    width, height = chart.size
    src = site.site_url.rstrip("/") + "/" + chart.files["embed"]
    return (f'<iframe src="{html.escape(src)}" title="{html.escape(chart.title)}" '
            f'width="{width + 32}" height="{height + 160}" style="border:0;max-width:100%" '
            f'loading="lazy"></iframe>')


def block(charts: list[Rendered], level: int, heading: bool):
    def render(site, lang, here, dataset=None) -> Markup:
        chosen = [c for c in charts if c.lang == lang and (dataset is None or c.dataset == dataset.name)]
        if not chosen:
            return Markup("")
        return pages.fragment(lang, "chart_list.html", here, charts=chosen, level=level,
                              heading=heading, bundle=BUNDLE, cite=lambda c: citation(site, c),
                              iframe=lambda c: iframe(site, c),
                              page_url=lambda c: page_url(site, c))
    return render


def stage(catalog: Catalog, root) -> pages.Contribution:
    """Every declared chart in both languages. `root` is unused (every stage takes it): nothing
    here reads git or the clock, so the same commit builds the same bytes."""
    problems = check(catalog)
    if problems:
        raise BuildError(problems)
    charts = [render_chart(catalog, dataset, chart, lang)
              for dataset, chart in declarations(catalog) for lang in paths.LANGUAGES]
    static = {BUNDLE: javascript_bundle()} if charts else {}
    for chart in charts:
        static.update(static_files(chart))
    return pages.Contribution(
        static=static,
        blocks={"dataset": [block(charts, 3, True)],
                "home": [block([c for c in charts if c.home], 2, False)]},
        data={"charts": charts})
