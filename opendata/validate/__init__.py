"""Validation: every check yields Problems; the caller prints one report and exits once.

`validate(catalog)` runs the descriptor checks (metadata and schemas against their rules)
and the table checks (rows against schemas, foreign keys across datasets). The table
validator is a parameter so a faster one with the same errors can replace frictionless.
"""

from __future__ import annotations

from .. import charts, releases
from ..catalog import Catalog
from ..problems import Problem
from . import descriptors, tables


def validate(catalog: Catalog, table_validator=tables.validate_tables) -> list[Problem]:
    problems = list(catalog.problems)
    problems += descriptors.validate_descriptors(catalog)
    problems += table_validator(catalog)
    problems += releases.changed_releases(catalog)  # a released version's CSV never changes
    problems += charts.check(catalog)  # charts name datasets and columns that exist
    return sorted(problems, key=Problem.sort_key)
