"""`opendata serve` (opendata/preview.py): a change of the sources is rebuilt and shown in the
open page without a manual reload; a change that breaks the data shows its problems over the
page; the reload script is a file from the site's own origin and never part of the built site.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from opendata import paths, preview

from gitrepo import read_rows, write_rows
from support import as_next_version, csv_path

MARK = "Sel ini diubah selagi pratinjau terbuka."


def test_the_reload_script_goes_in_before_the_end_of_the_body():
    page = b"<html><body><p>x</p></body></html>"
    assert preview.with_reload(page, 7) == (b'<html><body><p>x</p><script src="/__opendata/reload.js'
                                            b'?build=7" defer></script></body></html>')
    assert preview.with_reload(b"<p>", 1).endswith(b"</script>")


def test_a_snapshot_sees_a_changed_cell_and_nothing_outside_the_sources(tmp_path):
    (tmp_path / "datasets" / "x").mkdir(parents=True)
    (tmp_path / "datasets" / "x" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    before = preview.snapshot(tmp_path)
    (tmp_path / "site" / "index.html").write_text("built", encoding="utf-8")
    assert preview.snapshot(tmp_path) == before
    (tmp_path / "datasets" / "x" / "x.csv").write_text("a\n12\n", encoding="utf-8")
    assert preview.snapshot(tmp_path) != before


def change_first_note(root, text: str) -> None:
    header, rows = read_rows(csv_path(root, "indikator"))
    rows[0]["catatan"] = text
    write_rows(csv_path(root, "indikator"), header, rows)


def status(url: str) -> dict:
    with urllib.request.urlopen(url + "__opendata/build.json") as answer:
        return json.load(answer)


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def live(project_copy, tmp_path):
    as_next_version(project_copy, "indikator")   # the next version: its rows may change
    with preview.Preview(project_copy, 0, tmp_path / "site", log=lambda *_: None) as running:
        yield running


@pytest.mark.build
def test_a_broken_change_shows_its_problems_and_a_fix_rebuilds(live):
    first = status(live.url)
    assert first == {"id": 1, "ok": True, "problems": ""}
    with urllib.request.urlopen(live.url + paths.page_url(paths.dataset_page("indikator"))) as answer:
        page = answer.read().decode("utf-8")
    assert page.count('<script src="/__opendata/reload.js?build=1" defer></script>') == 1
    header, rows = read_rows(csv_path(live.root, "indikator"))
    year = rows[0]["tahun"]
    rows[0]["tahun"] = "dua ribu"
    write_rows(csv_path(live.root, "indikator"), header, rows)
    broken = wait_for(lambda: (s := status(live.url))["ok"] is False and s)
    assert broken["id"] == 1 and "datasets/indikator/indikator.csv:2" in broken["problems"]
    rows[0]["tahun"], rows[0]["catatan"] = year, MARK   # the year back, the note changed
    write_rows(csv_path(live.root, "indikator"), header, rows)
    fixed = wait_for(lambda: (s := status(live.url))["ok"] and s["id"] == 2 and s)
    assert fixed["problems"] == ""
    built = (live.out / "index.html").read_text(encoding="utf-8")
    assert "__opendata" not in built, "the built site has no trace of the preview"


@pytest.mark.browser
@pytest.mark.build
def test_a_saved_change_appears_in_the_open_page_without_a_reload(live, browser):
    context = browser.new_context()
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live.url + paths.page_url(paths.dataset_page("indikator")))
    assert MARK not in page.inner_text("body")
    page.wait_for_function("() => performance.getEntriesByType('resource')"
                           ".some(e => e.name.includes('/__opendata/build.json'))")
    change_first_note(live.root, MARK)
    page.wait_for_function(f"() => document.body.innerText.includes({json.dumps(MARK)})",
                           timeout=60_000)
    assert all(u.startswith(live.url) for u in requests if not u.startswith("data:"))
    context.close()


def test_the_draft_rewrites_only_changed_pages_and_drops_removed_ones(tmp_path):
    from opendata import publish

    folder = tmp_path / "docs"
    assert publish.sync_tree(folder, {"a.md": "A", "b/c.md": "C"}) is False
    before = {p.name: p.stat().st_mtime_ns for p in folder.rglob("*.md")}
    time.sleep(0.01)
    assert publish.sync_tree(folder, {"a.md": "A", "b/c.md": "C2"}) is False
    after = {p.name: p.stat().st_mtime_ns for p in folder.rglob("*.md")}
    assert after["a.md"] == before["a.md"] and after["c.md"] != before["c.md"]
    assert publish.sync_tree(folder, {"a.md": "A"}) is True
    assert sorted(p.name for p in folder.rglob("*.md")) == ["a.md"]
