"""The command line: `opendata validate|build|serve` (and `python build.py ...`).

    opendata validate [--root DIR] [--lang both|id|en] [--json]
    opendata build    [--root DIR] [--out DIR] [--lang both|id|en]
    opendata serve    [--root DIR] [--port 8000]

`--root` is the folder that holds datasets/ and schemas/ (default: the current folder).
Every stage lives in this package; `pipeline.py` knows their order.
"""

from __future__ import annotations

import argparse
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
    if args.json:
        print(json.dumps(report.as_records(problems), ensure_ascii=False, indent=1))
    else:
        print(report.render(problems, args.lang, len(checked.catalog.datasets)))
    return int(any(p.is_error for p in problems))


def cmd_build(args) -> int:
    out = Path(args.out).resolve() if args.out else args.root / "site"
    try:
        checked = pipeline.build(args.root, out)
    except BuildError as error:
        print(report.render(error.problems, args.lang), file=sys.stderr)
        return 1
    print(report.render(checked.problems, args.lang, len(checked.catalog.datasets)))
    print(f"site → {out}/")
    return 0


def cmd_serve(args) -> int:
    from . import localserver

    folder = Path(args.dir).resolve() if args.dir else args.root / "site"
    with localserver.server(folder, args.port, quiet=False) as httpd:
        print(f"http://127.0.0.1:{args.port}/  (Ctrl+C)")
        httpd.serve_forever()
    return 0


COMMANDS = {"validate": cmd_validate, "build": cmd_build, "serve": cmd_serve}


def parser(default_root: Path | None = None) -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="opendata", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)
    validate_cmd = commands.add_parser("validate", help="check every dataset; exit 1 on problems")
    validate_cmd.add_argument("--json", action="store_true", help="problems as JSON")
    build_cmd = commands.add_parser("build", help="validate, then build the site")
    build_cmd.add_argument("--out", help="output folder (default: ROOT/site)")
    serve_cmd = commands.add_parser("serve", help="serve the built site on localhost")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--dir", help="the built site (default: ROOT/site)")
    for cmd in (validate_cmd, build_cmd):
        cmd.add_argument("--lang", choices=report.CHOICES, default="both",
                         help="language of the messages (default: both)")
    for cmd in (validate_cmd, build_cmd, serve_cmd):
        cmd.add_argument("--root", type=Path, default=default_root or Path.cwd(),
                         help="the folder holding datasets/ and schemas/ (default: here)")
    return main_parser


def main(argv=None, default_root: Path | None = None) -> int:
    args = parser(default_root).parse_args(argv)
    args.root = args.root.resolve()
    # the project at --root, not the current folder, gives the languages and texts of the
    # checks and of the report (its own messages.yml, its site name)
    with project.load(args.root).activate():
        return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
