"""Fast on a cheap phone (issue 12, point 8): the first load of every page of the site, in
either language, stays within 100 KB gzip. Each page's first load is computed from the built
files (the page, what it links to load, its chart images with the larger of their two
drawings, the sitemap the theme fetches); a browser confirms the computation on the heaviest
pages, every chart scrolled into view. bench/page_speed.py measures the same with a slow 4G
network and prints the Largest Contentful Paint."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from support import Transfers

BUDGET = 100 * 1024       # bytes, gzip (each response compressed at level 6, as a host would)
LATER = ("search_index.json", "/workers/search.", "/vendor/vega")   # loaded on demand only


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, 6, mtime=0))


class Loads(HTMLParser):
    """What a page asks for as it loads: stylesheets, scripts, icons, images (a <picture>'s
    sources counted as one image: the larger)."""

    def __init__(self):
        super().__init__()
        self.files: list[str] = []
        self.pictures: list[list[str]] = []
        self._picture: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "").strip() in ("stylesheet", "icon") and a.get("href"):
            self.files.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.files.append(a["src"])
        elif tag == "picture":
            self._picture = []
        elif tag == "source" and self._picture is not None and a.get("srcset"):
            self._picture.append(a["srcset"].split()[0])
        elif tag == "img" and a.get("src"):
            if self._picture is not None:
                self._picture.append(a["src"])
            else:
                self.pictures.append([a["src"]])

    def handle_endtag(self, tag):
        if tag == "picture" and self._picture is not None:
            self.pictures.append(self._picture)
            self._picture = None


def first_load(site: Path, page: Path) -> dict[str, int]:
    """{file under the site: gzip bytes} of a page's first load."""
    html = page.read_text(encoding="utf-8")
    url = "http://site/" + page.relative_to(site).as_posix()
    parser = Loads()
    parser.feed(html)
    local = lambda link: urlsplit(urljoin(url, link)).path.lstrip("/")  # noqa: E731
    sizes = {page.relative_to(site).as_posix(): gzipped(page.read_bytes())}
    for link in parser.files:
        if link.startswith("data:"):    # in the page already
            continue
        sizes[local(link)] = gzipped((site / local(link)).read_bytes())
    for candidates in parser.pictures:
        drawn = {local(c): gzipped((site / local(c)).read_bytes()) for c in candidates}
        heaviest = max(drawn, key=drawn.get)
        sizes[heaviest] = drawn[heaviest]
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
    if config:   # the theme fetches its sitemap (instant navigation) from the site's base
        base = re.search(r'"base":\s*"([^"]*)"', config.group(1)).group(1)
        sitemap = local(base.rstrip("/") + "/sitemap.xml") if base else "sitemap.xml"
        sizes[sitemap] = gzipped((site / sitemap).read_bytes())
    assert not [f for f in sizes if any(later in "/" + f for later in LATER)]
    return sizes


@pytest.fixture(scope="module")
def loads(built_site) -> dict[str, dict[str, int]]:
    return {p.relative_to(built_site).as_posix(): first_load(built_site, p)
            for p in sorted(built_site.rglob("*.html"))}


def test_every_first_page_load_is_within_100_kb_gzip(loads):
    assert len(loads) > 100
    totals = {page: sum(sizes.values()) for page, sizes in loads.items()}
    over = {page: round(total / 1024, 1) for page, total in totals.items() if total > BUDGET}
    assert over == {}
    # the check measures something: a page's own HTML, the theme's bundle and stylesheet
    heaviest = max(totals, key=totals.get)
    assert totals[heaviest] > 50 * 1024 and len(loads[heaviest]) >= 8


PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_a_browser_loads_no_more_than_computed(browser, server, site_url, loads):
    """The heaviest pages, the directory and the English home page at a phone's and a
    desktop's size: what Chromium fetches, every chart scrolled into view, is within the
    computed first load (which counts the larger drawing of each chart), and nothing loaded
    on demand (search index and worker, the interactive charts' library) comes early."""
    totals = {page: sum(sizes.values()) for page, sizes in loads.items()}
    chosen = sorted(totals, key=totals.get, reverse=True)[:3] + ["lpks/index.html", "en/index.html"]
    for options in (PHONE, DESKTOP):
        for path in dict.fromkeys(chosen):
            context = browser.new_context(**options)
            page = context.new_page()
            transfers = Transfers(page)
            page.goto(site_url + path.removesuffix("index.html"))
            page.wait_for_load_state("networkidle")
            for image in page.locator("img").all():
                image.scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete", arg=image.element_handle())
            page.wait_for_load_state("networkidle")
            fetched = {url: body for url, body in transfers.bodies.items() if url.startswith(site_url)}
            context.close()
            assert not [u for u in fetched if any(later in u for later in LATER)], path
            measured = sum(gzipped(body) for body in fetched.values())
            assert measured <= totals[path] + 512, (path, options["viewport"], measured, totals[path])
            assert measured <= BUDGET
