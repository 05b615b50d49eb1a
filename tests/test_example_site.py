"""A second site for another (made-up) area builds from examples/contoh with no code change:
the package is generic, and everything Kota Serang's lives in data and configuration.

The package is installed with `pip install .` into a fresh virtual environment, whose
console script validates and builds the example, as another office would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from opendata import paths

from support import ROOT

EXAMPLE = ROOT / "examples" / "contoh"
pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def console_script(tmp_path_factory) -> Path:
    """`opendata` from a fresh virtual environment with the package installed (not editable).
    Its dependencies come from this one's site-packages (the registries need not be reached)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    source = tmp_path_factory.mktemp("source")          # setuptools writes build/ beside it
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, source / part)
    shutil.copytree(ROOT / "opendata", source / "opendata",
                    ignore=shutil.ignore_patterns("__pycache__"))
    build = tmp_path_factory.mktemp("pip-build")
    done = subprocess.run([str(venv / "bin/python"), "-m", "pip", "install", "--quiet",
                           "--no-deps", "--no-build-isolation", "--no-index", str(source)],
                          capture_output=True, text=True, cwd=build,
                          # the build backend (setuptools) is this environment's too
                          env={**os.environ, "PIP_NO_CACHE_DIR": "1",
                               "PYTHONPATH": sysconfig.get_paths()["purelib"]})
    assert done.returncode == 0, done.stderr
    script = venv / "bin" / "opendata"
    assert script.is_file()
    return script


@pytest.fixture(scope="module")
def example_site(console_script, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    done = subprocess.run([str(console_script), "build", "--root", str(EXAMPLE), "--out", str(out)],
                          capture_output=True, text=True, cwd=tmp_path_factory.getbasetemp())
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_the_installed_console_script_validates_the_example(console_script):
    done = subprocess.run([str(console_script), "validate", "--root", str(EXAMPLE), "--lang", "en"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == "All 3 datasets are valid."


def test_the_installed_package_is_not_this_checkout(console_script):
    code = "import opendata, sys; print(opendata.__file__)"
    python = console_script.parent / "python"
    where = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                           cwd=console_script.parent, check=True).stdout.strip()
    assert str(ROOT / "opendata") not in where and "site-packages" in where


def test_every_page_of_the_example_says_its_data_is_made_up(example_site):
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        if page.parent.name == "grafik":      # a chart's embed page: the image and its source
            continue
        text = page.read_text(encoding="utf-8")
        assert 'class="od-example"' in text, page.relative_to(example_site)
    assert "made up" in (example_site / "en/index.html").read_text(encoding="utf-8")


def test_the_example_has_its_own_pages_names_and_figures(example_site):
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert "Data Contoh Kota Khayalan" in home
    assert 'id="angka-terbaru"' in home and "10,2 %" in home
    assert (example_site / "lembaga/index.html").is_file()          # its directory dataset
    assert (example_site / "wilayah/utara-rekaan/index.html").is_file()
    assert (example_site / "data/angka/1.0.0/angka.csv").is_file()
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in example_site.rglob("*") if p.suffix in (".html", ".json", ".xml"))
    assert "3673" not in text and "Kota Serang" not in text and "LPKS" not in text


def test_the_example_names_its_own_publisher_in_header_and_footer(example_site):
    """Its publisher is not its site's name: the header names it under the site's name."""
    for lang, publisher in (("id", "Tim contoh"), ("en", "Example team")):
        html = (example_site / paths.language_root(lang) / "index.html").read_text(encoding="utf-8")
        header = html[html.index("<header"):html.index("</header>")]
        assert f'<span class="md-ellipsis od-header__publisher">{publisher}</span>' in header
        footer = html[html.index("<footer"):html.index("</footer>")]
        assert publisher in footer and "od-mark" in header
