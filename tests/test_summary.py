"""`opendata diff`: what a pull request changes in the rows, against its base branch, as the
job summary (Markdown, escaped, capped) and as text, from a scratch git repository."""

from __future__ import annotations

import re

import pytest

from opendata import diffs, summary
from opendata.problems import Problem

from gitrepo import (
    DATES,
    bump,
    commit,
    copy_project,
    git,
    read_rows,
    set_version,
    version,
    write_rows,
)
from support import ROOT, csv_path

HOSTILE_NAME = "LPK Hasna Jaya Sejahtera | `cabang` <b>Serang</b> [x](javascript:alert(1))"


BASE = version(ROOT, "lpks")      # the real registry's version, on main
NEW = bump(BASE)                   # the pull request's


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory):
    """main: the real data. The branch `usulan`: lpks 1.1.0 with one row added, one removed
    and one name changed (with Markdown and HTML in it)."""
    root = copy_project(tmp_path_factory.mktemp("pr") / "repo")
    git(root, "init", "-q", "-b", "main")
    commit(root, "Data awal", DATES[0])
    git(root, "checkout", "-q", "-b", "usulan")
    file = csv_path(root, "lpks")
    header, rows = read_rows(file)
    removed = rows.pop(3)                    # no programme refers to it
    rows[0]["nama"] = HOSTILE_NAME
    added = {**rows[-1], "id": "lpk_uji_baru", "nama": "LPK Uji <script>alert(1)</script>",
             "catatan": "Catatan " + "panjang " * 40}
    write_rows(file, header, [*rows, added])
    set_version(root, "lpks", NEW, released=DATES[1][:10])   # as `opendata release` does
    commit(root, "Usulan: satu LPK ditambah", DATES[1])
    return root, removed


def cells(line: str) -> list[str]:
    """The cells of a Markdown table line, split on unescaped pipes."""
    assert line.startswith("| ") and line.endswith(" |")
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


def test_the_job_summary_has_the_validation_and_the_rows_that_changed(pull_request, opendata):
    root, removed = pull_request
    code, out, _ = opendata("diff", "--root", str(root), "--base", "main", "--markdown",
                            "--artifact", "situs-pratinjau")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == ["## Validasi / Validation", "", "✅ Semua 7 dataset sah. / All 7 datasets are valid."]
    assert lines[lines.index(f"### lpks ({BASE} → {NEW})") + 2] == (
        "1 baris ditambah, 1 baris dihapus, 1 baris diubah. / "
        "1 row added, 1 row removed, 1 row changed.")
    table = [line for line in lines if line.startswith("| ")]
    assert cells(table[0]) == ["Perubahan / Change", "Kunci (id) / Key (id)", "Kolom / Column",
                               "Nilai lama / Old value", "Nilai baru / New value"]
    rows = [cells(line) for line in table[2:]]
    assert [r[:3] for r in rows] == [
        ["ditambah / added", r"lpk\_uji\_baru", ""],
        ["dihapus / removed", md_plain(removed["id"]), ""],
        ["diubah / changed", r"lpk\_hasna\_jaya\_sejahtera", "nama"]]
    assert rows[2][3:] == ["LPK Hasna Jaya Sejahtera",
                           r"LPK Hasna Jaya Sejahtera \| \`cabang\` &lt;b&gt;Serang&lt;/b&gt; "
                           r"\[x\]\(javascript\:alert\(1\)\)"]
    assert rows[0][4].startswith(r"id\: lpk\_uji\_baru; nama\: LPK Uji &lt;script&gt;")
    assert len(rows[0][4]) < 2 * summary.MAX_CELL and rows[0][4].endswith("…")
    assert rows[1][3].startswith(rf"id\: {md_plain(removed['id'])}; nama\: BLK Komunitas")
    assert "<script" not in out and "<b>" not in out and "](javascript" not in out
    assert "## Pratinjau situs / Site preview" in lines
    assert any("`situs-pratinjau`" in line for line in lines)
    heading = next(line for line in lines if line.startswith("## Perubahan data"))
    assert heading.startswith("## Perubahan data terhadap main \\(")


def md_plain(text: str) -> str:
    return text.replace("_", r"\_")


def test_a_failing_validation_is_in_the_summary(pull_request, opendata, tmp_path):
    root, _ = pull_request
    set_version(root, "lpks", BASE, notes=False)          # rows changed, version not raised
    try:
        code, out, _ = opendata("diff", "--root", str(root), "--base", "main", "--markdown")
    finally:
        git(root, "checkout", "-q", "--", ".")
    assert code == 0
    lines = out.splitlines()
    assert lines[2].startswith("❌ 1 masalah di 1 berkas.")
    header, rule, row = lines[4:7]
    assert cells(header) == ["Berkas / File", "Masalah / Problem", "Yang harus dilakukan / What to do"]
    assert cells(row)[0] == "`datasets/lpks/lpks.csv`" and BASE in cells(row)[1]
    assert f"### lpks ({BASE})" in lines


def test_the_text_diff_for_a_terminal(pull_request, opendata):
    root, removed = pull_request
    code, out, _ = opendata("diff", "--root", str(root), "--base", "main", "--lang", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Data changes against main (")
    assert lines[1] == f"lpks {BASE} → {NEW}: 1 row added, 1 row removed, 1 row changed."
    assert lines[2:4] == ["  + lpk_uji_baru", f"  - {removed['id']}"]
    assert lines[4].startswith("  ~ lpk_hasna_jaya_sejahtera nama: 'LPK Hasna Jaya Sejahtera' → 'LPK Hasna")
    assert len(lines) == 5


def test_an_unknown_base_is_named(pull_request, opendata):
    root, _ = pull_request
    code, out, err = opendata("diff", "--root", str(root), "--base", "tidak-ada\x1b[2J", "--lang", "en")
    assert code == 2 and out == ""
    assert err == ("'tidak-ada\\x1b[2J' is not a commit of this repository: name an existing branch "
                   "or commit (e.g. main, origin/main, HEAD~1).\n")
    code, _, err = opendata("diff", "--root", str(root), "--base=--output=/tmp/x", "--lang", "en")
    assert code == 2 and err.startswith("'--output=/tmp/x' is not a commit of this repository")


def test_no_change_says_so(pull_request, opendata):
    root, _ = pull_request
    code, out, _ = opendata("diff", "--root", str(root), "--base", "HEAD", "--lang", "id")
    assert code == 0 and out.splitlines()[1] == "Tidak ada dataset yang berubah."


# --- escaping and caps, without git ---------------------------------------------------------

def test_markdown_cells_are_escaped():
    assert summary.md("a|b") == r"a\|b"
    assert summary.md("`x` *y* _z_ $m$ ~s~ #h") == r"\`x\` \*y\* \_z\_ \$m\$ \~s\~ \#h"
    assert summary.md("<img src=x onerror=alert(1)> & co") == r"&lt;img src=x onerror=alert\(1\)&gt; &amp; co"
    assert summary.md("baris\nbaru\x1b") == r"baris\\nbaru\\x1b"
    assert summary.md("x" * 500) == "x" * summary.MAX_CELL + "…"


def test_tables_are_capped_per_dataset_and_in_all():
    rows = tuple({"id": f"r{i}", "nilai": str(i)} for i in range(500))
    big = diffs.Diff(key=("id",), added=rows, removed=(), changed=())
    found = [summary.Change(f"data_{n}", None, None, big) for n in range(10)]
    out = summary.markdown(found, [], "main", "en", dataset_count=10)
    tables = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line
              and not line.startswith("| Change")]
    assert len(tables) == summary.MAX_TOTAL
    assert out.count(f"… and {500 - summary.MAX_LINES} more table line(s) not shown") == \
        summary.MAX_TOTAL // summary.MAX_LINES
    assert out.count("… and 500 more table line(s) not shown") == 10 - summary.MAX_TOTAL // summary.MAX_LINES


def test_problems_listed_are_capped():
    problems = [Problem(file="datasets/x/x.csv", code="required", row=n, column="nama")
                for n in range(2, 2 + summary.MAX_PROBLEMS + 7)]
    out = summary.markdown([], problems, "main", "en", dataset_count=1)
    assert out.count("| `datasets/x/x.csv:") == summary.MAX_PROBLEMS
    assert "… and 7 more problem(s): run opendata validate for the full list." in out
