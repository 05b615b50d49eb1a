"""English as good as Indonesian (issue 12, point 5): every English page is English outside
what is marked as Indonesian data; counts agree with their nouns by the language's plural
rules; one name per place; a search with no result points to the other language."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from opendata import i18n, paths, project

from support import ROOT

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
MACHINE = ("script", "style", "template", "code", "pre", "textarea")   # code, not prose
URL = re.compile(r"\b(?:https?|mailto|tel):\S+")


class Prose(HTMLParser):
    """The text a reader sees or hears (with alt, title, aria-label and placeholder), except
    what is marked as being in another language than the page's, and code."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.lang, self.stack, self.parts = lang, [], []

    def _away(self) -> bool:
        return any(skip for _, skip in self.stack)

    def _attributes(self, attrs: dict, skip: bool):
        if not (self._away() or skip):
            self.parts += [attrs[k] for k in ATTRIBUTES if attrs.get(k)]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = attrs.get("lang") not in (None, self.lang) or tag in MACHINE
        self._attributes(attrs, skip)
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        self._attributes(attrs, attrs.get("lang") not in (None, self.lang))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._away():
            self.parts.append(data)

    @classmethod
    def of(cls, html: str, lang: str) -> str:
        parser = cls(lang)
        parser.feed(html)
        return URL.sub(" ", " ".join(" ".join(parser.parts).split()))


def forms(text) -> list[str]:
    return list(text.values()) if isinstance(text, dict) else [str(text)]


def bilingual(value):
    """Every {id, en} text pair in a metadata document."""
    if isinstance(value, dict):
        if set(value) == {"id", "en"} and all(isinstance(v, (str, dict)) for v in value.values()):
            yield value
        else:
            for item in value.values():
                yield from bilingual(item)
    elif isinstance(value, list):
        for item in value:
            yield from bilingual(item)


def theme_texts(code: str) -> dict[str, str]:
    """mkdocs-material's own interface texts in a language (its partials/languages/<code>.html)."""
    import material

    source = (Path(material.__file__).parent / "templates/partials/languages" / f"{code}.html").read_text()
    return dict(re.findall(r'"([a-z.]+)": "([^"]+)"', source))


@pytest.fixture(scope="module")
def indonesian() -> list[str]:
    """What Indonesian pages say that English ones must not: the catalogue's, the metadata's
    and the theme's Indonesian texts, cut at their {placeholders}, without the pieces that
    are the same in English (names, acronyms: 'Kecamatan', 'Dataset', 'LPKS')."""
    with project.load(ROOT).activate():
        catalogue = i18n.catalogue()
    pairs = [texts for texts in catalogue.values() if isinstance(texts, dict)]
    for metadata in sorted((ROOT / "datasets").glob("*/metadata.yml")):
        pairs += list(bilingual(yaml.safe_load(metadata.read_text(encoding="utf-8"))))
    theme = theme_texts("id"), theme_texts("en")
    pairs += [{"id": text, "en": theme[1].get(key, "")} for key, text in theme[0].items()]
    english = " ".join(f for pair in pairs for f in forms(pair.get("en", ""))).casefold()
    pieces = set()
    for pair in pairs:
        for text in forms(pair.get("id", "")):
            for piece in re.split(r"\{[a-z_]+\}", text):
                piece = piece.strip(" .,:;()·-–")
                if len(piece) >= 4 and piece.casefold() not in english:
                    pieces.add(piece)
    assert len(pieces) > 500
    return sorted(pieces, key=len, reverse=True)


def english_pages(site: Path) -> list[Path]:
    return sorted((site / paths.language_root("en")).rglob("*.html"))


def test_no_english_page_shows_an_indonesian_interface_text(built_site, indonesian):
    """Data in Indonesian is fine where it is marked lang="id"; nothing else is."""
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in indonesian))
    pages = english_pages(built_site)
    assert len(pages) > 50
    found = {}
    for page in pages:
        text = Prose.of(page.read_text(encoding="utf-8"), "en")
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            found[page.relative_to(built_site).as_posix()] = hits
    assert found == {}


def test_the_walk_finds_an_unmarked_indonesian_text(indonesian):
    """The check itself: an Indonesian label on an English page is found, unless marked."""
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in indonesian))
    with project.load(ROOT).activate():
        label = i18n.t("dataset.sources_per_row", "id")
    page = f'<html lang="en"><body><p>Sources</p><p>{label}</p></body></html>'
    assert pattern.search(Prose.of(page, "en"))
    marked = f'<html lang="en"><body><p lang="id">{label}</p><code>{label}</code></body></html>'
    assert not pattern.search(Prose.of(marked, "en"))


def test_no_page_writes_a_plural_as_s_in_brackets(built_site):
    for page in english_pages(built_site):
        assert "(s)" not in Prose.of(page.read_text(encoding="utf-8"), "en"), page


@pytest.mark.parametrize("count, expected", [(1, "This registry lists 1 training institution"),
                                             (2, "This registry lists 2 training institutions"),
                                             (0, "This registry lists 0 training institutions")])
def test_counts_take_the_english_plural_rules(count, expected):
    with project.load(ROOT).activate():
        assert i18n.plural("directory.listed", "en", count, lpk="0").startswith(expected)
        assert i18n.plural("directory.listed", "id", count, lpk="0").startswith(
            f"Registri ini memuat {count} lembaga")
        assert i18n.plural("count.rows", "en", 1) == "1 row"
        assert i18n.plural("count.rows", "en", 1000) == "1,000 rows"


def test_one_name_per_place(built_site):
    """The city is 'Kota Serang' in English titles, legends, tables and text alike (the
    metadata glosses it once as 'Kota Serang (Serang City)'); so is every area the charts
    name: its English label is its Indonesian name."""
    config = project.load(ROOT).config
    for metadata in sorted((ROOT / "datasets").glob("*/metadata.yml")):
        for column, codes in (yaml.safe_load(metadata.read_text(encoding="utf-8")).get("codes") or {}).items():
            label = codes.get(config.area["code"])
            if label:
                assert label["en"] == label["id"] == config.area["name"], (metadata, column)
    texts = [Prose.of(p.read_text(encoding="utf-8"), "en") for p in english_pages(built_site)]
    texts += [" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", p.read_text(encoding="utf-8")))
              for p in (built_site / "en" / "grafik").glob("*.svg")]
    texts += [p.read_text(encoding="utf-8") for p in (built_site / "en" / "grafik").glob("*.csv")]
    other = [re.sub(r"Kota Serang \(Serang City\)", "", t) for t in texts]
    assert not [t for t in other if re.search(r"Serang (City|Regency)", t)]
    assert sum(t.count("Kota Serang") for t in texts) > 50


@pytest.mark.parametrize("lang,other,query,expected", [
    ("id", "en", "unemployment", "Labour market indicators"),
    ("en", "id", "kamus", "Indikator ketenagakerjaan"),
])
def test_a_search_with_no_result_offers_the_other_language(open_page, site_url, lang, other,
                                                           query, expected):
    """An English word on the Indonesian site finds nothing there: the reader is offered
    the same search on the English site, which finds it."""
    page, recorder = open_page(paths.language_root(lang) + "katalog/")
    page.click("label.md-search__icon, .md-search__input")
    note = page.locator("[data-od-search-other]")
    page.locator("input.md-search__input").press_sequentially("pengangg", delay=20)
    page.locator(".md-search-result__meta").wait_for()
    page.locator("input.md-search__input").fill("")
    page.locator("input.md-search__input").press_sequentially(query, delay=20)
    note.wait_for(state="visible", timeout=10000)
    assert page.locator(".md-search-result__item").count() == 0
    link = note.locator("a")
    assert link.get_attribute("lang") == other
    assert link.evaluate("a => a.href") == f"{site_url}{paths.language_root(other)}?q={query}"
    link.click()
    page.wait_for_url(f"{site_url}{paths.language_root(other)}*")
    assert page.locator("html").get_attribute("lang") == other
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10000)
    assert expected in " ".join(results.all_inner_texts())
    assert not page.locator("[data-od-search-other]").is_visible()
    assert recorder.errors == [] and recorder.foreign == []
