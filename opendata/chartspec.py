"""A chart's Vega-Lite spec, built with Altair from its declaration and its data: titles,
axes, tooltips, colours and number formats in the page's language.

Three layouts of the same chart: `full`, the file a reader downloads or embeds (title,
description and source in the image); `page`, the image on the site's pages, whose heading
and text already say the title (only a chosen year is drawn above it); `narrow`, the page
image for a phone, drawn at the width it is shown (NARROW_WIDTH CSS px), so that no text
is scaled below its font size (at least 12 px)."""

from __future__ import annotations

import json
import re
import textwrap

import altair as alt
from babel import numbers as babel_numbers

from . import i18n
from .chartdata import ChartData
from .chartsources import KIND, OTHERS, SOURCE, unofficial
from .charttext import latest_year, series_names_of

FILL = "od_isi"   # a point's or bar's fill key (hollow for another kind of source)

YEAR_PARAM = "pilih_tahun"
PALETTE = ["#00695c", "#e65100", "#5e35b1", "#6d4c41", "#c2185b", "#546e7a"]
HIGHLIGHT, MUTED = "#00695c", "#9e9e9e"
LAYOUTS = ("full", "page", "narrow")
NARROW_WIDTH = 320           # px: a 360 px phone shows the page 328 px wide
FONT, NARROW_FONT = 12, 12   # the smallest text of a chart, in px of the image


def d3_locale(lang: str) -> dict:
    """d3-format's number locale from Babel's: '9,26' in Indonesian, '9.26' in English."""
    locale = i18n.LOCALES[lang]
    return {"decimal": babel_numbers.get_decimal_symbol(locale),
            "thousands": babel_numbers.get_group_symbol(locale),
            "grouping": [3], "currency": ["", ""]}


def build_spec(chart: dict, data: ChartData, lang: str, source_line: str, summary: str,
               layout: str = "full") -> dict:
    narrow = layout == "narrow"
    chart = drawable(chart)
    base = alt.Chart(alt.Data(values=list(data.records)))
    layers = _line_layers(chart, data, base, lang, narrow) if chart["type"] == "line" \
        else _bar_layers(chart, data, base, lang, narrow)
    size = {"width": NARROW_WIDTH if narrow else chart.get("width", 560 if chart["type"] == "line" else 380)}
    if "height" in chart or (narrow and chart["type"] == "line"):
        size["height"] = chart.get("height", 300) * (2 / 3 if narrow else 1)
    title = _title(chart, data, lang, source_line, layout)
    layered = alt.layer(*layers).properties(description=summary, **size,
                                            **({"title": title} if title else {}))
    if data.year:
        layered = _with_year_param(layered, data, chart, lang)
    spec = layered.to_dict()
    font = NARROW_FONT if narrow else FONT
    spec["config"] = {
        "locale": {"number": d3_locale(lang)}, "font": "sans-serif",
        "axis": {"labelFontSize": font, "titleFontSize": font, "labelLimit": 130 if narrow else 260},
        "legend": {"labelFontSize": font, "titleFontSize": font,
                   "labelLimit": 170 if narrow else 320},
        "title": {"fontSize": 14 if layout != "full" else 16, "subtitleFontSize": font,
                  "subtitleColor": "#444"},
        "view": {"stroke": None},
    }
    if narrow:   # the whole image, labels and legend included, is NARROW_WIDTH wide
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def _title(chart: dict, data: ChartData, lang: str, source_line: str, layout: str):
    """The full image names itself; a page image shows only the year it draws, if any."""
    if layout == "full":
        return alt.Title(_title_text(chart, data, lang), subtitle=_subtitle(chart, lang, source_line),
                         anchor="start")
    if data.year:
        return alt.Title(alt.ExprRef(expr=f"'' + {YEAR_PARAM}"), anchor="start")
    return None


BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def drawable(value, key: str = ""):
    """The declaration with its titles and labels as Vega-Lite can draw them: it pastes axis,
    legend and tooltip titles into expressions without escaping backslashes or line breaks,
    so a title ending in a backslash or holding a line break stopped the chart (found by the
    fuzz test). A line break becomes a space, a backslash the look-alike U+2216."""
    if isinstance(value, dict):
        return {k: drawable(v, k if k in ("title", "label") else key)
                for k, v in value.items()}
    if isinstance(value, list):
        return [drawable(v, key) for v in value]
    if isinstance(value, str) and key:
        return BREAKS.sub(" ", value).replace("\\", "\u2216")
    return value


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
    return lines + [part for line in source_line.split("\n") for part in textwrap.wrap(line, width)]


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
    if any(r.get(SOURCE) for r in data.records):
        tips.append(alt.Tooltip(f"{SOURCE}:N", title=i18n.t("label.source", lang)))
    if chart.get("source_kind"):
        tips.append(alt.Tooltip(f"{KIND}:N", title=i18n.t("chart.source_kind", lang)))
    if any(r.get(OTHERS) for r in data.records):
        tips.append(alt.Tooltip(f"{OTHERS}:N", title=i18n.t("chart.others", lang)))
    return tips


def _series_order(data: ChartData) -> list[str]:
    return series_names_of(data)


def _colours(names: list[str], lang: str) -> list[str]:
    """One colour per series in order; grey for 'not stated'."""
    palette = iter(PALETTE)
    return [MUTED if name == i18n.t("chart.not_stated", lang) else next(palette) for name in names]


def _line_layers(chart: dict, data: ChartData, base, lang: str, narrow: bool = False) -> list:
    names = _series_order(data)
    series_title = chart["series"]["title"][lang] if data.series else None
    scale = dict(domain=names)
    colours = _colours(names, lang)
    encoding = dict(
        x=alt.X(f"{data.category}:O", title=chart["category"]["title"][lang],
                axis=alt.Axis(labelAngle=0, **({"values": _some(data)} if narrow else {}))),
        y=alt.Y(f"{data.value}:Q", scale=alt.Scale(zero=True), **_value_axis(chart, lang)),
        tooltip=_tooltip(data, chart, lang))
    if data.series:
        legend = alt.Legend(orient="bottom", direction="vertical" if narrow else "horizontal",
                            title=series_title)
        encoding.update(
            color=alt.Color(f"{data.series}:N", scale=alt.Scale(range=colours, **scale),
                            sort=names, legend=legend, title=series_title),
            strokeDash=alt.StrokeDash(f"{data.series}:N", scale=alt.Scale(**scale), sort=names,
                                      legend=legend, title=series_title),
            shape=alt.Shape(f"{data.series}:N", scale=alt.Scale(**scale), sort=names,
                            legend=legend, title=series_title))
    kinds = _source_kinds(chart, data, lang)
    line = base.mark_line(point=False if kinds else alt.OverlayMarkDef(filled=True, size=50),
                          strokeWidth=2.5, invalid="break-paths-filter-domains").encode(**encoding)
    layers = _reference_layers(data, NARROW_FONT if narrow else 11) + [line]
    if kinds:   # the points on their own layer: hollow where the source is not official
        points = {k: v for k, v in encoding.items() if k in ("x", "y", "shape", "tooltip")}
        if data.series:
            points["stroke"] = alt.Stroke(f"{data.series}:N", scale=alt.Scale(range=colours, **scale),
                                          sort=names, legend=None)
        layers.append(base.mark_point(filled=True, size=60, strokeWidth=2, opacity=1).transform_filter(
            f"datum[{json.dumps(data.value)}] != null").transform_calculate(
            **{FILL: kinds(f"datum[{json.dumps(data.series)}]" if data.series else "''")}).encode(
            **points, fill=_fill(chart, lang, names, colours)))
    return layers


def _source_kinds(chart: dict, data: ChartData, lang: str):
    """When some point's source is not of the official kind: a function giving the Vega
    expression of each point's fill key (the other kind's label, else `otherwise`)."""
    kind = chart.get("source_kind")
    if not kind or not unofficial(chart, data, lang):
        return None
    label = json.dumps(kind["label"][lang])
    return lambda otherwise: f"datum[{json.dumps(KIND)}] == {label} ? {label} : {otherwise}"


def _fill(chart: dict, lang: str, keys: list, colours: list):
    """Fill by key: white for the other kind of source (one legend entry: a hollow symbol
    named by the label), the given colours for the rest (no legend entry: the colours have
    their own legend or none)."""
    label = chart["source_kind"]["label"][lang]
    return alt.Fill(f"{FILL}:N", title=None, scale=alt.Scale(domain=[*keys, label],
                                                             range=[*colours, "#ffffff"]),
                    legend=alt.Legend(values=[label], orient="bottom", symbolStrokeColor="#444",
                                      symbolStrokeWidth=1.5, labelLimit=0))


def _some(data: ChartData, most: int = 6) -> list:
    """At most `most` labels of the category axis, evenly spaced, the last one always: on a
    phone, every year's label would overlap its neighbours."""
    values = list(dict.fromkeys(r[data.category] for r in data.records))
    step = -(-len(values) // most)
    return values[::-1][::step][::-1]


def _reference_layers(data: ChartData, font: int) -> list:
    if not data.reference:
        return []
    ref = data.reference
    if ref.get("at") is not None:
        return _reference_marker(data, font)
    values = [{"bawah": ref["low"], "atas": ref["high"], "label": ref["label"]}]
    band = alt.Chart(alt.Data(values=values))
    low = "bawah" if ref["low"] is not None else "atas"
    high = "atas" if ref["high"] is not None else "bawah"
    rect = band.mark_rect(color="#ffb74d", opacity=0.35).encode(y=alt.Y(f"{low}:Q"), y2=alt.Y2(high))
    values[0]["tengah"] = (ref["low"] + ref["high"]) / 2 if low != high else values[0][low]
    text = band.mark_text(align="left", baseline="middle", dx=6, color="#7a4100",
                          fontSize=font).encode(x=alt.value(0), y=alt.Y("tengah:Q"), text="label:N")
    return [rect, text]


def _reference_marker(data: ChartData, font: int) -> list:
    """A target for one year: a bar from its low to its high bound at that year only, with
    short caps and its label, never a band across the other years."""
    ref = data.reference
    low = ref["low"] if ref["low"] is not None else ref["high"]
    high = ref["high"] if ref["high"] is not None else ref["low"]
    marker = alt.Chart(alt.Data(values=[{data.category: ref["at"], "bawah": low, "atas": high,
                                         "label": ref["label"]}]))
    x = alt.X(f"{data.category}:O")
    colour = "#b35900"
    rule = marker.mark_rule(color=colour, strokeWidth=3).encode(x=x, y=alt.Y("bawah:Q"), y2=alt.Y2("atas"))
    caps = [marker.mark_tick(color=colour, thickness=2, size=14).encode(x=x, y=alt.Y(f"{end}:Q"))
            for end in ("bawah", "atas")]
    text = marker.mark_text(align="right", baseline="top", dx=-4, dy=6, color="#7a4100",
                            fontSize=font).encode(x=x, y=alt.Y("bawah:Q"), text="label:N")
    return [rule, *caps, text]


def _bar_layers(chart: dict, data: ChartData, base, lang: str, narrow: bool = False) -> list:
    sort = "-x" if not chart.get("category", {}).get("order") else None
    encoding = dict(
        y=alt.Y(f"{data.category}:N", title=None, sort=sort,
                axis=alt.Axis(labelLimit=130 if narrow else 260)),
        x=alt.X(f"{data.value}:Q", **_value_axis(chart, lang)),
        tooltip=_tooltip(data, chart, lang))
    if data.series:
        names = _series_order(data)
        title = chart["series"]["title"][lang]
        encoding["color"] = alt.Color(f"{data.series}:N", title=title, sort=names,
                                      scale=alt.Scale(domain=names, range=_colours(names, lang)),
                                      legend=alt.Legend(orient="bottom",
                                                        direction="vertical" if narrow else "horizontal"))
        encoding["order"] = alt.Order(f"{data.series}:N")
    elif chart.get("highlight"):
        test = alt.FieldEqualPredicate(field=chart["highlight"]["field"],
                                       equal=chart["highlight"]["value"])
        encoding["color"] = alt.condition(test, alt.value(HIGHLIGHT), alt.value(MUTED))
    else:
        encoding["color"] = alt.value(HIGHLIGHT)
    kinds = None if data.series else _source_kinds(chart, data, lang)
    if kinds:   # hollow bars where the source is not official, outlined in their colour
        high = json.dumps(data.highlight or "")
        key = f"datum[{json.dumps(data.category)}] == {high} ? 'sorot' : 'lain'"
        encoding["stroke"] = encoding.pop("color")
        encoding["fill"] = _fill(chart, lang, ["sorot", "lain"], [HIGHLIGHT, MUTED] if chart.get("highlight")
                                 else [HIGHLIGHT, HIGHLIGHT])
        bars = base.mark_bar(strokeWidth=1.5).transform_calculate(**{FILL: kinds(key)}).encode(**encoding)
    else:
        bars = base.mark_bar().encode(**encoding)
    if data.series:
        return [bars]
    labels = base.mark_text(align="left", dx=4, fontSize=FONT).encode(
        y=alt.Y(f"{data.category}:N", sort=sort), x=alt.X(f"{data.value}:Q"),
        text=f"{data.value}_teks:N")
    return [bars, labels]


def _with_year_param(chart, data: ChartData, declared: dict, lang: str):
    years = sorted({r[data.year] for r in data.records if r[data.value] is not None})
    param = alt.param(name=YEAR_PARAM, value=latest_year(data), bind=alt.binding_select(
        options=years, name=declared["year_param"]["title"][lang] + " "))
    return chart.add_params(param).transform_filter(f"datum[{json.dumps(data.year)}] == {YEAR_PARAM}")
