#!/usr/bin/env python3
"""First load of a page on a cheap phone: Largest Contentful Paint and the bytes transferred,
in headless Chromium at 360x740 with the network throttled to Chrome DevTools' "Slow 4G"
profile (CDP Network.emulateNetworkConditions: 562.5 ms latency, 1.44 Mbit/s down,
675 kbit/s up), the cache off. The site is served gzip-compressed, as a real host serves it.

    .venv/bin/python bench/page_speed.py [--site site] [--build] [--runs 3] [--cpu 4] [--page en/]

Prints, for the home page, a dataset page, the directory and an English page: the median
LCP of the runs, the element that painted it, and the first load's bytes (on the wire, and
gzip as bench/chart_page_bytes.py counts it). Exits 1 when a first load exceeds 100 KB gzip
(tests/test_performance.py makes the same budget a test).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from opendata import localserver, pipeline  # noqa: E402

from support import Transfers  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")   # as tests/conftest.py
PAGES = {"home": "", "dataset": "dataset/indikator/", "directory": "lpks/",
         "English": "en/dataset/indikator/"}
SLOW_4G = {"offline": False, "latency": 150 * 3.75,            # ms, as DevTools' preset
           "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # bytes/s
           "uploadThroughput": 750 * 1000 / 8 * 0.9}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
BUDGET = 100 * 1024        # gzip bytes of a first load
GOOD_LCP = 2500            # ms: web.dev's "good"

# Collects every LCP candidate from the start of the page's life (buffered).
OBSERVE = """
window.__lcp = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) {
  const el = e.element;
  window.__lcp.push({t: e.startTime, size: e.size,
    what: el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '')
             : e.url});
}}).observe({type: 'largest-contentful-paint', buffered: true});
"""


def build(out: Path, url: str) -> Path:
    os.environ["SITE_URL"] = url
    pipeline.build(ROOT, out)
    return out


def load_once(browser, url: str, cpu: float) -> dict:
    import gzip

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.add_init_script(OBSERVE)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    if cpu > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    wire: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    bodies = Transfers(page).bodies
    page.goto(url, wait_until="load", timeout=120000)
    page.wait_for_load_state("networkidle", timeout=120000)
    page.wait_for_timeout(500)
    entries = page.evaluate("window.__lcp")
    context.close()
    last = entries[-1] if entries else {"t": float("nan"), "what": "?"}
    return {"lcp": last["t"], "what": last["what"], "wire": sum(wire.values()),
            "gzip": sum(len(gzip.compress(b, 6, mtime=0)) for b in bodies.values()),
            "requests": len(bodies)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--build", action="store_true", help="build into a temporary folder first")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=float, default=1, help="CPU slowdown (4 = a cheap phone)")
    parser.add_argument("--page", action="append", help="page path (repeatable)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    pages = {path or "/": path for path in args.page} if args.page else PAGES
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.site)
        if args.build or not (folder / "index.html").exists():
            server, base = localserver.serve_in_background(Path(tmp) / "site", compress=True)
            build(Path(tmp) / "site", base)
        else:
            server, base = localserver.serve_in_background(folder, compress=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                            args=["--no-sandbox", "--disable-gpu"])
                print(f"Slow 4G (latency {SLOW_4G['latency']:.1f} ms, "
                      f"{SLOW_4G['downloadThroughput'] * 8 / 1e6:.2f} Mbit/s down), 360x740, "
                      f"CPU slowdown {args.cpu:g}x, {args.runs} runs, median:")
                for name, path in pages.items():
                    runs = [load_once(browser, base + path, args.cpu) for _ in range(args.runs)]
                    lcp = statistics.median(r["lcp"] for r in runs)
                    first = runs[0]
                    within = first["gzip"] <= BUDGET
                    ok &= within
                    print(f"  {name:<10} /{path:<22} LCP {lcp / 1000:5.2f} s "
                          f"({'good' if lcp <= GOOD_LCP else 'over 2.5 s'}; {first['what']})  "
                          f"first load {first['wire'] / 1024:5.1f} KB on the wire, "
                          f"{first['gzip'] / 1024:5.1f} KB gzip, {first['requests']} requests"
                          f"{'' if within else '  OVER the 100 KB budget'}")
                browser.close()
        finally:
            server.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
