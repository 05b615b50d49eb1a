"""`validate` is the whole gate: every condition a later stage depends on is checked there,
all at once, and a build refuses with the same problems (never a traceback). History is
input too: a historical release that breaks the rules is withheld with a warning, and no
version string can make a path outside the site."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
import yaml

from opendata import pipeline, project
from opendata.catalog import load_catalog
from opendata.problems import BuildError
from opendata.validate import gate, validate

from gitrepo import DATES, build, commit, git, set_version
from support import ROOT, csv_path, metadata_path, valid_catalog


def version(name: str) -> str:
    """The real dataset's current version."""
    from gitrepo import version as version_at

    return version_at(ROOT, name)

META = "datasets/{}/metadata.yml"


def edit_metadata(root, name: str, change) -> None:
    file = metadata_path(root, name)
    metadata = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(metadata)
    file.write_text(yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False), encoding="utf-8")


def replace_cell(root, name: str, old: str, new: str) -> None:
    file = csv_path(root, name)
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def break_everything_a_build_used_to_hit(root) -> set[tuple[str, str, str]]:
    """Each of these passed `validate` and then failed the build one at a time. Returns the
    (file, column, code) each must be reported as."""
    edit_metadata(root, "indikator", lambda m: m["charts"][1]["filter"].pop("utama"))
    edit_metadata(root, "indikator", lambda m: m["charts"][0]["reference"]["filter"].update(
        id="tidak-ada"))
    edit_metadata(root, "akreditasi_lpks", lambda m: m["figures"][0]["filter"].pop("ukuran"))
    edit_metadata(root, "lpks", lambda m: m["directory"].update(address="alamat_lengkap"))
    edit_metadata(root, "target", lambda m: m["sources"][0].update(page_date="2023-13"))
    replace_cell(root, "program_pelatihan", ",2025-11,tinggi", ",2025-02-30,tinggi")
    return {
        (META.format("indikator"), "charts", "chart_ambiguous"),
        (META.format("indikator"), "charts", "chart_reference"),
        (META.format("akreditasi_lpks"), "figures", "figure_ambiguous"),
        (META.format("lpks"), "directory", "directory_column_unknown"),
        (META.format("target"), "sources/0/page_date", "date_impossible"),
        ("datasets/program_pelatihan/program_pelatihan.csv", "sumber_tanggal", "date_impossible"),
        # and the rows of a released (archived) version changed without a new version
        ("datasets/program_pelatihan/program_pelatihan.csv", None, "release_changed"),
    }


def test_validate_reports_every_build_only_failure_at_once(project_copy):
    expected = break_everything_a_build_used_to_hit(project_copy)
    problems = validate(load_catalog(project_copy))
    assert {(p.file, p.column, p.code) for p in problems} == expected
    assert all(p.is_error for p in problems)


def test_build_refuses_with_the_same_problems_and_no_traceback(project_copy, tmp_path):
    expected = break_everything_a_build_used_to_hit(project_copy)
    with pytest.raises(BuildError) as refused:
        pipeline.build(project_copy, tmp_path / "site")
    assert {(p.file, p.column, p.code) for p in refused.value.problems} == expected
    assert not (tmp_path / "site").exists()


def test_a_shallow_clone_is_named_by_validate_not_by_the_build(project_copy, tmp_path):
    from gitrepo import prune_archive

    prune_archive(project_copy)
    git(project_copy, "init", "-q", "-b", "main")
    commit(project_copy, "satu", DATES[0])
    target = tmp_path / "dangkal"
    import subprocess

    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{project_copy}", str(target)],
                   check=True, capture_output=True)
    assert [p.code for p in validate(load_catalog(target))] == ["history_shallow"]


# --- history is input -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_history(tmp_path_factory):
    """A repository whose history holds three bad releases of `bidang`, each fixed by a later
    commit: a version that is a path out of the site, metadata without its sources, and a
    CSV with a formula. The working tree is valid."""
    from gitrepo import bump, copy_project, version

    root = copy_project(tmp_path_factory.mktemp("history") / "project")
    git(root, "init", "-q", "-b", "main")
    commit(root, "awal", DATES[0])
    first = version(root, "bidang")
    no_sources, formula, good = bump(first), bump(bump(first)), bump(bump(bump(first)))
    set_version(root, "bidang", "../../../../luar", notes=False)
    commit(root, "versi jahat", DATES[1])
    set_version(root, "bidang", no_sources)
    edit_metadata(root, "bidang", lambda m: m.pop("sources"))
    commit(root, "tanpa sumber", DATES[1])
    set_version(root, "bidang", formula)
    edit_metadata(root, "bidang", lambda m: m.update(sources=[{
        "publisher": "Sumber uji", "url": None, "page_date": None, "accessed": None}]))
    replace_cell(root, "bidang", "Kecantikan", "=HYPERLINK(\"https://contoh.test\")")
    commit(root, "rumus", DATES[2])
    replace_cell(root, "bidang", "=HYPERLINK(\"https://contoh.test\")", "Kecantikan")
    set_version(root, "bidang", good, released=DATES[2][:10])
    commit(root, "baik lagi", DATES[2])
    return root, {"first": first, "no_sources": no_sources, "formula": formula, "good": good}


def test_every_bad_historical_release_is_withheld_with_a_warning(hostile_history):
    root, v = hostile_history
    checked = gate(root)
    assert checked.errors == []
    withheld = {w.version: w for w in checked.withheld["bidang"]}
    assert set(withheld) == {"../../../../luar", v["no_sources"], v["formula"]}
    assert {p.code for p in withheld["../../../../luar"].problems} == {"version_invalid"}
    assert "metadata_invalid" in {p.code for p in withheld[v["no_sources"]].problems}
    assert {p.code for p in withheld[v["formula"]].problems} == {"formula_cell"}
    warnings = [p for p in checked.problems if p.code == "release_withheld"]
    assert len(warnings) == 3 and all(p.severity == "warning" for p in warnings)
    published = [r.version for r in checked.releases["bidang"]]
    assert published == [v["first"], v["good"]]


@pytest.mark.build
def test_a_withheld_release_writes_nothing_and_says_so(hostile_history, tmp_path):
    root, v = hostile_history
    out = tmp_path / "a" / "b" / "site"
    site = build(root, out)
    assert not list(tmp_path.rglob("luar*")) and not (root.parent / "luar").exists()
    assert sorted(p.name for p in (site / "data/bidang").iterdir()) == sorted(
        [v["first"], v["good"], "latest"])
    page = (site / "dataset/bidang/riwayat/index.html").read_text(encoding="utf-8")
    assert 'id="ditahan"' in page and "../../../../luar" in page and "formula_cell" in page
    api = json.loads((site / "api/bidang.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in api["releases"]] == [v["good"], v["first"]]
    assert "HYPERLINK" not in "".join(p.read_text(errors="replace")
                                      for p in site.rglob("*") if p.suffix in (".csv", ".json"))


@pytest.mark.slow
def test_the_build_cli_reports_withheld_releases_as_warnings_and_succeeds(hostile_history):
    import subprocess
    import sys

    root, _ = hostile_history
    done = subprocess.run([sys.executable, "build.py", "validate", "--lang", "en"],
                          cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert "3 warning(s)" in done.stdout and re.search(r"All 7 datasets are valid", done.stdout)
    listed = subprocess.run([sys.executable, "build.py", "validate", "--json"],
                            cwd=root, capture_output=True, text=True)
    assert listed.returncode == 0
    assert [p["code"] for p in json.loads(listed.stdout)] == ["release_withheld"] * 3


def test_no_version_or_name_can_become_a_path_outside_the_site():
    from opendata import paths

    for bad in ("..", "../x", "a/b", "/etc", "1.0.0/../../x", "x\\y", "", " 1", "A" * 70, "\x00"):
        with pytest.raises(paths.UnsafePath):
            paths.release_dir("bidang", bad)
    with project.load(".").activate():
        assert paths.release_dir("bidang", "1.0.0") == "data/bidang/1.0.0"


def test_valid_catalog_is_the_gate(project_copy):
    replace_cell(project_copy, "bidang", "Kecantikan", "=1+1")
    with pytest.raises(BuildError) as refused:
        valid_catalog(project_copy)
    assert sorted(p.code for p in refused.value.problems) == ["formula_cell", "release_changed"]


# --- the archive of released files ----------------------------------------------------------

def test_a_count_of_people_with_a_thousands_dot_is_named_by_row_and_column(project_copy):
    """indikator's metadata declares nilai a count where satuan = orang: 7.030.000 written as
    "7030.000" (a stray thousands dot) would have passed as 7030 people."""
    replace_cell(project_copy, "indikator", ",7030000,orang,", ",7030.000,orang,")
    edit_metadata(project_copy, "indikator", lambda m: m["counts"].append({"column": "jumlah"}))
    problems = validate(load_catalog(project_copy))
    assert {(p.file, p.row, p.column, p.code) for p in problems} == {
        ("datasets/indikator/indikator.csv", 2, "nilai", "count_not_whole"),
        (META.format("indikator"), None, "counts", "counts_column_unknown"),
        ("datasets/indikator/indikator.csv", None, None, "release_changed"),   # released rows
    }


@pytest.mark.slow
def test_a_historical_release_checks_a_key_into_itself_however_it_is_named():
    """wilayah's kode_induk points into wilayah; a release is checked alone, with that key,
    whether the schema names its own dataset or leaves the resource empty."""
    from opendata.validate import check_dataset

    from support import with_rows

    catalog = load_catalog(ROOT)
    wilayah = catalog.get("wilayah")
    broken = with_rows(wilayah, [dict(wilayah.rows[1], kode_induk="99")] + list(wilayah.rows[2:]))
    broken = replace(broken, csv_bytes=broken.table.canonical_csv())
    for resource in ("", "wilayah"):
        schema = {**broken.schema, "foreignKeys": [
            {**fk, "reference": {**fk["reference"], "resource": resource}}
            for fk in broken.schema["foreignKeys"]]}
        codes = {p.code for p in check_dataset(catalog, replace(broken, schema=schema))}
        assert "foreign-key" in codes, resource


def test_saving_a_released_csv_again_from_excel_is_not_a_change(committed_copy, tmp_path):
    """A BOM, CRLF line ends and quotes everywhere, as Excel writes them: the same rows."""
    project_copy = committed_copy
    import csv
    import io

    file = csv_path(project_copy, "bidang")
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    file.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    assert validate(load_catalog(project_copy)) == []
    site = pipeline.build(project_copy, tmp_path / "site")
    assert site.ok
    current = version("bidang")
    published = (tmp_path / f"site/data/bidang/{current}/bidang.csv").read_bytes()
    assert published == (project_copy / f"archive/bidang/{current}/bidang.csv").read_bytes()
    assert not published.startswith(b"\xef\xbb\xbf") and b"\r\n" not in published


@pytest.fixture
def committed_copy(project_copy):
    """The project copy as a git repository of one commit: every version in it is released."""
    from gitrepo import prune_archive

    prune_archive(project_copy)
    git(project_copy, "init", "-q", "-b", "main")
    commit(project_copy, "satu", DATES[0])
    return project_copy


def test_a_changed_archive_is_refused(committed_copy):
    project_copy = committed_copy
    current = version("target")
    file = project_copy / f"archive/target/{current}/target.json"
    file.write_bytes(file.read_bytes().replace(b'"7"', b'"8"', 1) + b" ")
    problems = [(p.file, p.code) for p in validate(load_catalog(project_copy))]
    assert problems == [(f"archive/target/{current}", "archive_sums")]


def test_a_released_version_needs_its_archive(committed_copy):
    import shutil

    project_copy = committed_copy
    shutil.rmtree(project_copy / "archive/lpks")
    problems = [(p.file, p.code, p.params["version"]) for p in validate(load_catalog(project_copy))]
    assert problems == [("datasets/lpks/metadata.yml", "release_not_archived", version("lpks"))]
