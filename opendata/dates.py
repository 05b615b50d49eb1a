"""Dates as sources give them: a year, a month or a day (`2025`, `2025-11`, `2025-11-24`),
and only real ones (no 2023-02-30, no month 13)."""

from __future__ import annotations

import datetime as dt
import re

PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def partial_date(text) -> tuple[int, ...] | None:
    """(year,), (year, month) or (year, month, day) when `text` is a real partial date."""
    match = PARTIAL.fullmatch(str(text or ""))
    if not match:
        return None
    parts = tuple(int(p) for p in match.groups() if p is not None)
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return parts


def is_partial_date(text) -> bool:
    return partial_date(text) is not None
