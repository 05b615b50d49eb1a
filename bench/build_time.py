"""How long a build of the real site takes and how big it is. Prints figures; asserts nothing.

    .venv/bin/python bench/build_time.py
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

from opendata import pipeline  # noqa: E402
from opendata.catalog import load_catalog  # noqa: E402
from opendata.validate import validate  # noqa: E402

from support import ROOT  # noqa: E402


def main() -> int:
    start = time.perf_counter()
    catalog = load_catalog(ROOT)
    problems = validate(catalog)
    validated = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        pipeline.build(ROOT, Path(tmp) / "site")
        built = time.perf_counter() - start
        files = [p for p in (Path(tmp) / "site").rglob("*") if p.is_file()]
        raw = sum(p.stat().st_size for p in files)
        html = [p for p in files if p.suffix == ".html"]
        html_gzip = sum(len(gzip.compress(p.read_bytes(), 6)) for p in html)
    rows = sum(len(d.rows) for d in catalog.datasets)
    print(f"datasets: {len(catalog.datasets)}, rows: {rows}, problems: {len(problems)}")
    print(f"validate: {validated:.2f} s")
    print(f"build (validate + all stages + 2 mkdocs builds + swap): {built:.2f} s")
    print(f"site: {len(files)} files, {raw / 1024:.0f} KB; {len(html)} HTML pages, "
          f"{html_gzip / 1024:.0f} KB gzip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
