"""The build cache (opendata/cache.py): outputs kept by the content hash of their inputs.

Fast tests check the keys: what changes them (a template, a message, a dependency's version,
the package's code, the inputs) and what does not (where the project is, which objects hold
equal values). Build tests build a copy of the real project: with nothing changed nothing is
built again and the bytes are the same; after one changed cell only that dataset's outputs
and the pages that show every dataset are built; with the cache deleted, the same bytes.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from opendata import cache, paths, pipeline

from gitrepo import read_rows, set_version, write_rows
from support import ROOT, csv_path, tree


def small_project(root: Path) -> Path:
    root.mkdir()
    (root / "site.yml").write_text("name: {id: Situs, en: Site}\n", encoding="utf-8")
    (root / "messages.yml").write_text("page.home: {id: Beranda, en: Home}\n", encoding="utf-8")
    (root / "templates" / "sections").mkdir(parents=True)
    (root / "templates" / "sections" / "x.html").write_text("<p>{{ x }}</p>\n", encoding="utf-8")
    return root


def computed(store: cache.Cache, parts=("same", 1)) -> bool:
    """True when memo computed its value (a miss), False when it came from the folder."""
    calls = []
    store.memo("page", "x", parts, lambda: calls.append(1) or "value")
    return bool(calls)


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "cache"


def test_same_inputs_are_computed_once_and_changed_inputs_again(tmp_path, folder):
    root = small_project(tmp_path / "p")
    assert computed(cache.Cache(folder, root))
    assert not computed(cache.Cache(folder, root))
    assert computed(cache.Cache(folder, root), ("same", 2))
    assert computed(cache.Cache(None, root)), "without a folder nothing is kept"


@pytest.mark.parametrize("change", ["template", "message", "site", "mkdocs"])
def test_a_changed_template_message_or_configuration_builds_again(tmp_path, folder, change):
    root = small_project(tmp_path / "p")
    assert computed(cache.Cache(folder, root))
    file = {"template": root / "templates/sections/x.html", "message": root / "messages.yml",
            "site": root / "site.yml", "mkdocs": root / "mkdocs.yml"}[change]
    file.write_text((file.read_text(encoding="utf-8") if file.exists() else "") + "# !\n",
                    encoding="utf-8")
    assert computed(cache.Cache(folder, root))
    assert not computed(cache.Cache(folder, root))


def test_another_dependency_version_or_package_code_builds_again(tmp_path, folder, monkeypatch):
    root = small_project(tmp_path / "p")
    assert computed(cache.Cache(folder, root))
    versions = cache.dependency_versions()
    assert any(v.startswith("vl-convert-python==") for v in versions)
    bumped = tuple("vl-convert-python==999.0.0" if v.startswith("vl-convert-python==") else v
                   for v in versions)
    monkeypatch.setattr(cache, "dependency_versions", lambda: bumped)
    assert computed(cache.Cache(folder, root))
    monkeypatch.setattr(cache, "code_version", lambda: "another version of the package")
    assert computed(cache.Cache(folder, root))


def test_the_package_code_version_covers_templates_and_messages():
    digest = cache.code_version()
    assert digest == cache.tree_digest(cache.PACKAGE)
    assert (cache.PACKAGE / "templates" / "sections").is_dir()
    assert (cache.PACKAGE / "messages.yml").is_file()


def test_keys_are_values_not_objects_nor_set_orders(tmp_path):
    store = cache.Cache(tmp_path / "c", small_project(tmp_path / "p"))
    shared = ["a" * 40]
    one = {"x": shared, "y": shared}
    two = {"x": ["a" * 40], "y": ["a" * 40]}
    assert store.key("k", one) == store.key("k", two)
    assert store.key("k", one) != store.key("k", {"x": shared, "y": ["b"]})


def test_a_damaged_entry_is_computed_again_and_what_cannot_be_hashed_is_not_kept(tmp_path, folder):
    root = small_project(tmp_path / "p")
    store = cache.Cache(folder, root)
    computed(store)
    for entry in (folder / "page").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert computed(cache.Cache(folder, root))
    assert computed(store, (lambda: 1,)) and computed(store, (lambda: 1,))


def test_a_dataset_is_hashed_by_its_content_not_its_place(tmp_path):
    from opendata.catalog import load_catalog

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "datasets" / "bidang", copy / "datasets" / "bidang")
    store = cache.Cache(None)
    here = load_catalog(ROOT)["bidang"]
    assert pickle.loads(pickle.dumps(here.metadata)) == here.metadata
    again = load_catalog(ROOT)["bidang"]
    assert here is not again and store.key("d", here) == store.key("d", again)


# --- whole builds ------------------------------------------------------------------------------

def same_trees(one: Path, two: Path) -> list[str]:
    """Files that differ or exist on one side only."""
    first, second = tree(one), tree(two)
    return sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """A copy of the real project built once with its own cache: (root, cache folder, site)."""
    base = tmp_path_factory.mktemp("cached")
    root = base / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(
        ".venv", "site", ".git", "__pycache__", ".build-*", "bench", ".cache"))
    store = cache.Cache(base / "cache", root)
    pipeline.build(root, base / "cold", store)
    assert store.misses and not store.hits["page"] and not store.hits["mkdocs"]
    return root, base / "cache", base / "cold"


@pytest.mark.build
def test_nothing_changed_builds_nothing_again_and_the_same_bytes(warm, tmp_path):
    root, folder, cold = warm
    store = cache.Cache(folder, root)
    pipeline.build(root, tmp_path / "warm", store)
    assert store.misses == []
    assert {"page", "svg", "png", "spec", "mkdocs", "bundle", "bulk"} <= set(store.hits)
    assert same_trees(cold, tmp_path / "warm") == []


@pytest.mark.build
def test_deleting_the_cache_gives_the_same_bytes(warm, tmp_path):
    root, folder, cold = warm
    store = cache.Cache(tmp_path / "empty", root)
    pipeline.build(root, tmp_path / "again", store)
    assert not store.hits["page"] and not store.hits["svg"] and not store.hits["mkdocs"]
    assert same_trees(cold, tmp_path / "again") == []


@pytest.mark.build
def test_one_changed_cell_builds_only_that_datasets_outputs(warm, tmp_path):
    root, folder, _ = warm
    changed = tmp_path / "project"
    shutil.copytree(root, changed)
    header, rows = read_rows(csv_path(changed, "indikator"))
    rows[3]["catatan"] = "Satu sel diubah."
    write_rows(csv_path(changed, "indikator"), header, rows)
    set_version(changed, "indikator", "99.0.0")
    store = cache.Cache(tmp_path / "cache", changed)
    shutil.copytree(folder, store.folder)
    pipeline.build(changed, tmp_path / "site", store)
    pages = store.missed("page")
    others = [d.name for d in _datasets(root) if d.name != "indikator"]
    assert pages and not [p for p in pages for name in others
                          if f"/{name}/" in p or p.endswith(f"/{name}.md")]
    assert any(paths.dataset_page("indikator") in p for p in pages)
    assert store.missed("release") == ["indikator@99.0.0"]
    assert all(label.startswith("indikator/") for label in store.missed("svg") + store.missed("png"))
    assert store.missed("history") == []
    assert store.hits["page"] > len(pages), "other datasets' pages come from the cache"
    assert "Satu sel diubah." in (tmp_path / "site" / "data" / "indikator" / "99.0.0"
                                  / "indikator.csv").read_text(encoding="utf-8")


@pytest.mark.build
def test_a_changed_template_and_message_are_built_again(warm, tmp_path):
    root, folder, _ = warm
    changed = tmp_path / "project"
    shutil.copytree(root, changed)
    own = changed / "templates" / "sections" / "dataset_header.html"
    own.parent.mkdir(parents=True, exist_ok=True)
    package = cache.PACKAGE / "templates" / "sections" / "dataset_header.html"
    own.write_text(package.read_text(encoding="utf-8") + '<p class="penanda-uji"></p>\n',
                   encoding="utf-8")
    messages = changed / "messages.yml"
    messages.write_text(messages.read_text(encoding="utf-8")
                        + '\npage.catalog: {id: "Katalog Uji", en: "Test Catalogue"}\n',
                        encoding="utf-8")
    store = cache.Cache(tmp_path / "cache", changed)
    shutil.copytree(folder, store.folder)
    pipeline.build(changed, tmp_path / "site", store)
    assert store.hits["page"] == 0 and store.hits["mkdocs"] == 0
    page = (tmp_path / "site" / "dataset" / "indikator" / "index.html").read_text(encoding="utf-8")
    assert "penanda-uji" in page
    assert "Katalog Uji" in (tmp_path / "site" / "katalog" / "index.html").read_text(encoding="utf-8")


def _datasets(root: Path):
    from opendata.catalog import load_catalog

    return load_catalog(root).datasets



@pytest.mark.build
def test_a_site_built_from_the_same_inputs_is_left_as_it_is_until_it_or_they_change(warm, tmp_path):
    root, folder, _ = warm
    changed = tmp_path / "project"
    shutil.copytree(root, changed)
    out, store = tmp_path / "site", cache.Cache(folder, changed)
    pipeline.build(changed, out, store)
    store = cache.Cache(folder, changed)
    pipeline.build(changed, out, store)
    assert store.hits["site"] == 1 and store.misses == [], "up to date: nothing done"
    (out / "index.html").write_text("edited by hand", encoding="utf-8")
    store = cache.Cache(folder, changed)
    pipeline.build(changed, out, store)
    assert store.hits["site"] == 0 and "edited by hand" not in (out / "index.html").read_text(encoding="utf-8")
    header, rows = read_rows(csv_path(changed, "bidang"))
    rows[0]["nama_en"] = rows[0]["nama_en"] + " (diubah)"
    write_rows(csv_path(changed, "bidang"), header, rows)
    set_version(changed, "bidang", "99.0.0")
    store = cache.Cache(folder, changed)
    pipeline.build(changed, out, store)
    assert store.hits["site"] == 0 and store.missed("release") == ["bidang@99.0.0"]
