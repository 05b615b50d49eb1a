#!/usr/bin/env python3
"""Bytes a chart page transfers, measured in headless Chromium: on first load, and after the
reader opens the interactive view. Raw = the response bodies as served; gzip = each body
compressed by us at level 6 (the test server does not compress, a real host would).

    .venv/bin/python bench/chart_page_bytes.py [--site site] [--build] [--page dataset/indikator/]

Exits 1 when the first load of a page exceeds the budget (100 KB gzip).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from opendata import localserver, pipeline  # noqa: E402

from support import Transfers  # noqa: E402

BUDGET = 100 * 1024
PAGES = ["dataset/indikator/", "", "en/dataset/program_pelatihan/"]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")   # as tests/conftest.py


def build(out: Path, url: str) -> Path:
    os.environ["SITE_URL"] = url
    pipeline.build(ROOT, out)
    return out


    def mark(self) -> int:
        return len(self.bodies)

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        items = list(self.bodies.items())[mark:]
        return [(url, len(body), len(gzip.compress(body, 6, mtime=0))) for url, body in items]


def kb(n: int) -> str:
    return f"{n / 1024:7.1f} KB"


def report(title: str, rows: list[tuple[str, int, int]], base: str) -> tuple[int, int]:
    raw, packed = sum(r[1] for r in rows), sum(r[2] for r in rows)
    print(f"\n{title}: {len(rows)} responses, raw {kb(raw)}, gzip {kb(packed)}")
    for url, size, zipped in sorted(rows, key=lambda r: -r[2]):
        print(f"  {kb(size)} raw {kb(zipped)} gzip  {url.removeprefix(base) or '/'}")
    return raw, packed


def measure(browser, base: str, path: str) -> bool:
    context = browser.new_context()
    page = context.new_page()
    transfers = Transfers(page)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    # the chart images load lazily: scroll every chart into view, so that "first load" is
    # the page as a reader sees it with its charts, not only the part above the fold
    for chart in page.locator(".od-chart__static img").all():
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=chart.element_handle())
    page.wait_for_load_state("networkidle")
    first = transfers.since(0)
    _, first_gzip = report(f"{path or '/'} first load, every chart scrolled into view", first, base)
    mark = transfers.mark()
    button = page.locator(".od-chart__open").first
    if button.count():
        button.click()
        page.wait_for_selector(".od-chart__interactive:not([hidden]) svg.marks", timeout=30000)
        page.wait_for_load_state("networkidle")
        more = transfers.since(mark)
        _, more_gzip = report(f"{path or '/'} after opening the interactive view", more, base)
        print(f"  total with the interactive view: gzip {kb(first_gzip + more_gzip)}")
    context.close()
    ok = first_gzip <= BUDGET
    print(f"  first load {'within' if ok else 'OVER'} the budget of {kb(BUDGET).strip()} gzip")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--build", action="store_true", help="build into a temporary folder first")
    parser.add_argument("--page", action="append", help="page path (repeatable)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.site)
        if args.build or not (folder / "index.html").exists():
            server, base = localserver.serve_in_background(Path(tmp) / "site")
            build(Path(tmp) / "site", base)
        else:
            server, base = localserver.serve_in_background(folder)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                results = [measure(browser, base, page) for page in args.page or PAGES]
                browser.close()
        finally:
            server.shutdown()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
