"""A chart's data, from its declaration in metadata (`charts:`) and the validated rows: the
records it draws (every year of a range, None where a figure is missing), the numbers as the
page's language writes them, its sources and dataset versions, and the text alternative that
says what it shows. No drawing here: opendata/charts.py builds the spec and the files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from decimal import Decimal

from . import i18n
from .catalog import Catalog, Dataset, typed_rows
from .problems import BuildError, Problem

MEASURE_KEY, MEASURE_VALUE = "ukuran", "nilai"


# --- the chart's data, computed from the validated rows --------------------------------------

@dataclass(frozen=True)
class Column:
    key: str          # the record key (and CSV column)
    title: str        # heading in the page's language
    kind: str         # "year" | "code" | "label" | "value"


@dataclass(frozen=True)
class ChartData:
    records: tuple[dict, ...]     # one per point or bar; missing figures are None
    columns: tuple[Column, ...]
    category: str                 # record key shown on the category axis
    series: str | None            # record key of the series label
    value: str                    # record key of the number
    unit: str
    year: str | None = None       # record key of the selectable year (year_param)
    reference: dict | None = None
    sources: tuple[str, ...] = ()
    versions: tuple[tuple[str, str], ...] = ()
    highlight: str | None = None  # label of the category drawn in the strong colour
    series_names: tuple[str, ...] = ()   # series labels in their declared order


def _text(value) -> str:
    """A declared filter value as it is written in the CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def select(dataset: Dataset, where: dict | None) -> list[dict]:
    """The typed rows whose raw cells equal the declared values (a list means any of them)."""
    wanted = {column: {_text(v) for v in (value if isinstance(value, list) else [value])}
              for column, value in (where or {}).items()}
    typed = typed_rows(dataset)
    return [typed[i] for i, raw in enumerate(dataset.rows)
            if all(raw.get(column, "") in allowed for column, allowed in wanted.items())]


def _plain(value):
    """A Decimal as JSON can hold it: int when written without decimals, else float."""
    if isinstance(value, Decimal):
        return int(value) if value.as_tuple().exponent >= 0 else float(value)
    return value


def labeller(catalog: Catalog, dataset: Dataset, spec: dict, lang: str):
    """code → label in `lang`: from another dataset (lookup), the codes in metadata, or as is."""
    lookup = spec.get("lookup")
    if lookup:
        other = catalog[lookup["dataset"]]
        names = {r[lookup["key"]]: r[lookup["label"][lang]] for r in other.rows}
        return lambda code: i18n.t("chart.not_stated", lang) if code is None else names.get(code, str(code))
    column = spec["field"]
    return lambda code: (i18n.t("chart.not_stated", lang) if code is None
                         else dataset.code_label(column, str(code), lang))


def _order(spec: dict | None, codes) -> list:
    declared = [str(c) for c in (spec or {}).get("order", [])]
    rank = {code: i for i, code in enumerate(declared)}
    return sorted(set(codes), key=lambda c: (c is None, rank.get(str(c), len(rank)), str(c)))


def _publishers(dataset: Dataset, rows: list[dict]) -> set[str]:
    if "sumber_penerbit" in dataset.header:
        return {r["sumber_penerbit"] for r in rows if r.get("sumber_penerbit")}
    return {s["publisher"] for s in dataset.metadata.get("sources", [])}


def chart_data(catalog: Catalog, dataset: Dataset, chart: dict, lang: str) -> ChartData:
    if "measures" in chart:
        return _measure_data(catalog, chart, lang)
    return _row_data(catalog, dataset, chart, lang)


def _measure_data(catalog: Catalog, chart: dict, lang: str) -> ChartData:
    records, sources, versions = [], set(), {}
    for measure in chart["measures"]:
        source = catalog[measure["dataset"]]
        rows = select(source, measure.get("filter"))
        if "count_distinct" in measure:
            value = len({r[measure["count_distinct"]] for r in rows} - {None, ""})
        else:
            value = sum(r[measure["sum"]] or 0 for r in rows)
        records.append({MEASURE_KEY: measure["key"],
                        f"{MEASURE_KEY}_nama": measure["label"][lang], MEASURE_VALUE: value})
        sources |= _publishers(source, rows)
        versions[source.name] = source.version
    columns = (Column(MEASURE_KEY, i18n.t("chart.measure", lang), "code"),
               Column(f"{MEASURE_KEY}_nama", i18n.t("chart.measure", lang), "label"),
               Column(MEASURE_VALUE, chart["value"]["title"][lang], "value"))
    return _finish(ChartData(tuple(records), columns, f"{MEASURE_KEY}_nama", None, MEASURE_VALUE,
                             chart["value"]["unit"], sources=tuple(sorted(sources)),
                             versions=tuple(versions.items())), lang)


def _row_data(catalog: Catalog, dataset: Dataset, chart: dict, lang: str) -> ChartData:
    rows = select(dataset, chart.get("filter"))
    roles = {role: chart[role] for role in ("year_param", "category", "series") if role in chart}
    value = chart["value"]
    cells = _combine(rows, [s["field"] for s in roles.values()], value["field"],
                     value.get("aggregate"), chart["id"], dataset)
    category = roles["category"]
    if category.get("years"):
        cells = _every_year(cells, list(roles).index("category"))
    records, columns, series_names = _records(catalog, dataset, roles, value, cells, lang)
    versions = {dataset.name: dataset.version}
    versions.update({s["lookup"]["dataset"]: catalog[s["lookup"]["dataset"]].version
                     for s in roles.values() if s.get("lookup")})
    reference, ref_sources = _reference(catalog, dataset, chart, lang)
    if chart.get("reference"):
        versions[chart["reference"]["dataset"]] = catalog[chart["reference"]["dataset"]].version
    label_key = lambda s: s["field"] if s.get("years") else f"{s['field']}_nama"  # noqa: E731
    data = ChartData(
        tuple(records), tuple(columns), label_key(category),
        label_key(roles["series"]) if "series" in roles else None, value["field"], value["unit"],
        year=roles["year_param"]["field"] if "year_param" in roles else None,
        reference=reference, sources=tuple(sorted(_publishers(dataset, rows) | ref_sources)),
        versions=tuple(versions.items()), highlight=_highlight(chart, records),
        series_names=series_names)
    return _finish(data, lang)


def _highlight(chart: dict, records: list[dict]) -> str | None:
    wanted = chart.get("highlight")
    if not wanted:
        return None
    key = chart["category"]["field"]
    label = key if chart["category"].get("years") else f"{key}_nama"
    return next((r[label] for r in records
                 if _text(r.get(wanted["field"])) == _text(wanted["value"])), None)


def _combine(rows, keys, value_field, aggregate, chart_id, dataset) -> dict:
    """{(year?, category, series?): value}; two rows for one point is an error unless summed."""
    cells: dict = {}
    for row in rows:
        key = tuple(row.get(k) for k in keys)
        value = row.get(value_field)
        if key in cells and aggregate != "sum":
            raise BuildError([Problem(file=dataset.metadata_file, code="chart_ambiguous",
                                      column="charts", params={"chart": chart_id,
                                                               "point": ", ".join(map(str, key))})])
        if aggregate == "sum" and key in cells:
            value = None if value is None and cells[key] is None else (cells[key] or 0) + (value or 0)
        cells[key] = value
    return cells


def _every_year(cells: dict, position: int) -> dict:
    """Every year from the first to the last, None where a series has no figure: the line
    breaks there instead of joining the years around the gap."""
    years = [k[position] for k in cells if k[position] is not None]
    if not years:
        return cells
    others = {k[:position] + k[position + 1:] for k in cells}
    full = {}
    for rest in others:
        for year in range(min(years), max(years) + 1):
            key = rest[:position] + (year,) + rest[position:]
            full[key] = cells.get(key)
    return full


def _records(catalog, dataset, roles: dict, value: dict, cells: dict, lang: str):
    labels = {role: labeller(catalog, dataset, spec, lang) for role, spec in roles.items()}
    orders = [_order(spec, {k[i] for k in cells}) for i, spec in enumerate(roles.values())]
    rank = [{c: n for n, c in enumerate(order)} for order in orders]
    records, columns = [], []
    for key in sorted(cells, key=lambda k: tuple(r[c] for r, c in zip(rank, k, strict=True))):
        record = {}
        for (role, spec), code in zip(roles.items(), key, strict=True):
            record[spec["field"]] = code
            if not (spec.get("years") or role == "year_param"):
                record[f"{spec['field']}_nama"] = labels[role](code)
        record[value["field"]] = cells[key]
        records.append(record)
    for role, spec in roles.items():
        plain = spec.get("years") or role == "year_param"
        columns.append(Column(spec["field"], spec["title"][lang], "year" if plain else "code"))
        if not plain:
            columns.append(Column(f"{spec['field']}_nama", spec["title"][lang], "label"))
    columns.append(Column(value["field"], value["title"][lang], "value"))
    series_names = ()
    if "series" in roles:
        series_names = tuple(labels["series"](code) for code in orders[list(roles).index("series")])
    return records, columns, series_names


def _reference(catalog: Catalog, dataset: Dataset, chart: dict, lang: str):
    declared = chart.get("reference")
    if not declared:
        return None, set()
    source = catalog[declared["dataset"]]
    rows = select(source, declared["filter"])
    if len(rows) != 1:
        raise BuildError([Problem(file=dataset.metadata_file, code="chart_reference",
                                  column="charts",
                                  params={"chart": chart["id"], "count": len(rows)})])
    low, high = _plain(rows[0][declared["low"]]), _plain(rows[0][declared["high"]])
    unit = chart["value"]["unit"]
    text = band_text(low, high, unit, lang)
    return ({"low": low, "high": high, "label": f"{declared['label'][lang]}: {text}"},
            _publishers(source, rows))


def band_text(low, high, unit: str, lang: str) -> str:
    """'7–8 %' (both ends), '≤ 11,22 %' (only a ceiling), '≥ 80 %' (only a floor)."""
    if low is not None and high is not None and low != high:
        return f"{i18n.number(low, lang)}–{format_value(high, unit, lang)}"
    if low is None:
        return f"≤ {format_value(high, unit, lang)}"
    return (format_value(low, unit, lang) if high == low else f"≥ {format_value(low, unit, lang)}")


def _finish(data: ChartData, lang: str) -> ChartData:
    """Add the value as text formatted for the language (tooltips, bar labels)."""
    records = tuple({**r, data.value: _plain(r[data.value]),
                     f"{data.value}_teks": format_value(r[data.value], data.unit, lang)}
                    for r in data.records)
    return replace(data, records=records)


def format_value(value, unit: str, lang: str) -> str:
    """A number as the page's language writes it, with the decimals the source gave
    (8.80 stays '8,80 %')."""
    if value is None:
        return i18n.t("chart.no_figure", lang)
    decimals = max(0, -value.as_tuple().exponent) if isinstance(value, Decimal) else None
    if unit == "persen":
        return i18n.percent(value, lang, decimals)
    return i18n.number(value, lang, decimals)


def csv_text(data: ChartData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [c.key for c in data.columns]
    writer.writerow(keys)
    for record in data.records:
        writer.writerow(["" if record.get(k) is None else record.get(k) for k in keys])
    return out.getvalue()


# --- what the chart says, as text --------------------------------------------------------------

def shown_records(data: ChartData) -> list[dict]:
    """The records the static chart draws: those of the latest year when a year is chosen."""
    if data.year is None:
        return list(data.records)
    latest = max(r[data.year] for r in data.records if r[data.value] is not None)
    return [r for r in data.records if r[data.year] == latest]


def latest_year(data: ChartData):
    records = shown_records(data)
    return records[0][data.year] if data.year and records else None


def alt_text(data: ChartData, title: str, lang: str) -> str:
    """What the chart shows, from its data: for each line where it starts, ends and peaks
    (and which years have no figure); for bars the largest, the smallest and every value when
    there are few."""
    sentences = [title + (f" ({latest_year(data)})" if data.year else "") + "."]
    if data.series and data.category and _is_years(data):
        sentences += [_line_sentence(data, name, lang) for name in series_names_of(data)]
    else:
        sentences.append(_bar_sentence(data, lang))
    if data.reference:
        sentences.append(data.reference["label"] + ".")
    return " ".join(s for s in sentences if s)


def _is_years(data: ChartData) -> bool:
    return any(c.key == data.category and c.kind == "year" for c in data.columns)


def series_names_of(data: ChartData) -> list[str]:
    return list(data.series_names) or list(dict.fromkeys(r[data.series] for r in data.records))


def _line_sentence(data: ChartData, name: str, lang: str) -> str:
    points = [r for r in data.records if r[data.series] == name]
    known = [r for r in points if r[data.value] is not None]
    if not known:
        return i18n.t("chart.alt_series_empty", lang, series=name)
    fmt = lambda r: r[f"{data.value}_teks"]  # noqa: E731
    top = max(known, key=lambda r: r[data.value])
    text = i18n.t("chart.alt_series", lang, series=name, start=fmt(known[0]),
                  start_year=known[0][data.category], end=fmt(known[-1]),
                  end_year=known[-1][data.category], high=fmt(top), high_year=top[data.category])
    gaps = [str(r[data.category]) for r in points
            if r[data.value] is None and known[0][data.category] < r[data.category] < known[-1][data.category]]
    if gaps:
        text += " " + i18n.t("chart.alt_gaps", lang, years=", ".join(gaps))
    return text


def _bar_sentence(data: ChartData, lang: str) -> str:
    totals, texts = bar_totals(data, lang)
    if not totals:
        return i18n.t("chart.alt_empty", lang)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], str(kv[0])))
    item = lambda kv: f"{kv[0]} {texts[kv[0]]}"  # noqa: E731
    if len(ranked) <= 6:
        return i18n.t("chart.alt_bars", lang, items="; ".join(map(item, ranked)))
    text = i18n.t("chart.alt_bars_range", lang, count=len(ranked), high=item(ranked[0]),
                  low=item(ranked[-1]))
    if data.highlight in totals:
        text += " " + i18n.t("chart.alt_highlight", lang, item=item((data.highlight, totals[data.highlight])))
    return text


def bar_totals(data: ChartData, lang: str) -> tuple[dict, dict]:
    """{category: total of its bar(s)} and {category: that total as text} for the drawn year."""
    totals, texts, parts = {}, {}, {}
    for r in shown_records(data):
        if r[data.value] is not None:
            key = r[data.category]
            totals[key] = totals.get(key, 0) + r[data.value]
            parts.setdefault(key, []).append(r)
    for key, total in totals.items():
        texts[key] = (parts[key][0][f"{data.value}_teks"] if len(parts[key]) == 1
                      else format_value(round(total, 6), data.unit, lang))
        if data.series:
            texts[key] += " (" + "; ".join(f"{r[data.series]}: {r[f'{data.value}_teks']}"
                                           for r in parts[key]) + ")"
    return totals, texts
