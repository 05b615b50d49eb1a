"""The house itself: validation imports no renderer, paths are derived in one module, the
package names no place, templates get plain data, and no module grows past what one reader
can hold."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from opendata import project

from support import ROOT

PACKAGE = project.PACKAGE
MODULES = sorted(PACKAGE.rglob("*.py"))
TEMPLATES = sorted((PACKAGE / "templates").rglob("*.html"))
RENDERERS = ("altair", "vl_convert", "openpyxl", "jinja2", "mkdocs", "material")


def test_validate_imports_no_renderer():
    """`opendata validate` checks everything later stages assume without loading what draws
    or renders: a fresh interpreter runs the whole gate and lists what it imported."""
    code = ("import sys; from opendata.validate import gate; v = gate(sys.argv[1]); "
            "print(len(v.errors)); print(sorted({m.split('.')[0] for m in sys.modules}))")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True,
                          text=True, cwd=ROOT, check=True)
    errors, modules = done.stdout.splitlines()
    assert errors == "0"
    assert [m for m in RENDERERS if f"'{m}'" in modules] == []


def test_no_module_is_longer_than_one_reader_can_hold():
    long = {p.relative_to(PACKAGE).as_posix(): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 350}
    assert long == {}


SITE_PATH = re.compile(r"(^|[\"'/{])(data|dataset|grafik|feeds|api|assets/od|wilayah|lpks)/|\.md\b")


def _string_constants(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            yield node.lineno, text


def test_site_paths_are_built_in_paths_py_only():
    """Every output path and URL comes from opendata/paths.py: a module that joins 'data/',
    'dataset/', '.md' ... itself would drift from it."""
    found = []
    for module in MODULES:
        if module.name == "paths.py":
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = {n.body[0].value.lineno for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
                      and n.body and isinstance(n.body[0], ast.Expr)
                      and isinstance(n.body[0].value, ast.Constant)}
        found += [f"{module.relative_to(PACKAGE)}:{line}: {text[:60]!r}"
                  for line, text in _string_constants(tree)
                  if line not in docstrings and SITE_PATH.search(text) and "\n" not in text]
    assert found == []


def test_templates_get_page_paths_from_paths_py():
    literal = re.compile(r"""\b(page|url)\(\s*['"]""")
    found = [f"{t.relative_to(PACKAGE)}:{n}" for t in TEMPLATES
             for n, line in enumerate(t.read_text(encoding="utf-8").splitlines(), 1)
             if literal.search(line)]
    assert found == []


def test_the_package_names_no_place():
    """What makes a site Kota Serang's is data and configuration (datasets/, site.yml,
    messages.yml), never code: another office installs the same package."""
    place = re.compile(r"3673|3604|[Ss]erang|LPKS|Disnakertrans|Banten")
    files = [*MODULES, *TEMPLATES, *sorted((PACKAGE / "jsonschemas").glob("*.json")),
             PACKAGE / "messages.yml", *sorted((PACKAGE / "assets").glob("*.js"))]
    found = [f"{f.relative_to(PACKAGE)}:{n}" for f in files
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if place.search(line)]
    assert found == []


def _callables(value, where: str, depth: int = 0):
    """Functions, lambdas or bound methods inside a section's context (data objects' own
    methods are fine: the object is data, not a callback)."""
    if depth > 4:
        return
    if callable(value) and not isinstance(value, type) and (
            hasattr(value, "__code__") or hasattr(value, "__func__")):
        yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _callables(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value[:5]):
            yield from _callables(item, f"{where}[{index}]", depth + 1)


@pytest.mark.build
def test_pages_are_plain_data_listed_in_pages_py(tmp_path):
    """Stages return data; `pages` lists each page kind's sections in order; no section
    hands a template a function."""
    from opendata import pages, pipeline

    active = project.load(ROOT)
    with active.activate():
        site = pipeline.assemble(pipeline.load_valid(active), active)
        every = {lang: pages.every_page(site, lang) for lang in active.config.languages}
    sources = {lang: [p.source for p in found] for lang, found in every.items()}
    assert sources["id"] == sources["en"]
    dataset = next(p for p in every["id"] if p.source == "dataset/indikator/index.md")
    # the dataset page in reading order (issue 12): what it is, its files, what it shows,
    # what it does not settle, what each column means, where it comes from, rows, versions
    assert [s.template.removeprefix("sections/").removesuffix(".html") for s in dataset.sections] == [
        "dataset_header", "downloads", "cite", "directory_links", "charts", "conflicts",
        "dictionary", "sources", "preview", "release_block"]
    found = [where for page in every["id"] for section in page.sections
             for where in _callables(section.context, f"{page.source}:{section.template}")]
    assert found == []
