"""Metadata and schemas against their own rules, and against each other."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from frictionless import Schema
from jsonschema import Draft202012Validator

from .. import i18n, paths
from ..catalog import Catalog, Dataset
from ..problems import Problem

METADATA_SCHEMA = paths.PACKAGE / "jsonschemas" / "metadata.schema.json"


@lru_cache(maxsize=1)
def _metadata_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(METADATA_SCHEMA.read_text(encoding="utf-8")))


def validate_descriptors(catalog: Catalog) -> list[Problem]:
    problems = _catalogue_problems()
    for dataset in catalog.datasets:
        problems += _metadata_problems(dataset)
        problems += _schema_problems(dataset)
        problems += _column_problems(dataset)
        problems += _code_problems(dataset)
        problems += _temporal_problems(dataset)
    return problems


def _temporal_problems(dataset: Dataset) -> list[Problem]:
    """temporal.column names the year column the declared start and end must match, so the
    time coverage published in schema.org and DCAT is the data's, not a guess."""
    temporal = dataset.metadata.get("temporal")
    if not isinstance(temporal, dict) or not temporal.get("column"):
        return []
    column = temporal["column"]
    if not dataset.field(column) or column not in dataset.header:
        return [Problem(file=dataset.metadata_file, code="temporal_column_unknown",
                        column=column, params={"column": column})]
    years = sorted({int(v) for v in (str(r.get(column) or "").strip() for r in dataset.rows)
                    if re.fullmatch(r"[0-9]{1,4}", v)})  # other cells are the schema's to report
    if not years or (temporal.get("start"), temporal.get("end")) == (years[0], years[-1]):
        return []
    return [Problem(file=dataset.metadata_file, code="temporal_mismatch", column=column,
                    params={"column": column, "start": temporal.get("start"),
                            "end": temporal.get("end"), "first": years[0], "last": years[-1]})]


def _catalogue_problems() -> list[Problem]:
    file = paths.relative(i18n.CATALOGUE_FILE, paths.ROOT)
    return [
        Problem(file=file, code="translation_missing", column=key,
                params={"key": key, "lang": lang, "language": lang})
        for key, lang in i18n.missing_translations()
    ]


def _metadata_problems(dataset: Dataset) -> list[Problem]:
    problems = [
        Problem(file=dataset.metadata_file, code="metadata_invalid",
                column="/".join(str(p) for p in error.absolute_path) or None,
                params={"message": error.message,
                        "path": ".".join(str(p) for p in error.absolute_path) or "(root)"})
        for error in sorted(_metadata_validator().iter_errors(dataset.metadata), key=str)
    ]
    found = dataset.metadata.get("name")
    if found != dataset.name:
        problems.append(Problem(file=dataset.metadata_file, code="metadata_name_mismatch",
                                column="name", params={"found": found, "name": dataset.name}))
    return problems


def _schema_problems(dataset: Dataset) -> list[Problem]:
    report = Schema.validate_descriptor(dataset.schema)
    return [
        Problem(file=dataset.schema_file, code="schema_invalid",
                params={"message": error.note or error.message}, detail=error.message)
        for error in report.errors
    ]


def _column_problems(dataset: Dataset) -> list[Problem]:
    described = dataset.metadata.get("columns") or {}
    if not isinstance(described, dict):
        return []
    problems = []
    for column in dataset.header:
        for lang in paths.LANGUAGES:
            text = (described.get(column) or {}).get(lang) if isinstance(described.get(column), dict) else None
            if not (text and str(text).strip()):
                problems.append(Problem(
                    file=dataset.metadata_file, code="column_not_described", column=column,
                    params={"column": column, "lang": lang, "language": lang}))
    for column in described:
        if column not in dataset.header:
            problems.append(Problem(file=dataset.metadata_file, code="column_unknown",
                                    column=column, params={"column": column}))
    return problems


def _code_problems(dataset: Dataset) -> list[Problem]:
    codes = dataset.metadata.get("codes") or {}
    problems = []
    for field in dataset.fields:
        column = field.get("name", "")
        for code in (field.get("constraints") or {}).get("enum", []):
            labels = (codes.get(column) or {}).get(code) or {}
            for lang in paths.LANGUAGES:
                if not (isinstance(labels, dict) and str(labels.get(lang) or "").strip()):
                    problems.append(Problem(
                        file=dataset.metadata_file, code="code_without_label", column=column,
                        params={"code": code, "column": column, "lang": lang, "language": lang}))
    return problems
