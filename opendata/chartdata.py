"""A chart's data, from its declaration in metadata (`charts:`) and the validated rows: the
records it draws (every year of a range, None where a figure is missing), the numbers as the
page's language writes them, its sources and dataset versions, and the text alternative that
says what it shows. No drawing here: opendata/charts.py builds the spec and the files.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from jsonschema import Draft202012Validator

from . import i18n, paths, project, spreadsheet
from .catalog import Catalog, Dataset
from .figures import _text, select
from .problems import Problem

MEASURE_KEY, MEASURE_VALUE = "ukuran", "nilai"


# --- the chart's data, computed from the validated rows --------------------------------------

MAX_YEARS = 200   # a line chart draws every year of its range: a range this long is a typo


class ChartProblem(Exception):
    """A declaration the data cannot draw; `check` turns it into a Problem before any build."""

    def __init__(self, code: str, params: dict):
        super().__init__(code)
        self.code, self.params = code, params


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
    provenance: tuple[dict, ...] = ()   # per record: its sources (opendata/chartsources.py)

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
        names = {r.get(lookup["key"]): r.get(lookup["label"][lang], "") for r in other.rows}
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
        cells = _every_year(cells, list(roles).index("category"), chart["id"])
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
            raise ChartProblem("chart_ambiguous", {"chart": chart_id,
                                                   "point": ", ".join(map(str, key))})
        if aggregate == "sum" and key in cells:
            value = None if value is None and cells[key] is None else (cells[key] or 0) + (value or 0)
        cells[key] = value
    return cells


def _every_year(cells: dict, position: int, chart_id: str = "") -> dict:
    """Every year from the first to the last, None where a series has no figure: the line
    breaks there instead of joining the years around the gap."""
    years = [k[position] for k in cells if k[position] is not None]
    if not years:
        return cells
    if max(years) - min(years) > MAX_YEARS:
        raise ChartProblem("chart_years_span", {"chart": chart_id, "first": min(years),
                                                "last": max(years), "most": MAX_YEARS})
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
    from .chartreference import reference  # a target drawn beside the data

    return reference(catalog, chart, lang)


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


def csv_keys(data: ChartData) -> list[str]:
    """The columns of the chart's CSV."""
    return [c.key for c in data.columns]


def csv_text(data: ChartData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = csv_keys(data)
    writer.writerow(keys)
    for record in data.records:
        writer.writerow(["" if record.get(k) is None else record.get(k) for k in keys])
    return out.getvalue()


# --- validation: every declaration can be drawn --------------------------------------------

def declarations(catalog: Catalog) -> list[tuple[Dataset, dict]]:
    return [(d, chart) for d in catalog.datasets for chart in d.metadata.get("charts") or []
            if isinstance(chart, dict)]


@lru_cache(maxsize=1)
def _chart_schema() -> Draft202012Validator:
    schema = json.loads((project.PACKAGE / "jsonschemas" / "metadata.schema.json").read_text("utf-8"))
    return Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/chart"})


def check(catalog: Catalog, broken: frozenset = frozenset()) -> list[Problem]:
    """What the JSON Schema cannot see: ids used twice or unusable as a file name, datasets and
    columns that do not exist, and what only the data shows (two figures for one point, a
    reference that is not one row, a range of years too long to draw). Declarations that break
    the schema are left to its report."""
    problems, seen = [], set()
    for dataset, chart in declarations(catalog):
        if not _chart_schema().is_valid(chart):
            continue
        where = dict(file=dataset.metadata_file, column="charts")
        if chart["id"] in seen:
            problems.append(Problem(code="chart_duplicate", params={"chart": chart["id"]}, **where))
        seen.add(chart["id"])
        unknown = _unknown_names(catalog, dataset, chart, where)
        problems += unknown
        named = {name for name, _ in _named_columns(dataset, chart)}
        if not unknown and not named & broken:   # the data's own problems are reported first
            try:
                for lang in paths.languages():
                    data = chart_data(catalog, dataset, chart, lang)
                    problems += spreadsheet.chart_formulas(data, csv_keys(data), chart["id"],
                                                           lang, where)
            except ChartProblem as problem:
                problems.append(Problem(code=problem.code, params=problem.params, **where))
    return problems


def _unknown_names(catalog: Catalog, dataset: Dataset, chart: dict, where: dict) -> list[Problem]:
    problems = []
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
        yield ref["dataset"], [*ref["filter"], ref["low"], ref["high"],
                               *[ref[k] for k in ("at", "wording") if k in ref]]
