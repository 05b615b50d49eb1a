#!/usr/bin/env python3
"""Data Ketenagakerjaan Kota Serang: validate the datasets and build the site.

A thin wrapper around the `opendata` command line, with this folder as the root:

    python build.py validate [--lang both|id|en] [--json]
    python build.py build    [--out site] [--lang both|id|en]
    python build.py serve    [--port 8000]
    python build.py import   FILE --dataset NAME [--sheet S] [--decimal-comma] [--yes] ...
    python build.py release  NAME [--notes-id TEXT --notes-en TEXT] [--date YYYY-MM-DD] [--yes]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from opendata.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_root=ROOT))
