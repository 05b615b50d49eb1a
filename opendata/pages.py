"""Jinja templates (autoescape on) → the Markdown sources mkdocs builds, one tree per language.

Every page body is escaped HTML inside a Markdown file: data never becomes Markdown syntax,
an HTML attribute or script. Page titles go through `plain_title`, because the theme prints
them without escaping.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from markupsafe import Markup

from . import i18n, paths
from .catalog import Catalog
from .figures import Figure

SAFE_SCHEMES = ("https", "tel", "mailto")
# Rows in a dataset page's preview table: enough to see what the data looks like, few
# enough that the page stays light on a phone; every row is in the downloads.
PREVIEW_ROWS = 50


@dataclass
class Contribution:
    """What a stage adds to the site, without the pages module knowing the stage.

    static: files under the site root; pages(site, lang) → {Markdown source: text};
    nav: (catalogue key, Markdown source) entries; blocks: {"home" | "dataset" | "about":
    [callable(site, lang, here, dataset=None) → Markup]} shown inside those pages;
    linked_data: the same keys, [callable(site, lang, here, dataset=None) → dict], JSON-LD
    objects the theme writes into the page's <head> (never into the content, whose inline
    scripts instant navigation runs as JavaScript).
    """

    static: dict = field(default_factory=dict)
    pages: object = None
    nav: list = field(default_factory=list)
    blocks: dict = field(default_factory=dict)
    linked_data: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)   # values later stages may read


@dataclass(frozen=True)
class Site:
    """Everything the pages show, computed by earlier stages."""

    catalog: Catalog
    figures: tuple[Figure, ...]
    updated: dict            # dataset name → date of its last commit (or None)
    downloads: dict          # dataset name → {fmt: (path under site root, bytes)}
    site_url: str
    contributions: dict = field(default_factory=dict)   # stage name → Contribution
    repo_url: str | None = None   # the source repository, where readers report corrections

    def blocks(self, where: str) -> list:
        return [b for c in self.contributions.values() for b in c.blocks.get(where, [])]

    def linked_data(self, where: str, lang: str, here: str, dataset=None) -> list[dict]:
        return [make(self, lang, here, dataset) for c in self.contributions.values()
                for make in c.linked_data.get(where, [])]


def plain_title(text: str) -> str:
    """A title safe to print unescaped: no markup characters, one line."""
    return re.sub(r"\s+", " ", re.sub(r"[<>&\"'`]", "", str(text))).strip()


def safe_url(value) -> str | None:
    """The URL if it may become a link (https:, tel:, mailto:, well formed), else None."""
    if not isinstance(value, str) or not value or any(c.isspace() or c in "<>\"'`" for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme not in SAFE_SCHEMES:
        return None
    if parts.scheme == "https" and not parts.netloc:
        return None
    if parts.scheme in ("tel", "mailto") and not parts.path:
        return None
    return value


def environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("opendata", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.globals.update(t=lambda key, **params: i18n.t(key, lang, **params), lang=lang,
                       preview_rows=PREVIEW_ROWS,
                       url=_url, page=_page_url, paths=paths, has=i18n.has,
                       fparams=lambda f: figure_params(f, lang))
    env.filters.update(
        num=lambda v, d=None: i18n.number(v, lang, d),
        pct=lambda v, d=None: i18n.percent(v, lang, d),
        date=lambda v: i18n.date(v, lang),
        safe_url=safe_url,
        bytes=lambda n: _size(n, lang),
    )
    return env


@pass_context
def _url(context, target: str) -> str:
    """A relative link from the page being rendered to `target` (relative to the site root)."""
    return paths.link(context["here"], context["lang"], target)


@pass_context
def _page_url(context, source: str, anchor: str = "") -> str:
    """A relative link to another page of the same language, by its Markdown source."""
    lang = context["lang"]
    target = paths.language_root(lang) + paths.page_url(source)
    return paths.link(context["here"], lang, target) + (f"#{anchor}" if anchor else "")


def figure_params(figure: Figure, lang: str) -> dict:
    """The numbers a figure's sentence names, formatted for the language."""
    params = {"year": figure.year or "", "value": _figure_number(figure.value, figure.unit, lang),
              "total": "" if figure.total is None else i18n.number(figure.total, lang)}
    for key, value in figure.params.items():
        params[key] = (i18n.percent(value, lang) if key.endswith("_value")
                       else i18n.number(value, lang) if isinstance(value, (int, float))
                       and not key.endswith("year") else value)
    if figure.total:
        params["share"] = i18n.percent(100 * figure.value / figure.total, lang, 0)
    return params


def _figure_number(value, unit: str, lang: str) -> str:
    if unit == "persen":
        return i18n.percent(value, lang)
    if unit == "poin_persen":
        return i18n.number(abs(value), lang, 2)
    return i18n.number(value, lang)


def download_list(site: Site, dataset) -> list[dict]:
    """The release files of a dataset, in a fixed order, for the page's download list."""
    order = {"csv": 0, "json": 1, "xlsx": 2, "datapackage.json": 3, "zip": 4, "SHA256SUMS": 5}
    items = []
    for path, data in site.downloads.get(dataset.name, {}).items():
        file = path.rsplit("/", 1)[1]
        kind = "datapackage.json" if file == "datapackage.json" else (
            file.split(".", 1)[1] if "." in file else file)
        items.append({"path": path, "file": file, "kind": kind, "size": len(data)})
    return sorted(items, key=lambda item: order.get(item["kind"], 9))


def _size(n: int, lang: str) -> str:
    if n < 1024:
        return f"{i18n.number(n, lang, 0)} B"
    if n < 1024 * 1024:
        return f"{i18n.number(n / 1024, lang, 1)} KB"
    return f"{i18n.number(n / 1024 / 1024, lang, 1)} MB"


def script_json(value) -> Markup:
    """JSON for a <script> element: <, > and & escaped, so data cannot close the element."""
    # ASCII only: the text travels through YAML front matter, which folds some characters
    # (U+0085) into spaces; \uXXXX escapes come through unchanged
    text = json.dumps(value, ensure_ascii=True, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def document(title: str, body: str, description: str = "", linked_data=()) -> str:
    """A Markdown source: front matter for mkdocs, then the escaped HTML body.

    linked_data: JSON-LD objects, carried in the front matter as script-safe JSON text for
    overrides/main.html to print in <head>.
    """
    meta = {"title": plain_title(title)}
    if description:
        meta["description"] = plain_title(description)[:300]
    if linked_data:
        meta["linked_data"] = [str(script_json(item)) for item in linked_data]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10**6)
    return f"---\n{front}---\n\n{body.strip()}\n"


def fragment(lang: str, template: str, here: str, **context) -> Markup:
    """A piece of HTML a stage shows inside a page, rendered with the same escaping rules."""
    return Markup(environment(lang).get_template(template).render(here=here, lang=lang, **context))


def render_page(env: Environment, template: str, here: str, title: str, **context) -> str:
    site = context.get("site")
    body = env.get_template(template).render(
        here=here, lang=env.globals["lang"], title=title,
        downloads=lambda dataset: download_list(site, dataset), **context)
    return document(title, body, context.get("description", ""),
                    context.get("linked_data", ()))


def render(site: Site, lang: str) -> dict[str, str]:
    """Every page of one language: {Markdown source path: text}."""
    env = environment(lang)
    catalog = site.catalog
    pages = {
        "index.md": render_page(env, "home.html", "index.md", i18n.t("page.home", lang),
                                site=site, figures={f.key: f for f in site.figures}),
        "katalog.md": render_page(env, "catalog.html", "katalog.md",
                                  i18n.t("page.catalog", lang), site=site),
        "tentang.md": render_page(env, "about.html", "tentang.md", i18n.t("page.about", lang),
                                  site=site, figures={f.key: f for f in site.figures}),
    }
    for dataset in catalog.datasets:
        source = paths.dataset_page(dataset.name)
        pages[source] = render_page(
            env, "dataset.html", source, dataset.text("title", lang), site=site,
            dataset=dataset, description=dataset.text("description", lang),
            linked_data=site.linked_data("dataset", lang, source, dataset))
    for contribution in site.contributions.values():
        if contribution.pages is not None:
            pages.update(contribution.pages(site, lang))
    return pages
