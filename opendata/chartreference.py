"""A target drawn beside a chart's data (`reference:` of a chart declaration): one row of
another dataset.

With `at` (the column of the year the target is for) it is a marker at that year only: a
short vertical bar from `low` to `high`, labelled. With `wording` (the column holding the
source's own words, for a vague target such as "tujuh koma sekian persen"), the label quotes
those words instead of turning the bounds into a precise-looking range; the label may place
them with `{wording}`. Without `at`, the target is a band across the whole chart, labelled
with its bounds ('7–8 %', '≤ 11,22 %', '≥ 80 %')."""

from __future__ import annotations

from . import i18n
from .catalog import Catalog
from .figures import select


def reference(catalog: Catalog, chart: dict, lang: str):
    from .chartdata import ChartProblem, _plain, _publishers

    declared = chart.get("reference")
    if not declared:
        return None, set()
    source = catalog[declared["dataset"]]
    rows = select(source, declared["filter"])
    if len(rows) != 1:
        raise ChartProblem("chart_reference", {"chart": chart["id"], "count": len(rows)})
    row = rows[0]
    low, high = _plain(row[declared["low"]]), _plain(row[declared["high"]])
    label = declared["label"][lang]
    wording = str(row.get(declared["wording"]) or "") if declared.get("wording") else ""
    if wording:
        text = label.replace("{wording}", wording) if "{wording}" in label else f'{label}: "{wording}"'
    else:
        text = f"{label}: {band_text(low, high, chart['value']['unit'], lang)}"
    at = _plain(row.get(declared["at"])) if declared.get("at") else None
    return {"low": low, "high": high, "label": text, "at": at}, _publishers(source, rows)


def band_text(low, high, unit: str, lang: str) -> str:
    """'7–8 %' (both ends), '≤ 11,22 %' (only a ceiling), '≥ 80 %' (only a floor)."""
    from .chartdata import format_value

    if low is not None and high is not None and low != high:
        return f"{i18n.number(low, lang)}–{format_value(high, unit, lang)}"
    if low is None:
        return f"≤ {format_value(high, unit, lang)}"
    return (format_value(low, unit, lang) if high == low else f"≥ {format_value(low, unit, lang)}")
