"""Content-Security-Policy: every HTML page the build writes carries a <meta> policy computed
from its own bytes (the hashes of its inline scripts and styles, nothing else inline); the
browser refuses what the policy does not name; every page and the interactive chart work
under it (the other browser tests fail on any violation: tests/conftest.py)."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from opendata import csp, i18n
from opendata.problems import BuildError

from conftest import serve
from support import ROOT

PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>uji</title>
<script>window.hashed = 1;</script>
<script type="application/ld+json">{"@context": "https://schema.org"}</script>
<style>p { color: #111; }</style>
</head>
<body><p style="margin:0">teks</p></body>
</html>
"""


TRUSTED = csp.Trusted.from_sources([PAGE])   # the page as its own template


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def directives(html: str) -> dict[str, list[str]]:
    metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert len(metas) == 1, metas
    return {d.split()[0]: d.split()[1:] for d in metas[0].replace("&quot;", '"').split("; ")}


def inline(html: str, tag: str) -> list[str]:
    """The text of every inline element `tag` a browser would run or apply (an independent
    reading: a regular expression, not the module's parser)."""
    found = re.findall(rf"<{tag}(\s[^>]*)?>(.*?)</{tag}>", html, re.S | re.I)
    return [body for attrs, body in found
            if "src=" not in (attrs or "") and "application/" not in (attrs or "")]


def test_the_policy_names_the_inline_script_and_style_of_the_page_and_nothing_else():
    policy = directives(csp.protect(PAGE, TRUSTED))
    assert policy == {
        "default-src": ["'self'"],
        "script-src": ["'self'", sha("window.hashed = 1;")],
        "style-src": ["'self'", sha("p { color: #111; }"), "'unsafe-hashes'", sha("margin:0")],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }


def test_the_meta_comes_right_after_the_charset_before_anything_that_loads():
    html = csp.protect(PAGE, TRUSTED)
    head = html[html.index("<head>"):]
    assert re.match(r'<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy"',
                    head)
    assert html.index("Content-Security-Policy") < html.index("<script")
    assert html.replace(re.search(r"\n<meta http-equiv[^>]*>", html).group(0), "") == PAGE


def test_a_page_without_a_charset_gets_the_policy_first_in_its_head():
    html = csp.protect("<html><head><title>x</title></head><body></body></html>", TRUSTED)
    assert html.startswith('<html><head><meta http-equiv="Content-Security-Policy" content="')


def test_data_blocks_and_external_scripts_need_no_hash():
    html = ('<html><head><meta charset="utf-8"><script src="a.js"></script>'
            '<script type="application/ld+json">{"a": "</p>"}</script>'
            '<script id="__config" type="application/json">{}</script></head></html>')
    assert directives(csp.protect(html, TRUSTED))["script-src"] == ["'self'"]


def test_line_ends_are_hashed_as_the_browser_reads_them():
    """The HTML parser turns CR LF and CR into LF before the script's text exists."""
    html = '<html><head><meta charset="utf-8"><script>a;\r\nb;\rc;</script></head></html>'
    trusted = csp.Trusted.from_sources(["<script>a;\nb;\nc;</script>"])
    assert directives(csp.protect(html, trusted))["script-src"] == ["'self'", sha("a;\nb;\nc;")]


def test_each_script_is_named_once_and_text_is_not_unescaped():
    html = ('<html><head><meta charset="utf-8"><script>if (a &amp;&amp; b) x();</script>'
            '<script>if (a &amp;&amp; b) x();</script></head></html>')
    trusted = csp.Trusted.from_sources([html])
    assert directives(csp.protect(html, trusted))["script-src"] == [
        "'self'", sha("if (a &amp;&amp; b) x();")]


@pytest.mark.parametrize("page", [
    "<html><body>no head</body></html>",
    '<html><head><meta http-equiv="Content-Security-Policy" content="default-src *"></head></html>',
])
def test_a_page_that_cannot_get_its_policy_stops_the_build(tmp_path, page):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "ok.html").write_text(PAGE, encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        csp.protect_tree(tmp_path, TRUSTED)
    [problem] = refused.value.problems
    assert (problem.file, problem.code) == ("a/index.html", "page_unprotected")
    for lang in ("id", "en"):
        assert problem.params["detail"] in i18n.t("problem.page_unprotected", lang, **problem.params)
        assert i18n.t("action.page_unprotected", lang)


def test_every_page_of_the_site_has_the_policy_of_its_own_inline_code(built_site):
    pages = sorted(built_site.rglob("*.html"))
    kinds = {p.relative_to(built_site).parts[0] for p in pages}
    assert {"index.html", "404.html", "en", "grafik", "dataset", "katalog", "lpks"} <= kinds
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policy = directives(html)
        where = page.relative_to(built_site).as_posix()
        assert html.index("Content-Security-Policy") < min(
            i for i in (html.find("<script"), html.find("<link"), html.find("<style"), len(html))
            if i >= 0), where
        assert policy["default-src"] == ["'self'"], where
        assert set(policy["script-src"]) == {"'self'", *map(sha, inline(html, "script"))}, where
        assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy), where
        assert policy["object-src"] == ["'none'"] and policy["img-src"] == ["'self'", "data:"]
        assert policy["base-uri"] == policy["form-action"] == ["'self'"]
        styles = inline(html, "style")
        assert set(policy["style-src"]) == {"'self'", *map(sha, styles)}, where
        assert not re.search(r'\sstyle="', html), where
    mkdocs = (built_site / "dataset/indikator/index.html").read_text(encoding="utf-8")
    assert len(directives(mkdocs)["script-src"]) >= 3   # the theme's two, our lazy search
    assert directives(mkdocs)["style-src"] == ["'self'"]   # the theme needs no inline style


# --- only what a template wrote is hashed: anything else is an injection -----------------------

THEME = '<script>__md_scope=new URL("{{ base_url }}",location)</script><a href="javascript:void(0)">'


@pytest.mark.parametrize("page, found", [
    ('<html><head></head><body><script>alert(1)</script></body></html>', "<script>alert(1)"),
    ('<html><head></head><body><img src=x onerror="alert(1)"></body></html>', "<img onerror=...>"),
    ('<html><head></head><body><svg><a href=" JaVa\tScript:alert(1)">x</a></svg></body></html>',
     "<a href= JaVa\tScript:alert(1)>"),
    ('<html><head></head><body><iframe srcdoc="javascript:x"></iframe></body></html>',
     "<iframe srcdoc=javascript:x>"),
    ('<html><head></head><body><p style="background:url(//x)">x</p></body></html>',
     'style="background:url(//x)"'),
    ('<html><head><style>*{}</style></head></html>', "<style>*{}"),
    ('<html><head><script>__md_scope=new URL("",alert(1),"",location)</script></head></html>',
     '<script>__md_scope=new URL("",alert(1),"",location)'),
])
def test_markup_no_template_wrote_stops_the_page(page, found):
    trusted = csp.Trusted.from_sources([THEME, PAGE])
    with pytest.raises(csp.Injected) as refused:
        csp.protect(page, trusted)
    assert found in str(refused.value)


@pytest.mark.parametrize("base", ["../..", ".", "/en/", "https://data.contoh.test/a-b/"])
def test_a_template_expression_may_become_a_path(base):
    page = (f'<html><head><script>__md_scope=new URL("{base}",location)</script></head>'
            '<body><a href="javascript:void(0)">x</a></body></html>')
    script = f'__md_scope=new URL("{base}",location)'
    assert directives(csp.protect(page, csp.Trusted.from_sources([THEME])))["script-src"] == [
        "'self'", sha(script)]


def test_a_script_with_template_statements_is_never_trusted():
    trusted = csp.Trusted.from_sources(["<script>{% if x %}a(){% endif %}</script>"])
    assert trusted.scripts == ()
    with pytest.raises(csp.Injected):
        csp.protect("<html><head><script>a()</script></head></html>", trusted)


def test_an_injected_page_stops_the_build_naming_it(tmp_path):
    (tmp_path / "ok.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "x.html").write_text(PAGE.replace("teks", "<img src=x onerror=alert(1)>"),
                                     encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        csp.protect_tree(tmp_path, TRUSTED)
    [problem] = refused.value.problems
    assert (problem.file, problem.code) == ("x.html", "page_injected")
    assert "onerror" in i18n.t("problem.page_injected", "en", **problem.params)
    assert (tmp_path / "ok.html").read_text(encoding="utf-8").count("Content-Security") == 1


def test_the_trusted_inline_code_comes_from_the_templates_only():
    """Our lazy-search script (main.html), the theme's two: nothing from the data. The embed
    page's style attribute moved into its <style>, so no page needs 'unsafe-hashes'."""
    from opendata import project, publish

    trusted = csp.Trusted.from_templates(publish.template_folders(project.load(ROOT)))
    main = (project.PACKAGE / "theme/overrides/main.html").read_text(encoding="utf-8")
    lazy = re.search(r"<script>(.*?)</script>", main, re.S).group(1)
    assert any(p.fullmatch(lazy) for p in trusted.scripts)
    assert not any(p.fullmatch("margin:0") for p in trusted.attributes)   # now in <style>
    assert not any(p.fullmatch("window.pwned=1") for p in trusted.scripts)


# --- in the browser ------------------------------------------------------------------------

# added after the policy was computed: what an injection would look like
INJECTED = """<script>window.unhashed = 1;</script>
<img src="nothing.svg" onerror="window.handler = 1" alt="">
<a id="link" href="javascript:window.linked = 1">x</a>
<script src="https://example.invalid/x.js"></script>
<p style="color: red" id="styled">merah</p>
"""


def test_the_browser_refuses_what_the_policy_does_not_name(browser, tmp_path):
    html = csp.protect(PAGE, TRUSTED).replace("</body>", INJECTED + "</body>")   # after it
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    (tmp_path / "nothing.svg").write_text("not an image", encoding="utf-8")
    httpd = serve(tmp_path, 0)
    start = len(browser.violations)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
        page.wait_for_load_state("networkidle")
        page.click("#link")
        page.wait_for_timeout(200)
        ran = page.evaluate("[window.hashed, window.unhashed, window.handler, window.linked]")
        assert ran == [1, None, None, None]
        assert page.eval_on_selector("#styled", "p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
        assert page.eval_on_selector("p", "p => getComputedStyle(p).marginTop") == "0px"
        found = browser.violations[start:]
        blocked = {v.split(": ", 1)[1].split()[0] for v in found}
        assert blocked == {"script-src-elem", "script-src-attr", "style-src-attr"}, found
        assert any("example.invalid" in v for v in found)
    finally:
        del browser.violations[start:]   # expected here; any other test fails on one
        context.close()
        httpd.shutdown()


def test_the_interactive_chart_and_its_tooltip_work_under_the_policy(open_page):
    page, recorder = open_page("en/dataset/indikator/")
    page.wait_for_load_state("networkidle")
    chart = "#grafik-tpt-kota-serang"
    page.click(f"{chart} .od-chart__open")
    page.wait_for_selector(f"{chart} .od-chart__interactive:not([hidden]) svg.marks")
    point = page.locator(f"{chart} .od-chart__interactive svg.marks .mark-symbol path").first
    point.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(state="visible")
    assert tooltip.evaluate("t => getComputedStyle(t).position") == "fixed"   # site.css
    assert "%" in tooltip.inner_text()
    assert page.locator("style").count() == 0       # nothing injected an inline style
    assert recorder.errors == [] and recorder.foreign == []
