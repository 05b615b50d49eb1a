"""`opendata release NAME`: one command in the pull request proposes the next version from
the change, writes version, date and bilingual notes into metadata.yml (as text: comments and
order survive) and the version's archive; validation and the build pass before and after the
merge, and nothing is run on `main`. Rows added here are synthetic (made by the tests)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from opendata import metadata_text, project, releasing
from opendata.catalog import load_dataset
from opendata.cli import main

from gitrepo import DATES, build, commit, copy_project, git, read_rows, write_rows
from support import ROOT, csv_path, metadata_path, schema_path

NOTES = ["--notes-id", "Satu lembaga uji ditambah.", "--notes-en", "One test institution added."]


def as_first_release(root: Path) -> None:
    """The registry of a copy relabelled as its first release, 1.0.0, archived, with no
    release date: the starting point every test here counts versions from."""
    meta = metadata_path(root, "lpks")
    text = meta.read_text(encoding="utf-8")
    current = re.search(r'^version: "([^"]+)"', text, re.M).group(1)
    text = re.sub(r'^version: "[^"]+"$', 'version: "1.0.0"', text, flags=re.M)
    text = re.sub(r"^released:.*\n", "", text, flags=re.M)
    notes = text.index("release_notes:\n")
    text = text[:notes] + ('release_notes:\n  1.0.0:\n    id: "Rilis pertama."\n'
                           '    en: "First release."\n')
    meta.write_text(text, encoding="utf-8")
    shutil.rmtree(root / "archive/lpks")
    (root / "archive/lpks").mkdir(parents=True)
    shutil.copytree(ROOT / "archive/lpks" / current, root / "archive/lpks/1.0.0")


@pytest.fixture
def project_copy(project_copy):
    as_first_release(project_copy)
    return project_copy


@pytest.fixture
def repo(tmp_path):
    """The project as a git repository of one commit: every version in it is released."""
    root = copy_project(tmp_path / "p")
    as_first_release(root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "awal", DATES[0])
    return root


def add_row(root, name="lpks", key="lpk_uji_tambahan"):
    header, rows = read_rows(csv_path(root, name))
    write_rows(csv_path(root, name), header, rows + [{**rows[0], "id": key, "nama": "LPK Uji Tambahan"}])


def correct_cell(root, name="lpks", column="alamat", value="Jl. Uji 1"):
    header, rows = read_rows(csv_path(root, name))
    rows[0][column] = value
    write_rows(csv_path(root, name), header, rows)


def release(root, *args) -> int:
    return main(["release", "lpks", "--root", str(root), "--yes", "--lang", "en", *args])


def cli(root, *args) -> subprocess.CompletedProcess:
    """The command line in its own process, as CI runs it."""
    return subprocess.run([sys.executable, "-m", "opendata", *args, "--root", str(root)],
                          capture_output=True, text=True, cwd=root)


def proposal(root, name="lpks", level=None) -> releasing.Proposal:
    active = project.load(root)
    with active.activate():
        return releasing.propose(active, load_dataset(active, name)[0], level)


# --- which version ------------------------------------------------------------------------------

def remove_column(root, column="catatan"):
    header, rows = read_rows(csv_path(root, "lpks"))
    write_rows(csv_path(root, "lpks"), [c for c in header if c != column],
               [{k: v for k, v in r.items() if k != column} for r in rows])
    schema = json.loads(schema_path(root, "lpks").read_text())
    schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
    schema_path(root, "lpks").write_text(json.dumps(schema))


def retype_column(root, column="telepon"):
    schema = json.loads(schema_path(root, "lpks").read_text())
    next(f for f in schema["fields"] if f["name"] == column)["type"] = "integer"
    schema_path(root, "lpks").write_text(json.dumps(schema))


def remove_row(root):
    header, rows = read_rows(csv_path(root, "lpks"))
    write_rows(csv_path(root, "lpks"), header, rows[1:])


@pytest.mark.parametrize("change, version, reason", [
    (correct_cell, "1.0.1", "release_cmd.reason_cells_changed"),
    (add_row, "1.1.0", "release_cmd.reason_rows_added"),
    (remove_row, "1.1.0", "release_cmd.reason_rows_removed"),
    (remove_column, "2.0.0", "release_cmd.reason_columns_removed"),
    (retype_column, "2.0.0", "release_cmd.reason_types_changed"),
])
def test_the_change_decides_the_version(project_copy, change, version, reason):
    assert proposal(project_copy).version is None   # nothing changed yet
    change(project_copy)
    found = proposal(project_copy)
    assert (found.base, found.version) == ("1.0.0", version)
    assert reason in [key for key, _ in found.reasons]


def test_nothing_changed_is_said_and_nothing_is_written(project_copy, capsys):
    before = metadata_path(project_copy, "lpks").read_bytes()
    assert release(project_copy, *NOTES) == 0
    assert "the data and schema equal the archived version 1.0.0; there is nothing to release" in \
        capsys.readouterr().out
    assert metadata_path(project_copy, "lpks").read_bytes() == before
    add_row(project_copy)
    assert release(project_copy, *NOTES, "--level", "patch") == 1   # lower than the change needs
    assert "--level patch is too low: this change needs at least minor" in capsys.readouterr().out
    assert metadata_path(project_copy, "lpks").read_bytes() == before
    assert not (project_copy / "archive/lpks/1.0.1").exists()


def test_notes_are_required_in_both_languages(project_copy, capsys, monkeypatch):
    add_row(project_copy)
    before = metadata_path(project_copy, "lpks").read_bytes()

    def no_terminal(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    assert release(project_copy, "--notes-id", "Hanya Indonesia.") == 1
    assert 'Release notes are needed in both languages: write --notes-id "..." --notes-en "..."' in \
        capsys.readouterr().out
    assert metadata_path(project_copy, "lpks").read_bytes() == before
    assert not (project_copy / "archive/lpks/1.1.0").exists()
    answers = iter(["One test institution added."])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert release(project_copy, "--notes-id", "Satu.", "--date", "2026-12-05") == 0
    notes = yaml.safe_load(metadata_path(project_copy, "lpks").read_text())["release_notes"]["1.1.0"]
    assert notes == {"id": "Satu.", "en": "One test institution added."}


# --- the whole path, in a scratch repository --------------------------------------------------

@pytest.mark.build
def test_release_in_the_pull_request_then_build_before_and_after_the_merge(repo, tmp_path, capsys):
    git(repo, "checkout", "-q", "-b", "usulan")
    add_row(repo)
    meta = metadata_path(repo, "lpks")
    meta.write_text(meta.read_text().replace("\nkeywords:", "\n# dikelola kantor: jangan diurutkan\nkeywords:"))
    before = meta.read_text()
    assert release(repo, *NOTES, "--date", "2026-12-05") == 0
    out = capsys.readouterr().out
    assert "lpks: 1.0.0 → 1.1.0 (minor: data added or removed)" in out and "1 row(s) added" in out
    after = meta.read_text()
    assert after.replace('version: "1.1.0"\nreleased: "2026-12-05"\n', 'version: "1.0.0"\n').replace(
        'release_notes:\n  "1.1.0":\n    id: "Satu lembaga uji ditambah."\n'
        '    en: "One test institution added."\n', "release_notes:\n") == before
    folder = repo / "archive/lpks/1.1.0"
    sums = dict(reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert {f: hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in sums} == sums
    assert (folder / "lpks.csv").read_bytes() == csv_path(repo, "lpks").read_bytes()
    assert json.loads((folder / "datapackage.json").read_text())["created"] == "2026-12-05T00:00:00Z"
    assert cli(repo, "validate").returncode == 0
    commit(repo, "LPK uji", DATES[1])
    site = build(repo, tmp_path / "before")                   # the pull request's build
    assert (site / "data/lpks/1.1.0/lpks.csv").read_bytes() == (folder / "lpks.csv").read_bytes()
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Gabung", "usulan", date=DATES[2])
    assert cli(repo, "validate").returncode == 0
    site = build(repo, tmp_path / "after")                    # main after the merge: nothing to run
    for file in folder.iterdir():
        assert (site / "data/lpks/1.1.0" / file.name).read_bytes() == file.read_bytes(), file.name
    api = json.loads((site / "api/lpks.json").read_text())
    assert [(r["version"], r["date"]) for r in api["releases"]][0] == ("1.1.0", "2026-12-05")


@pytest.mark.slow
def test_running_it_again_before_committing_redoes_the_same_release(repo, capsys):
    add_row(repo)
    assert release(repo, *NOTES, "--date", "2026-12-05") == 0
    correct_cell(repo)
    assert release(repo, "--date", "2026-12-06") == 0       # the notes written before are kept
    out = capsys.readouterr().out
    assert "lpks: 1.0.0 → 1.1.0" in out and "1 row(s) corrected" in out
    assert "The release notes of 1.1.0 (id) already in metadata.yml are used." in out
    assert sorted(p.name for p in (repo / "archive/lpks").iterdir()) == ["1.0.0", "1.1.0"]
    assert (repo / "archive/lpks/1.1.0/lpks.csv").read_bytes() == csv_path(repo, "lpks").read_bytes()
    commit(repo, "LPK uji", DATES[1])
    correct_cell(repo, value="Jl. Uji 2")
    assert proposal(repo).version == "1.1.1"                 # committed: the next one is new
    assert cli(repo, "validate").returncode == 1


@pytest.mark.slow
def test_ci_refuses_changed_rows_without_a_version_and_a_version_without_notes(repo):
    """What CI runs (`opendata validate`) exits 1 and names the file to fix."""
    correct_cell(repo)
    done = cli(repo, "validate", "--json")
    assert done.returncode == 1
    assert [(p["file"], p["code"]) for p in json.loads(done.stdout)] == \
        [("datasets/lpks/lpks.csv", "release_changed")]
    meta = metadata_path(repo, "lpks")
    meta.write_text(meta.read_text().replace('version: "1.0.0"', 'version: "1.0.1"'))
    done = cli(repo, "validate", "--json")
    assert done.returncode == 1
    found = json.loads(done.stdout)
    assert [(p["file"], p["code"]) for p in found] == [("datasets/lpks/metadata.yml", "release_notes_missing")]
    assert "1.0.1" in found[0]["message_en"] and "opendata release" in found[0]["action_en"]
    assert release(repo, *NOTES, "--date", "2026-12-05") == 0   # the fix is one command
    assert cli(repo, "validate").returncode == 0


# --- the metadata text edit ---------------------------------------------------------------------

def test_the_metadata_edit_keeps_comments_and_order_and_refuses_what_it_cannot_do():
    text = ("# kepala\nname: uji   # nama folder\nversion: 1.0.0  # versi\ntitle: {id: a, en: b}\n"
            "release_notes:\n    # terbaru di atas\n    1.0.0:\n        id: satu\n        en: one\n"
            "columns: {a: {id: a, en: a}}\n")
    new = metadata_text.with_release(text, "1.1.0", "2026-12-05", {"id": "dua", "en": "two"})
    assert new == ("# kepala\nname: uji   # nama folder\nversion: \"1.1.0\"  # versi\n"
                   'released: "2026-12-05"\ntitle: {id: a, en: b}\n'
                   'release_notes:\n    "1.1.0":\n        id: "dua"\n        en: "two"\n'
                   "    # terbaru di atas\n    1.0.0:\n        id: satu\n        en: one\n"
                   "columns: {a: {id: a, en: a}}\n")
    again = metadata_text.with_release(new, "1.1.0", "2026-12-06", {"id": "tiga", "en": "three"})
    assert again.count('"1.1.0":') == 1 and 'id: "tiga"' in again and "dua" not in again
    with pytest.raises(metadata_text.EditError):
        metadata_text.with_release("name: uji\nversion: 1.0.0\nrelease_notes: {1.0.0: {id: a, en: b}}\n",
                                   "1.1.0", "2026-12-05", {"id": "a", "en": "b"})


@given(st.text(min_size=1, max_size=200))
def test_any_note_survives_the_round_trip_through_yaml(note):
    text = metadata_text.with_release("name: uji\nversion: 1.0.0\n", "1.0.1", "2026-12-05",
                                      {"id": note, "en": note})
    from opendata import yamlsafe

    assert yamlsafe.load(text)["release_notes"]["1.0.1"] == {"id": note, "en": note}
