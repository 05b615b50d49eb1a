"""What a chart says, as text: the alternative text of its image, from its data (where each
line starts, ends and peaks, which years have no figure; the largest and smallest bars)."""

from __future__ import annotations

from . import i18n
from .chartdata import ChartData, format_value


def shown_records(data: ChartData) -> list[dict]:
    """The records the static chart draws: those of the latest year when a year is chosen."""
    if data.year is None:
        return list(data.records)
    latest = max(r[data.year] for r in data.records if r[data.value] is not None)
    return [r for r in data.records if r[data.year] == latest]


def latest_year(data: ChartData):
    records = shown_records(data)
    return records[0][data.year] if data.year and records else None


def alt_text(data: ChartData, title: str | None, lang: str) -> str:
    """What the chart shows, from its data: for each line where it starts, ends and peaks
    (and which years have no figure); for bars the largest, the smallest and every value when
    there are few. Without a title (a page whose heading says it), a chosen year opens it."""
    if title is not None:
        sentences = [title + (f" ({latest_year(data)})" if data.year else "") + "."]
    else:
        sentences = [i18n.t("chart.alt_year", lang, year=latest_year(data))] if data.year else []
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
    if data.series is None:
        return []
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
    text = i18n.plural("chart.alt_bars_range", lang, len(ranked), high=item(ranked[0]),
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
