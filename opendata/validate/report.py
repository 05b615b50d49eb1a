"""Problems → what a person reads in a terminal, in Indonesian, English or both.

One line per problem, which a person can copy or an editor can jump to, then what to do:

    datasets/lpks/lpks.csv:6: kolom bidang: Nilai 'x' ... / column bidang: Value 'x' ...
        → Tulis ...
        → Write ...

and a summary. A path is never broken across lines. Whatever came from a file (a cell, a
name, a header) is shown through `excerpt()`: control characters are written out (`\\x1b`,
never the byte, which could clear the screen or retitle the terminal) and at most a short
excerpt of the text is shown. `github.py` writes the same problems as GitHub Actions
workflow commands; `as_records` gives them as plain data (JSON).
"""

from __future__ import annotations

import unicodedata

from .. import i18n
from ..problems import Problem

CHOICES = ("both", "id", "en")
EXCERPT = 60          # characters of a cell (or any value from a file) shown in a message
PROSE_EXCERPT = 200   # a validator's own sentence, a header, a rule: longer, still bounded
PROSE = frozenset({"message", "expected", "found", "constraint", "options"})
DETAIL_EXCERPT = 300
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})   # controls, invisible format marks


def _shown(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) not in _UNSAFE:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text) -> str:
    """`text` with every control, bidirectional or invisible character written out as an
    escape (ESC → `\\x1b`, NUL → `\\x00`, U+202E → `\\u202e`): safe to print, one line."""
    return "".join(map(_shown, str(text)))


def excerpt(text, limit: int = EXCERPT) -> str:
    """At most `limit` characters of `printable(text)`, and '…' when there was more. Stops
    reading at the limit: a 10 MB cell costs no more than a short one."""
    out, used = [], 0
    for char in str(text):
        piece = _shown(char)
        if used + len(piece) > limit:
            return "".join(out) + "…"
        out.append(piece)
        used += len(piece)
    return "".join(out)


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
    # every value that came from a file is shown as a short, printable excerpt
    return {key: excerpt(value, PROSE_EXCERPT if key in PROSE else EXCERPT)
            if isinstance(value, str) else value for key, value in params.items()}


def languages_of(choice: str) -> tuple[str, ...]:
    return ("id", "en") if choice == "both" else (choice,)


def where(problem: Problem) -> str:
    """`file:row`, or `file` when the problem is about the whole file: the text an editor
    or a search box takes. Never cut, never wrapped."""
    file = printable(problem.file)
    return f"{file}:{problem.row}" if problem.row else file


def statement(problem: Problem, lang: str) -> str:
    """'kolom bidang: <what is wrong>' in one language (a warning says so first)."""
    parts = []
    if not problem.is_error:
        parts.append(i18n.t("report.warning", lang))
    if problem.column:
        parts.append(subject(problem, lang))
    return ": ".join([*parts, printable(message(problem, lang))])


def subject(problem: Problem, lang: str) -> str:
    """What in the file the problem is about: 'kolom bidang' in a CSV; in metadata or a
    schema the key or column as named there."""
    name = excerpt(problem.column, PROSE_EXCERPT)
    return i18n.t("report.in_column", lang, column=name) if problem.file.endswith(".csv") else name


def lines(problem: Problem, choice: str = "both") -> list[str]:
    """The problem's line, then one indented line per language with what to do."""
    languages = languages_of(choice)
    head = f"{where(problem)}: " + " / ".join(statement(problem, lang) for lang in languages)
    return [head, *(f"    → {printable(action(problem, lang))}" for lang in languages)]


SUMMARIES = {"validate": "report.summary_validate", "build": "report.summary",
             "add-row": "report.summary_add_row"}


def render(problems: list[Problem], choice: str = "both", dataset_count: int = 0,
           command: str = "validate") -> str:
    """Every problem, then a summary. `command` says what was run: `validate` checks and
    builds nothing; `build` stopped before writing anything when there were errors;
    `add-row` wrote nothing. When only warnings remain (history that cannot be fixed), the
    datasets are valid."""
    body = [line for problem in problems for line in lines(problem, choice)]
    return "\n".join([*body, *summary(problems, choice, dataset_count, command)])


def summary(problems: list[Problem], choice: str = "both", dataset_count: int = 0,
            command: str = "validate") -> list[str]:
    languages = languages_of(choice)
    errors = [p for p in problems if p.is_error]
    if errors:
        key = SUMMARIES.get(command, "report.summary_validate")
        files = len({p.file for p in errors})
        return [i18n.t(key, lang, count=len(errors), files=files) for lang in languages]
    warned = [i18n.t("report.warnings", lang, count=len(problems)) for lang in languages]
    return [*(warned if problems else []),
            *(i18n.t("report.ok", lang, count=dataset_count) for lang in languages)]


def as_records(problems: list[Problem]) -> list[dict]:
    """The same problems as plain data (for JSON output and the public quality report)."""
    return [
        {"file": p.file, "row": p.row, "column": p.column, "code": p.code,
         "message_id": message(p, "id"), "message_en": message(p, "en"),
         "action_id": action(p, "id"), "action_en": action(p, "en"),
         "detail": excerpt(p.detail, DETAIL_EXCERPT) if p.detail else p.detail}
        for p in problems
    ]
