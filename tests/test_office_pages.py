"""The pages for the office and its readers: data quality (Kualitas data, and as JSON), the
release calendar (Jadwal rilis) and the guide for data staff (Panduan staf data), in both
languages, computed from the data. Rows added here are synthetic."""

from __future__ import annotations

import html
import json
import re

import pytest

from opendata import guide, i18n, pages_more, pipeline, project, quality, render, schedule
from opendata.catalog import from_bytes, load_catalog, load_dataset
from opendata.validate import validate

from gitrepo import commit, git, read_rows, write_rows
from support import LANGUAGES, ROOT, csv_path, metadata_path


def lpks_quality(root):
    active = project.load(root)
    with active.activate():
        return quality.dataset_quality(load_dataset(active, "lpks")[0], "2026-12-02")


def test_the_quality_figures_follow_the_data(project_copy):
    before = lpks_quality(project_copy)
    header, rows = read_rows(csv_path(project_copy, "lpks"))
    rows.append({**rows[0], "id": "lpk_uji_kualitas", "alamat": "Jl. Uji 1", "keyakinan": "rendah",
                 "sumber_url": "https://banten.bps.go.id/uji", "sumber_tanggal": "2026-10"})
    write_rows(csv_path(project_copy, "lpks"), header, rows)
    after = lpks_quality(project_copy)
    assert after.rows == before.rows + 1
    fill = {c.name: c for c in before.columns}, {c.name: c for c in after.columns}
    assert fill[1]["alamat"].filled == fill[0]["alamat"].filled + 1
    assert fill[1]["alamat"].percent == round(fill[1]["alamat"].filled * 100 / after.rows, 1)
    assert dict(after.confidence)["rendah"] == dict(before.confidence)["rendah"] + 1
    assert after.source_rule == "host"
    assert dict(after.sources)["bps"] == dict(before.sources)["bps"] + 1
    assert (after.newest_source, after.source_age_months) == ("2026-10", 2)


def test_conflicts_and_source_kinds_come_from_the_columns_that_say_so(project_copy):
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "utama", "type": "boolean"},
                         {"name": "jenis_sumber", "type": "string",
                          "constraints": {"enum": ["bps", "berita"]}},
                         {"name": "sumber_url", "type": "string"}],
              "primaryKey": ["id"], "missingValues": [""]}
    data = ("id,utama,jenis_sumber,sumber_url\na,true,bps,https://x.test/1\n"
            "b,false,berita,https://x.test/2\nc,false,berita,https://x.test/2\n")
    active = project.load(project_copy)
    dataset, _ = from_bytes(active, "uji", b"name: uji\nnotes: {id: celah, en: gap}\n",
                            json.dumps(schema).encode(), data.encode())
    found = quality.dataset_quality(dataset)
    assert (found.conflicts, found.conflict_keys) == (2, ("b", "c"))
    assert (found.source_rule, found.sources) == ("column", (("bps", 1), ("berita", 1)))
    assert found.notes == {"id": "celah", "en": "gap"} and found.release_date is None
    assert [quality.source_kind(u) for u in ("https://www.bps.go.id/x", "https://kab.go.id/",
                                             "https://notgo.id/", "")] == \
        ["bps", "pemerintah", "lainnya", "lainnya"]


def test_the_quality_page_and_its_json_in_both_languages(built_site):
    with project.load(ROOT).activate():
        catalog = load_catalog(ROOT)
        expected = {d.name: quality.dataset_quality(d) for d in catalog.datasets}
    document = json.loads((built_site / "api/kualitas.json").read_text(encoding="utf-8"))
    found = {d["name"]: d for d in document["datasets"]}
    assert set(found) == set(expected)
    for name, item in expected.items():
        assert found[name]["rows"] == item.rows
        assert found[name]["columns"] == {c.name: {"filled": c.filled, "percent": c.percent}
                                          for c in item.columns}
        assert found[name]["confidence"] == dict(item.confidence)
    directory = next(d for d in document["datasets"] if d["coverage"])
    assert directory["coverage"]["areas_total"] > directory["coverage"]["areas_covered"] > 0
    assert directory["coverage"]["reported"] > 0
    for lang, prefix, words in (("id", "", "Konflik terbuka"), ("en", "en/", "Open conflicts")):
        page = html.unescape((built_site / prefix / "kualitas/index.html").read_text(encoding="utf-8"))
        assert words in page and "api/kualitas.json" in page
        assert i18n.t("quality.rule_kind_host", lang) in page


def test_next_update_is_validated_as_a_real_date(project_copy):
    meta = metadata_path(project_copy, "lpks")
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("\nkeywords:", "\nnext_update: '2026-02-30'\nkeywords:"), encoding="utf-8")
    assert [(p.file, p.column, p.code) for p in validate(load_catalog(project_copy))] == \
        [("datasets/lpks/metadata.yml", "next_update", "date_impossible")]
    meta.write_text(text.replace("\nkeywords:", "\nnext_update: 2026-3-1\nkeywords:"), encoding="utf-8")
    found = [(p.column, p.code) for p in validate(load_catalog(project_copy))]
    assert ("next_update", "metadata_invalid") in found and {c for c, _ in found} == {"next_update"}


def test_overdue_is_judged_against_the_head_commit_not_the_clock():
    assert schedule.status("tahunan", "2024-01-01", "2024-01-15") == schedule.OVERDUE
    assert schedule.status("tahunan", "2024-01-15", "2024-01-15") == schedule.DUE
    assert schedule.status("tahunan", "2024-06-30", None) == schedule.UNKNOWN
    assert schedule.status("tidak_diperbarui", None, "2024-01-15") == schedule.NOT_UPDATED
    assert schedule.status("bulanan", None, "2024-01-15") == schedule.UNDECLARED


@pytest.mark.build
def test_the_calendar_flags_overdue_datasets_in_both_languages(project_copy):
    for name, due in (("lpks", "2024-01-01"), ("indikator", "2024-06-30")):
        meta = metadata_path(project_copy, name)
        meta.write_text(meta.read_text(encoding="utf-8").replace(
            "\nkeywords:", f'\nnext_update: "{due}"\nkeywords:', 1), encoding="utf-8")
    git(project_copy, "init", "-q", "-b", "main")
    commit(project_copy, "jadwal", "2024-01-15T10:00:00+07:00")
    active = project.load(project_copy)
    with active.activate():
        site = pipeline.assemble(pipeline.load_valid(active), active)
        assert site.reference == "2024-01-15"
        for lang, overdue, scheduled, pending in (
                ("id", "terlambat", "terjadwal", "belum dijadwalkan"),
                ("en", "overdue", "scheduled", "not scheduled")):
            page = pages_more.calendar_page(site, lang)
            text = html.unescape(render.page(page))
            rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr id="([a-z_]+)">(.*?)</tr>', text, re.S)}
            assert set(rows) == {d.name for d in site.catalog.datasets}
            assert list(rows)[:2] == ["lpks", "indikator"]          # due first, soonest first
            assert f"<strong>{overdue}</strong>" in rows["lpks"]
            assert scheduled in rows["indikator"] and "<strong>" not in rows["indikator"]
            assert pending in rows["bidang"]
            assert i18n.plural("calendar.overdue_count", lang, 1) in text
            assert page.nav == "page.calendar"


def test_dcat_carries_every_datasets_update_frequency(built_site):
    from opendata.linked import EU, FREQUENCY

    catalogue = json.loads((built_site / "dcat.jsonld").read_text(encoding="utf-8"))
    declared = {d.name: d.metadata["update_frequency"] for d in load_catalog(ROOT).datasets}
    found = {d["dct:identifier"]: d["dct:accrualPeriodicity"]["@id"] for d in catalogue["dcat:dataset"]}
    assert found == {name: f"{EU}frequency/{FREQUENCY[code]}" for name, code in declared.items()}


def test_the_guide_lists_every_error_from_the_catalogue(project_copy):
    """Generated, so it cannot drift: a code added to a site's messages shows up in the guide."""
    (project_copy / "messages.yml").write_text(
        (project_copy / "messages.yml").read_text(encoding="utf-8")
        + 'problem.uji_baru: {id: "Masalah uji {cell}.", en: "A test problem {cell}."}\n'
        + 'action.uji_baru: {id: "Perbaiki uji.", en: "Fix the test."}\n', encoding="utf-8")
    active = project.load(project_copy)
    with active.activate():
        for lang in LANGUAGES:
            imported, validated = guide.errors(lang)
            codes = [e.code for e in imported + validated]
            expected = [k[len("problem."):] for k in i18n.catalogue() if k.startswith("problem.")]
            assert sorted(codes) == sorted(expected)
            assert all(c.startswith("import_") for c in (e.code for e in imported))
            assert {"import_number_ambiguous", "import_formula"} <= {e.code for e in imported}
            assert {"release_changed", "release_notes_missing", "csv_semicolon"} <= \
                {e.code for e in validated}
            test = next(e for e in validated if e.code == "uji_baru")
            assert (test.problem, test.action) == (
                (("Masalah uji …." if lang == "id" else "A test problem ….", False),),
                (("Perbaiki uji." if lang == "id" else "Fix the test.", False),))
        temporal = next(e for e in guide.errors("id")[1] if e.code == "temporal_column_unknown")
        assert temporal.problem[0] == ("temporal.column", True)     # an identifier, not Indonesian
        assert ("--decimal-comma", True) in next(e for e in guide.errors("en")[0]
                                                  if e.code == "import_decimal_conflict").action


def test_the_guide_page_gives_the_commands_in_both_languages(built_site):
    for prefix, words in (("", ("Panduan staf data", "--dataset &lt;nama&gt;", "Arti setiap pesan")),
                          ("en/", ("Guide for data staff", "--dataset &lt;name&gt;", "What each message means"))):
        page = (built_site / prefix / "panduan/index.html").read_text(encoding="utf-8")
        for text in (*words, "opendata import", "opendata validate", "opendata release",
                     "make import FILE=", "make release DATASET=", "git push -u origin HEAD",
                     "--decimal-comma", "--date-format dd/mm/yyyy", 'id="import_number_ambiguous"',
                     'id="release_notes_missing"', "Details → Summary"):
            assert text in page, (prefix, text)


def test_the_new_pages_are_in_the_navigation_before_about(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav md-nav--primary"'):]
    places = [nav.index(f'href="{target}/"') for target in ("kualitas", "jadwal-rilis", "panduan", "tentang")]
    assert places == sorted(places)
