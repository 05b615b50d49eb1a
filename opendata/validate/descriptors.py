"""Metadata and schemas against their own rules, and against each other.

Every check here reads the descriptors defensively: a metadata file that breaks its JSON
Schema (a list where a mapping belongs, a number for a text) is reported once by the schema
check, and the other checks skip what they cannot read instead of failing.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from frictionless import Schema
from jsonschema import Draft202012Validator

from .. import cache, i18n, paths, project
from ..catalog import Catalog, Dataset
from ..dates import is_partial_date
from ..problems import Problem

METADATA_SCHEMA = project.PACKAGE / "jsonschemas" / "metadata.schema.json"


@lru_cache(maxsize=1)
def _metadata_validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(METADATA_SCHEMA.read_text(encoding="utf-8")))


def validate_descriptors(catalog: Catalog) -> list[Problem]:
    problems = _catalogue_problems(catalog)
    for dataset in catalog.datasets:   # in a build, kept in the build cache by content
        problems += cache.memo("descriptors", dataset.name, (dataset, catalog.project),
                               lambda dataset=dataset: dataset_problems(dataset))
    return problems


def dataset_problems(dataset: Dataset) -> list[Problem]:
    """The rules of one dataset's metadata and schema."""
    return (_metadata_problems(dataset) + _schema_problems(dataset) + _column_problems(dataset)
            + _code_problems(dataset) + _temporal_problems(dataset) + _date_problems(dataset)
            + _count_problems(dataset)
            + control_problems(dataset.metadata, dataset.metadata_file)
            + control_problems(dataset.schema, dataset.schema_file))


# C0 controls but tab, line feed and carriage return, DEL, C1 controls: no reader sees them,
# a terminal obeys them, and XML cannot hold them (vl-convert aborted the whole process on a
# NUL in a chart title: no message, no traceback, no site)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problems(value, file: str) -> list[Problem]:
    """A problem for every text (or key) of a descriptor that holds a control character."""
    problems, stack = [], [((), value)]
    while stack:
        where, item = stack.pop()
        children = (item.items() if isinstance(item, dict)
                    else enumerate(item) if isinstance(item, list) else ())
        for key, child in children:
            stack.append(((*where, key), child))
        texts = [item] if isinstance(item, str) else [k for k in item if isinstance(k, str)] \
            if isinstance(item, dict) else []
        for text in texts:
            found = CONTROL.search(text)
            if found:
                path = "/".join(str(part) for part in where)
                problems.append(Problem(file=file, code="text_control_character",
                                        column=CONTROL.sub("?", path)[:80] or None,
                                        params={"char": f"U+{ord(found.group()):04X}"}))
    return sorted(problems, key=Problem.sort_key)


def _date_problems(dataset: Dataset) -> list[Problem]:
    """Dates in metadata that match their pattern but are not in the calendar (2023-02-30)."""
    sources = dataset.metadata.get("sources")
    found = [(f"sources/{i}/{key}", source.get(key))
             for i, source in enumerate(sources if isinstance(sources, list) else [])
             if isinstance(source, dict) for key in ("page_date", "accessed")]
    found += [(key, dataset.metadata.get(key)) for key in ("released", "next_update")]
    return [Problem(file=dataset.metadata_file, code="date_impossible", column=where,
                    params={"cell": str(value)[:40]})
            for where, value in found
            if isinstance(value, str) and value and not is_partial_date(value)]


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


FROM_CONFIG = {"site.name": "name", "site.description": "description", "site.copyright": "copyright"}


def _missing(active: project.Project, key: str, lang: str) -> Problem:
    """A text with no translation, named where it is written: site.yml for the site's name,
    description and copyright line, else the site's messages.yml or the package's."""
    params = {"key": key, "lang": lang, "language": lang}
    if key in FROM_CONFIG:
        return Problem(file=project.CONFIG_FILE, code="translation_missing",
                       column=FROM_CONFIG[key], params=params)
    return Problem(file=active.relative(active.messages_file) if key in active.messages
                   else "opendata/messages.yml", code="translation_missing", column=key,
                   params=params)


def _catalogue_problems(catalog: Catalog) -> list[Problem]:
    active = catalog.project
    own = active.messages
    return [
        _missing(active, key, lang) for key, lang in i18n.missing_translations(active.config.languages)
        # the copyright line falls back to the description: one problem, not two
        if not (key == "site.copyright" and not (active.config.copyright or {}).get(lang))
    ] + control_problems(active.config.raw, project.CONFIG_FILE) + control_problems(
        own, project.MESSAGES_FILE)


def _metadata_problems(dataset: Dataset) -> list[Problem]:
    problems = [
        Problem(file=dataset.metadata_file, code="metadata_invalid",
                column="/".join(str(p) for p in error.absolute_path)[:80] or None,
                params={"message": error.message[:300],
                        "path": ".".join(str(p) for p in error.absolute_path)[:80] or "(root)"})
        for error in sorted(_metadata_validator().iter_errors(dataset.metadata), key=str)
    ]
    found = dataset.metadata.get("name")
    if found != dataset.name:
        problems.append(Problem(file=dataset.metadata_file, code="metadata_name_mismatch",
                                column="name", params={"found": str(found)[:80], "name": dataset.name}))
    return problems


def _schema_problems(dataset: Dataset) -> list[Problem]:
    try:
        report = Schema.validate_descriptor(dataset.schema)
    except Exception as error:  # noqa: BLE001 - frictionless raises many kinds on odd input
        return [Problem(file=dataset.schema_file, code="schema_invalid",
                        params={"message": str(error)[:300]})]
    problems = [
        Problem(file=dataset.schema_file, code="schema_invalid",
                params={"message": (error.note or error.message)[:300]}, detail=error.message[:300])
        for error in report.errors
    ]
    return problems


def _column_problems(dataset: Dataset) -> list[Problem]:
    described = dataset.metadata.get("columns")
    if not isinstance(described, dict):
        return []
    problems = []
    for column in dataset.header:
        for lang in paths.languages():
            text = _mapping(described.get(column)).get(lang)
            if not (isinstance(text, str) and text.strip()):
                problems.append(Problem(
                    file=dataset.metadata_file, code="column_not_described", column=column,
                    params={"column": column, "lang": lang, "language": lang}))
    for column in described:
        if column not in dataset.header:
            problems.append(Problem(file=dataset.metadata_file, code="column_unknown",
                                    column=str(column)[:80], params={"column": str(column)[:80]}))
    return problems


def _count_problems(dataset: Dataset) -> list[Problem]:
    """`counts` names columns of the CSV (its shape is the JSON Schema's to check)."""
    counts = dataset.metadata.get("counts")
    named = [(c.get("column"), list(c.get("when") or {}) if isinstance(c.get("when"), dict) else [])
             for c in counts if isinstance(c, dict)] if isinstance(counts, list) else []
    return [Problem(file=dataset.metadata_file, code="counts_column_unknown", column="counts",
                    params={"column": str(name)[:80]})
            for column, when in named for name in [column, *when]
            if isinstance(name, str) and name not in dataset.header]


def _code_problems(dataset: Dataset) -> list[Problem]:
    codes = _mapping(dataset.metadata.get("codes"))
    problems = []
    for field in dataset.fields:
        column = str(field.get("name", ""))
        enum = _mapping(field.get("constraints")).get("enum") or []
        for code in enum if isinstance(enum, list) else []:
            labels = _mapping(_mapping(codes.get(column)).get(code))
            for lang in paths.languages():
                if not (isinstance(labels.get(lang), str) and labels[lang].strip()):
                    problems.append(Problem(
                        file=dataset.metadata_file, code="code_without_label", column=column,
                        params={"code": str(code)[:80], "column": column, "lang": lang,
                                "language": lang}))
    return problems


def _temporal_problems(dataset: Dataset) -> list[Problem]:
    """temporal.column names the year column the declared start and end must match, so the
    time coverage published in schema.org and DCAT is the data's, not a guess."""
    temporal = dataset.metadata.get("temporal")
    if not isinstance(temporal, dict) or not temporal.get("column"):
        return []
    column = str(temporal["column"])
    if not dataset.field(column) or column not in dataset.header:
        return [Problem(file=dataset.metadata_file, code="temporal_column_unknown",
                        column=column[:80], params={"column": column[:80]})]
    years = sorted({int(v) for v in (str(v or "").strip() for v in set(dataset.table.column(column)))
                    if re.fullmatch(r"[0-9]{1,4}", v)})  # other cells are the schema's to report
    if not years or (temporal.get("start"), temporal.get("end")) == (years[0], years[-1]):
        return []
    return [Problem(file=dataset.metadata_file, code="temporal_mismatch", column=column,
                    params={"column": column, "start": temporal.get("start"),
                            "end": temporal.get("end"), "first": years[0], "last": years[-1]})]
