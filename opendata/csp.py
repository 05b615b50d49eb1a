"""A Content-Security-Policy in every HTML page the build writes, computed from the page's own
bytes after mkdocs has written it: only this site's own scripts and styles run, and the inline
ones the theme needs by the SHA-256 hash of their exact text.

    policy(html) -> str                      the policy that fits this page
    protect(html) -> str                     the page with <meta http-equiv=...> in its <head>
    protect_tree(folder)                     every *.html below folder, in place

What the policy allows (and why):

- `default-src 'self'`: scripts, styles, fetches (instant navigation, the chart spec, the
  search index), the search worker, frames and fonts come from this site only.
- `script-src 'self' 'sha256-...'`: the scripts of our own files, and the inline scripts of
  this page (the theme's, our lazy-search script). Data blocks (`application/ld+json`,
  `application/json`) are not run and need nothing. No `'unsafe-inline'`, no `'unsafe-eval'`:
  the interactive chart runs Vega's CSP-safe expression interpreter (assets/charts.js).
- `style-src 'self'` plus the hashes of the page's inline `<style>` elements; when the page has
  `style` attributes, their hashes with `'unsafe-hashes'` (exactly those declarations, nothing
  else). The theme itself needs no inline style: it sets its custom properties through the
  CSSOM, which a policy does not govern.
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
from html.parser import HTMLParser
from pathlib import Path

from .problems import BuildError, Problem

# Script types a browser runs (https://html.spec.whatwg.org/#prepare-the-script-element):
# every other type is a data block, never run and not governed by script-src.
_JAVASCRIPT = {"", "module", "importmap", "speculationrules", "text/javascript",
               "application/javascript", "application/ecmascript", "application/x-ecmascript",
               "application/x-javascript", "text/ecmascript", "text/javascript1.0",
               "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
               "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
               "text/x-ecmascript", "text/x-javascript"}

FIXED = ("img-src 'self' data:", "object-src 'none'", "base-uri 'self'", "form-action 'self'")
META = '<meta http-equiv="Content-Security-Policy" content="{}">'


def digest(text: str) -> str:
    """The CSP source expression of an inline text: what the browser hashes is the element's
    text after the parser normalised line ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    value = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{value}'"


class _Inline(HTMLParser):
    """Collects the page's inline scripts, <style> texts and style attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.attributes: list[str] = []
        self._open: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("style") is not None:
            self.attributes.append(values["style"])
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").strip().lower()
            self._open = ("script", []) if kind in _JAVASCRIPT else ("data", [])
        elif tag == "style":
            self._open = ("style", [])

    def handle_startendtag(self, tag, attrs):
        values = dict(attrs)
        if values.get("style") is not None:
            self.attributes.append(values["style"])

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


def _unique(items):
    return list(dict.fromkeys(items))


def policy(page: str) -> str:
    """The policy of one page: its own inline scripts and styles by hash, nothing else inline."""
    found = _Inline()
    found.feed(page)
    found.close()
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


def protect(page: str) -> str:
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
    meta = META.format(policy(page).replace('"', "&quot;"))
    return f"{page[:at]}{indent}{meta}{page[at:]}"


def protect_tree(folder: Path) -> int:
    """Every HTML page below `folder` gets its policy; returns how many. A page that cannot
    get one stops the build (BuildError naming it): it would be published unprotected."""
    count, refused = 0, []
    for file in sorted(folder.rglob("*.html")):
        if file.is_symlink() or not file.is_file():
            continue
        try:
            file.write_bytes(protect(file.read_bytes().decode("utf-8")).encode("utf-8"))
            count += 1
        except (Unprotectable, UnicodeDecodeError) as error:
            refused.append(Problem(file=file.relative_to(folder).as_posix()[:120],
                                   code="page_unprotected",
                                   params={"detail": str(error)[:200]}))
    if refused:
        raise BuildError(refused)
    return count
