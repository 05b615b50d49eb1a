"""Shared fixtures: the real site built once into a temporary folder and served on
localhost, and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from opendata import localserver, pipeline

from support import ROOT

# One build cache for the session, shared by every build the tests make (their keys are the
# content of their inputs) and apart from the developer's own .cache/opendata/.
SESSION_CACHE = None if "OPENDATA_CACHE" in os.environ else tempfile.mkdtemp(prefix="opendata-cache-")
os.environ.setdefault("OPENDATA_CACHE", SESSION_CACHE or "")


def pytest_sessionfinish(session, exitstatus):
    if SESSION_CACHE:
        shutil.rmtree(SESSION_CACHE, ignore_errors=True)


# Hypothesis: `ci` (make test) runs a fixed number of examples, the same ones every run;
# `fuzz` (make fuzz, HYPOTHESIS_PROFILE=fuzz) many more, new ones each run.
settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None, database=None,
                          print_blob=True, suppress_health_check=list(HealthCheck))
settings.register_profile("fuzz", max_examples=2000, deadline=None, print_blob=True,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(directory: Path, port: int):
    return localserver.serve_in_background(directory, port)[0]


def serious_violations(page) -> list:
    """axe-core's serious and critical findings on the page: (rule, first targets)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@contextlib.contextmanager
def environment(**settings: str):
    """Set environment variables (SITE_URL, REPO_URL, ...) for a build, then restore them."""
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# Tiers: a test that uses a built site is a `build` test, one that drives chromium a `browser`
# test (marked here by the fixtures they use; tests that build by themselves carry the mark).
BUILD_FIXTURES = {"built_site", "server", "release_site", "open_page"}
BROWSER_FIXTURES = {"browser", "open_page"}


def pytest_collection_modifyitems(items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BUILD_FIXTURES:
            item.add_marker(pytest.mark.build)
        if used & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


REPO_URL = "https://github.com/contoh/data-ketenagakerjaan-kota-serang"  # where corrections go


@pytest.fixture(scope="session")
def site_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def site_url(site_port) -> str:
    return f"http://127.0.0.1:{site_port}/"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_url) -> Path:
    """The real datasets built into a temporary folder, with the test server's URL."""
    out = tmp_path_factory.mktemp("built") / "site"
    with environment(SITE_URL=site_url, REPO_URL=REPO_URL):
        pipeline.build(ROOT, out)
    return out


@pytest.fixture(scope="session")
def server(built_site, site_port):
    httpd = serve(built_site, site_port)
    yield httpd
    httpd.shutdown()


# Every page of every browser test reports what the Content-Security-Policy refused.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", e => window.__odCsp(
  [e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" ")));"""


class Watched:
    """The browser, whose every context records Content-Security-Policy violations."""

    def __init__(self, browser):
        self.browser, self.violations = browser, []

    def new_context(self, **options):
        context = self.browser.new_context(**options)
        context.expose_binding("__odCsp", lambda source, text: self.violations.append(
            f"{source['page'].url}: {text}"))
        context.add_init_script(CSP_LISTENER)
        return context

    def __getattr__(self, name):
        return getattr(self.browser, name)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield Watched(browser)
        browser.close()


@pytest.fixture(autouse=True)
def no_csp_violation(request):
    """A browser test fails when any page it opened reported a CSP violation."""
    if "browser" not in request.fixturenames:
        yield
        return
    watched = request.getfixturevalue("browser")
    start = len(watched.violations)
    yield
    assert watched.violations[start:] == [], "Content-Security-Policy violations"


class Recorder:
    """What a page did: console errors, and every request, split by host."""

    def __init__(self, page, site_url: str):
        self.page, self.site_url = page, site_url
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))

    @property
    def foreign(self) -> list[str]:
        return [u for u in self.requests
                if not u.startswith(self.site_url) and not u.startswith(("data:", "blob:"))]


@pytest.fixture
def open_page(browser, server, site_url):
    """open_page(path, javascript=True) → (page, recorder)."""
    contexts = []

    def opener(path: str, javascript: bool = True, **options):
        context = browser.new_context(java_script_enabled=javascript, **options)
        contexts.append(context)
        page = context.new_page()
        recorder = Recorder(page, site_url)
        page.goto(site_url + path.lstrip("/"))
        return page, recorder

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def opendata(capsys):
    """The command line, in this process: (exit code, stdout, stderr)."""
    from opendata import cli

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the repository's sources (no .venv, no site) to break things in."""
    target = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", "site", ".git", "__pycache__", ".build-*", "bench", ".cache")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.fixture(scope="session")
def release_repo(tmp_path_factory):
    """A copy of the project as a git repository with three commits and two version bumps
    (tests/gitrepo.py says what each commit changes)."""
    from gitrepo import make_release_repo

    return make_release_repo(tmp_path_factory.mktemp("releases") / "project")


@pytest.fixture(scope="session")
def release_site(release_repo, tmp_path_factory) -> Path:
    """`release_repo` built by `python build.py build` in its own process."""
    from gitrepo import build

    return build(release_repo.root, tmp_path_factory.mktemp("release-site") / "site")
