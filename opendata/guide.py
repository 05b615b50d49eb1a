"""The guide for data staff (*Panduan staf data*): the errors it explains come from the message
catalogue itself, one line per code, so the guide cannot drift from what the commands print."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import i18n

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
IMPORT_PREFIX = "import_"


@dataclass(frozen=True)
class Explained:
    code: str
    problem: str              # what is wrong, its {placeholders} shown as "…"
    action: str               # what to do


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


def _plain(text: str) -> str:
    return PLACEHOLDER.sub("…", str(text))
