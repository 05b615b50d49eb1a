"""Releases from git history: every release at its permanent URL, the row-level changelog,
checksums, the `release_changed` check, and reproducible builds. The repository is made by
tests/gitrepo.py: three commits, `indikator` and `bidang` each released twice."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess

import pytest

from opendata import diffs, project, releases
from opendata.catalog import load_catalog
from opendata.diffs import Change
from opendata.problems import BuildError
from opendata.validate import report, validate

from gitrepo import DATES, MESSAGE_2, build, clone, git
from support import ROOT, csv_path, valid_catalog


def committed_csv(repo, commit: str, name: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo.root), "show", f"{commit}:datasets/{name}/{name}.csv"],
                          capture_output=True, check=True).stdout


def test_every_release_is_published_at_its_permanent_url(release_repo, release_site):
    old, new = release_repo.versions["indikator"]
    first, second, third = release_repo.commits
    for version, commit in ((old, first), (new, second)):
        folder = release_site / "data" / "indikator" / version
        assert (folder / "indikator.csv").read_bytes() == committed_csv(release_repo, commit, "indikator")
        for file in ("indikator.json", "indikator.xlsx", "datapackage.json", "indikator.zip",
                     "SHA256SUMS", "index.html"):
            assert (folder / file).is_file(), file
        assert (release_site / "en" / "data" / "indikator" / version / "index.html").is_file()
    old_bidang, new_bidang = release_repo.versions["bidang"]
    assert (release_site / f"data/bidang/{old_bidang}/bidang.csv").read_bytes() == \
        committed_csv(release_repo, second, "bidang")
    assert (release_site / f"data/bidang/{new_bidang}/bidang.csv").read_bytes() == \
        committed_csv(release_repo, third, "bidang")
    latest = release_site / "data" / "indikator" / "latest"
    for file in (release_site / "data" / "indikator" / new).iterdir():
        if file.is_file() and file.name != "index.html":
            assert (latest / file.name).read_bytes() == file.read_bytes(), file.name
    assert sorted(p.name for p in (release_site / "data" / "wilayah").iterdir()) == \
        sorted([load_catalog(release_repo.root)["wilayah"].version, "latest"])


def test_release_dates_come_from_git_and_commit_messages_are_never_published(release_repo,
                                                                           release_site):
    api = json.loads((release_site / "api" / "indikator.json").read_text(encoding="utf-8"))
    found = [(r["version"], r["committed"], r["commit"]) for r in api["releases"]]
    old, new = release_repo.versions["indikator"]
    assert found == [(new, DATES[1], release_repo.commits[1]),
                     (old, DATES[0], release_repo.commits[0])]
    assert all("message" not in r and set(r["notes"]) == {"id", "en"} for r in api["releases"])
    escaped = html.escape(MESSAGE_2.splitlines()[0])
    for file in release_site.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".json", ".xml", ".txt"):
            text = file.read_text(encoding="utf-8", errors="replace")
            assert MESSAGE_2.splitlines()[0] not in text and escaped not in text, file
    package = json.loads((release_site / f"data/indikator/{new}/datapackage.json").read_text())
    # `released` in the metadata, not the merge commit's time
    assert package["created"] == DATES[1][:10] + "T00:00:00Z"


def test_the_difference_lists_exactly_the_rows_that_changed(release_repo):
    found = releases.collect(load_catalog(release_repo.root))
    log = diffs.changelog(found["indikator"])
    assert [r.version for r, _ in log] == release_repo.versions["indikator"]
    assert log[0][1] is None
    diff = log[1][1]
    edited = release_repo.edited["indikator"]
    assert diff.key == ("id",)
    assert [r["id"] for r in diff.added] == [edited["added"]]
    assert [r["id"] for r in diff.removed] == [edited["removed"]]
    key, column, old, new = edited["changed"]
    assert diff.changed == (Change((key,), ((column, old, new),)),)
    bidang = diffs.changelog(found["bidang"])[1][1]
    key, column, old, new = release_repo.edited["bidang"]["changed"]
    assert (bidang.added, bidang.removed) == ((), ())
    assert bidang.changed == (Change((key,), ((column, old, new),)),)
    assert [len(found[n]) for n in ("wilayah", "lpks", "target")] == [1, 1, 1]


def test_rows_without_a_usable_key_are_compared_whole(release_repo):
    found = releases.collect(load_catalog(release_repo.root))
    old, new = found["indikator"][0].dataset, found["indikator"][1].dataset
    keyless = lambda d: type(d)(**{**d.__dict__, "schema": {**d.schema, "primaryKey": []}})  # noqa: E731
    diff = diffs.diff(keyless(old), keyless(new))
    edited = release_repo.edited["indikator"]
    assert diff.key == () and diff.changed == ()
    assert sorted(r["id"] for r in diff.added) == sorted([edited["added"], edited["changed"][0]])
    assert sorted(r["id"] for r in diff.removed) == sorted([edited["removed"], edited["changed"][0]])


def test_history_page_shows_counts_first_then_each_change_escaped(release_repo, release_site):
    page = (release_site / "dataset" / "indikator" / "riwayat" / "index.html").read_text()
    old, new = release_repo.versions["indikator"]
    section = page[page.index(f'id="v{new}"'):page.index(f'id="v{old}"')]
    summary = "1 baris ditambah, 1 baris dihapus, 1 baris diubah."
    assert summary in section
    assert section.index(summary) < section.index("<details")
    edited = release_repo.edited["indikator"]
    for text in (edited["added"], edited["removed"], edited["changed"][0],
                 html.escape(edited["changed"][2], quote=False)):
        assert text in section, text
    assert "Catatan diubah oleh uji rilis &lt;i&gt;&amp;&lt;/i&gt;" in section
    assert "<i>&</i>" not in page
    assert "<b>satu</b>" not in page
    assert "20 Februari 2024" in section
    english = (release_site / "en/dataset/indikator/riwayat/index.html").read_text()
    assert "1 row added, 1 row removed, 1 row changed." in english   # plural rules, not "(s)"
    dataset_page = (release_site / "dataset" / "indikator" / "index.html").read_text()
    assert 'href="../../dataset/indikator/riwayat/"' in dataset_page


def test_every_sha256sums_verifies(release_repo, release_site):
    folders = sorted(p.parent for p in release_site.glob("data/*/*/SHA256SUMS"))
    count = len(load_catalog(release_repo.root).datasets)
    assert len(folders) == count + 2 + count   # every release (two bumps), and each latest
    for folder in folders:
        listed = {}
        for line in (folder / "SHA256SUMS").read_text().splitlines():
            digest, name = line.split("  ", 1)
            listed[name] = digest
        assert listed == {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
                          for name in listed}, folder
        published = {p.name for p in folder.iterdir() if p.is_file()} - {"SHA256SUMS", "index.html"}
        assert set(listed) == published, folder


def test_datapackage_gives_size_and_hash_of_each_file(release_repo, release_site):
    folder = release_site / "data" / "indikator" / release_repo.versions["indikator"][0]
    package = json.loads((folder / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"]} == \
        {"indikator.csv", "indikator.json", "indikator.xlsx"}
    for resource in package["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.mark.build
def test_editing_a_released_version_without_raising_it_fails_validation(release_repo, tmp_path):
    root = clone(release_repo.root, tmp_path / "edit")
    csv_file = csv_path(root, "indikator")
    csv_file.write_bytes(csv_file.read_bytes().replace(b"Catatan diubah oleh uji rilis",
                                                       b"Catatan diubah lagi"))
    problems = [p for p in validate(load_catalog(root)) if p.code == "release_changed"]
    version = release_repo.versions["indikator"][1]
    assert [(p.file, p.params["version"]) for p in problems] == \
        [("datasets/indikator/indikator.csv", version)]
    text = report.render(problems, "both")
    assert f"version {version}" in text and "Raise 'version'" in text and "Naikkan" in text
    with pytest.raises(BuildError):
        valid_catalog(root)

    from gitrepo import set_version
    set_version(root, "indikator", "9.0.0")
    catalog = load_catalog(root)
    assert not [p for p in validate(catalog) if p.code == "release_changed"]
    newest = releases.collect(catalog)["indikator"][-1]
    assert (newest.version, newest.released, newest.date) == ("9.0.0", False, None)

    site = build(root, tmp_path / "site")   # the next release is published, marked as such
    page = (site / "data/indikator/9.0.0/index.html").read_text(encoding="utf-8")
    assert "belum dirilis" in page and "Catatan diubah lagi" in page
    assert (site / "data/indikator/9.0.0/indikator.csv").read_bytes() == csv_file.read_bytes()
    assert (site / "data/indikator/latest/indikator.csv").read_bytes() == csv_file.read_bytes()
    api = json.loads((site / "api/indikator.json").read_text(encoding="utf-8"))
    assert api["releases"][0] | {"files": None, "changes": None} == {
        "version": "9.0.0", "released": False, "date": None, "committed": None, "commit": None,
        "notes": {"id": "Versi uji 9.0.0: <i>catatan</i> & perubahan.",
                  "en": "Test version 9.0.0: <i>notes</i> & changes."},
        "url": "https://data.contoh.test/data/indikator/9.0.0/",
        "files": None,
        "changes": None}
    assert api["releases"][0]["changes"] == {"added": 0, "removed": 0, "changed": 1}
    assert "9.0.0" not in (site / "feeds/indikator.xml").read_text(encoding="utf-8")


def test_a_release_never_changes_when_history_grows(release_repo, release_site, tmp_path):
    """The site built at commit 2 and at commit 3 publish the same bytes for the releases
    both know."""
    earlier = build(clone(release_repo.root, tmp_path / "c2", release_repo.commits[1]),
                    tmp_path / "site-c2")
    files = [p for p in earlier.glob("data/*/*/*") if p.is_file()
             if p.parent.name != "latest" and p.name != "index.html"]
    assert len(files) >= 8 * 6
    for file in files:
        assert (release_site / file.relative_to(earlier)).read_bytes() == file.read_bytes(), file


def test_a_shallow_clone_is_refused(release_repo, tmp_path):
    target = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{release_repo.root}",
                    str(target)], check=True, capture_output=True)
    assert git(target, "rev-parse", "--is-shallow-repository") == "true"
    assert [p.code for p in validate(load_catalog(target)) if p.code == "history_shallow"] == \
        ["history_shallow"]
    with pytest.raises(BuildError):
        valid_catalog(target)


def test_without_git_the_working_tree_is_the_only_unreleased_version(project_copy):
    found = releases.collect(load_catalog(project_copy))
    assert all(len(rs) == 1 and not rs[0].released for rs in found.values())
    assert releases.archive_problems(load_catalog(project_copy)) == []


def test_figure_cards_link_to_the_release_that_holds_them(release_repo, release_site):
    home = (release_site / "index.html").read_text()
    new = release_repo.versions["indikator"][1]
    assert 'class="od-figure__release"' in home
    assert f'href="data/indikator/{new}/"' in home
    assert (release_site / f"data/indikator/{new}/index.html").is_file()


def test_two_builds_of_the_same_commit_are_byte_identical(release_repo, release_site, tmp_path):
    """The second build runs in another time zone: dates come from git, not from the clock."""
    again = build(release_repo.root, tmp_path / "again", TZ="Pacific/Kiritimati")
    first = {p.relative_to(release_site): p for p in release_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p for p in again.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    different = [str(k) for k in first if first[k].read_bytes() != second[k].read_bytes()]
    assert different == []
    assert "<lastmod>2024-03-05</lastmod>" in (release_site / "sitemap.xml").read_text()


def test_no_stage_reads_the_clock():
    """A build must be a function of the commit: no stage asks for today's date or time
    (dates come from git; mkdocs gets SOURCE_DATE_EPOCH from the HEAD commit)."""
    clock = re.compile(r"\b(datetime\.now|datetime\.utcnow|datetime\.today|date\.today|"
                       r"time\.time|time\.time_ns|time\.localtime|time\.gmtime|"
                       r"time\.strftime|time\.ctime)\s*\(")
    readers = [f"{path.relative_to(ROOT)}:{number}"
               for path in [*sorted(project.PACKAGE.rglob("*.py")), ROOT / "build.py"]
               for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if clock.search(line)]
    # Allowed: `opendata release` dates a new release today unless --date is given. It runs
    # in the pull request, not in the build, which reads that date back from `released`.
    assert readers == [f"opendata/releasing.py:{_lines_of('releasing', 'today_for_release')}"]


def _lines_of(module: str, function: str) -> int:
    """The line of the clock read inside `function` (its body is one docstring and one line)."""
    import ast

    tree = ast.parse((project.PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    assert len(found.body) == 2, "the clock read stays alone in its function"
    return found.body[-1].lineno


def test_published_release_files_never_change(built_site):
    """Every file of every released version is published from archive/, byte for byte, and
    the archive's SHA256SUMS verify: a later change of the code that writes JSON, XLSX, ZIP or
    datapackage.json changes new releases only, and a researcher's checksum verifies years
    later. The first releases were published before the archive existed; their bytes then
    are in tests/fixtures/published_releases.json, and the archive holds exactly those."""
    archived = sorted(p for p in (ROOT / "archive").glob("*/*") if p.is_dir())
    assert len(archived) >= 8
    for folder in archived:
        sums = dict(reversed(line.split("  ", 1)) for line in
                    (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
        files = {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
        assert set(sums) == files, folder
        for file in files:
            data = (folder / file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sums[file], f"{folder}/{file}"
            published = built_site / "data" / folder.parent.name / folder.name / file
            assert published.read_bytes() == data, published
    before = json.loads((ROOT / "tests/fixtures/published_releases.json").read_text())
    for release, files in before.items():
        for file, digest in files.items():
            data = (ROOT / "archive" / release / file).read_bytes()
            assert hashlib.sha256(data).hexdigest() == digest, f"{release}/{file}"


def test_pinned_rows_and_figures_of_an_older_version_stay_and_point_to_the_newer(release_repo,
                                                                                 release_site):
    old, new = release_repo.versions["indikator"]
    removed = release_repo.edited["indikator"]["removed"]
    rows = (release_site / f"data/indikator/{old}/baris/index.html").read_text(encoding="utf-8")
    assert f'id="baris-{removed}"' in rows                     # still there, in its version
    assert f'href="../../../../data/indikator/{new}/baris/"' in rows and "bukan versi terbaru" in rows
    newer = (release_site / f"data/indikator/{new}/baris/index.html").read_text(encoding="utf-8")
    assert f'id="baris-{removed}"' not in newer and "bukan versi terbaru" not in newer
    figures = (release_site / f"data/indikator/{old}/angka/index.html").read_text(encoding="utf-8")
    assert 'id="tpt-terbaru"' in figures and f'href="../../../../data/indikator/{new}/angka/"' in figures
