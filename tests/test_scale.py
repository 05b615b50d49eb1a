"""Pages stay bounded whatever the size of the data (issue 14, goal 4): a release that changes
thousands of rows shows a summary, the first rows of each kind and a CSV of every change,
and is left out of the search index; datasets are validated in parallel with the same
problems as one by one."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from opendata import changes, paths, pipeline, project
from opendata.diffs import Change, Diff
from opendata.validate import rows

from gitrepo import read_rows, write_rows
from support import ROOT, as_next_version, csv_path


def big_diff(count: int) -> Diff:
    added = tuple({"id": f"baru-{i}", "nilai": str(i)} for i in range(count))
    removed = tuple({"id": f"lama-{i}", "nilai": "1"} for i in range(3))
    changed = tuple(Change((f"x-{i}",), (("nilai", "1", "2"),)) for i in range(count))
    return Diff(key=("id",), added=added, removed=removed, changed=changed)


def test_a_page_shows_at_most_the_first_rows_of_each_kind_of_change():
    shown, counts = changes.capped(big_diff(250))
    assert (len(shown.added), len(shown.removed), len(shown.changed)) == (100, 3, 100)
    assert counts == {"added": 250, "removed": 3, "changed": 250, "capped": True}
    assert changes.capped(big_diff(100))[1]["capped"] is False
    assert changes.capped(None)[0] is None


def test_the_csv_of_a_change_holds_every_cell_that_changed():
    text = changes.diff_csv(big_diff(250), ("id", "nilai"), ("id", "nilai")).decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["perubahan", "kunci", "kolom", "lama", "baru"]
    assert lines[1] == ["ditambah", "baru-0", "id", "", "baru-0"]
    assert sum(1 for line in lines if line[0] == "ditambah") == 500       # 250 rows × 2 cells
    assert sum(1 for line in lines if line[0] == "dihapus") == 6
    assert ["diubah", "x-249", "nilai", "1", "2"] in lines


def test_parallel_validation_finds_the_same_problems_as_one_process(project_copy):
    header, found = read_rows(csv_path(project_copy, "indikator"))
    found[2]["tahun"] = "dua ribu"
    found[5]["nilai"] = "banyak"
    write_rows(csv_path(project_copy, "indikator"), header, found)
    header, found = read_rows(csv_path(project_copy, "lpks"))
    found[0]["bidang"] = "tidak-ada"
    write_rows(csv_path(project_copy, "lpks"), header, found)
    from opendata.catalog import load_catalog

    active = project.load(project_copy)
    with active.activate():
        catalog = load_catalog(active)
        alone = rows.validate_tables(catalog, workers=1)
        parallel = rows.validate_tables(catalog, workers=2)
    assert alone == parallel and len(alone) >= 3
    assert {p.file for p in alone} >= {"datasets/indikator/indikator.csv", "datasets/lpks/lpks.csv"}


@pytest.mark.build
def test_a_release_of_thousands_of_changed_rows_is_a_summary_and_a_download(tmp_path):
    from synthetic_sites import make_site

    project_copy = make_site(tmp_path / "project")   # a git repository: the released versions
    header, found = read_rows(csv_path(project_copy, "indikator"))
    model = found[0]
    extra = [dict(model, id=f"sintetis-{i:05d}", utama="false", catatan=f"Baris sintetis {i}")
             for i in range(3000)]
    for row in found[:150]:
        row["catatan"] = "Catatan diubah."
    write_rows(csv_path(project_copy, "indikator"), header, found + extra)
    as_next_version(project_copy, "indikator")
    out = tmp_path / "site"
    pipeline.build(project_copy, out)
    for lang in ("id", "en"):
        root = out / paths.language_root(lang) if paths.language_root(lang) else out
        page = root / paths.page_url(paths.release_page("indikator", "99.0.0")) / "index.html"
        text = page.read_text(encoding="utf-8")
        assert len(text) < 400_000, len(text)
        assert text.count("sintetis-") <= 2 * changes.DIFF_ROWS
        assert "perubahan-99.0.0.csv" in text
        history = (root / paths.page_url(paths.history_page("indikator")) / "index.html").read_text(encoding="utf-8")
        assert history.count("sintetis-") <= 2 * 20 + 2
        index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
        located = [d["location"] for d in index["docs"]]
        release_url = paths.page_url(paths.release_page("indikator", "99.0.0"))
        assert not any(loc.split("#")[0] == release_url for loc in located), \
            "a long change is no search result"
        assert any(loc.split("#")[0] == paths.page_url(paths.dataset_page("indikator"))
                   for loc in located)
        listed = sum(len(re.findall(r"sintetis-\d{5}", d["text"])) for d in index["docs"])
        assert listed < 100, "the search index holds no long table"
    every = (out / paths.diff_file("indikator", "99.0.0")).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(every)))
    assert sum(1 for line in lines if line[0] == "ditambah") == 3000 * len(header)
    assert sum(1 for line in lines if line[0] == "diubah") == 150


def test_the_real_sites_releases_show_every_change_on_their_page():
    """Today's releases are small: nothing is capped, no CSV of changes is written."""
    from opendata.validate import gate

    active = project.load(ROOT)
    with active.activate():
        checked = gate(active)
        assert changes.diff_files(checked.releases) == {}


@pytest.mark.build
def test_a_registry_too_long_for_one_page_is_split_by_kecamatan_and_field(monkeypatch):
    from opendata import cache, pages, pages_more, render

    active = project.load(ROOT)
    with active.activate(), cache.use(cache.Cache.for_project(ROOT)):
        site = pipeline.assemble(pipeline.load_valid(active), active)
        count = len(site.directory.institutions)
        whole = {p.source: p for p in pages.every_page(site, "id")}
        monkeypatch.setattr(pages_more, "SPLIT_ABOVE", count - 1)
        split = {p.source: p for p in pages.every_page(site, "id")}
        source = site.directory.pages["directory"]
        before, after = render.page(whole[source]), render.page(split[source])
    names = [i.name for i in site.directory.institutions]
    assert sum(name in before for name in names) == count
    assert not any(f">{name}<" in after for name in names), "the split page lists none"
    assert "finder.js" in before and "finder.js" not in after
    for area in site.directory.areas:
        assert f'{area.name}</a>' in after
        assert area.page in split
    assert set(split) == set(whole), "the same pages, the areas and fields list the institutions"
