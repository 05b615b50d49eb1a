"""Pages (opendata/pages.py) → the Markdown sources mkdocs builds: escaped HTML inside Markdown.

One Jinja environment per language, created once. Templates are the site's own
(`templates/` in the project) first, then the package's. Autoescape is on: data never becomes
Markdown syntax, an HTML attribute or script. Page titles go through `plain_title`, because
the theme prints them without escaping.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import yaml
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    pass_context,
)
from markupsafe import Markup

from . import cache, corrections, i18n, paths, project
from .urls import https_url, safe_url, source_url


def plain_title(text: str) -> str:
    """A title safe to print unescaped: no markup characters, one line."""
    return re.sub(r"\s+", " ", re.sub(r"[<>&\"'`]", "", str(text))).strip()


def size_text(n: int, lang: str) -> str:
    if n < 1024:
        return f"{i18n.number(n, lang, 0)} B"
    if n < 1024 * 1024:
        return f"{i18n.number(n / 1024, lang, 1)} KB"
    return f"{i18n.number(n / 1024 / 1024, lang, 1)} MB"


def script_json(value) -> Markup:
    """JSON for a <script> element: <, > and & escaped, so data cannot close the element."""
    # ASCII only: the text travels through YAML front matter, which folds some characters
    # (U+0085) into spaces; \\uXXXX escapes come through unchanged
    text = json.dumps(value, ensure_ascii=True, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@pass_context
def _url(context, target: str) -> str:
    """A relative link from the page being rendered to `target` (relative to the site root)."""
    return paths.link(context["here"], context["lang"], target)


@pass_context
def _page(context, source: str, anchor: str = "") -> str:
    """A relative link to another page of the same language, by its Markdown source."""
    lang = context["lang"]
    return paths.link(context["here"], lang, paths.page_target(lang, source, anchor))


def environment(lang: str) -> Environment:
    """The environment of `lang` for the active project, made once."""
    active = project.active()
    cache = active.__dict__.setdefault("_environments", {})
    if lang not in cache:
        cache[lang] = _environment(active, lang)
    return cache[lang]


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Compiled templates kept beside the build cache (Jinja checks each template's source
    and its own version before it uses one): compiling them was a second of every build."""
    active = cache.active()
    if active is None or active.folder is None:
        return None
    folder = active.folder / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def _environment(active, lang: str) -> Environment:
    loaders = [PackageLoader("opendata", "templates")]
    if active.templates_dir.is_dir():   # the site's own templates override the package's
        loaders.insert(0, FileSystemLoader(str(active.templates_dir)))
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      bytecode_cache=_bytecode_cache())
    env.globals.update(
        t=lambda key, **params: i18n.t(key, lang, **params),
        plural=lambda key, count, **params: i18n.plural(key, lang, count, **params),
        plural_forms=lambda key: i18n.plural_forms(key, lang),
        has=i18n.has, lang=lang, url=_url, page=_page, paths=paths,
        correction_url=corrections.correction_url,
        config=active.config)
    env.filters.update(
        num=lambda v, d=None: i18n.number(v, lang, d),
        pct=lambda v, d=None: i18n.percent(v, lang, d),
        date=lambda v: i18n.date(v, lang),
        safe_url=safe_url,
        source_url=source_url,
        https_url=https_url,
        bytes=lambda n: size_text(n, lang),
    )
    return env


def fragment(lang: str, template: str, here: str, **context) -> Markup:
    """One template rendered for a page (`here`, its Markdown source) of `lang`."""
    env = environment(lang)
    return Markup(env.get_template(template).render(here=here, lang=lang, **context))


class _Headings(HTMLParser):
    """The <h2 id="..."> of a rendered body, with their text: the page's contents."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        anchor = dict(attrs).get("id")
        if tag == "h2" and anchor:
            self._open = {"id": anchor, "title": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["title"] += data

    def handle_endtag(self, tag):
        if tag == "h2" and self._open is not None:
            self.found.append({"id": self._open["id"], "title": plain_title(self._open["title"])})
            self._open = None


def contents(body: str) -> list[dict]:
    """[{id, title}] of the body's second-level headings, in order."""
    parser = _Headings()
    parser.feed(body)
    return [h for h in parser.found if h["title"]]


def document(title: str, body: str, description: str = "", linked_data=(),
             search: bool = True, toc=()) -> str:
    """A Markdown source: front matter for mkdocs, then the escaped HTML body.

    linked_data: JSON-LD objects, carried in the front matter as script-safe JSON text for
    the theme to print in <head>. search: False keeps the page out of the search index.
    toc: [{id, title}], the contents the theme lists beside the page (plain text).
    """
    meta = {"title": plain_title(title)}
    if toc:
        meta["contents"] = [dict(item) for item in toc]
    if description:
        meta["description"] = plain_title(description)[:300]
    if linked_data:
        meta["linked_data"] = [str(script_json(item)) for item in linked_data]
    if not search:
        meta["search"] = {"exclude": True}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10**6)
    return f"---\n{front}---\n\n{body.strip()}\n"


def page(page) -> str:
    """A Page (opendata/pages.py) as its whole Markdown source, its sections in order."""
    source, slots = page_parts(page)
    for number, html in slots.items():
        source = source.replace(slot(number), html, 1)
    return source


def slot(number: int) -> str:
    return f'<div data-od-slot="{number}"></div>'


def page_parts(page) -> tuple[str, dict[int, str]]:
    """The Markdown source mkdocs builds, with an empty slot for each section marked
    `outside`, and {slot number: that section's HTML}, which publish.fill_slots puts into the
    built page (a rows table is most of a page's bytes and mkdocs only has to pass it
    through: its HTML parsers took 0.2 s for each page of 500 rows). From the build cache
    when the page's data, the templates and the texts are what they were."""
    return cache.memo("page", f"{page.lang}/{page.source}", page, lambda: _page_source(page))


def _page_source(page) -> tuple[str, dict[int, str]]:
    parts, slots = [], {}
    for section in page.sections:
        html = str(fragment(page.lang, section.template, page.source, title=page.title,
                            **section.context))
        if getattr(section, "outside", False):
            slots[len(slots)] = html.strip()
            html = slot(len(slots) - 1)
        parts.append(html)
    body = "\n".join(parts)
    toc = contents(body) if page.contents else ()
    body = f'<div class="od-page od-{page.kind}">\n{body}\n</div>'
    return document(page.title, body, page.description, page.linked_data, page.search, toc), slots
