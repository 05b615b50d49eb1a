"""mkdocs builds into a temporary folder; the output folder is replaced only when everything
succeeded. The only module that writes the site.

mkdocs is called through its command line (`python -m mkdocs build --strict`), one process
per language, in parallel: each language has its own search index and theme language. Two
builds of one output folder never run at once (a lock beside it), and what a killed build
left behind (`.build-*`, `<out>.old`) is removed by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import csp, history, i18n, identity, paths, project, render
from .problems import BuildError, Problem

THEME = project.PACKAGE / "theme"
TEMPORARY = ".build-"


def publish(docs: dict[str, dict[str, str]], static: dict[str, bytes], nav: list[tuple[str, str]],
            active: project.Project, out_dir: Path) -> None:
    """Build every language into a temporary folder beside `out_dir`, then swap it in."""
    out_dir = _literal(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=_temporary(out_dir), dir=out_dir.parent) as tmp:
        work = Path(tmp)
        configs = {}
        for lang in paths.languages():
            write_tree(work / "docs" / lang, docs[lang])
            configs[lang] = _config(active, work, lang, nav)
        environment = dict(os.environ, SOURCE_DATE_EPOCH=str(
            history.head_timestamp(active.root) or 315532800))   # 1980
        with ThreadPoolExecutor(max_workers=len(configs)) as pool:
            failures = [f for f in pool.map(lambda item: _mkdocs(*item, environment),
                                            configs.items()) if f]
        if failures:
            raise BuildError([p for found in failures for p in found])
        site = work / "out" / paths.default_language()
        for lang in paths.languages():
            if lang != paths.default_language():
                (work / "out" / lang).rename(site / paths.language_root(lang))
        write_tree(site, static)
        # after every page is written, so each policy fits its page's bytes
        csp.protect_tree(site, csp.Trusted.from_templates(template_folders(active)))
        swap(site, out_dir)


def _literal(out_dir: Path) -> Path:
    """The output folder with its parent resolved but not itself: when it is a link, the link
    is what a build replaces, never the folder it points at."""
    out_dir = Path(os.path.abspath(out_dir))
    return out_dir.parent.resolve() / out_dir.name if out_dir.name else out_dir


def _temporary(out_dir: Path) -> str:
    """The prefix of a build's temporary folder: beside the output and named after it, so a
    build cleans up only its own output's leftovers, never another build's work in progress."""
    return f"{TEMPORARY}{out_dir.name}-"


def unsafe_output(out_dir: Path, active: project.Project | None) -> list[Problem]:
    """The output folder is replaced as a whole: it must not be the project, hold it, or lie
    inside one of its inputs (`--out .` would swap the project away and delete it)."""
    out_dir, root = _literal(out_dir), active.root.resolve() if active else None
    inputs = [root / name for name in ("datasets", "schemas", "templates", ".git",
                                       project.CONFIG_FILE, project.MESSAGES_FILE)] if root else []
    if not out_dir.name or (root and root.is_relative_to(out_dir)) or any(
            out_dir.is_relative_to(i) for i in inputs):
        return [Problem(file=str(out_dir)[-120:], code="output_unsafe")]
    return []


@contextlib.contextmanager
def lock(out_dir: Path, active: project.Project | None = None):
    """One build of `out_dir` at a time; the next one is told, not left to crash in the swap.
    Holding the lock, anything a killed build left behind is removed."""
    refused = unsafe_output(out_dir, active)
    if refused:
        raise BuildError(refused)
    out_dir = _literal(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_file = out_dir.parent / f".{out_dir.name}.lock"
    with open(lock_file, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError([Problem(file=out_dir.name, code="build_running")]) from None
        _clean_leftovers(out_dir)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_leftovers(out_dir: Path) -> None:
    for left in out_dir.parent.glob(f"{_temporary(out_dir)}*"):
        _remove(left)
    _remove(out_dir.with_name(out_dir.name + ".old"))


def _remove(path: Path) -> None:
    """A leftover, whatever it became: a link is removed, never followed; a folder with all
    it holds."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def write_tree(folder: Path, files: dict[str, str | bytes]) -> None:
    root = folder.resolve()
    for relpath, content in sorted(files.items()):
        target = (folder / relpath).resolve()
        if root not in target.parents:   # paths.segment refuses these first; never write outside
            raise BuildError([Problem(file=relpath[:80], code="path_outside")])
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)


def swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    _remove(old)
    if target.exists() or target.is_symlink():
        target.rename(old)
    new.rename(target)
    _remove(old)


def template_folders(active: project.Project) -> list[Path]:
    """Every folder whose templates write the pages: the theme's, its overrides (ours or the
    site's), the package's page templates and the site's own."""
    spec = importlib.util.find_spec("material")
    theme = [Path(p) / "templates" for p in (spec.submodule_search_locations or [])] if spec else []
    custom = (base_config(active).get("theme") or {}).get("custom_dir")
    overrides = [THEME / custom, active.root / custom] if isinstance(custom, str) else []
    return [*theme, *overrides, project.PACKAGE / "templates", active.templates_dir]


def base_config(active: project.Project) -> dict:
    """The package's theme configuration, with the project's own mkdocs.yml over it."""
    base = yaml.safe_load((THEME / "mkdocs.yml").read_text(encoding="utf-8"))
    own = active.root / "mkdocs.yml"
    if own.is_file() and not own.is_symlink():
        base.update(yaml.safe_load(own.read_text(encoding="utf-8")) or {})
    return base


def _config(active: project.Project, work: Path, lang: str, nav: list[tuple[str, str]]) -> Path:
    base = base_config(active)
    site_url = active.site_url
    base.update(
        site_name=_text(i18n.t("site.name", lang)),
        site_description=_text(i18n.t("site.description", lang)),
        copyright=_text(i18n.t("site.copyright", lang)),
        site_url=paths.absolute(site_url, paths.language_root(lang)),
        docs_dir=str(work / "docs" / lang),
        site_dir=str(work / "out" / lang),
        # a nav title reaches <title> through `striptags`, which undoes references: no markup
        nav=[{render.plain_title(i18n.t(key, lang)): source} for key, source in nav],
    )
    theme = dict(base.get("theme", {}))
    theme["language"] = lang
    custom = theme.get("custom_dir")
    if custom:
        theme["custom_dir"] = str(THEME / custom if (THEME / custom).is_dir() else active.root / custom)
    base["theme"] = theme
    extra = dict(base.get("extra") or {})
    extra.update(lang=lang, root_url=paths.absolute(site_url), languages=list(paths.languages()),
                 default_language=paths.default_language(),
                 language_roots={code: paths.language_root(code) for code in paths.languages()},
                 language_names={code: _text(i18n.t(f"language.{code}", code))
                                 for code in paths.languages()},
                 example_notice=_text(i18n.t("example.notice", lang)) if active.config.example else "",
                 feed=paths.feed_file(lang).removeprefix(paths.language_root(lang)),
                 stylesheet=paths.asset(lang, "site.css").removeprefix(paths.language_root(lang)),
                 identity=identity.identity(active, lang))   # header and footer (opendata/identity.py)
    base["extra"] = extra
    config_file = work / f"mkdocs.{lang}.yml"
    config_file.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return config_file


def _text(value: str) -> str:
    """A text for the theme's templates, which print configuration unescaped (mkdocs renders
    them without autoescape; the theme escapes the site name in one attribute and not in the
    next): what would open markup or close an attribute becomes a character reference.
    `&` and `'` stay (the theme quotes attributes with `"`), so a name like "Data & Kota"
    shows unchanged everywhere."""
    return str(value).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _mkdocs(lang: str, config_file: Path, environment: dict) -> list[Problem]:
    """One language through mkdocs' command line; its errors and strict-mode warnings become
    Problems (none when it succeeded)."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           "--config-file", str(config_file)],
                          capture_output=True, text=True, env=environment, check=False)
    if done.returncode == 0:
        return []
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    messages = [line for line in lines if line.startswith(("ERROR", "WARNING"))] or lines[-3:]
    return [Problem(file="mkdocs.yml", code="mkdocs_failed",
                    params={"lang": lang, "message": m[:500]}) for m in messages or ["?"]]
