"""What a spreadsheet runs as a formula when a published CSV is opened in it: text starting
with = + - @ (or a tab or carriage return before one), unless it is a plain signed number, a
phone number written without spaces ("+62254123456") or a lone "-".

The cells of a dataset are checked by the table validator (validate/tables.py); this checks
what metadata adds to a chart's CSV (code labels, lookup labels, titles): a code label
"=HYPERLINK(...)" made a live formula in grafik/*.csv.
"""

from __future__ import annotations

import re

from .problems import Problem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_LIKE = re.compile(r"[+-][0-9.,]*")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not NUMBER_LIKE.fullmatch(text)


def chart_formulas(data, keys: list[str], chart_id: str, lang: str, where: dict) -> list[Problem]:
    """A problem for every text of a chart's CSV (the columns `keys` of its records) that a
    spreadsheet would run."""
    found = sorted({value for record in data.records for key in keys
                    if isinstance(value := record.get(key), str) and formula_like(value)})
    return [Problem(code="chart_formula", **where,
                    params={"chart": chart_id, "lang": lang, "language": lang,
                            "text": text[:30].replace("\t", "TAB").replace("\r", "CR")})
            for text in found]
