"""Problems → GitHub Actions workflow commands (`opendata validate --format github`).

    ::error file=datasets/lpks/lpks.csv,line=6,col=41,title=kolom bidang / column bidang::Nilai ...

GitHub shows each as an annotation on the pull request's line. `file` is relative to the
repository (a site in a subfolder gets the folder in front), `line` is the line in the file
(a CSV row that follows a cell with a line break starts lower than its row number), `col`
the character where the cell starts. Escaping follows GitHub's toolkit (`@actions/core`):
in the message `%`, CR and LF; in a property also `:` and `,`. Every text first goes through
`report.printable`, so the only line break left is the one between languages.
"""

from __future__ import annotations

import csv
import io
import re

from .. import history, i18n
from ..problems import Problem
from . import report

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(problem: Problem, choice: str = "both", prefix: str = "",
            csv_bytes: bytes | None = None) -> str:
    """One workflow command: `::error` for an error, `::warning` for a warning."""
    languages = report.languages_of(choice)
    line, col = problem.row, None
    if csv_bytes is not None and problem.row and problem.column:
        line, col = locate(csv_bytes, problem.row, problem.column)
    properties = {"file": prefix + report.printable(problem.file), "line": line, "col": col,
                  "title": " / ".join(dict.fromkeys(_title(problem, lang) for lang in languages))}
    shown = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value)
    text = "\n".join(f"{report.printable(report.message(problem, lang))} "
                     f"{report.printable(report.action(problem, lang))}" for lang in languages)
    kind = "error" if problem.is_error else "warning"
    return f"::{kind} {shown}::{escape_data(text)}"


def _title(problem: Problem, lang: str) -> str:
    if problem.column:
        return report.subject(problem, lang)
    return i18n.t("report.problem", lang)


def render(problems: list[Problem], choice: str = "both", dataset_count: int = 0,
           prefix: str = "", files: dict[str, bytes] | None = None) -> str:
    """Every problem as a workflow command, then the summary as plain lines for the log.
    `files` maps a CSV's path to its bytes, to place an annotation on its line and column."""
    files = files or {}
    commands = [command(p, choice, prefix, files.get(p.file)) for p in problems]
    return "\n".join([*commands, *report.summary(problems, choice, dataset_count)])


def repository_prefix(root) -> str:
    """The site's folder inside its git repository ('' at the top, 'examples/contoh/' for
    a site in a subfolder): annotation paths are relative to the repository."""
    found = history.git(root, "rev-parse", "--show-prefix")
    return found.strip() if found else ""


def locate(data: bytes, row: int, column: str) -> tuple[int, int | None]:
    """(line, column) in the file where the cell of CSV row `row` (1 = header) and column
    `column` starts; (row, None) when the row or the column is not there."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or column not in header or row < 2:
        return row, None
    previous = reader.line_num
    for number, _ in enumerate(reader, start=2):
        if number == row:
            break
        previous = reader.line_num
    else:
        return row, None
    line = previous + 1          # the record starts on the line after the one before it
    offset = 0
    for count, found in enumerate(_LINE_BREAK.finditer(text), start=2):
        if count > line:
            break
        offset = found.end()
    return _cell_start(text, offset, header.index(column), line, row)


def _cell_start(text: str, offset: int, index: int, line: int, row: int) -> tuple[int, int | None]:
    """Walk one CSV record from its first character to the start of field `index`."""
    field, col, quoted, position = 0, 1, False, offset
    while position < len(text) and field < index:
        char = text[position]
        position += 1
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            field += 1
        elif char in "\r\n":
            if not quoted:
                break
            if char == "\r" and text[position:position + 1] == "\n":
                position += 1
            line, col = line + 1, 0
        col += 1
    return (line, col) if field == index else (row, None)
