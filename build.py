#!/usr/bin/env python3
"""Data Ketenagakerjaan Kota Serang: validate the datasets and build the site.

    python build.py validate [--lang both|id|en] [--json]
    python build.py build    [--out site] [--lang both|id|en]
    python build.py serve    [--port 8000]

Every stage lives in the `opendata` package; `opendata/pipeline.py` knows their order.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from opendata import paths, pipeline
from opendata.catalog import load_catalog
from opendata.problems import BuildError
from opendata.validate import report, validate


def cmd_validate(args) -> int:
    catalog = load_catalog(paths.ROOT)
    problems = validate(catalog)
    if args.json:
        print(json.dumps(report.as_records(problems), ensure_ascii=False, indent=1))
    else:
        print(report.render(problems, args.lang, len(catalog.datasets)))
    return int(bool(problems))


def cmd_build(args) -> int:
    try:
        catalog = pipeline.build(paths.ROOT, Path(args.out).resolve())
    except BuildError as error:
        print(report.render(error.problems, args.lang), file=sys.stderr)
        return 1
    print(report.render([], args.lang, len(catalog.datasets)))
    print(f"site → {args.out}/")
    return 0


def cmd_serve(args) -> int:
    from opendata import localserver

    with localserver.server(Path(args.dir), args.port, quiet=False) as httpd:
        print(f"http://127.0.0.1:{args.port}/  (Ctrl+C)")
        httpd.serve_forever()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate_cmd = commands.add_parser("validate", help="check every dataset; exit 1 on problems")
    validate_cmd.add_argument("--json", action="store_true", help="problems as JSON")
    build_cmd = commands.add_parser("build", help="validate, then build the site")
    build_cmd.add_argument("--out", default=str(paths.ROOT / "site"))
    for cmd in (validate_cmd, build_cmd):
        cmd.add_argument("--lang", choices=report.CHOICES, default="both",
                         help="language of the messages (default: both)")
    serve_cmd = commands.add_parser("serve", help="serve the built site on localhost")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--dir", default=str(paths.ROOT / "site"))
    args = parser.parse_args(argv)
    return {"validate": cmd_validate, "build": cmd_build, "serve": cmd_serve}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
