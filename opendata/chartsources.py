"""Where every figure of a chart comes from: the row behind each point, its source (publisher
and URL), whether that source is of the kind the chart calls official, and the figures other
sources give for the same point (rows whose preferred-figure column says false).

`annotate` adds to each record what the interactive chart's tooltip and legend show (keys
starting `od_`, never a column of the chart's CSV) and keeps, per record, what the page's data
table links to (`ChartData.provenance`). `table` is that data table as plain data.

A point drawn from one row links to that row's source page; a point that adds up or counts
several rows links to each of their sources when there are few, else to the rows of the
version, where every row names its source: a source is at most two clicks from any value.
"""

from __future__ import annotations

from dataclasses import replace

from . import i18n, paths, permalinks
from .catalog import Catalog, Dataset
from .chartdata import ChartData, format_value
from .figures import PREFERRED_COLUMN, SOURCE_COLUMNS, _text

PUBLISHER, URL = SOURCE_COLUMNS[0], SOURCE_COLUMNS[1]
MOST_LINKS = 3          # a value made of more rows links to the rows page instead
SOURCE, OTHERS, KIND = "od_sumber", "od_angka_lain", "od_jenis_sumber"   # record keys


def _pairs(dataset: Dataset, where: dict | None) -> list[tuple[dict, dict]]:
    """(row as written, typed row) of the rows whose cells equal the declared values."""
    wanted = {column: {_text(v) for v in (value if isinstance(value, list) else [value])}
              for column, value in (where or {}).items()}
    return [(raw, typed) for raw, typed in zip(dataset.rows, dataset.records, strict=True)
            if all(raw.get(column, "") in allowed for column, allowed in wanted.items())]


def source_of(dataset: Dataset, raw: dict) -> dict:
    """{publisher, url, target}: a row's source; target = (rows page, anchor) of the row."""
    publisher = raw.get(PUBLISHER) or _metadata_publisher(dataset)
    return {"publisher": publisher, "url": raw.get(URL, "") if URL in dataset.header else "",
            "target": permalinks.row_target(dataset, dataset.version, raw)}


def _metadata_publisher(dataset: Dataset) -> str:
    return "; ".join(str(s.get("publisher", "")) for s in dataset.metadata.get("sources") or [])


def annotate(catalog: Catalog, dataset: Dataset, chart: dict, data: ChartData, lang: str) -> ChartData:
    if "measures" in chart:
        provenance = [_many(catalog[m["dataset"]], [raw for raw, _ in
                                                   _pairs(catalog[m["dataset"]], m.get("filter"))])
                      for m in chart["measures"]]
        return replace(data, provenance=tuple(provenance))
    keys = [chart[role]["field"] for role in ("year_param", "category", "series") if role in chart]
    point = lambda typed: tuple(typed.get(k) for k in keys)  # noqa: E731
    rows: dict = {}
    for raw, typed in _pairs(dataset, chart.get("filter")):
        rows.setdefault(point(typed), []).append(raw)
    others: dict = {}
    wanted = chart.get("filter") or {}
    if PREFERRED_COLUMN in dataset.header and _text(wanted.get(PREFERRED_COLUMN)) == "true":
        for raw, typed in _pairs(dataset, {**wanted, PREFERRED_COLUMN: False}):
            others.setdefault(point(typed), []).append((raw, typed))
    kind, note = chart.get("source_kind"), (dataset.metadata.get("conflicts") or {}).get("note")
    records, provenance = [], []
    for record in data.records:
        key = tuple(record.get(k) for k in keys)
        found = rows.get(key, []) if record[data.value] is not None else []
        shown = _many(dataset, found)
        shown["others"] = [dict(source_of(dataset, raw), text=format_value(
            typed.get(chart["value"]["field"]), data.unit, lang), note=raw.get(note, "") if note else "")
            for raw, typed in others.get(key, [])]
        shown["kind"] = _kind(kind, found, lang)
        provenance.append(shown)
        records.append({**record, SOURCE: "; ".join(s["publisher"] for s in shown["sources"]),
                        OTHERS: "; ".join(f"{o['text']} ({o['publisher']})" for o in shown["others"]),
                        KIND: shown["kind"]})
    return replace(data, records=tuple(records), provenance=tuple(provenance))


def _many(dataset: Dataset, found: list[dict]) -> dict:
    """The sources of a value made of `found` rows: each one, or the rows page when many."""
    sources = list({(s["publisher"], s["url"]): s for s in map(lambda r: source_of(dataset, r), found)}.values())
    if len(sources) > MOST_LINKS:
        return {"sources": [], "rows": paths.rows_page(dataset.name, dataset.version), "count": len(found)}
    return {"sources": sources, "rows": None, "count": len(found)}


def _kind(kind: dict | None, found: list[dict], lang: str) -> str | None:
    """The legend label of the point's source kind: official only when every row is."""
    if not kind or not found:
        return None
    official = {_text(v) for v in kind["official"]}
    if all(row.get(kind["field"], "") in official for row in found):
        return kind["official_label"][lang]
    return kind["label"][lang]


def unofficial(chart: dict, data: ChartData, lang: str) -> bool:
    """Whether any drawn point comes from a source of another kind than the official one."""
    kind = chart.get("source_kind")
    return bool(kind) and any(r.get(KIND) == kind["label"][lang] for r in data.records)


def table(data: ChartData, lang: str) -> dict:
    """The data table: {head, rows: [[cell]], others}. A cell is {text} or, for the value,
    {text, sources, rows, kind, others}; `others` says whether any point has another figure."""
    shown = [c for c in data.columns if c.kind != "code"]
    provenance = data.provenance or ({},) * len(data.records)
    rows = []
    for record, found in zip(data.records, provenance, strict=True):
        cells = []
        for column in shown:
            if column.kind != "value":
                cells.append({"text": str(record[column.key]), "value": False, "missing": False})
                continue
            cells.append({"text": record[f"{column.key}_teks"], "value": True,
                          "missing": record[column.key] is None,
                          "sources": found.get("sources", []), "rows": found.get("rows"), "count": found.get("count", 0),
                          "kind": found.get("kind") or "", "others": found.get("others", [])})
        rows.append(cells)
    return {"head": [c.title for c in shown], "rows": rows,
            "others": any(p.get("others") for p in provenance),
            "no_url": i18n.t("source.no_url", lang)}
