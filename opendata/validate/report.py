"""Problems → one table a maintainer can read, in Indonesian, English or both."""

from __future__ import annotations

from tabulate import tabulate

from .. import i18n
from ..problems import Problem

CHOICES = ("both", "id", "en")


def message(problem: Problem, lang: str) -> str:
    return i18n.t(f"problem.{problem.code}", lang, **_params(problem, lang))


def action(problem: Problem, lang: str) -> str:
    return i18n.t(f"action.{problem.code}", lang, **_params(problem, lang))


def _params(problem: Problem, lang: str) -> dict:
    params = dict(problem.params)
    if "language" in params:  # a language code, named in the reader's language
        params["language"] = i18n.t(f"language.{params['language']}", lang)
    if params.get("type") and i18n.has(f"type.{params['type']}"):
        params["type"] = i18n.t(f"type.{params['type']}", lang)
    name = params.get("constraint_name")
    if name and i18n.has(f"constraint.{name}"):  # the column's rule, in the reader's words
        value = params.get("constraint_value")
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        params["constraint"] = i18n.t(f"constraint.{name}", lang, value=shown)
    return params


def render(problems: list[Problem], choice: str = "both", dataset_count: int = 0) -> str:
    """One table of every problem; when only warnings remain (history that cannot be fixed),
    the table says so and the datasets are valid."""
    languages = ("id", "en") if choice == "both" else (choice,)
    errors = [p for p in problems if p.is_error]
    if not errors:
        ok = "\n".join(i18n.t("report.ok", lang, count=dataset_count) for lang in languages)
        if not problems:
            return ok
        warned = "\n".join(i18n.t("report.warnings", lang, count=len(problems)) for lang in languages)
        return f"{_table(problems, languages)}\n{warned}\n{ok}"
    files = len({p.file for p in errors})
    summary = "\n".join(i18n.t("report.summary", lang, count=len(errors), files=files)
                        for lang in languages)
    return f"{_table(problems, languages)}\n{summary}"


def _table(problems: list[Problem], languages) -> str:
    header = [" / ".join(i18n.t(f"report.{key}", lang) for lang in languages)
              for key in ("file", "row", "column", "problem", "action")]
    rows = [
        [p.file, "" if p.row is None else p.row, p.column or "",
         "\n".join(message(p, lang) for lang in languages),
         "\n".join(action(p, lang) for lang in languages)]
        for p in problems
    ]
    return tabulate(rows, headers=header, tablefmt="grid", maxcolwidths=[28, 6, 18, 48, 48])


def as_records(problems: list[Problem]) -> list[dict]:
    """The same problems as plain data (for JSON output and the public quality report)."""
    return [
        {"file": p.file, "row": p.row, "column": p.column, "code": p.code,
         "message_id": message(p, "id"), "message_en": message(p, "en"),
         "action_id": action(p, "id"), "action_en": action(p, "en"), "detail": p.detail}
        for p in problems
    ]
