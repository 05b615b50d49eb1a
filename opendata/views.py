"""What a page section shows, computed from the catalogue as plain data: sources grouped by
publisher, the preview's cells formatted for the page's language. `pages.py` calls these
and hands the results to templates; templates never compute them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from slugify import slugify

from . import cache, i18n, paths
from .catalog import Dataset
from .figures import SOURCE_COLUMNS
from .urls import source_url

YEARS = range(1000, 3000)    # integers a column holds only in this range are years: no grouping


def source_groups(dataset: Dataset) -> list[dict]:
    """The metadata's sources, one group per publisher (first appearance first), each with
    its pages: {publisher, pages: [{href, host, url, page_date, accessed, note}]}."""
    groups: dict[str, dict] = {}
    for source in dataset.metadata.get("sources") or []:
        publisher = str(source.get("publisher") or "").strip()
        group = groups.setdefault(publisher, {"publisher": publisher, "pages": []})
        url = str(source.get("url") or "")
        href = source_url(url)
        group["pages"].append({
            "href": href, "url": url, "host": _host(url) if href else "",
            "page_date": source.get("page_date"), "accessed": source.get("accessed"),
            "note": source.get("note") if isinstance(source.get("note"), dict) else None})
    return list(groups.values())


def _host(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def accessed_count(groups: list[dict]) -> int:
    """How many of the pages have a recorded access date."""
    return sum(1 for group in groups for page in group["pages"] if page["accessed"])


# --- the preview ------------------------------------------------------------------------------

def preview(dataset: Dataset, rows, lang: str) -> dict:
    """The preview table as text: labels for codes, numbers and booleans in the page's
    language, links for URL columns. Text cells stay as written, in the data's language:
    on a page in another language the table body says so (`body_lang`), and a cell in yet
    another language (the page's own labels, a column '<name>_<lang>') says its own.
    In a build, kept in the build cache: formatting every cell of every rows page was most
    of a build with nothing changed."""
    rows = tuple(rows)
    return cache.memo("preview", dataset.name, (dataset, rows, lang),
                      lambda: _preview(dataset, rows, lang))


def _preview(dataset: Dataset, rows, lang: str) -> dict:
    data_lang = paths.default_language()
    body_lang = data_lang if data_lang != lang else ""
    kinds = _kinds(dataset)
    figures = value_columns(dataset, kinds)
    columns = [{"name": name, "num": kinds.get(name) in ("number", "integer", "year"),
                "figure": name in figures} for name in dataset.header]
    known = _formatted(dataset, lang)   # values repeat (codes, years, units): each formatted once
    body = []
    for row in rows:
        cells = []
        for name in dataset.header:
            value = row.get(name, "")
            cell = known.get((name, value))
            if cell is None:
                cell = _cell(dataset, name, value, kinds.get(name), lang)
                language = cell.pop("language") or _column_lang(name, data_lang)
                cell = known[(name, value)] = dict(
                    cell, lang=language if language != (body_lang or lang) else "")
            cells.append(cell)
        body.append(cells)
    return {"columns": columns, "rows": body, "body_lang": body_lang,
            "sources": [row_source(dataset, row) for row in rows],
            "no_url": i18n.t("source.no_url", lang)}


@lru_cache(maxsize=16)
def _kinds(dataset: Dataset) -> dict:
    """Each column's kind, once per dataset version (a year column is told by its values:
    worked out again for every rows page, it made building a big table quadratic)."""
    return {f.get("name"): _kind(dataset, f) for f in dataset.fields}


@lru_cache(maxsize=16)
def _formatted(dataset: Dataset, lang: str) -> dict:
    """(column, value) → the cell as shown, filled as the pages of a version are made."""
    return {}


def row_source(dataset: Dataset, row: dict) -> dict:
    """{url, publisher} of a row: its own source columns, else the metadata's one source
    (url None when there is none to link to: the page then says "no URL" beside the publisher)."""
    publisher, url = SOURCE_COLUMNS[:2]
    sources = dataset.metadata.get("sources") or []
    if url in dataset.header:
        return {"url": source_url(row.get(url, "")), "publisher": row.get(publisher, "")}
    return {"url": source_url(sources[0].get("url")) if len(sources) == 1 else None,
            "publisher": "; ".join(str(s.get("publisher", "")) for s in sources)}


def _column_lang(name: str, data_lang: str) -> str:
    """A column named '<something>_<language code>' holds text in that language."""
    suffix = name.rsplit("_", 1)[-1] if "_" in name else ""
    return suffix if suffix in paths.languages() else data_lang


def value_columns(dataset: Dataset, kinds: dict) -> set[str]:
    """The columns that hold the figures (linked to their source): the number columns, else
    the integer columns that are not years or in the primary key (a month, a year or an id
    is not a figure anyone cites)."""
    numbers = {name for name, kind in kinds.items() if kind == "number"}
    return numbers or {name for name, kind in kinds.items()
                       if kind == "integer" and name not in dataset.primary_key}


def _kind(dataset: Dataset, field: dict) -> str:
    kind = field.get("type", "string")
    if kind == "integer":
        values = [row.get(field.get("name"), "") for row in dataset.rows]
        numbers = [int(v) for v in values if v and v.lstrip("-").isdigit()]
        if numbers and all(n in YEARS for n in numbers):
            return "year"
    if kind == "string" and field.get("format") == "uri":
        return "uri"
    return kind


def _cell(dataset: Dataset, column: str, value: str, kind: str | None, lang: str) -> dict:
    """{text, href, language}: language "" = the column's."""
    cell = {"text": value, "href": None, "language": ""}
    if value in ("", None):
        return cell
    label = dataset.code_label(column, value, lang)
    if label != value:
        return dict(cell, text=label, language=lang)
    if kind in ("number", "integer"):
        return dict(cell, text=_number(value, lang), language=lang)
    if kind == "boolean" and value.strip().lower() in ("true", "false"):
        return dict(cell, text=i18n.t(f"value.{value.strip().lower()}", lang), language=lang)
    if kind == "date":
        try:
            return dict(cell, text=i18n.date(dt.date.fromisoformat(value), lang), language=lang)
        except ValueError:
            return cell
    if kind == "uri" and source_url(value):
        return dict(cell, href=value, text=value if len(value) <= 40 else value[:39] + "…")
    return cell


def _number(value: str, lang: str) -> str:
    """A number as written, in the page's language: its decimals kept, thousands grouped."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    if not number.is_finite():
        return value
    decimals = max(0, -number.as_tuple().exponent) if "." in value else 0
    return i18n.number(number, lang, decimals)


# --- the directory, browsed without a script -----------------------------------------------

def field_groups(directory) -> list[dict]:
    """The fields that at least one institution teaches, in label order (of the default
    language), each with its page and its institutions: [{code, labels, page, items}].
    A code that cannot be a path segment gets a slug of it (numbered when two meet)."""
    if directory is None or not directory.has_fields:
        return []
    items: dict[str, list] = {}
    for item in directory.institutions:
        for code in item.bidang:
            items.setdefault(code, []).append(item)
    labels = directory.field_labels
    first = paths.default_language()
    groups, used = [], set()
    for code in sorted(items, key=lambda c: (labels[first].get(c, c).casefold(), c)):
        slug = code if paths.is_safe(code) else (slugify(code) or "bidang")
        while slug in used or not paths.is_safe(slug):
            slug = f"{slugify(slug) or 'bidang'}-{len(used) + 1}"
        used.add(slug)
        groups.append({"code": code, "labels": {lang: labels[lang].get(code, code) for lang in labels},
                       "page": paths.field_page(directory.name, slug), "items": items[code]})
    return groups


# --- conflicts: every figure kept beside the preferred one -----------------------------------

def conflicts(dataset: Dataset, lang: str) -> list[dict] | None:
    """Every row whose preferred-figure column says false, in the data's order, with its value,
    source and note (why it is not the preferred one) and the preferred row of the same point
    (metadata `conflicts.point`; an empty cell agrees with any value). None: the dataset has no
    preferred-figure column."""
    from .figures import PREFERRED_COLUMN
    from .permalinks import row_target

    if PREFERRED_COLUMN not in dataset.header or dataset.field(PREFERRED_COLUMN).get("type") != "boolean":
        return None
    declared = dataset.metadata.get("conflicts") or {}
    point, note = declared.get("point") or [], declared.get("note")
    value = _value_column(dataset)
    pairs = list(zip(dataset.rows, dataset.records, strict=True))
    preferred = [raw for raw, typed in pairs if typed.get(PREFERRED_COLUMN) is True]
    found = []
    for raw, typed in pairs:
        if typed.get(PREFERRED_COLUMN) is not False:
            continue
        same = [p for p in preferred if point and all(
            raw.get(c, "") == p.get(c, "") or "" in (raw.get(c, ""), p.get(c, "")) for c in point)]
        found.append({"row": _shown(dataset, raw, value, declared.get("unit"), lang, row_target),
                      "note": raw.get(note, "") if note else "",
                      "what": " · ".join(dataset.code_label(c, raw[c], lang) for c in point if raw.get(c)),
                      "preferred": _shown(dataset, same[0], value, declared.get("unit"), lang,
                                                  row_target) if len(same) == 1 else None})
    return found


def _value_column(dataset: Dataset) -> str | None:
    """The figure's column: the first column of type number (else integer) that is not a year."""
    for kind in ("number", "integer"):
        for f in dataset.fields:
            if f.get("type") == kind and _kind(dataset, f) == kind:
                return f.get("name")
    return None


def _shown(dataset: Dataset, raw: dict, value: str | None, unit: str | None, lang: str,
           row_target) -> dict:
    text = _cell(dataset, value, raw.get(value, ""), "number", lang)["text"] if value else ""
    if unit and raw.get(unit):
        text = f"{text} {dataset.code_label(unit, raw[unit], lang)}".strip()
    return dict(row_source(dataset, raw), text=text, target=row_target(dataset, dataset.version, raw),
                label=" · ".join(str(raw.get(c, "")) for c in dataset.primary_key))
