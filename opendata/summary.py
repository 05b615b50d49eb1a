"""What a change does to the data, against a base git ref: `opendata diff`.

    opendata diff --base REF [--markdown] [--artifact NAME] [--lang both|id|en] [--root DIR]

For every dataset whose rows or version differ between REF and the working tree: the
row-level difference (`diffs.diff`: rows added, removed, and changed cells by primary
key). As text for a terminal, or with `--markdown` as the job summary of a pull request:
the validation result (the same gate as `opendata validate`), then one table per changed
dataset. Cells are shown as excerpts and escaped (Markdown, HTML, control characters), and
tables are capped, so a pull request cannot write an unbounded or misleading summary.
The base is read from git as bytes (`history.blobs`) and typed like the working tree
(`catalog.from_bytes`).
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass
from itertools import islice

from . import diffs, history, i18n
from .catalog import NAME, Catalog, Dataset, from_bytes
from .problems import Problem
from .validate import report

MAX_CELL = 80          # characters of a cell in a table
MAX_LINES = 50         # table lines per dataset
MAX_TOTAL = 300        # table lines in the whole summary
MAX_PROBLEMS = 50      # problems listed in the summary (every one is an annotation anyway)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~$:-])")


class UnknownRef(ValueError):
    """The base is not a commit of this repository."""


@dataclass(frozen=True)
class Change:
    """One dataset that differs from the base."""
    name: str
    old: Dataset | None        # None: new, or not readable at the base
    new: Dataset | None        # None: removed, or not readable now
    diff: diffs.Diff | None

    @property
    def versions(self) -> str:
        old = self.old.version if self.old else "—"
        new = self.new.version if self.new else "—"
        return report.excerpt(old if old == new else f"{old} → {new}", 40)


def base_datasets(catalog: Catalog, ref: str) -> tuple[str, dict[str, Dataset | None]]:
    """The commit `ref` names, and every dataset as it was there (None: unreadable)."""
    project, root = catalog.project, catalog.project.root
    commit = "" if ref.startswith("-") else \
        (history.git(root, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}") or "").strip()
    if not commit:                         # (a ref never starts with '-': git would read an option)
        raise UnknownRef(ref)
    folder = project.relative(project.datasets_dir)
    listed = history.git(root, "ls-tree", "-d", "--name-only", f"{commit}:{folder}") or ""
    found = {}
    for name in filter(NAME.fullmatch, listed.splitlines()):
        files = [project.relative(p) for p in (project.metadata_path(name),
                                               project.schema_path(name), project.csv_path(name))]
        meta, schema, data = history.blobs(root, [f"{commit}:{f}" for f in files])
        found[name] = from_bytes(project, name, meta, schema, data, commit=commit)[0]
    return commit, found


def changes(catalog: Catalog, base: dict[str, Dataset | None]) -> list[Change]:
    out = []
    for name in sorted(set(base) | set(catalog.names)):
        old, new = base.get(name), catalog.get(name)
        unreadable = (name in base and old is None) or \
            (new is None and catalog.project.dataset_dir(name).is_dir())
        if unreadable:                       # the validation says why
            out.append(Change(name, old, new, None))
        elif old is None or new is None:     # a new dataset, or one removed
            out.append(Change(name, old, new, _whole(old, new)))
        else:
            difference = diffs.diff(old, new)
            if not difference.empty or old.version != new.version:
                out.append(Change(name, old, new, difference))
    return out


def _whole(old: Dataset | None, new: Dataset | None) -> diffs.Diff:
    """A dataset that is new (every row added) or removed (every row removed)."""
    key = (new or old).primary_key
    return diffs.Diff(key=key, added=new.rows if new else (), removed=old.rows if old else (),
                         changed=())


# --- Markdown (the job summary) -------------------------------------------------------------

def md(text, limit: int = MAX_CELL) -> str:
    """A cell for a Markdown table: a printable excerpt, with Markdown punctuation escaped and
    HTML written as text, on one line."""
    return html.escape(_MARKDOWN.sub(r"\\\1", report.excerpt(text, limit)), quote=False)


def _both(key: str, languages, **params) -> str:
    return " / ".join(i18n.t(key, lang, **params) for lang in languages)


def markdown(found: list[Change], problems: list[Problem], base: str, choice: str = "both",
             artifact: str | None = None, dataset_count: int = 0) -> str:
    """The job summary: the validation result, then every changed dataset's rows."""
    languages = report.languages_of(choice)
    out = [f"## {_both('summary.validation', languages)}", ""]
    out += _validation(problems, languages, dataset_count)
    out += [f"## {_both('summary.changes', languages, base=md(base, 120))}", ""]
    if not found:
        out += [_both("summary.no_changes", languages), ""]
    budget = [MAX_TOTAL]
    for change in found:
        out += [f"### {md(change.name)} ({md(change.versions)})", ""]
        out += [*_dataset(change, languages, budget), ""]
    if artifact:
        out += [f"## {_both('summary.preview', languages)}", ""]
        out += [line for lang in languages
                for line in (i18n.t("summary.preview_text", lang, artifact=_code(artifact)), "")]
    return "\n".join(out).rstrip() + "\n"


def _code(name: str) -> str:
    """A name or path as inline code; anything unusual in it is escaped text instead."""
    return f"`{name}`" if re.fullmatch(r"[\w./:-]{1,200}", name) else md(name, 200)


def _validation(problems: list[Problem], languages, count: int) -> list[str]:
    errors = [p for p in problems if p.is_error]
    if errors:
        files = len({p.file for p in errors})
        lines = ["❌ " + _both("summary.invalid", languages, count=len(errors), files=files), ""]
    else:
        lines = ["✅ " + _both("report.ok", languages, count=count), ""]
    if not problems:
        return lines
    header = [_both(f"report.{key}", languages) for key in ("file", "problem", "action")]
    lines += [_row(header), _row(["---"] * 3)]
    for problem in problems[:MAX_PROBLEMS]:
        statement = " / ".join(report.statement(problem, lang) for lang in languages)
        action = " / ".join(report.action(problem, lang) for lang in languages)
        lines.append(_row([_code(report.where(problem)), md(statement, 400), md(action, 400)]))
    if len(problems) > MAX_PROBLEMS:
        lines += ["", _both("summary.more_problems", languages, count=len(problems) - MAX_PROBLEMS)]
    return [*lines, ""]


def _dataset(change: Change, languages, budget: list[int]) -> list[str]:
    if change.diff is None:
        return [_both("summary.unreadable", languages)]
    difference = change.diff
    counts = {k: len(getattr(difference, k)) for k in ("added", "removed", "changed")}
    if difference.empty:
        return [_both("release.no_change", languages)]
    lines = [" / ".join(diffs.diff_summary(difference, lang) for lang in languages)]
    for kind in ("columns_added", "columns_removed"):
        if getattr(difference, kind):
            lines.append(_both(f"release.{kind}", languages,
                               columns=md(", ".join(getattr(difference, kind)), 200)))
    if not difference.key:
        lines.append(_both("release.whole_rows", languages))
    total = counts["added"] + counts["removed"] + sum(len(c.cells) for c in difference.changed)
    shown = list(islice(_table_rows(difference, languages), max(0, min(MAX_LINES, budget[0]))))
    budget[0] -= len(shown)
    if shown:
        columns = ", ".join(difference.key) or "—"
        header = [_both("summary.change", languages), _both("release.key", languages, columns=md(columns)),
                  _both("label.column", languages), _both("release.old", languages),
                  _both("release.new", languages)]
        lines += ["", _row(header), _row(["---"] * 5), *map(_row, shown)]
    if total > len(shown):
        lines += ["", _both("summary.more_rows", languages, count=total - len(shown))]
    return lines


def _table_rows(difference: diffs.Diff, languages):
    added, removed, changed = (_both(f"summary.{k}", languages) for k in ("added", "removed", "changed"))
    for row in difference.added:
        yield [added, md(difference.key_of(row)), "", "", md(_whole_row(row))]
    for row in difference.removed:
        yield [removed, md(difference.key_of(row)), "", md(_whole_row(row)), ""]
    for change in difference.changed:
        for column, old, new in change.cells:
            yield [changed, md(" · ".join(change.key)), md(column), md(old), md(new)]


def _whole_row(row: dict) -> str:
    return "; ".join(f"{column}: {value}" for column, value in row.items() if value)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# --- text (a terminal) ------------------------------------------------------------------------

def text(found: list[Change], base: str, choice: str = "both") -> str:
    languages = report.languages_of(choice)
    out = [_both("summary.changes", languages, base=report.excerpt(base, 120))]
    if not found:
        out.append(_both("summary.no_changes", languages))
    for change in found:
        difference = change.diff
        if difference is None or difference.empty:
            key = "summary.unreadable" if difference is None else "release.no_change"
            out.append(f"{change.name} {change.versions}: " + _both(key, languages))
            continue
        out.append(f"{change.name} {change.versions}: "
                   + " / ".join(diffs.diff_summary(difference, lang) for lang in languages))
        out += [f"  + {report.excerpt(difference.key_of(r) or _whole_row(r))}" for r in difference.added]
        out += [f"  - {report.excerpt(difference.key_of(r) or _whole_row(r))}" for r in difference.removed]
        out += [f"  ~ {report.excerpt(' · '.join(c.key))} {report.excerpt(column)}: "
                f"'{report.excerpt(old)}' → '{report.excerpt(new)}'"
                for c in difference.changed for column, old, new in c.cells]
    return "\n".join(out)


def base_label(catalog: Catalog, ref: str, commit: str) -> str:
    """How the summary names the base: the branch at that commit when there is one (in a
    pull request the base is given as HEAD^1, the merge commit's first parent), and the
    commit."""
    named = history.git(catalog.project.root, "for-each-ref", "--points-at", commit,
                        "--format=%(refname:short)", "refs/heads", "refs/remotes") or ""
    branch = next((n for n in named.split() if not n.endswith("/HEAD")), "")
    return f"{branch or ref} ({commit[:10]})"


def command(args) -> int:
    """`opendata diff`: the text for a terminal, or the job summary with --markdown."""
    from .catalog import load_catalog
    from .validate import gate

    catalog = load_catalog(args.root)
    try:
        commit, base = base_datasets(catalog, args.base)
    except UnknownRef:
        for lang in report.languages_of(args.lang):
            print(i18n.t("summary.unknown_base", lang, ref=report.excerpt(args.base)), file=sys.stderr)
        return 2
    found = changes(catalog, base)
    label = base_label(catalog, args.base, commit)
    if args.markdown:
        print(markdown(found, gate(catalog).problems, label, args.lang, args.artifact,
                       len(catalog.datasets)), end="")
    else:
        print(text(found, label, args.lang))
    return 0
