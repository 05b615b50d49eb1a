"""The command line: `opendata validate|build|serve|diff|add-row` (and `python build.py ...`).

    opendata validate [--root DIR] [--lang both|id|en] [--format text|github|json] [--json]
    opendata build    [--root DIR] [--out DIR] [--lang both|id|en]
    opendata serve    [--root DIR] [--port 8000] [--dir BUILT]   (rebuilds and reloads on change)
    opendata diff     [--root DIR] --base REF [--markdown [--artifact NAME]] [--lang both|id|en]
    opendata add-row  [--root DIR] --dataset NAME [--set COLUMN=VALUE ...] [--dry-run] ISSUE
    opendata import   FILE --dataset NAME [--sheet S] [--decimal-comma|--decimal-dot]
                      [--date-format dd/mm/yyyy|mm/dd/yyyy] [--yes] [--root DIR]
    opendata release  NAME [--notes-id TEXT --notes-en TEXT] [--date YYYY-MM-DD]
                      [--level major|minor|patch] [--yes] [--root DIR]

`--root` is the folder that holds datasets/ and schemas/ (default: the current folder).
Every stage lives in this package; `pipeline.py` knows their order.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

from . import pipeline, project
from .problems import BuildError
from .validate import report


def cmd_validate(args) -> int:
    from .validate import gate

    checked = gate(args.root)
    problems = checked.problems
    count = len(checked.catalog.datasets)
    if args.json or args.format == "json":
        print(json.dumps(report.as_records(problems), ensure_ascii=False, indent=1))
    elif args.format == "github":
        from .validate import github

        files = {d.csv_file: d.csv_bytes for d in checked.catalog.datasets}
        print(github.render(problems, args.lang, count, github.repository_prefix(args.root),
                            files))
    else:
        print(report.render(problems, args.lang, count))
    return int(any(p.is_error for p in problems))


def cmd_build(args) -> int:
    out = Path(args.out).resolve() if args.out else args.root / "site"
    try:
        checked = pipeline.build(args.root, out)
    except BuildError as error:
        print(report.render(error.problems, args.lang, command="build"), file=sys.stderr)
        return 1
    print(report.render(checked.problems, args.lang, len(checked.catalog.datasets), "build"))
    print(f"site → {out}/")
    return 0


def cmd_archive(args) -> int:
    """Archive every released version that has no archive yet, from git history exactly as
    it was released (never overwrites one): for a project that starts keeping archive/."""
    from . import archive, downloads, project, releases
    from .catalog import load_catalog

    active = project.load(args.root)
    with active.activate():
        for name in args.current or ():
            print(active.relative(archive.write_current(active, name)))
        catalog = load_catalog(active)
        found = releases.collect(catalog)
        for release in archive.missing(active, found):
            files = downloads.release_files(release.dataset, released=release.created)
            print(active.relative(archive.write(active, release.name, release.version, files)))
    return 0


def cmd_serve(args) -> int:
    """Build, serve, and rebuild on every change of the sources (pages reload themselves);
    with --dir, serve that built folder as it is."""
    if args.dir:
        from . import localserver

        with localserver.server(Path(args.dir).resolve(), args.port, quiet=False) as httpd:
            print(f"http://127.0.0.1:{args.port}/  (Ctrl+C)")
            httpd.serve_forever()
        return 0
    from . import preview

    with preview.Preview(args.root, args.port, lang=args.lang) as live:
        print(f"{live.url}  (Ctrl+C); watching {', '.join(preview.WATCHED_FOLDERS)} "
              f"and {', '.join(preview.WATCHED_FILES)}")
        with contextlib.suppress(KeyboardInterrupt):
            live.wait()
    return 0


def cmd_diff(args) -> int:
    from . import summary

    return summary.command(args)


def cmd_add_row(args) -> int:
    from . import add_row

    return add_row.command(args)


def cmd_import(args) -> int:
    from . import importer, project

    options = importer.Options(sheet=args.sheet, decimal=args.decimal,
                               date_order={"dd/mm/yyyy": "dmy", "mm/dd/yyyy": "mdy"}.get(args.date_format))
    return importer.run(project.load(args.root), args.dataset, Path(args.file).resolve(), options,
                        yes=args.yes, choice=args.lang, label=args.file)


def cmd_release(args) -> int:
    from . import project, releasing

    notes = {"id": args.notes_id, "en": args.notes_en}
    return releasing.run(project.load(args.root), args.name, notes, date=args.date,
                         level=args.level, yes=args.yes, choice=args.lang)


COMMANDS = {"validate": cmd_validate, "build": cmd_build, "serve": cmd_serve, "diff": cmd_diff,
            "add-row": cmd_add_row, "archive": cmd_archive, "import": cmd_import,
            "release": cmd_release}


def parser(default_root: Path | None = None) -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="opendata", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    validate_cmd = commands.add_parser("validate", help="check every dataset; exit 1 on problems")
    validate_cmd.add_argument("--json", action="store_true", help="problems as JSON (= --format json)")
    validate_cmd.add_argument("--format", choices=("text", "github", "json"), default="text",
                              help="text: one line per problem; github: GitHub Actions "
                                   "annotations (::error file=...,line=...::); json: records")
    build_cmd = commands.add_parser("build", help="validate, then build the site")
    build_cmd.add_argument("--out", help="output folder (default: ROOT/site)")
    archive_cmd = commands.add_parser("archive", help="archive released versions that have no archive yet")
    archive_cmd.add_argument("--current", nargs="+", metavar="NAME",
                             help="also archive these datasets' working-tree version (a release)")
    serve_cmd = commands.add_parser(
        "serve", help="build, serve on localhost, rebuild and reload the pages on every change")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--dir", help="serve this built site as it is (no build, no watching)")
    diff_cmd = commands.add_parser("diff", help="rows added, removed and changed against a git ref")
    diff_cmd.add_argument("--base", required=True, help="the git ref to compare with (e.g. main)")
    diff_cmd.add_argument("--markdown", action="store_true",
                          help="a pull request's job summary: validation, then one table per dataset")
    diff_cmd.add_argument("--artifact", help="with --markdown: the name of the uploaded preview site")
    add_cmd = commands.add_parser("add-row", help="an accepted issue form → a new CSV row")
    add_cmd.add_argument("issue", help="the issue body as GitHub renders it ('-': standard input)")
    add_cmd.add_argument("--dataset", required=True, help="the dataset the row goes to")
    add_cmd.add_argument("--set", action="append", metavar="COLUMN=VALUE",
                         help="a cell the form does not ask (the key, the confidence); repeatable")
    add_cmd.add_argument("--form", help="the issue form (default: the one whose labels match)")
    add_cmd.add_argument("--dry-run", action="store_true", help="print the row, write nothing")
    import_cmd, release_cmd = _import_parser(commands), _release_parser(commands)
    for cmd in (validate_cmd, build_cmd, serve_cmd, diff_cmd, add_cmd, import_cmd, release_cmd):
        cmd.add_argument("--lang", choices=report.CHOICES, default="both",
                         help="language of the messages (default: both)")
    for cmd in (validate_cmd, build_cmd, serve_cmd, diff_cmd, add_cmd, archive_cmd, import_cmd,
                release_cmd):
        cmd.add_argument("--root", type=Path, default=default_root or Path.cwd(),
                         help="the folder holding datasets/ and schemas/ (default: here)")
    return main_parser


def _import_parser(commands):
    cmd = commands.add_parser(
        "import", help="write a dataset's CSV from an .xlsx or CSV file, after showing the changes")
    cmd.add_argument("file", metavar="FILE", help="the .xlsx workbook or CSV file")
    cmd.add_argument("--dataset", required=True, metavar="NAME", help="the dataset (a folder of datasets/)")
    cmd.add_argument("--sheet", help="the workbook's sheet (default: the first)")
    decimal = cmd.add_mutually_exclusive_group()
    for flag, mark, text in (("--decimal-comma", ",", "1.234,5: comma decimal, dot thousands"),
                             ("--thousands-dot", ",", "the same as --decimal-comma"),
                             ("--decimal-dot", ".", "1,234.5: dot decimal, comma thousands"),
                             ("--thousands-comma", ".", "the same as --decimal-dot")):
        decimal.add_argument(flag, dest="decimal", action="store_const", const=mark, help=text)
    cmd.add_argument("--date-format", choices=("dd/mm/yyyy", "mm/dd/yyyy"),
                     help="the order of day and month when the file does not settle it")
    cmd.add_argument("--yes", action="store_true", help="write without asking")
    return cmd


def _release_parser(commands):
    cmd = commands.add_parser(
        "release", help="propose a dataset's next version; write it, its notes and its archive")
    cmd.add_argument("name", metavar="NAME", help="the dataset")
    cmd.add_argument("--notes-id", help="release notes for readers, in Indonesian")
    cmd.add_argument("--notes-en", help="release notes for readers, in English")
    cmd.add_argument("--date", help="the release date, YYYY-MM-DD (default: today)")
    cmd.add_argument("--level", choices=("major", "minor", "patch"),
                     help="release at this level (not lower than the change needs)")
    cmd.add_argument("--yes", action="store_true", help="write without asking")
    return cmd


def main(argv=None, default_root: Path | None = None) -> int:
    args = parser(default_root).parse_args(argv)
    args.root = args.root.resolve()
    # the project at --root, not the current folder, gives the languages and texts of the
    # checks and of the report (its own messages.yml, its site name)
    with project.load(args.root).activate():
        return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
