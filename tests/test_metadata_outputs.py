"""What machines and citing readers get: Atom feeds, DCAT-AP and schema.org JSON-LD, the
catalogue's datapackage.json (checked by the frictionless CLI), the static JSON API and the
citations, all from the release repository of tests/gitrepo.py."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from opendata import citations, render
from opendata.catalog import load_catalog

from gitrepo import DATES, SITE_URL

ATOM = "{http://www.w3.org/2005/Atom}"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site / url[len(SITE_URL):]


def test_the_site_feed_has_every_release_newest_first(release_repo, release_site):
    feed = ET.parse(release_site / "feeds" / "rilis.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    count = len(load_catalog(release_repo.root).datasets)
    assert len(entries) == count + 2
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == DATES[2]
    new = release_repo.versions["indikator"][1]
    entry = next(e for e in entries if e.findtext(f"{ATOM}id") == f"{SITE_URL}data/indikator/{new}/")
    assert entry.findtext(f"{ATOM}updated") == DATES[1]
    assert entry.findtext(f"{ATOM}title") == f"Indikator ketenagakerjaan, versi {new}"
    assert "1 baris ditambah, 1 baris dihapus, 1 baris diubah." in entry.findtext(f"{ATOM}summary")
    assert entry.find(f"{ATOM}link").get("href") == f"{SITE_URL}data/indikator/{new}/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE_URL}feeds/rilis.xml"
    for prefix in ("", "en/"):   # feed readers find it from any page's <head>
        head = (release_site / prefix / "index.html").read_text(encoding="utf-8").split("</head>")[0]
        assert '<link rel="alternate " type="application/atom+xml"' in head
        assert 'href="feeds/rilis.xml"' in head
        assert (release_site / prefix / "feeds" / "rilis.xml").is_file()


def test_each_dataset_has_its_own_feed_in_both_languages(release_repo, release_site):
    old, new = release_repo.versions["indikator"]
    for prefix, lang, title in (("", "id", "versi"), ("en/", "en", "version")):
        feed = ET.parse(release_site / prefix / "feeds" / "indikator.xml").getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        entries = feed.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}id") for e in entries] == \
            [f"{SITE_URL}data/indikator/{new}/", f"{SITE_URL}data/indikator/{old}/"]
        assert [e.findtext(f"{ATOM}updated") for e in entries] == [DATES[1], DATES[0]]
        assert all(f" {title} " in e.findtext(f"{ATOM}title") for e in entries)
        link = entries[0].find(f"{ATOM}link").get("href")
        assert link == f"{SITE_URL}{prefix}data/indikator/{new}/"
    page = (release_site / "dataset" / "indikator" / "riwayat" / "index.html").read_text()
    assert 'href="../../../feeds/indikator.xml" type="application/atom+xml"' in page


def json_ld(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    head, body = text.split("</head>", 1)
    assert "application/ld+json" not in body  # instant navigation would run it as a script
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert len(found) == 1
    assert "<" not in found[0] and ">" not in found[0]
    return json.loads(found[0])


def test_dataset_pages_carry_schema_org_dataset(release_repo, release_site):
    new = release_repo.versions["indikator"][1]
    for prefix, lang in (("", "id"), ("en/", "en")):
        data = json_ld(release_site / prefix / "dataset" / "indikator" / "index.html")
        dataset = load_catalog(release_repo.root)["indikator"]
        assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
        assert data["name"] == dataset.text("title", lang)
        assert data["description"] == dataset.text("description", lang)
        assert data["license"] == dataset.metadata["license"]["path"]
        assert data["creator"]["name"] == "Data Ketenagakerjaan Kota Serang"
        assert data["version"] == new
        temporal = dataset.metadata["temporal"]
        assert data["temporalCoverage"] == f"{temporal['start']}/{temporal['end']}"
        assert data["spatialCoverage"] == {"@type": "Place", "name": dataset.text("spatial", lang)}
        assert data["datePublished"] == DATES[0][:10] and data["dateModified"] == DATES[1][:10]
        kinds = {d["encodingFormat"] for d in data["distribution"]}
        assert {"text/csv", "application/json", "application/zip"} <= kinds
        for download in data["distribution"]:
            assert download["@type"] == "DataDownload"
            assert sha256(served(release_site, download["contentUrl"])) == download["sha256"]


def test_json_for_a_script_element_cannot_close_it():
    hostile = {"title": "</script><script>alert(1)</script> & <!--"}
    text = str(render.script_json(hostile))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile


def test_json_ld_survives_the_front_matter_unchanged():
    """The page's JSON-LD travels through YAML front matter, read back by mkdocs."""
    from mkdocs.utils.meta import get_data

    hostile = {"name": "</script>\u0085nel\u2028ls\u2029ps 'q' \"d\" ---\na: b # c {date} é"}
    _, meta = get_data(render.document("Judul", "<p>isi</p>", linked_data=[hostile]))
    [text] = meta["linked_data"]
    assert text.isascii() and "<" not in text
    assert json.loads(text) == hostile


def test_dcat_catalogue_describes_every_dataset_and_distribution(release_repo, release_site):
    catalogue = json.loads((release_site / "dcat.jsonld").read_text(encoding="utf-8"))
    assert catalogue["@type"] == "dcat:Catalog"
    assert catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    catalog = load_catalog(release_repo.root)
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert sorted(datasets) == sorted(catalog.names)
    for dataset in catalog.datasets:
        item = datasets[dataset.name]
        assert item["@type"] == "dcat:Dataset"
        assert {t["@language"]: t["@value"] for t in item["dct:title"]} == dataset.metadata["title"]
        assert {t["@language"] for t in item["dct:description"]} == {"id", "en"}
        assert item["dct:license"] == {"@id": dataset.metadata["license"]["path"]}
        assert item["dct:publisher"]["@id"].startswith(SITE_URL)
        assert item["owl:versionInfo"] == dataset.version
        if dataset.metadata.get("temporal"):
            assert item["dct:temporal"]["dcat:startDate"]["@value"] == \
                str(dataset.metadata["temporal"]["start"])
        if dataset.metadata.get("spatial"):
            assert item["dct:spatial"]["@type"] == "dct:Location"
        assert len(item["dcat:distribution"]) == 6
        for distribution in item["dcat:distribution"]:
            file = served(release_site, distribution["dcat:downloadURL"]["@id"])
            assert f"/data/{dataset.name}/{dataset.version}/" in str(file)
            assert int(distribution["dcat:byteSize"]["@value"]) == file.stat().st_size
            assert distribution["spdx:checksum"]["spdx:checksumValue"]["@value"] == sha256(file)
            assert distribution["dcat:mediaType"]["@id"].startswith(
                "http://www.iana.org/assignments/media-types/")
    versions = [v["@id"] for v in datasets["indikator"]["dcat:hasVersion"]]
    assert versions == [f"{SITE_URL}data/indikator/{v}/" for v in release_repo.versions["indikator"]]


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(FRICTIONLESS), "validate", str(descriptor)], cwd=descriptor.parent,
                          capture_output=True, text=True)


@pytest.mark.parametrize("where", ["catalogue", "indikator-old", "indikator-new", "bidang-new"])
def test_frictionless_accepts_the_published_data_packages(release_repo, release_site, where):
    versions = release_repo.versions
    descriptor = {
        "catalogue": release_site / "datapackage.json",
        "indikator-old": release_site / f"data/indikator/{versions['indikator'][0]}/datapackage.json",
        "indikator-new": release_site / f"data/indikator/{versions['indikator'][1]}/datapackage.json",
        "bidang-new": release_site / f"data/bidang/{versions['bidang'][1]}/datapackage.json",
    }[where]
    done = frictionless_validate(descriptor)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID" in done.stdout and "INVALID" not in done.stdout


def test_frictionless_finds_a_tampered_release(release_repo, release_site, tmp_path):
    """The hash in the data package is really checked, so the test above means something."""
    folder = release_site / "data" / "bidang" / release_repo.versions["bidang"][1]
    copy = tmp_path / "copy"
    copy.mkdir()
    for file in (f for f in folder.iterdir() if f.is_file()):
        (copy / file.name).write_bytes(file.read_bytes())
    csv = copy / "bidang.csv"
    csv.write_bytes(csv.read_bytes().replace(b"(renamed)", b"(RENAMED)"))
    assert frictionless_validate(copy / "datapackage.json").returncode != 0


def test_catalogue_package_points_at_each_current_release(release_repo, release_site):
    package = json.loads((release_site / "datapackage.json").read_text(encoding="utf-8"))
    catalog = load_catalog(release_repo.root)
    assert [r["name"] for r in package["resources"]] == catalog.names
    for resource in package["resources"]:
        dataset = catalog[resource["name"]]
        assert resource["path"] == f"data/{dataset.name}/{dataset.version}/{dataset.name}.csv"
        assert resource["bytes"] == (release_site / resource["path"]).stat().st_size
        assert resource["hash"] == "sha256:" + sha256(release_site / resource["path"])
        assert resource["schema"]["fields"] == dataset.schema["fields"]


def test_static_api_lists_the_catalogue_and_each_release(release_repo, release_site):
    api = json.loads((release_site / "api" / "datasets.json").read_text(encoding="utf-8"))
    catalog = load_catalog(release_repo.root)
    assert [d["name"] for d in api["datasets"]] == catalog.names
    indikator = next(d for d in api["datasets"] if d["name"] == "indikator")
    old, new = release_repo.versions["indikator"]
    assert indikator["version"] == new
    assert [r["version"] for r in indikator["releases"]] == [new, old]
    assert indikator["files"]["csv"] == f"{SITE_URL}data/indikator/{new}/indikator.csv"
    one = json.loads(served(release_site, indikator["api"]).read_text(encoding="utf-8"))
    assert one["schema"] == catalog["indikator"].schema
    assert one["metadata"]["title"] == catalog["indikator"].metadata["title"]
    assert one["releases"][0]["changes"] == {"added": 1, "removed": 1, "changed": 1}
    for release in one["releases"]:
        assert release["released"] is True
        for file in release["files"]:
            path = served(release_site, file["url"])
            assert (path.stat().st_size, sha256(path)) == (file["bytes"], file["sha256"])


def textareas(page: str) -> dict[str, str]:
    found = re.findall(r'<textarea[^>]*aria-label="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)
    return {label: html.unescape(text) for label, text in found}


def test_citations_are_pinned_to_the_version_and_its_permanent_url(release_repo, release_site):
    old, new = release_repo.versions["indikator"]
    url = f"{SITE_URL}data/indikator/{new}/"
    page = (release_site / "dataset" / "indikator" / "index.html").read_text(encoding="utf-8")
    assert "Kutip data ini" in page
    apa = re.search(r'<blockquote class="od-cite__apa"><p>(.*?)</p>', page, re.S).group(1)
    assert apa.startswith("Data Ketenagakerjaan Kota Serang. (2024). <em>Indikator ketenagakerjaan</em>")
    assert f"(Versi {new}) [Kumpulan data]" in apa and apa.endswith(url)
    assert "Dihimpun dari sumber asli: " in apa and "BPS" in apa
    cited = textareas(page)
    csl = json.loads(cited["CSL-JSON"])[0]
    assert (csl["type"], csl["version"], csl["URL"]) == ("dataset", new, url)
    assert csl["issued"] == {"date-parts": [[2024, 2, 20]]}
    assert csl["author"] == [{"literal": "Data Ketenagakerjaan Kota Serang"}]
    source = load_catalog(release_repo.root)["indikator"].metadata["sources"][0]["publisher"]
    assert source in csl["original-publisher"]
    bibtex = cited["BibTeX"]
    assert bibtex.startswith("@misc{kotaserang_indikator_")
    assert f"version = {{{new}}}" in bibtex and f"url = {{{url}}}" in bibtex
    assert "year = {2024}" in bibtex and "author = {{Data Ketenagakerjaan Kota Serang}}" in bibtex

    english = (release_site / "en/dataset/indikator/index.html").read_text(encoding="utf-8")
    assert "Cite this data" in english and f"(Version {new}) [Data set]" in english
    assert "Compiled from the original sources: " in english

    older = (release_site / f"data/indikator/{old}/index.html").read_text(encoding="utf-8")
    assert f"{SITE_URL}data/indikator/{old}/</p>" in older
    assert json.loads(textareas(older)["CSL-JSON"])[0]["issued"] == {"date-parts": [[2024, 1, 15]]}
    assert "Ini bukan versi terbaru" in older


def test_bibtex_values_are_escaped():
    assert citations.bibtex_text("A & B_1 {x} 50% #2 $") == r"A \& B\_1 \{x\} 50\% \#2 \$"
