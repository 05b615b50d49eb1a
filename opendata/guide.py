"""The guide for data staff (*Panduan staf data*): the errors it explains come from the message
catalogue itself, one line per code, so the guide cannot drift from what the commands print.

A message is split into text and identifiers (`temporal.column`, `sumber_url`, `--yes`):
the page shows identifiers as code, marked as no language, since they are the same words in
every language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import i18n

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
IDENTIFIER = re.compile(r"--[a-z][a-z-]*|[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\.[a-z_…]{2,})*"
                        r"|[a-z_]{2,}(?:\.[a-z_…]{2,})+")
IMPORT_PREFIX = "import_"


@dataclass(frozen=True)
class Explained:
    code: str
    problem: tuple[tuple[str, bool], ...]   # (text, is an identifier): what is wrong, its
    action: tuple[tuple[str, bool], ...]    # {placeholders} shown as "…"; what to do


def errors(lang: str) -> tuple[tuple[Explained, ...], tuple[Explained, ...]]:
    """Every problem code of the catalogue with its action: (those of `opendata import`,
    those of `opendata validate` and `opendata release`), each in catalogue order."""
    catalogue = i18n.catalogue()
    found = [Explained(key[len("problem."):], _plain(i18n.t(key, lang)),
                       _plain(i18n.t("action." + key[len("problem."):], lang)))
             for key in catalogue if key.startswith("problem.")
             and "action." + key[len("problem."):] in catalogue]
    return (tuple(e for e in found if e.code.startswith(IMPORT_PREFIX)),
            tuple(e for e in found if not e.code.startswith(IMPORT_PREFIX)))


def _plain(text: str) -> tuple[tuple[str, bool], ...]:
    text = PLACEHOLDER.sub("…", str(text))
    parts, position = [], 0
    for match in IDENTIFIER.finditer(text):
        parts += [(text[position:match.start()], False), (match.group(0), True)]
        position = match.end()
    parts.append((text[position:], False))
    return tuple(part for part in parts if part[0])
