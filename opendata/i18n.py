"""The message catalogue and language-aware formatting (Babel, not hand-written rules)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import yaml
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from . import paths

CATALOGUE_FILE = paths.PACKAGE / "messages.yml"
CELLS_FILE = paths.PACKAGE / "messages_cells.yml"  # the fast table validator's own checks
LOCALES = {"id": "id_ID", "en": "en_GB"}
_PERCENT = {"id": "#,##0.{decimals} %", "en": "#,##0.{decimals}%"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    texts = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return {**yaml.safe_load(CELLS_FILE.read_text(encoding="utf-8")), **texts}


def t(key: str, lang: str, /, **params) -> str:
    """The text of `key` in `lang`, filled with `params`. A missing key is a bug: KeyError."""
    text = catalogue()[key][lang]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in catalogue()


def missing_translations(languages=paths.LANGUAGES) -> list[tuple[str, str]]:
    """(key, language) pairs with no text: validation reports them."""
    return [
        (key, lang)
        for key, texts in catalogue().items()
        for lang in languages
        if not isinstance(texts, dict) or not str(texts.get(lang) or "").strip()
    ]


def number(value, lang: str, decimals: int | None = None) -> str:
    """9.26 → '9,26' (id) / '9.26' (en); integers get thousands separators (27.125 / 27,125)."""
    if value is None:
        return ""
    if decimals is None:
        decimals = _decimals_of(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=LOCALES[lang])


def percent(value, lang: str, decimals: int | None = None) -> str:
    """A value already in percent (9.26) → '9,26 %' (id) / '9.26%' (en)."""
    if value is None:
        return ""
    if decimals is None:
        decimals = _decimals_of(value)
    pattern = _PERCENT[lang].format(decimals="0" * decimals).replace(".%", "%").replace(". %", " %")
    if not decimals:
        pattern = pattern.replace(".", "")
    return babel_numbers.format_percent(float(value) / 100, format=pattern, locale=LOCALES[lang])


def date(value, lang: str) -> str:
    """'2025-11-26' → '26 November 2025'; a partial date keeps its precision ('November 2025')."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return babel_dates.format_date(value, format="d MMMM y", locale=LOCALES[lang])
    text = str(value)
    parts = text.split("-")
    if len(parts) == 3:
        return date(dt.date.fromisoformat(text), lang)
    if len(parts) == 2:
        day = dt.date(int(parts[0]), int(parts[1]), 1)
        return babel_dates.format_date(day, format="LLLL y", locale=LOCALES[lang])
    return text


def _decimals_of(value) -> int:
    if isinstance(value, int):
        return 0
    text = f"{float(value):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
