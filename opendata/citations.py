"""Citations of a release: APA-style text in Indonesian or English, BibTeX, CSL-JSON. The
author is the site (site.yml); the original sources are named after it."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass

from . import i18n, project
from .catalog import Dataset
from .publication import release_url
from .releases import Release

CITED_SOURCES = 6        # a citation names this many original sources, then how many more


def author() -> str:
    return project.active().config.name["id"]


@dataclass(frozen=True)
class Cite:
    """Everything "Cite this data" shows, in one language."""
    apa: dict
    bibtex: str
    csl: str
    release_url: str
    version: str


def cite(release: Release, lang: str, site_url: str) -> Cite:
    return Cite(apa=citation(release, lang, site_url), bibtex=bibtex(release, lang, site_url),
                csl=csl_json(release, lang, site_url), release_url=release_url(site_url, release),
                version=release.version)


def source_names(dataset: Dataset) -> list[str]:
    """The publishers behind the rows, once each, those most rows cite first (ties keep the
    order of the metadata)."""
    names = [str(s.get("publisher", "")).strip() for s in dataset.metadata.get("sources") or []]
    used = Counter(row.get("sumber_penerbit") for row in dataset.rows)
    return sorted(dict.fromkeys(n for n in names if n), key=lambda n: -used.get(n, 0))


def cited_sources(dataset: Dataset, lang: str) -> str:
    """The original sources a citation names: the first few, then how many more."""
    names = source_names(dataset)
    text = "; ".join(names[:CITED_SOURCES])
    if len(names) > CITED_SOURCES:
        text += "; " + i18n.t("cite.more", lang, count=len(names) - CITED_SOURCES)
    return i18n.t("cite.sources", lang, sources=text)


def citation(release: Release, lang: str, site_url: str) -> dict:
    """The parts of an APA-style citation, and its plain text."""
    dataset = release.dataset
    parts = {
        "author": author(),
        "year": release.date[:4] if release.date else i18n.t("cite.no_date", lang),
        "title": dataset.text("title", lang),
        "version": i18n.t("cite.version", lang, version=release.version),
        "kind": i18n.t("cite.kind", lang),
        "sources": cited_sources(dataset, lang),
        "url": release_url(site_url, release),
        # the same sources apart, for a page to mark their names as the data's language
        "source_names": source_names(dataset)[:CITED_SOURCES],
        "sources_more": max(0, len(source_names(dataset)) - CITED_SOURCES),
    }
    parts["text"] = ("{author}. ({year}). {title} ({version}) [{kind}]. {sources} {url}"
                     .format(**parts))
    return parts


def citation_key(release: Release) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{project.active().config.citation_prefix}_{release.name}_{release.version}")


BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                  "$": r"\$", "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bibtex_text(value: str) -> str:
    return "".join(BIBTEX_ESCAPES.get(c, c) for c in str(value))


def bibtex(release: Release, lang: str, site_url: str) -> str:
    dataset = release.dataset
    fields = [
        ("author", "{" + bibtex_text(author()) + "}"),
        ("title", bibtex_text(dataset.text("title", lang))),
        ("year", release.date[:4] if release.date else None),
        ("version", bibtex_text(release.version)),
        ("publisher", bibtex_text(author())),
        ("howpublished", bibtex_text(i18n.t("cite.kind", lang))),
        ("url", release_url(site_url, release)),
        ("note", bibtex_text(cited_sources(dataset, lang))),
        ("language", "indonesian" if lang == "id" else "english"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{citation_key(release)},\n{body}\n}}\n"


def csl_json(release: Release, lang: str, site_url: str) -> str:
    dataset = release.dataset
    item = {
        "id": citation_key(release),
        "type": "dataset",
        "title": dataset.text("title", lang),
        "version": release.version,
        "author": [{"literal": author()}],
        "publisher": author(),
        "original-publisher": "; ".join(source_names(dataset)),
        "URL": release_url(site_url, release),
        "note": cited_sources(dataset, lang),
        "language": "id-ID" if lang == "id" else "en-GB",
    }
    if release.date:
        item["issued"] = {"date-parts": [[int(p) for p in release.date.split("-")]]}
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"
