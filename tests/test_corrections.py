"""Corrections from anyone: GitHub issue forms (valid against GitHub's schema, their fields
the registry's columns), prefilled links to them, and `opendata add-row`, which turns an
accepted "Tambah lembaga pelatihan" issue into one canonical CSV row or refuses."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from opendata import add_row, corrections
from opendata.catalog import load_catalog
from opendata.validate import validate

from support import ROOT, csv_path

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
ISSUE = Path(__file__).parent / "fixtures" / "issues" / "tambah-lembaga.txt"
REPO = "https://github.com/contoh/data-ketenagakerjaan"


def form(name: str) -> dict:
    return yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))


def fields(name: str) -> dict[str, dict]:
    return {item["id"]: item for item in form(name)["body"] if item["type"] != "markdown"}


# --- the forms -------------------------------------------------------------------------------

def test_the_forms_match_githubs_issue_forms_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    for schema, files in (("vendor.github-issue-forms", [corrections.CORRECTION, corrections.ADDITION]),
                          ("vendor.github-issue-config", ["config.yml"])):
        done = subprocess.run([str(checker), "--builtin-schema", schema,
                               *(str(FORMS / f) for f in files)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in FORMS.iterdir()) == sorted(
        ["config.yml", corrections.CORRECTION, corrections.ADDITION])
    assert form(corrections.CORRECTION)["name"].startswith("Koreksi data")
    assert form(corrections.ADDITION)["name"].startswith("Tambah lembaga pelatihan")
    assert yaml.safe_load((FORMS / "config.yml").read_text())["blank_issues_enabled"] is False


def test_every_label_is_indonesian_first_then_english():
    for name in (corrections.CORRECTION, corrections.ADDITION):
        for field_id, item in fields(name).items():
            label = item["attributes"]["label"]
            if field_id != "dataset":                       # the same word in both
                assert " / " in label, (name, label)


def test_the_correction_form_has_the_fields_a_link_fills():
    found = fields(corrections.CORRECTION)
    for field_id in corrections.PREFILLED:          # GitHub prefills inputs and textareas only
        assert found[field_id]["type"] in ("input", "textarea"), field_id
    url = corrections.correction_url(REPO, "lpks", "1.0.0", "x")
    query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
    assert set(query) - {"template", "title"} <= set(found)
    assert query["template"] == corrections.CORRECTION
    required = {i for i, item in found.items() if (item.get("validations") or {}).get("required")}
    assert {"dataset", "row", "masalah", "nilai_benar", "sumber_penerbit", "sumber_url"} <= required


def test_the_addition_form_asks_the_registrys_columns():
    catalog = load_catalog(ROOT)
    lpks, wilayah, bidang = catalog["lpks"], catalog["wilayah"], catalog["bidang"]
    found = {i: item for i, item in fields(corrections.ADDITION).items() if item["type"] != "checkboxes"}
    assert set(found) <= set(lpks.header)
    assert [c for c in lpks.header if c not in found] == ["id", "keyakinan"]    # for --set
    for column, item in found.items():
        required = bool((item.get("validations") or {}).get("required"))
        assert required == bool(lpks.field(column).get("constraints", {}).get("required")), column

    def codes(column):
        options = found[column]["attributes"]["options"]
        assert all(add_row.OPTION in o for o in options)
        return [o.split(add_row.OPTION)[0] for o in options]
    assert codes("jenis") == lpks.field("jenis")["constraints"]["enum"]
    assert codes("akreditasi") == lpks.field("akreditasi")["constraints"]["enum"]
    assert codes("kelurahan_kode") == [r["kode"] for r in wilayah.rows if r["tingkat"] == "kelurahan"]
    assert codes("bidang") == [r["kode"] for r in bidang.rows]
    assert found["bidang"]["attributes"]["multiple"] is True
    # GitHub joins the choices of a multiple dropdown with ", ": no option may hold one
    assert not [o for o in found["bidang"]["attributes"]["options"] if ", " in o]


# --- prefilled links ---------------------------------------------------------------------------

def test_correction_links_carry_dataset_version_and_row_encoded():
    assert corrections.correction_url(REPO, "lpks", "1.0.0", "lpk_maju & co/#1 é") == (
        f"{REPO}/issues/new?template=koreksi-data.yml&dataset=lpks&version=1.0.0"
        "&row=lpk_maju%20%26%20co%2F%231%20%C3%A9")
    assert corrections.correction_url(REPO, "indikator") == \
        f"{REPO}/issues/new?template=koreksi-data.yml&dataset=indikator"
    assert corrections.issue_url(REPO, corrections.ADDITION, title="Tambah: LPK \"A\"+B", nama="") == \
        f"{REPO}/issues/new?template=tambah-lembaga.yml&title=Tambah%3A%20LPK%20%22A%22%2BB"
    assert corrections.correction_url(REPO, "lpks", row=7).endswith("&row=7")


@pytest.mark.parametrize("repository, base", [
    ("contoh/data", "https://github.com/contoh/data"),
    ("https://github.com/contoh/data/", "https://github.com/contoh/data"),
    ("https://github.com/contoh/data.git", "https://github.com/contoh/data"),
    ("https://git.kota.test:8443/contoh/data", "https://git.kota.test:8443/contoh/data"),
])
def test_a_repository_is_an_https_owner_and_name(repository, base):
    assert corrections.repository_url(repository) == base
    assert corrections.correction_url(repository, "lpks").startswith(f"{base}/issues/new?")


@pytest.mark.parametrize("repository", [
    None, "", "   ", "http://github.com/contoh/data", "javascript:alert(1)//x/y",
    "https://github.com/contoh", "https://github.com/contoh/data/issues", "https://github.com/../data",
    "https://user:sandi@github.com/contoh/data", "https://github.com/contoh/da ta",
    "https://github.com/contoh/data?x=1", "https://github.com/contoh/\"data\"", "contoh/data/lagi",
])
def test_no_link_without_a_usable_repository(repository):
    assert corrections.repository_url(repository) is None
    assert corrections.correction_url(repository, "lpks", "1.0.0", "a") is None


# --- opendata add-row ------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path) -> Path:
    """What add-row and validate read: the data, the site's configuration and the forms."""
    root = tmp_path / "situs"
    root.mkdir()
    for part in ("datasets", "schemas", ".github"):
        shutil.copytree(ROOT / part, root / part)
    for part in ("site.yml", "messages.yml"):
        shutil.copy(ROOT / part, root / part)
    return root


EXPECTED_ROW = (
    'lpk_maju_bersama_curug,LPK Maju Bersama Curug,lpk_swasta,36.73.04.1002,kota_serang,'
    '"Jl. Contoh Raya No. 12, Kel. Tinggar, Kec. Curug",kecantikan;tata_boga,,-6.1412,106.1840,'
    '0254 123456,,"Data uji: lembaga rekaan, ""bukan"" data nyata.",'
    'LPK Maju Bersama Curug (situs lembaga),https://lpk-maju-bersama.contoh.test/tentang,2025-10,sedang\n')


def test_an_accepted_issue_becomes_one_canonical_row(site, opendata):
    target = csv_path(site, "lpks")
    before = target.read_bytes()
    code, out, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(ISSUE),
                              "--set", "id=lpk_maju_bersama_curug", "--set", "keyakinan=sedang")
    assert code == 0, err
    assert out == EXPECTED_ROW
    after = target.read_bytes()
    assert after == before + EXPECTED_ROW.encode("utf-8")      # appended, the rest untouched
    assert b"\r" not in after and not after.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(after.decode("utf-8"))))
    assert rows[-1]["bidang"] == "kecantikan;tata_boga" and rows[-1]["akreditasi"] == ""
    assert rows[-1]["situs_web"] == "" and rows[-1]["kelurahan_kode"] == "36.73.04.1002"
    assert "Row added to datasets/lpks/lpks.csv" in err and "Baris ditambahkan" in err
    assert [p for p in validate(load_catalog(site)) if p.is_error] == []     # validate agrees


def test_the_rendered_body_may_come_with_crlf_and_from_standard_input(site, monkeypatch, opendata):
    body = ISSUE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": io.BytesIO(body)})())
    code, out, _ = opendata("add-row", "--root", str(site), "--dataset", "lpks", "-", "--dry-run",
                            "--set", "id=lpk_maju_bersama_curug", "--set", "keyakinan=sedang")
    assert code == 0 and out == EXPECTED_ROW
    assert csv_path(site, "lpks").read_bytes() == (ROOT / "datasets/lpks/lpks.csv").read_bytes()


def test_columns_the_form_does_not_ask_are_named_with_a_suggestion(site, opendata):
    before = csv_path(site, "lpks").read_bytes()
    code, out, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(ISSUE),
                              "--lang", "en")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{ISSUE}: id: The form does not ask this required column; a maintainer decides it.",
        "    → Decide its value and run again with --set, e.g. --set id=lpk_maju_bersama_curug",
        f"{ISSUE}: keyakinan: The form does not ask this required column; a maintainer decides it.",
        "    → Decide its value and run again with --set, e.g. --set keyakinan=tinggi|sedang|rendah",
        "2 problem(s) in 1 file(s). Nothing was written to the CSV."]
    assert csv_path(site, "lpks").read_bytes() == before


def test_anything_that_would_need_a_guess_is_refused_and_nothing_is_written(site, opendata, tmp_path):
    text = ISSUE.read_text(encoding="utf-8")
    for old, new in (("-6.1412", "-6,1412"),                                    # decimal comma
                     ("kecantikan — Kecantikan / Beauty, ", "menjahit, "),     # not an option
                     ("### Alamat / Address", "### Alamat lengkap"),           # not a question
                     ("LPK Maju Bersama Curug\n\n### Jenis", "_No response_\n\n### Jenis"),   # required
                     ("Data uji: lembaga rekaan", "Baris satu\nbaris dua"),     # two lines
                     ("0254 123456", "0254\x1b[2J 123456")):                    # a control byte
        assert old in text
        text = text.replace(old, new)
    issue = tmp_path / "issue.txt"
    issue.write_text(text, encoding="utf-8")
    before = csv_path(site, "lpks").read_bytes()
    code, out, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(issue),
                              "--set", "id=bbpvp_serang", "--set", "keyakinan=sedang",
                              "--set", "warna=merah", "--lang", "id")
    assert code == 1 and out == ""
    heads = [line for line in err.splitlines()[:-1] if not line.startswith("    →")]
    assert heads == [
        "--set: --set 'warna=merah' bukan KOLOM=NILAI dengan kolom yang ada.",
        f"{issue}: id: Baris dengan kunci 'bbpvp_serang' sudah ada di datasets/lpks/lpks.csv.",
        f"{issue}:1: nama: Kolom wajib, tetapi jawaban 'Nama lembaga / Name of the institution' kosong.",
        f"{issue}:17: Alamat lengkap: Bagian '### Alamat lengkap' bukan pertanyaan formulir ini.",
        f"{issue}:21: bidang: Jawaban 'menjahit' bukan salah satu pilihan formulir.",
        f"{issue}:29: lintang: '-6,1412' bukan nilai angka yang sah.",
        f"{issue}:37: telepon: Jawabannya memuat karakter kendali atau tak terlihat (\\x1b).",
        f"{issue}:45: catatan: Jawabannya lebih dari satu baris.",
    ]
    assert err.splitlines()[-1] == "8 masalah di 2 berkas. Tidak ada yang ditulis ke CSV."
    assert "\x1b" not in err
    assert csv_path(site, "lpks").read_bytes() == before


def test_an_unknown_dataset_or_body_is_refused(site, opendata, tmp_path):
    code, _, err = opendata("add-row", "--root", str(site), "--dataset", "tidak_ada", str(ISSUE),
                            "--lang", "en")
    assert code == 1 and err.splitlines()[0] == f"{ISSUE}: There is no dataset 'tidak_ada'."
    other = tmp_path / "lain.txt"
    other.write_text("Tolong tambahkan LPK saya.\n", encoding="utf-8")
    code, _, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(other), "--lang", "en")
    assert code == 1 and "do not match exactly one form" in err.splitlines()[0]
    code, _, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(ISSUE),
                            "--form", str(tmp_path / "tidak-ada.yml"), "--lang", "en")
    assert code == 1 and err.splitlines()[0] == f"{tmp_path / 'tidak-ada.yml'}: This form cannot be read."
    code, out, _ = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(ISSUE), "--dry-run",
                            "--form", str(site / ".github/ISSUE_TEMPLATE" / corrections.ADDITION),
                            "--set", "id=lpk_maju_bersama_curug", "--set", "keyakinan=sedang")
    assert code == 0 and out == EXPECTED_ROW


def test_a_maintainers_set_replaces_an_answer_that_was_refused(site, opendata, tmp_path):
    issue = tmp_path / "issue.txt"
    issue.write_text(ISSUE.read_text(encoding="utf-8").replace(
        "Data uji: lembaga rekaan", "Baris satu\nbaris dua").replace("-6.1412", "-6,1412"),
        encoding="utf-8")
    code, out, err = opendata("add-row", "--root", str(site), "--dataset", "lpks", str(issue),
                              "--dry-run", "--set", "id=lpk_maju_bersama_curug",
                              "--set", "keyakinan=sedang", "--set", "catatan=Satu baris.",
                              "--set", "lintang=")
    assert code == 0, err
    assert out == EXPECTED_ROW.replace('"Data uji: lembaga rekaan, ""bukan"" data nyata."',
                                       "Satu baris.").replace(",-6.1412,", ",,")
