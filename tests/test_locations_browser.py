"""Issue 9 §5: the directory never presents a partner elsewhere as being in the city. Three
places, each with its count (in Kota Serang / partners outside / location unknown); a kecamatan,
chosen with the script or browsed without it, keeps the institutions of unknown location
visible in their own group and never lists a partner. Expected sets come from the CSV."""

from __future__ import annotations

import re

import pytest

from opendata import paths

from lpks_synthetic import OUTSIDE, UNKNOWN, read_registry
from support import LANGUAGES, ROOT

HEADINGS = {"id": ("Di Kota Serang", "Mitra di luar Kota Serang", "Lokasi tidak diketahui"),
            "en": ("In Kota Serang", "Partners outside Kota Serang", "Location unknown")}
MAYBE = {"id": "mungkin di kecamatan ini", "en": "possibly in this kecamatan"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return read_registry(ROOT)


def by_place(rows: list[dict]) -> dict[str, set[str]]:
    found = {"kota_serang": set(), "luar_kota": set(), "tidak_diketahui": set()}
    for r in rows:
        found[r["lokasi"]].add(r["id"])
    return found


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def place_sections(html: str) -> dict[str, str]:
    """id of each top-level place section → its HTML (sections nest, so cut at the next)."""
    starts = [(m.start(), m.group(1)) for m in
              re.finditer(r'<section class="od-lpks-place" id="lokasi-(\w+)"', html)]
    end = html.index("</div>", html.index("data-od-groups"))
    bounds = [s for s, _ in starts[1:]] + [end]
    return {name: html[start:stop] for (start, name), stop in zip(starts, bounds, strict=True)}


# --- the built pages ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_groups_institutions_by_place_with_counts(built_site, rows, lang):
    html = (built_site / paths.language_root(lang) / "lpks" / "index.html").read_text("utf-8")
    expected = by_place(rows)
    assert expected["luar_kota"], "the registry has a partner outside the city"
    sections = place_sections(html)
    assert list(sections) == ["here", "elsewhere", "unknown"]
    for (name, section), heading, code in zip(sections.items(), HEADINGS[lang],
                                               ("kota_serang", "luar_kota", "tidak_diketahui"), strict=True):
        title = text(re.search(r"<h2>(.*?)</h2>", section, re.S).group(1))
        assert title.startswith(f"{heading} ({len(expected[code])})"), title
        listed = set(re.findall(r'<li class="od-lpks" id="lpks-([^"]+)"', section))
        assert listed == expected[code], name
    # the intro says how many are here, partners elsewhere, unknown
    intro = text(re.search(r"<span data-od-places>(.*?)</span>", html, re.S).group(1))
    numbers = [int(n) for n in re.findall(r"\d+", intro)]
    assert numbers == [len(expected[c]) for c in ("kota_serang", "luar_kota", "tidak_diketahui")]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_partner_is_never_under_the_city_or_a_kecamatan(built_site, rows, lang):
    root = built_site / paths.language_root(lang)
    partners = by_place(rows)["luar_kota"]
    here = place_sections((root / "lpks" / "index.html").read_text("utf-8"))["here"]
    for partner in partners:
        assert f'id="lpks-{partner}"' not in here
        row = re.search(rf'<li class="od-lpks" id="lpks-{partner}"([^>]*)>',
                        (root / "lpks" / "index.html").read_text("utf-8")).group(1)
        assert f'data-kecamatan="{OUTSIDE}"' in row and 'data-place="elsewhere"' in row
    unknown = by_place(rows)["tidak_diketahui"]
    for page in sorted((root / "wilayah").glob("*/index.html")):
        html = page.read_text("utf-8")
        assert not [p for p in partners if f"#lpks-{p}" in html], page
        # the unknown-location institutions are listed apart, "possibly in this kecamatan"
        maybe = re.search(r'<section class="od-maybe" id="lokasi-unknown">(.*?)</section>', html, re.S)
        assert maybe and MAYBE[lang] in maybe.group(1), page
        assert set(re.findall(r"#lpks-([\w-]+)", maybe.group(1))) == unknown
    for page in sorted((root / "lpks" / "bidang").glob("*/index.html")):
        html = page.read_text("utf-8")
        for partner in partners:
            if f"#lpks-{partner}" in html:
                section = re.search(r'<section class="od-kelurahan" data-place="(\w+)">((?:(?!</section>).)*'
                                    rf"#lpks-{partner}.*?)</section>", html, re.S)
                assert section.group(1) == "elsewhere", page


def test_kecamatan_facet_counts_partners_apart_from_unknown(built_site, rows):
    html = (built_site / "lpks" / "index.html").read_text("utf-8")
    select = re.search(r'<select id="od-kecamatan".*?</select>', html, re.S).group(0)
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select))
    places = by_place(rows)
    unknown_kecamatan = {r["id"] for r in rows if r["lokasi"] != "luar_kota" and not r["kelurahan_kode"]}
    assert options[UNKNOWN].endswith(f"({len(unknown_kecamatan)})")
    assert options[OUTSIDE] == f"Mitra di luar Kota Serang ({len(places['luar_kota'])})"


# --- with the script ------------------------------------------------------------------------

def visible_in(page, selector: str) -> set[str]:
    return set(page.eval_on_selector_all(
        f"{selector} [data-od-row]", "rs => rs.filter(r => r.checkVisibility()).map(r => r.id.slice(5))"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_choosing_a_kecamatan_keeps_the_unknown_group_and_hides_the_partner(open_page, rows, lang):
    page, recorder = open_page(paths.language_root(lang) + "lpks/")
    page.wait_for_function("() => document.documentElement.dataset.finderReady === '1'")
    places = by_place(rows)
    # no filter: the partner is in its own group, never under the city
    assert visible_in(page, "#lokasi-elsewhere") == places["luar_kota"]
    assert not visible_in(page, "#lokasi-here") & places["luar_kota"]
    assert page.locator("#lokasi-unknown [data-od-maybe]").is_hidden()
    kecamatan = sorted({r["kelurahan_kode"][:8] for r in rows if r["kelurahan_kode"]})
    for code in kecamatan + ["36.73.01"]:      # and one with nobody placed in it (Serang)
        page.select_option("#od-kecamatan", code)
        assert page.locator("#lokasi-unknown").is_visible(), code
        assert page.locator("#lokasi-unknown [data-od-maybe]").inner_text().endswith(MAYBE[lang])
        assert visible_in(page, "#lokasi-unknown") == places["tidak_diketahui"]
        assert page.locator("#lokasi-elsewhere").is_hidden(), code
        placed = {r["id"] for r in rows if r["kelurahan_kode"][:8] == code}
        assert visible_in(page, "#lokasi-here") == placed, code
        count = page.locator("#lokasi-unknown > h2 [data-od-group-count]").inner_text()
        assert count == str(len(places["tidak_diketahui"]))
        assert page.locator("[data-od-none-here]").is_visible() is (not placed)
    # the partners have their own choice, and only they show under it
    page.select_option("#od-kecamatan", OUTSIDE)
    assert visible_in(page, "[data-od-groups]") == places["luar_kota"]
    assert page.locator("#lokasi-elsewhere").is_visible()
    # a kelurahan: first that kelurahan, then the kecamatan, then the unknown group apart
    kelurahan = next(r["kelurahan_kode"] for r in rows if r["kelurahan_kode"])
    page.select_option("#od-kecamatan", "")
    page.select_option("#od-kelurahan", kelurahan)
    assert visible_in(page, "[data-od-maybe-list]") == places["tidak_diketahui"]
    assert page.locator("[data-od-maybe-title]").is_visible()
    assert not visible_in(page, "[data-od-sorted]") & places["luar_kota"]
    assert recorder.errors == []
