"""An accepted issue → one new row of a dataset's CSV: `opendata add-row`.

    opendata add-row --dataset NAME [--set COLUMN=VALUE ...] [--form FILE] [--dry-run] ISSUE

ISSUE is the issue's body as GitHub renders an issue form (`gh issue view N --json body -q
.body > issue.txt`; `-` reads it from standard input): `### <label>`, a blank line, the
answer, with `_No response_` for an empty one. The form (`.github/ISSUE_TEMPLATE/*.yml`, the
one whose labels the headings are; or `--form`) says which column each label fills: a field's
`id` is the column's name. A dropdown option is written `<code> — <label>`, and the cell gets
the code; the selections of a multiple dropdown are joined by the separator the metadata
declares for that column (`list_references`). Columns the form does not ask (the key, a
confidence the maintainer judges) come from `--set`.

Nothing is guessed: an unknown heading, an answer that is not an option, a required column
left empty, an existing key, a number that does not parse, several lines, a control
character, each is refused with the issue's line, the field and what to do, and nothing is
written. Otherwise the row is appended (the whole file is written canonically: UTF-8, `\\n`,
commas, the schema's column order) and printed; `opendata validate` decides the rest.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from slugify import slugify

from . import i18n, yamlsafe
from .catalog import Dataset, load_catalog
from .problems import Problem
from .table import canonical_csv, converter
from .validate import report

NO_RESPONSE = ("_No response_", "None")      # GitHub's text for an empty answer
OPTION = " — "                                 # an option is "<code> — <label>"
FORMS = (".github", "ISSUE_TEMPLATE")
_HEADING = re.compile(r"^### (.*?)[ \t]*$", re.M)


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str                   # input, textarea, dropdown, checkboxes
    options: tuple[str, ...] = ()
    multiple: bool = False


@dataclass(frozen=True)
class Answer:
    label: str
    text: str
    line: int                   # the heading's line in the issue


def parse_body(text: str) -> list[Answer]:
    """The `### label` sections of a rendered issue form, in order."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = list(_HEADING.finditer(text))
    answers = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        answer = text[match.end():end].strip("\n").strip()
        line = text.count("\n", 0, match.start()) + 1
        answers.append(Answer(match.group(1).strip(), answer, line))
    return answers


def load_form(path: Path) -> tuple[Field, ...]:
    """The answerable fields of an issue form (markdown blocks and malformed items left
    out); YamlError or OSError when the file cannot be read."""
    form = yamlsafe.load(path.read_bytes())
    body = form.get("body") if isinstance(form, dict) else None
    fields = []
    for item in body if isinstance(body, list) else []:
        attributes = item.get("attributes") if isinstance(item, dict) else None
        if not isinstance(attributes, dict) or item.get("type") == "markdown" or not item.get("id"):
            continue
        options = attributes.get("options")
        options = tuple(str(o) for o in options if not isinstance(o, dict)) \
            if isinstance(options, list) else ()
        fields.append(Field(str(item["id"]), str(attributes.get("label", "")), str(item.get("type")),
                            options, bool(attributes.get("multiple"))))
    return tuple(fields)


def forms(root: Path) -> dict[Path, tuple[Field, ...]]:
    folder = root.joinpath(*FORMS)
    found = {}
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else ():
        try:
            fields = load_form(path)
        except (OSError, yamlsafe.YamlError):
            continue
        if fields:
            found[path] = fields
    return found


class Refused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def new_row(dataset: Dataset, fields: tuple[Field, ...], answers: list[Answer], where: str,
            settings: dict[str, str] | None = None) -> dict[str, str]:
    """The row the answers (and the maintainer's `--set` values) make; Refused, with every
    problem at once, when any answer cannot become its cell without a guess."""
    problems: list[Problem] = []

    def refuse(code: str, column: str | None = None, line: int | None = None, **params):
        problems.append(Problem(file=where, code=code, row=line, column=column,
                                params={"column": column or "", **params}))

    columns = [f.get("name") for f in dataset.fields]
    if tuple(columns) != dataset.header:
        refuse("add_row_header", file=dataset.csv_file)
        raise Refused(problems)
    settings = settings or {}
    by_label = {f.label: f for f in fields}
    row, lines = dict.fromkeys(columns, ""), {}
    for answer in answers:
        field = by_label.get(answer.label)
        if field is None:
            refuse("add_row_heading_unknown", answer.label, answer.line, label=answer.label)
        elif field.id in row and field.id not in settings:    # --set overrides an answer
            lines[field.id] = answer.line
            value = _cell(dataset, field, answer, refuse)
            if value is not None:
                row[field.id] = value
    row.update(settings)
    asked = {f.id: f for f in fields}
    for column in columns:
        _check(dataset, column, row, asked.get(column), lines.get(column), refuse)
    key = dataset.primary_key
    if key and all(row.get(c) for c in key) and \
            any(all(r.get(c) == row[c] for c in key) for r in dataset.rows):
        refuse("add_row_key_exists", ", ".join(key), value=" · ".join(row[c] for c in key),
               file=dataset.csv_file)
    if problems:
        raise Refused(problems)
    return row


def _cell(dataset: Dataset, field: Field, answer: Answer, refuse) -> str | None:
    text = "" if answer.text in NO_RESPONSE else answer.text
    if "\n" in text:
        refuse("add_row_multiline", field.id, answer.line)
        return None
    if field.kind != "dropdown" or not text:
        return text
    chosen = text.split(", ") if field.multiple else [text]
    unknown = [c for c in chosen if c not in field.options]
    if unknown:
        refuse("add_row_option_unknown", field.id, answer.line, value=unknown[0],
               options=", ".join(o.split(OPTION)[0] for o in field.options))
        return None
    codes = [c.split(OPTION)[0].strip() for c in chosen]
    separator = _separator(dataset, field.id)
    if len(codes) > 1 and not separator:
        refuse("add_row_separator", field.id, answer.line)
        return None
    return (separator or "").join(codes)


def _separator(dataset: Dataset, column: str) -> str | None:
    declared = dataset.metadata.get("list_references") or []
    return next((str(r["separator"]) for r in declared if isinstance(r, dict)
                 and r.get("field") == column and r.get("separator")), None)


def _check(dataset: Dataset, column: str, row: dict, asked: Field | None, line: int | None,
           refuse) -> None:
    """The cell on its own: no control character, a required one filled, a number that
    parses. The rest (patterns, codes, keys into other datasets) is `validate`'s."""
    value, field = row[column], dataset.field(column)
    odd = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if odd is not None:
        refuse("add_row_control", column, line, char=report.printable(odd))
    elif (field.get("constraints") or {}).get("required") and not value.strip():
        if asked is None:
            refuse("add_row_not_in_form", column, example=_example(dataset, column, row))
        else:
            refuse("add_row_required", column, line, label=asked.label)
    elif value and field.get("type") in ("number", "integer", "year", "date") \
            and converter(field)(value) is None:
        refuse("add_row_type", column, line, value=value, type=field["type"])


def _example(dataset: Dataset, column: str, row: dict) -> str:
    """What `--set` could say: one of a coded column's codes; for the key, the directory's
    name as an identifier (`LPK Maju Jaya` → `lpk_maju_jaya`)."""
    enum = (dataset.field(column).get("constraints") or {}).get("enum")
    if enum:
        return "|".join(map(str, enum))
    name = (dataset.metadata.get("directory") or {}).get("name")
    if dataset.primary_key == (column,) and name and row.get(name):
        return slugify(row[name], separator="_")[:60] or "…"
    return "…"


def command(args) -> int:
    languages = report.languages_of(args.lang)
    catalog = load_catalog(args.root)
    where = "-" if args.issue == "-" else args.issue
    dataset = catalog.get(args.dataset)
    try:
        if dataset is None:
            raise Refused([Problem(file=where, code="add_row_dataset_unknown",
                                   params={"name": args.dataset, "names": ", ".join(catalog.names)})])
        settings, problems = _settings(dataset, args.set or [])
        answers = parse_body(_read(args.issue, where))
        try:
            row = new_row(dataset, _form(args, catalog.project.root, answers, where), answers,
                          where, settings)
        except Refused as refused:
            raise Refused(problems + refused.problems) from None
        if problems:
            raise Refused(problems)
    except Refused as refused:
        found = sorted(refused.problems, key=Problem.sort_key)
        print(report.render(found, args.lang, command="add-row"), file=sys.stderr)
        return 1
    header = [f["name"] for f in dataset.fields]
    line = canonical_csv(header, [row]).decode("utf-8").split("\n", 1)[1]
    if not args.dry_run:
        target = catalog.project.csv_path(dataset.name)
        target.write_bytes(canonical_csv(header, [*dataset.rows, row]))
    print(line, end="")
    for lang in languages:
        print(i18n.t("add_row.done" if not args.dry_run else "add_row.dry_run", lang,
                     file=dataset.csv_file, metadata=dataset.metadata_file), file=sys.stderr)
    return 0


def _read(issue: str, where: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if issue == "-" else Path(issue).read_bytes()
        return raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise Refused([Problem(file=where, code="add_row_unreadable",
                               detail=str(error)[:200])]) from error


def _form(args, root: Path, answers: list[Answer], where: str) -> tuple[Field, ...]:
    """The form named by --form, or the one form whose labels match the most headings (the
    headings it does not have are then named one by one)."""
    if args.form:
        try:
            return load_form(Path(args.form))
        except (OSError, yamlsafe.YamlError):
            raise Refused([Problem(file=args.form, code="add_row_form_unreadable")]) from None
    labels = {a.label for a in answers}
    scored = sorted(((len(labels & {f.label for f in fields}), fields)
                     for fields in forms(root).values()), key=lambda pair: -pair[0])
    best = [fields for score, fields in scored if score and score == scored[0][0]]
    if len(best) != 1:
        raise Refused([Problem(file=where, code="add_row_form_unknown",
                               params={"count": len(best)})])
    return best[0]


def _settings(dataset: Dataset, pairs: list[str]) -> tuple[dict[str, str], list[Problem]]:
    settings, problems = {}, []
    for pair in pairs:
        column, equals, value = pair.partition("=")
        if not equals or column not in dataset.header:
            problems.append(Problem(file="--set", code="add_row_set_invalid",
                                    params={"value": pair, "file": dataset.csv_file}))
        else:
            settings[column] = value
    return settings, problems
