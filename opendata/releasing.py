"""`opendata release NAME`: the next version of a dataset, in the pull request that changes it.

    propose(project, dataset, level=None) -> Proposal    reads only
    run(project, name, ...) -> exit code                 asks, writes metadata and archive

The working tree is compared with the dataset's newest archived version
(`archive/<name>/<version>/`, its CSV and the schema in its datapackage.json):

- major: a column removed, a column's type changed, or the primary key changed;
- minor: rows added or removed, or a column added;
- patch: only corrections (changed cells, rows in another order, the schema's rules);
- nothing changed: it says so and stops (`--level` releases anyway, e.g. for metadata).

It then writes `version`, `released` and the version's bilingual `release_notes` into
metadata.yml (as text: comments and order survive) and the version's files into the archive,
so the pull request carries everything and nothing is run on `main` after a merge. An
archive this working tree wrote but never committed is its own pending release: running the
command again redoes it instead of stacking a second version on top.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass

from . import archive, diffs, history, i18n, metadata_text
from .catalog import Dataset, from_bytes, load_dataset
from .importer import languages, problem_lines, write_atomically
from .project import Project

LEVELS = ("major", "minor", "patch")
RELEASE_CODES = {"release_changed", "release_notes_missing", "release_not_archived"}
SEMVER = re.compile(r"([0-9]{1,4})\.([0-9]{1,4})\.([0-9]{1,4})")


def today_for_release() -> str:
    """The release date when `--date` is not given. The one place the project reads the
    clock: a release is dated when it is made; the build only ever reads this date back from
    metadata (`released`), so two builds of one commit stay identical."""
    return dt.date.today().isoformat()


@dataclass(frozen=True)
class Proposal:
    name: str
    base: str | None                          # the newest archived version; None: never
    version: str | None                       # the next version; None: nothing changed
    level: str | None                         # first | major | minor | patch
    reasons: tuple[tuple[str, dict], ...] = ()   # (message key, params), for the officer
    diff: diffs.Diff | None = None
    pending: str | None = None                # an uncommitted archive this run replaces


def semver(version: str) -> tuple[int, int, int] | None:
    match = SEMVER.fullmatch(str(version))
    return tuple(int(p) for p in match.groups()) if match else None


def bump(version: str, level: str) -> str:
    major, minor, patch = semver(version)
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0",
            "patch": f"{major}.{minor}.{patch + 1}"}[level]


def archived_versions(project: Project, name: str) -> list[str]:
    folder = archive.folder(project, name, "0.0.0").parent
    found = [p.name for p in folder.iterdir() if p.is_dir() and semver(p.name)] if folder.is_dir() else []
    return sorted(found, key=semver)


def committed(project: Project, name: str, version: str) -> bool:
    """Whether HEAD holds the archive of `version` (without git, every archive counts)."""
    root = project.root
    if not history.is_repository(root):
        return True
    where = project.relative(archive.folder(project, name, version))
    return history.git(root, "cat-file", "-e", f"HEAD:{where}/{archive.SUMS}") is not None


def archived_dataset(project: Project, current: Dataset, version: str) -> Dataset | None:
    """An archived version as a Dataset: its CSV, and the schema its data package carries."""
    files = archive.read(project, current.name, version) or {}
    try:
        package = json.loads(files["datapackage.json"])
        schema = next(r["schema"] for r in package["resources"] if r.get("schema"))
        csv_bytes = files[f"{current.name}.csv"]
    except (KeyError, ValueError, StopIteration, TypeError):
        return None
    dataset, _ = from_bytes(project, current.name, b"{}", json.dumps(schema).encode(), csv_bytes)
    return dataset


def _shape(schema: dict) -> tuple[dict, tuple]:
    fields = [f for f in schema.get("fields") or [] if isinstance(f, dict)]
    key = schema.get("primaryKey") or []
    return {f.get("name"): f.get("type", "string") for f in fields}, (key,) if isinstance(key, str) else tuple(key)


def _rules(schema: dict) -> str:
    keep = {k: schema.get(k) for k in ("fields", "primaryKey", "missingValues")}
    return json.dumps(keep, sort_keys=True, ensure_ascii=False)


def changes(old: Dataset, new: Dataset) -> tuple[str | None, list[tuple[str, dict]], diffs.Diff]:
    """The level the change needs (None: nothing changed), and why."""
    (old_types, old_key), (new_types, new_key) = _shape(old.schema), _shape(new.schema)
    diff = diffs.diff(old, new)
    found = []
    removed = [c for c in old_types if c not in new_types]
    retyped = [c for c in old_types if c in new_types and old_types[c] != new_types[c]]
    added = [c for c in new_types if c not in old_types]
    for level, key, items in (("major", "release_cmd.reason_columns_removed", removed),
                              ("major", "release_cmd.reason_types_changed", retyped),
                              ("major", "release_cmd.reason_key_changed", [1] if old_key != new_key else []),
                              ("minor", "release_cmd.reason_columns_added", added),
                              ("minor", "release_cmd.reason_rows_added", diff.added),
                              ("minor", "release_cmd.reason_rows_removed", diff.removed),
                              ("patch", "release_cmd.reason_cells_changed", diff.changed)):
        if items:
            found.append((level, key, {"count": len(items), "columns": ", ".join(map(str, items))}))
    if not found and old.table.canonical_csv() != new.table.canonical_csv():
        found.append(("patch", "release_cmd.reason_order_changed", {}))
    if not found and _rules(old.schema) != _rules(new.schema):
        found.append(("patch", "release_cmd.reason_rules_changed", {}))
    level = next((lv for lv in LEVELS if any(f[0] == lv for f in found)), None)
    return level, [(key, params) for _, key, params in found], diff


def propose(project: Project, dataset: Dataset, level: str | None = None) -> Proposal:
    """The next version of `dataset` (the working tree) after its newest archived one."""
    versions = archived_versions(project, dataset.name)
    pending = None
    if versions and not committed(project, dataset.name, versions[-1]):
        pending = versions.pop()   # written by an earlier run here, never committed: redo it
    if not versions:
        first = dataset.version if semver(dataset.version) else "1.0.0"
        return Proposal(dataset.name, None, first, "first", (), None, pending)
    base = versions[-1]
    old = archived_dataset(project, dataset, base)
    if old is None:
        raise ValueError(f"archive of {dataset.name} {base} cannot be read")
    needed, reasons, diff = changes(old, dataset)
    if level is not None:
        if needed is not None and LEVELS.index(level) > LEVELS.index(needed):
            return Proposal(dataset.name, base, None, level,
                            (("release_cmd.level_too_low", {"level": level, "needed": needed}),), diff, pending)
        needed, reasons = level, [*reasons, ("release_cmd.reason_level_chosen", {"level": level})]
    if needed is None:
        return Proposal(dataset.name, base, None, None, (), diff, pending)
    return Proposal(dataset.name, base, bump(base, needed), needed, tuple(reasons), diff, pending)


def blocking(project: Project, dataset: Dataset) -> list:
    """Errors of this dataset that a release must not carry (those about the release itself
    are what the command writes)."""
    from .validate import gate

    mine = (dataset.csv_file, dataset.metadata_file, dataset.schema_file)
    return [p for p in gate(project).problems
            if p.is_error and p.code not in RELEASE_CODES and p.file in mine]


def run(project: Project, name: str, notes: dict | None = None, date: str | None = None,
        level: str | None = None, yes: bool = False, choice: str = "both", out=print,
        ask=None) -> int:
    """0: released (the gate passes) or nothing to release; 1: refused, not confirmed, or
    the gate fails after writing (its problems are printed). `ask` defaults to input()."""
    ask = ask or (lambda prompt: input(prompt))
    with project.activate():
        def both(key, **params):
            return " / ".join(i18n.t(key, lang, **params) for lang in languages(choice))

        dataset, found = load_dataset(project, name) if re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name) \
            else (None, [])
        if dataset is None:
            for line in problem_lines(found, choice):
                out(line)
            out(both("release_cmd.unknown", name=name))
            return 1
        proposal = propose(project, dataset, level)
        if proposal.version is None:
            for key, params in proposal.reasons:
                out(both(key, **params))
            out(both("release_cmd.nothing", name=name, version=proposal.base or dataset.version)
                if proposal.level is None else both("release_cmd.refused"))
            return 0 if proposal.level is None else 1
        out(" / ".join(i18n.t("release_cmd.proposal", lang, name=name, old=proposal.base or "—",
                              new=proposal.version,
                              level=i18n.t(f"release_cmd.level_{proposal.level}", lang))
                       for lang in languages(choice)))
        for key, params in proposal.reasons:
            out("  " + both(key, **params))
        problems = blocking(project, dataset)
        if problems:
            for line in problem_lines(problems, choice):
                out(line)
            out(both("release_cmd.invalid", count=len(problems)))
            return 1
        written = _notes(dataset, proposal.version, dict(notes or {}), ask, both, out)
        released = date or today_for_release()
        if written is None or not _is_date(released):
            out(both("release_cmd.notes_needed") if written is None else both("release_cmd.date_invalid", date=released))
            return 1
        text = project.metadata_path(name).read_text(encoding="utf-8")
        try:
            new_text = metadata_text.with_release(text, proposal.version, released, written)
        except metadata_text.EditError as error:
            out(both("release_cmd.edit_refused", file=dataset.metadata_file, detail=str(error)))
            return 1
        if not yes and not _confirmed(ask, both("release_cmd.confirm", version=proposal.version,
                                                 date=released)):
            out(both("release_cmd.cancelled"))
            return 1
        if proposal.pending:
            shutil.rmtree(archive.folder(project, name, proposal.pending))
        write_atomically(project.metadata_path(name), new_text.encode("utf-8"))
        place = archive.write_current(project, name)
        out(both("release_cmd.written", file=dataset.metadata_file, archive=project.relative(place),
                 version=proposal.version))
        from .validate import gate

        errors = gate(project).errors
        for line in problem_lines(errors, choice):
            out(line)
        out(both("release_cmd.next") if not errors else both("release_cmd.invalid", count=len(errors)))
        return int(bool(errors))


def _notes(dataset: Dataset, version: str, given: dict, ask, both, tell) -> dict | None:
    """The notes from the options, else this version's notes already in metadata, else asked."""
    declared = (dataset.metadata.get("release_notes") or {}).get(version) or {}
    out = {}
    for lang in ("id", "en"):
        text = given.get(lang)
        if not text and isinstance(declared, dict) and declared.get(lang):
            text = declared[lang]
            tell(both("release_cmd.notes_kept", version=version, lang=lang))
        if not text:
            try:
                text = ask(both(f"release_cmd.ask_notes_{lang}") + " ")
            except EOFError:
                text = ""
        if not str(text).strip():
            return None
        out[lang] = str(text).strip()
    return out


def _confirmed(ask, prompt: str) -> bool:
    try:
        return ask(prompt + " ").strip().casefold() in ("y", "ya", "yes")
    except EOFError:
        return False


def _is_date(text: str) -> bool:
    try:
        return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None and bool(dt.date.fromisoformat(text))
    except ValueError:
        return False
