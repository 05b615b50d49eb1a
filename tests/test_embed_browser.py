"""Issue 9 §10: the iframe snippet offered on dataset pages fits its embed page at 360 px and
1280 px: the embed document is no taller than the iframe (no inner scroll), so the sources
line and the link back are visible. The snippet is taken from the built page as a reader
copies it, and pasted into a host page."""

from __future__ import annotations

import html
import re

import pytest

from opendata import paths

from support import LANGUAGES

SNIPPET = re.compile(r'<code id="grafik-[^"]+-sematkan">(&lt;iframe .*?&lt;/iframe&gt;)</code>')


def snippets(built_site, lang: str) -> list[str]:
    found = []
    for page in sorted((built_site / paths.language_root(lang) / "dataset").glob("*/index.html")):
        found += [html.unescape(s) for s in SNIPPET.findall(page.read_text("utf-8"))]
    return sorted(set(found))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", [360, 1280])
def test_embed_page_fits_its_iframe(browser, server, built_site, lang, width):
    found = snippets(built_site, lang)
    assert found, "no iframe snippet on any dataset page"
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        host = "<!doctype html><meta name=viewport content='width=device-width'><body>"
        page.set_content(host + "".join(f"<p>{s}</p>" for s in found), wait_until="load")
        for index, snippet in enumerate(found):
            iframe = page.locator("iframe").nth(index)
            iframe.scroll_into_view_if_needed()
            frame = iframe.element_handle().content_frame()
            frame.wait_for_load_state("load")
            frame.locator("img").wait_for(state="visible")
            frame.wait_for_function("() => [...document.images].every(i => i.complete)")
            box = iframe.bounding_box()
            height, inner = frame.evaluate(
                "() => [window.innerHeight, document.documentElement.scrollHeight]")
            assert box["width"] <= width, snippet
            assert inner <= height, (snippet, inner, height)
            # the sources line and the link back are inside the iframe's visible area
            bottom = frame.evaluate("""() => Math.max(...[...document.querySelectorAll(
                'figcaption p')].map(p => p.getBoundingClientRect().bottom))""")
            assert bottom <= height, (snippet, bottom, height)
            link = frame.locator("figcaption a")
            assert link.is_visible() and link.get_attribute("target") == "_blank"
            image = frame.evaluate("() => document.querySelector('img').getBoundingClientRect().height")
            assert image >= 120, (snippet, image)      # the chart is still there to read
    finally:
        context.close()
