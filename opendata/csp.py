"""A Content-Security-Policy in every HTML page the build writes, computed from the page's own
bytes after mkdocs has written it: only this site's own scripts and styles run, and the inline
ones the templates wrote by the SHA-256 hash of their exact text.

    Trusted.from_templates(folders)          the inline code the templates can write
    policy(html, trusted) -> str             the policy that fits this page
    protect(html, trusted) -> str            the page with <meta http-equiv=...> in its <head>
    protect_tree(folder, trusted)            every *.html below folder, in place

Hashing whatever inline script a page holds would bless an injected one too (a site name
that closed an attribute became a running script). So an inline script, `<style>` or `style`
attribute is hashed only when a template wrote it: its text matches one in the templates
(the theme's, ours, the site's own), where `{{ ... }}` may stand only for a path or a word.
Anything else in a page — an inline script or style no template wrote, an event-handler
attribute, a `javascript:` URL — is markup that came from data unescaped: the build stops
(`page_injected`), naming the page, and the previous site stays.

What the policy allows (and why):

- `default-src 'self'`: scripts, styles, fetches (instant navigation, the chart spec, the
  search index), the search worker, frames and fonts come from this site only.
- `script-src 'self' 'sha256-...'`: the scripts of our own files, and the inline scripts the
  templates wrote in this page (the theme's two, our lazy-search script). Data blocks
  (`application/ld+json`, `application/json`) are not run and need nothing. No
  `'unsafe-inline'`, no `'unsafe-eval'`: the interactive chart runs Vega's CSP-safe
  expression interpreter (assets/charts.js).
- `style-src 'self'` plus the hashes of the page's inline `<style>` elements; when the page has
  `style` attributes, their hashes with `'unsafe-hashes'` (exactly those declarations, nothing
  else: the chart embed page's `margin:0`). The theme needs no inline style: it sets its
  custom properties through the CSSOM, which a policy does not govern.
- `img-src 'self' data:`, `object-src 'none'`, `base-uri 'self'`, `form-action 'self'`.

`frame-ancestors` (who may frame the page) cannot be set by a `<meta>` policy (browsers ignore
it there): it needs an HTTP header, which a static host may not let us set.

The meta element goes right after `<meta charset>` (which must stay within the first 1024
bytes), or first in `<head>` when the page declares no charset there; a policy governs only
what comes after it, and nothing before it loads anything.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from . import cache
from .problems import BuildError, Problem

# Script types a browser runs (https://html.spec.whatwg.org/#prepare-the-script-element):
# every other type is a data block, never run and not governed by script-src.
_JAVASCRIPT = {"", "module", "importmap", "speculationrules", "text/javascript",
               "application/javascript", "application/ecmascript", "application/x-ecmascript",
               "application/x-javascript", "text/ecmascript", "text/javascript1.0",
               "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
               "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
               "text/x-ecmascript", "text/x-javascript"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

FIXED = ("img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'")
META = '<meta http-equiv="Content-Security-Policy" content="{}">'


def digest(text: str) -> str:
    """The CSP source expression of an inline text: what the browser hashes is the element's
    text after the parser normalised line ends."""
    text = _lines(text)
    value = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{value}'"


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- what the templates can write ----------------------------------------------------------

_SLOT = r"[\w./:#?&=%+~@-]*"   # what {{ ... }} may become: a path or a word, never a quote
_EXPRESSION = re.compile(r"\{\{.*?\}\}|\{#.*?#\}", re.S)
_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style(\s[^>]*)?>(.*?)</style\s*>", re.S | re.I)
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle=(?:"([^"]*)"|'([^']*)')""", re.I)
_TYPE = re.compile(r"""\stype=["']?([^"'\s>]*)""", re.I)
_SCRIPT_URL = re.compile(r'\s(?:href|src|action)="(javascript:[^"]*)"', re.I)


def _pattern(template_text: str) -> re.Pattern | None:
    """The texts one template fragment can become; None when it holds statements ({% %}),
    whose output cannot be told from data."""
    if "{%" in template_text:
        return None
    parts = _EXPRESSION.split(_lines(template_text))
    slots = [m.group(0).startswith("{{") for m in _EXPRESSION.finditer(_lines(template_text))]
    regex = re.escape(parts[0]) + "".join((_SLOT if slot else "") + re.escape(part)
                                          for slot, part in zip(slots, parts[1:], strict=True))
    return re.compile(regex, re.S)


@dataclass(frozen=True)
class Trusted:
    """The inline scripts, <style> texts and style attributes the templates can write."""
    scripts: tuple[re.Pattern, ...] = ()
    styles: tuple[re.Pattern, ...] = ()
    attributes: tuple[re.Pattern, ...] = ()
    urls: frozenset[str] = frozenset()      # javascript: URLs a template writes as they are

    @classmethod
    def from_sources(cls, sources) -> Trusted:
        scripts, styles, attributes, urls = [], [], [], []
        for text in sources:
            for attrs, body in _SCRIPT.findall(text):
                kind = _TYPE.search(attrs or "")
                if "src=" in (attrs or "") or (kind and kind.group(1).lower() not in _JAVASCRIPT):
                    continue
                scripts.append(_pattern(body))
            styles += [_pattern(body) for _, body in _STYLE.findall(text)]
            attributes += [_pattern(a or b) for a, b in _STYLE_ATTRIBUTE.findall(text)]
            urls += [u for u in _SCRIPT_URL.findall(text) if "{" not in u]
        keep = lambda found: tuple(dict.fromkeys(p for p in found if p is not None))  # noqa: E731
        return cls(keep(scripts), keep(styles), keep(attributes), frozenset(urls))

    @classmethod
    def from_templates(cls, folders) -> Trusted:
        return cls.from_sources(path.read_text(encoding="utf-8", errors="replace")
                                for folder in folders if Path(folder).is_dir()
                                for path in sorted(Path(folder).rglob("*.html")))

    @staticmethod
    def _any(patterns, text: str) -> bool:
        return any(p.fullmatch(_lines(text)) for p in patterns)


class _Inline(HTMLParser):
    """Collects the page's inline scripts, <style> texts, style attributes, and what no
    template writes: event-handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.attributes: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[tuple[str, str]] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, attrs)
        values = dict(attrs)
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").strip().lower()
            self._open = ("script", []) if kind in _JAVASCRIPT else ("data", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)

    def _attributes(self, tag, attrs):
        for name, value in attrs:
            if name == "style" and value is not None:
                self.attributes.append(value)
            elif name.startswith("on"):
                self.handlers.append(f"<{tag} {name}=...>")
            elif name in _URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value or "").lower() \
                    .startswith(("javascript:", "vbscript:", "data:text/html")):
                self.urls.append((f"<{tag} {name}={(value or '')[:40]}>", value or ""))

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if self._open and tag in ("script", "style"):
            kind, parts = self._open
            if kind == "script":
                self.scripts.append("".join(parts))
            elif kind == "style":
                self.styles.append("".join(parts))
            self._open = None


class Injected(ValueError):
    """The page holds markup no template wrote: data that was not escaped."""


def _unique(items):
    return list(dict.fromkeys(items))


def policy(page: str, trusted: Trusted) -> str:
    """The policy of one page: the inline scripts and styles the templates wrote, by hash.
    Injected raises for anything else."""
    found = _Inline()
    found.feed(page)
    found.close()
    foreign = found.handlers + [shown for shown, url in found.urls if url not in trusted.urls]
    foreign += [f"<script>{s.strip()[:60]}" for s in found.scripts
                if not Trusted._any(trusted.scripts, s)]
    foreign += [f"<style>{s.strip()[:60]}" for s in found.styles
                if not Trusted._any(trusted.styles, s)]
    foreign += [f'style="{s[:60]}"' for s in found.attributes
                if not Trusted._any(trusted.attributes, s)]
    if foreign:
        raise Injected("; ".join(_unique(foreign))[:300])
    scripts = _unique(digest(s) for s in found.scripts)
    styles = _unique(digest(s) for s in found.styles)
    attributes = _unique(digest(s) for s in found.attributes)
    style_src = ["'self'", *styles] + (["'unsafe-hashes'", *attributes] if attributes else [])
    return "; ".join(["default-src 'self'", " ".join(["script-src 'self'", *scripts]),
                      " ".join(["style-src", *style_src]), *FIXED])


_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
_CHARSET = re.compile(r"\s*<meta\s+charset\s*=\s*[\"']?[\w-]+[\"']?\s*/?>", re.I)
_PRESENT = re.compile(r"<meta\s+http-equiv=[\"']?content-security-policy", re.I)


class Unprotectable(ValueError):
    """A page the policy cannot be placed in: no <head>, or a policy of its own already."""


def protect(page: str, trusted: Trusted) -> str:
    """The page with its policy as the first element of <head> (after <meta charset>)."""
    if _PRESENT.search(page):
        raise Unprotectable("has a policy of its own")
    head = _HEAD.search(page)
    if not head:
        raise Unprotectable("has no <head>")
    at = head.end()
    charset = _CHARSET.match(page, at)
    if charset:
        at = charset.end()
    indent = "\n" if charset else ""
    meta = META.format(policy(page, trusted).replace('"', "&quot;"))
    return f"{page[:at]}{indent}{meta}{page[at:]}"


def protect_tree(folder: Path, trusted: Trusted) -> int:
    """Every HTML page below `folder` gets its policy; returns how many. A page that cannot
    get one stops the build (BuildError naming it): it would be published unprotected."""
    count, refused = 0, []
    for file in sorted(folder.rglob("*.html")):
        if file.is_symlink() or not file.is_file():
            continue
        name = file.relative_to(folder).as_posix()[:120]
        try:
            text = file.read_bytes().decode("utf-8")
            # the same page and the same trusted code: the same policy (the build cache)
            file.write_bytes(cache.memo("csp", name, (text, trusted),
                                        lambda t=text: protect(t, trusted)).encode("utf-8"))
            count += 1
        except Injected as error:
            refused.append(Problem(file=name, code="page_injected",
                                   params={"detail": str(error)[:300]}))
        except (Unprotectable, UnicodeDecodeError) as error:
            refused.append(Problem(file=name, code="page_unprotected",
                                   params={"detail": str(error)[:200]}))
    if refused:
        raise BuildError(refused)
    return count
