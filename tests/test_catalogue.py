"""A catalogue a researcher can work from (issue 12, point 2): every dataset with its direct
downloads, everything in one ZIP built like the releases' own, and a page for developers
whose examples run as written."""

from __future__ import annotations

import hashlib
import io
import json
import re
import urllib.request
import zipfile
from html import unescape

import pytest

from opendata import bulk, paths, pipeline, project
from opendata.catalog import load_catalog

from support import LANGUAGES, ROOT

CATALOG = load_catalog(ROOT)


def html_of(site, lang: str, source: str) -> str:
    page = site / paths.language_root(lang) / paths.page_url(source) / "index.html"
    return page.read_text(encoding="utf-8")


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def release_files(site, name: str) -> dict[str, bytes]:
    version = CATALOG[name].version
    folder = site / paths.release_dir(name, version)
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".html"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_links_every_file_of_every_dataset(built_site, lang):
    html = html_of(built_site, lang, paths.CATALOG)
    linked = hrefs(html)
    depth = "../" * (paths.language_root(lang) + paths.page_url(paths.CATALOG)).count("/")
    for dataset in CATALOG.datasets:
        for fmt in ("csv", "json", "xlsx", "datapackage.json", "zip"):
            target = paths.download_file(dataset.name, dataset.version, fmt)
            assert depth + target in linked, (lang, target)
            assert (built_site / target).is_file()
    assert depth + paths.bulk_file() in linked and depth + paths.DATAPACKAGE in linked
    assert paths.page_url(paths.DEVELOPERS) in " ".join(linked)


@pytest.fixture(scope="module")
def archive(built_site) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO((built_site / paths.bulk_file()).read_bytes()))


def test_the_bulk_zip_holds_every_datasets_current_files(built_site, archive):
    names = set(archive.namelist())
    for dataset in CATALOG.datasets:
        for file, data in release_files(built_site, dataset.name).items():
            if file.endswith(".zip") or file == "SHA256SUMS":
                continue
            assert archive.read(f"{dataset.name}/{file}") == data, (dataset.name, file)
        assert f"{dataset.name}/README.txt" in names
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, file = line.split("  ")
        assert hashlib.sha256(archive.read(file)).hexdigest() == digest


def test_the_bulk_zip_is_deterministic(built_site):
    """Built again from the same commit, the archive has the same bytes (fixed times)."""
    active = project.load(ROOT)
    with active.activate():
        checked = pipeline.load_valid(active)
        published = pipeline.assemble(checked, active).published
        assert bulk.archive(published) == bulk.archive(published)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0)
               for info in zipfile.ZipFile(built_site / paths.bulk_file()).infolist())


def test_the_bulk_zips_data_package_validates_with_its_foreign_keys(archive, tmp_path):
    from frictionless import Package

    archive.extractall(tmp_path)
    descriptor = json.loads((tmp_path / paths.DATAPACKAGE).read_text(encoding="utf-8"))
    keys = [fk for r in descriptor["resources"] for fk in r["schema"].get("foreignKeys", [])]
    assert keys, "the registry's references to the areas and fields are kept"
    report = Package(str(tmp_path / paths.DATAPACKAGE)).validate()
    assert report.valid, report.flatten(["type", "message"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_developers_page_links_every_machine_file(built_site, lang):
    html = html_of(built_site, lang, paths.DEVELOPERS)
    depth = "../" * (paths.language_root(lang) + paths.page_url(paths.DEVELOPERS)).count("/")
    linked = hrefs(html)
    wanted = [paths.DATAPACKAGE, paths.DCAT, paths.api_file(), paths.bulk_file(),
              paths.feed_file(lang)]
    wanted += [paths.api_file(d.name) for d in CATALOG.datasets]
    wanted += [paths.feed_file(lang, d.name) for d in CATALOG.datasets]
    for target in wanted:
        assert depth + target in linked, target
        assert (built_site / target).is_file(), target


def examples(html: str) -> dict[str, str]:
    found = re.findall(r'<h3 id="contoh-([a-z]+)">.*?</h3>\s*<pre><code>(.*?)</code></pre>', html, re.S)
    return {tool: unescape(code) for tool, code in found}


def test_each_example_is_three_lines_and_runs(built_site, server, site_url):
    """The curl lines fetch what they name; the frictionless lines read the catalogue's
    data package over HTTP, as a reader's script would."""
    code = examples(html_of(built_site, "en", paths.DEVELOPERS))
    assert sorted(code) == ["curl", "frictionless", "pandas"]
    assert all(len(text.splitlines()) == 3 for text in code.values()), code
    for line in code["curl"].splitlines():
        url = line.split()[-1]
        assert url.startswith(site_url)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200 and response.read()
    csv_url = re.search(r'read_csv\("([^"]+)"\)', code["pandas"]).group(1)
    with urllib.request.urlopen(csv_url, timeout=10) as response:
        header = response.read().decode("utf-8").splitlines()[0]
    name = csv_url.rsplit("/", 1)[1].removesuffix(".csv")
    assert header.split(",") == list(CATALOG[name].header)
    scope: dict = {}
    printed = []
    exec(code["frictionless"], {"print": printed.append}, scope)   # the lines as written
    assert len(printed[0]) == 5 and set(printed[0][0]) == set(CATALOG[name].header)
