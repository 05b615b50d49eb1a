"""An identity (issue 12, point 7): the publisher and a mark in the header, a footer with the
publisher, licence, contact and source code, panels whose icons say what they hold, and a
local server that answers a missing page with the site's own 404 page."""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from html import unescape

import pytest

from opendata import localserver, paths, project

from conftest import REPO_URL
from support import LANGUAGES, ROOT

CONFIG = project.load(ROOT).config


# --- the local server (a folder made here, no build) -----------------------------------------

@pytest.fixture
def folder(tmp_path):
    (tmp_path / "404.html").write_text('<html lang="id">tidak ditemukan</html>')
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "404.html").write_text('<html lang="en">not found</html>')
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>" + "halaman " * 200 + "</p>")
    (tmp_path / "empty").mkdir()
    (tmp_path.parent / "secret.txt").write_text("outside the site")
    return tmp_path


def get(url: str, **headers) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_a_missing_page_gets_the_sites_404_page_in_its_language(folder):
    httpd, base = localserver.serve_in_background(folder)
    try:
        assert get(base + "nope/")[:2] == (404, b'<html lang="id">tidak ditemukan</html>')
        assert get(base + "en/nope/")[:2] == (404, b'<html lang="en">not found</html>')
        assert get(base + "en/deeper/still/x.csv")[0:2] == (404, b'<html lang="en">not found</html>')
        # a folder without an index page is missing too: no file listing
        status, body, _ = get(base + "empty/")
        assert status == 404 and b"Directory listing" not in body and b"tidak ditemukan" in body
        for escape in ("../secret.txt", "%2e%2e/secret.txt", "..%2fsecret.txt", "%2e%2e/404.html"):
            status, body, _ = get(base + escape)
            assert b"outside the site" not in body, escape
        assert get(base + "page/")[0] == 200
    finally:
        httpd.shutdown()


def test_compressed_serving_sends_the_same_bytes_gzipped(folder):
    httpd, base = localserver.serve_in_background(folder, compress=True)
    try:
        plain = (folder / "page" / "index.html").read_bytes()
        status, body, headers = get(base + "page/", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == plain and len(body) < len(plain)
        status, body, headers = get(base + "page/")        # a client that does not accept it
        assert body == plain and "Content-Encoding" not in headers
    finally:
        httpd.shutdown()


# --- header and footer of the built site -----------------------------------------------------

def pages_of(site, lang: str) -> list:
    root = site / paths.language_root(lang)
    other = [site / paths.language_root(code) for code in LANGUAGES if code != lang and paths.language_root(code)]
    return [p for p in root.rglob("index.html")
            if not any(o in p.parents for o in other) and "grafik" not in p.parts]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_has_the_mark_and_the_footer(built_site, lang):
    publisher = CONFIG.publisher["name"][lang]
    pages = pages_of(built_site, lang)
    assert len(pages) > 30
    for page in pages:
        html = page.read_text(encoding="utf-8")
        header = html[html.index('<header'):html.index('</header>')]
        assert 'class="od-mark"' in header, page
        footer = unescape(html[html.index('<footer'):html.index('</footer>')])
        assert publisher in footer, page
        assert CONFIG.copyright[lang] in footer                       # the data licence
        assert f'href="{REPO_URL}"' in footer                         # the source code
        assert f'href="{REPO_URL}/issues"' in footer                  # a contact
        assert re.search(r'href="[^"]*' + re.escape(paths.page_url(paths.DEVELOPERS)) + '"', footer)


def test_the_404_page_has_the_footer_too(built_site):
    html = unescape((built_site / "404.html").read_text(encoding="utf-8"))
    assert 'class="od-mark"' in html and CONFIG.copyright["id"] in html


def test_a_missing_address_shows_the_sites_404_page(open_page, site_url):
    for lang in LANGUAGES:
        page, recorder = open_page(paths.language_root(lang) + "tidak/ada/")
        response = page.request.get(page.url)
        assert response.status == 404
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.locator("header .od-mark").count() == 1 and page.locator("footer .od-footer").count() == 1
        assert recorder.foreign == []


ICON = "(s, pseudo) => getComputedStyle(s, pseudo).webkitMaskImage || getComputedStyle(s, pseudo).maskImage"


def test_panel_icons_say_what_the_panel_holds(open_page):
    """Cite, embed and data panels each have their own icon (quote, code, table), none the
    pencil of a plain panel."""
    page, _ = open_page("dataset/indikator/")
    pencil = page.evaluate("""icon => { const d = document.createElement('details');
        d.innerHTML = '<summary>x</summary>'; document.querySelector('.md-typeset').append(d);
        return (new Function('return ' + icon))()(d.querySelector('summary'), '::before'); }""", ICON)
    icons = {}
    for kind in ("cite", "code", "table"):
        summary = page.locator(f".od-chart details.od-panel--{kind} > summary").first
        icons[kind] = summary.evaluate(f"s => ({ICON})(s, '::before')")
    assert "url(" in pencil and len(set(icons.values()) | {pencil}) == 4, icons
    quote = page.evaluate("() => getComputedStyle(document.body).getPropertyValue('--md-admonition-icon--quote')")
    assert icons["cite"].replace(" ", "") == quote.strip().replace(" ", "")
    assert page.locator("#kutip").evaluate("d => d.classList.contains('od-panel--cite')")


@pytest.mark.parametrize("given", ["contoh/data", "https://github.com/contoh/data.git/"])
def test_the_footer_names_the_repository_as_the_correction_links_do(given):
    """The same normalisation as corrections.repository_url: owner/name, or a URL with .git."""
    from opendata import identity

    from conftest import environment

    active = project.load(ROOT)
    with environment(REPO_URL=given), active.activate():
        shown = identity.identity(active, "id")
    assert (shown["repository"], shown["issues"]) == (
        "https://github.com/contoh/data", "https://github.com/contoh/data/issues")
