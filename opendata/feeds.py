"""Atom feeds of data releases: the site's and one per dataset, in each language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import diffs, i18n, paths, releases
from .citations import author
from .publication import Published, release_url

EPOCH = "1980-01-01T00:00:00Z"   # a feed with no release yet (same fixed time as the ZIPs)
ATOM = "http://www.w3.org/2005/Atom"


def _element(parent, tag: str, text: str | None = None, **attributes):
    element = ET.SubElement(parent, tag, {k.replace("_", ":"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def atom(lang: str, title: str, feed_url: str, page_url: str, entries: list[dict],
         fallback_date: str | None) -> bytes:
    """An Atom 1.0 feed; `entries` are dicts with id, title, updated, link, summary."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": lang})
    _element(feed, "id", feed_url)
    _element(feed, "title", title)
    updated = max((e["updated"] for e in entries), default=None) or fallback_date or EPOCH
    _element(feed, "updated", updated)
    _element(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _element(feed, "link", rel="alternate", type="text/html", href=page_url)
    _element(_element(feed, "author"), "name", author())
    for entry in entries:
        item = _element(feed, "entry")
        _element(item, "id", entry["id"])
        _element(item, "title", entry["title"])
        _element(item, "published", entry["updated"])
        _element(item, "updated", entry["updated"])
        _element(item, "link", rel="alternate", type="text/html", href=entry["link"])
        _element(item, "summary", entry["summary"])
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def feed_entries(published: Published, names: list[str], lang: str) -> list[dict]:
    entries, site_url = [], published.site_url
    for name in names:
        newest = published.catalog[name]
        for release, diff in diffs.changelog(published.releases[name]):
            if not release.released:
                continue
            notes = releases.notes(release, newest, lang)
            entries.append({
                "id": release_url(site_url, release),
                "title": i18n.t("release.page_title", lang, version=release.version,
                                title=release.dataset.text("title", lang)),
                "updated": release.committed,
                "link": paths.absolute(site_url, paths.page_target(
                    lang, paths.release_page(name, release.version))),
                "summary": diffs.change_summary(release, diff, lang)
                + (f"\n\n{notes}" if notes else ""),
            })
    return sorted(entries, key=lambda e: (e["updated"], e["id"]), reverse=True)


def feeds(published: Published, fallback: str | None) -> dict[str, bytes]:
    out, site_url, catalog = {}, published.site_url, published.catalog
    for lang in paths.languages():
        base = paths.absolute(site_url, paths.language_root(lang))
        site_feed = paths.feed_file(lang)
        out[site_feed] = atom(lang, i18n.t("feed.site_title", lang, site=i18n.t("site.name", lang)), paths.absolute(site_url, site_feed),
                              base, feed_entries(published, catalog.names, lang), fallback)
        for dataset in catalog.datasets:
            file = paths.feed_file(lang, dataset.name)
            out[file] = atom(
                lang, i18n.t("feed.dataset_title", lang, title=dataset.text("title", lang)),
                paths.absolute(site_url, file),
                paths.absolute(site_url, paths.page_target(lang, paths.history_page(dataset.name))),
                feed_entries(published, [dataset.name], lang), fallback)
    return out
