"""The pages for the office and its readers: data quality (Kualitas data, and as JSON), in both
languages, computed from the data. Rows added here are synthetic."""

from __future__ import annotations

import html
import json

from opendata import i18n, project, quality
from opendata.catalog import from_bytes, load_catalog, load_dataset

from gitrepo import read_rows, write_rows
from support import ROOT, csv_path


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
