"""The message catalogue and language-aware formatting (Babel, not hand-written rules)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from . import dates, project, yamlsafe

CATALOGUE_FILE = project.PACKAGE / "messages.yml"   # the package's own texts, generic
CELLS_FILE = project.PACKAGE / "messages_cells.yml"  # the table validator's cell rules
LOCALES = {"id": "id_ID", "en": "en_GB"}
_PERCENT = {"id": "#,##0.{decimals} %", "en": "#,##0.{decimals}%"}
MINUS = "\u2212"          # the minus sign of typeset text, not the hyphen-minus Babel writes


@lru_cache(maxsize=1)
def package_catalogue() -> dict[str, dict[str, str]]:
    return {**yamlsafe.load(CELLS_FILE.read_bytes()), **yamlsafe.load(CATALOGUE_FILE.read_bytes())}


def catalogue() -> dict[str, dict[str, str]]:
    """The active project's texts: the package's, the site's own messages.yml over them, and
    the site's name and description from site.yml."""
    active = project.active()
    merged = active.__dict__.get("_catalogue")   # memoised on the (immutable) project
    if merged is None:
        config = active.config
        merged = {**package_catalogue(), **active.messages,
                  "site.name": config.name, "site.description": config.description,
                  # the copyright line falls back to the description, language by language
                  "site.copyright": {lang: (config.copyright or {}).get(lang)
                                     or (config.description or {}).get(lang, "")
                                     for lang in {*(config.copyright or {}), *(config.description or {})}}}
        active.__dict__["_catalogue"] = merged
    return merged


def t(key: str, lang: str, /, **params) -> str:
    """The text of `key` in `lang`, filled with `params`. A missing key is a bug: KeyError."""
    text = catalogue()[key][lang]
    return text.format(**params) if params else text


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def fill(text: str, params: dict) -> str:
    """A text from metadata with its {name} placeholders filled in. Only plain names are
    replaced (no attribute access, no format specs): metadata is not code."""
    return PLACEHOLDER.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


def plural(key: str, lang: str, count, /, **params) -> str:
    """A text whose wording depends on a number, by the language's plural rules (Babel):
    the catalogue holds {one: ..., other: ...} for the language (or a plain text)."""
    text = catalogue()[key][lang]
    if isinstance(text, dict):
        form = Locale.parse(LOCALES[lang]).plural_form(abs(count))
        text = text.get(form) or text["other"]
    return text.format(count=number(count, lang), **params)


def plural_forms(key: str, lang: str) -> dict[str, str]:
    """The forms of a text by plural category ({"one": ..., "other": ...}; a plain text is
    every form), for a script that chooses with Intl.PluralRules (the same CLDR rules)."""
    text = catalogue()[key][lang]
    return dict(text) if isinstance(text, dict) else {"other": text}


def has(key: str) -> bool:
    return key in catalogue()


def missing_translations(languages=None) -> list[tuple[str, str]]:
    """(key, language) pairs with no text: validation reports them."""
    languages = languages or project.active().config.languages
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
    return _minus(babel_numbers.format_decimal(value, format=pattern, locale=LOCALES[lang]))


def signed(value, lang: str, decimals: int | None = None) -> str:
    """A difference, with its sign: '−2,31' / '+0,40' (the minus sign U+2212, not a hyphen)."""
    text = number(abs(value), lang, decimals)
    return (MINUS if value < 0 else "+" if value > 0 else "") + text


def percent(value, lang: str, decimals: int | None = None) -> str:
    """A value already in percent (9.26) → '9,26 %' (id) / '9.26%' (en)."""
    if value is None:
        return ""
    if decimals is None:
        decimals = _decimals_of(value)
    pattern = _PERCENT[lang].format(decimals="0" * decimals).replace(".%", "%").replace(". %", " %")
    if not decimals:
        pattern = pattern.replace(".", "")
    return _minus(babel_numbers.format_percent(float(value) / 100, format=pattern,
                                               locale=LOCALES[lang]))


def _minus(text: str) -> str:
    """'-1,15' → '−1,15': a formatted negative number starts with U+2212."""
    return MINUS + text[1:] if text.startswith("-") else text


def date(value, lang: str) -> str:
    """'2025-11-26' → '26 November 2025'; a partial date keeps its precision ('November 2025');
    text that is not a real date is shown as it is (validation reports it first)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.date):
        return babel_dates.format_date(value, format="d MMMM y", locale=LOCALES[lang])
    parts = dates.partial_date(value)
    if parts is None or len(parts) == 1:
        return str(value)
    if len(parts) == 3:
        return date(dt.date(*parts), lang)
    return babel_dates.format_date(dt.date(parts[0], parts[1], 1), format="LLLL y",
                                   locale=LOCALES[lang])


def _decimals_of(value) -> int:
    if isinstance(value, int):
        return 0
    text = f"{float(value):.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
