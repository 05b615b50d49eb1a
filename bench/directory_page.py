#!/usr/bin/env python3
"""Direktori LPKS: page weight and time to a filtered list, in headless Chromium.

Builds the site twice into a temporary folder — with the real registry, and with a synthetic
registry of 2,000 institutions (tests/lpks_synthetic.py; never written to datasets/) — serves
each on localhost and measures, in the browser:

- bytes of everything the directory page loads on a first visit (cold cache), raw and gzip
  (each response compressed with gzip -6, as a web server would), per file;
- time from navigation to a filtered list (the finder marks `od-finder-ready`), median of runs;
- time of one filter change inside the page (handler + next frame), median of runs.

Exit status 1 when the first load with the real registry exceeds the budget (100 KB gzip).

    .venv/bin/python bench/directory_page.py [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from opendata import localserver, pipeline  # noqa: E402

from lpks_synthetic import copy_project, synthetic_registry  # noqa: E402

BUDGET = 100 * 1024          # gzip bytes, first load, real registry
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FILTER = "lpks/?kecamatan=36.73.04&bidang=las_industri"
READY = "document.documentElement.dataset.finderReady === '1'"
CHANGE = """async () => {
  const select = document.querySelector('#od-kecamatan');
  const start = performance.now();
  select.value = select.value === '36.73.01' ? '36.73.02' : '36.73.01';
  select.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
  return performance.now() - start;
}"""


def build(root: Path, out: Path, url: str) -> Path:
    os.environ["SITE_URL"] = url
    pipeline.build(root, out)
    return out


def first_load(browser, url: str) -> list[tuple[str, int, int]]:
    """(path, raw bytes, gzip bytes) of every response of a cold visit to the directory."""
    context = browser.new_context()
    bodies: dict[str, bytes] = {}

    def keep(response):
        with contextlib.suppress(Exception):  # a redirect or aborted request has no body
            bodies[response.url] = response.body()

    context.on("response", keep)
    page = context.new_page()
    page.goto(url + "lpks/")
    page.wait_for_function(READY)
    page.wait_for_load_state("networkidle")
    context.close()
    return sorted(((u.removeprefix(url), len(b), len(gzip.compress(b, 6))) for u, b in bodies.items()),
                  key=lambda item: -item[2])


def timings(browser, url: str, runs: int) -> tuple[list[float], list[float], list[float]]:
    """Per run: ms from navigation start to the filtered list (as the page measured it and as
    the driver saw it), and ms of one filter change."""
    page_ms, wall_ms, change_ms = [], [], []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url + FILTER, wait_until="commit")
        page.wait_for_function(READY)
        wall_ms.append((time.perf_counter() - start) * 1000)
        page_ms.append(page.evaluate(
            "performance.getEntriesByName('od-finder-ready')[0].startTime"))
        page.wait_for_load_state("networkidle")
        change_ms.append(page.evaluate(CHANGE))
        context.close()
    return page_ms, wall_ms, change_ms


def kb(n: int) -> str:
    return f"{n / 1024:8.1f} KB"


def report(name: str, files, times) -> int:
    raw, packed = sum(f[1] for f in files), sum(f[2] for f in files)
    print(f"\n== {name}: directory page, first load ({len(files)} files)")
    print(f"   {'file':58} {'raw':>11} {'gzip':>11}")
    for path, size, gz in files:
        print(f"   {path[:58]:58} {kb(size)} {kb(gz)}")
    print(f"   {'TOTAL':58} {kb(raw)} {kb(packed)}")
    page_ms, wall_ms, change_ms = times
    print(f"   navigation → filtered list ({FILTER}): median {statistics.median(page_ms):.0f} ms"
          f" in the page, {statistics.median(wall_ms):.0f} ms seen by the driver"
          f" (runs: {', '.join(f'{t:.0f}' for t in page_ms)})")
    print(f"   one filter change (handler + next frame): median {statistics.median(change_ms):.1f} ms")
    return packed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-directory-") as tmp:
        work = Path(tmp)
        synthetic_root = copy_project(work / "project")
        synthetic_registry(synthetic_root, 2000)
        sites = {}
        for name, root in (("real registry", ROOT), ("synthetic 2,000", synthetic_root)):
            server, url = localserver.serve_in_background(work / name.split()[0])
            build(root, work / name.split()[0], url)
            sites[name] = (server, url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            totals = {name: report(name, first_load(browser, url), timings(browser, url, args.runs))
                      for name, (_, url) in sites.items()}
            browser.close()
        for server, _ in sites.values():
            server.shutdown()
    real = totals["real registry"]
    verdict = "within" if real <= BUDGET else "OVER"
    print(f"\nfirst load with the real registry: {real / 1024:.1f} KB gzip — {verdict} the "
          f"{BUDGET // 1024} KB budget")
    return int(real > BUDGET)


if __name__ == "__main__":
    sys.exit(main())
