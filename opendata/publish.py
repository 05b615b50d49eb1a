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
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import cache, csp, history, i18n, identity, paths, project, render
from .problems import BuildError, Problem

THEME = project.PACKAGE / "theme"
TEMPORARY = ".build-"


def publish(docs: dict[str, dict[str, str]], static: dict[str, bytes], nav: list[tuple[str, str]],
            active: project.Project, out_dir: Path, draft: Path | None = None,
            slots: dict | None = None) -> None:
    """Build every language into a temporary folder beside `out_dir`, then swap it in.
    draft: the live preview's folder, where mkdocs rebuilds only the pages that changed
    (see `_draft_mkdocs`); never for a site that is published. slots: {lang: {source:
    {number: HTML}}}, the sections put into the built pages after mkdocs (`fill_slots`)."""
    out_dir = _literal(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=_temporary(out_dir), dir=out_dir.parent) as tmp:
        work = Path(tmp)
        configs = {}
        for lang in paths.languages():
            if draft is None:   # the preview keeps its pages in the draft folder
                write_tree(work / "docs" / lang, docs[lang])
            configs[lang] = _config(active, work, lang, nav)
        environment = dict(os.environ, SOURCE_DATE_EPOCH=str(
            history.head_timestamp(active.root) or 315532800))   # 1980
        def one(lang: str, config_file: Path) -> list[Problem]:
            if draft is not None:
                return _draft_mkdocs(lang, config_file, docs[lang], environment, draft,
                                     work / "out" / lang)
            return _cached_mkdocs(lang, config_file, docs[lang], environment)

        with ThreadPoolExecutor(max_workers=len(configs)) as pool:
            failures = [f for f in pool.map(lambda item: one(*item), configs.items()) if f]
        if failures:
            raise BuildError([p for found in failures for p in found])
        for lang, pages in (slots or {}).items():
            fill_slots(work / "out" / lang, pages)
        site = work / "out" / paths.default_language()
        for lang in paths.languages():
            if lang != paths.default_language():
                (work / "out" / lang).rename(site / paths.language_root(lang))
        write_tree(site, static)
        # after every page is written, so each policy fits its page's bytes
        csp.protect_tree(site, csp.Trusted.from_templates(template_folders(active)))
        swap(site, out_dir, later=draft is not None)


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


def swap(new: Path, target: Path, later: bool = False) -> None:
    """`new` in place of `target`. later: the old site is removed by a thread once the new one
    is in place (the preview's reload waits for nothing); what is left of it when the process
    ends is a `.build-` folder that the next build removes."""
    old = target.with_name(target.name + ".old")
    _remove(old)
    if target.exists() or target.is_symlink():
        target.rename(old)
    new.rename(target)
    if later and old.exists():
        trash = Path(tempfile.mkdtemp(prefix=_temporary(target), dir=target.parent))
        old.rename(trash / "old")
        threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                         daemon=True).start()
        return
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


def _cached_mkdocs(lang: str, config_file: Path, docs: dict[str, str],
                   environment: dict) -> list[Problem]:
    """One language's mkdocs output, from the build cache when its pages, its configuration
    (the work folder's paths aside) and the theme are what they were."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    site_dir = Path(config.pop("site_dir"))
    config.pop("docs_dir")
    custom = (config.get("theme") or {}).get("custom_dir")
    theme = cache.tree_digest(Path(custom)) if custom else ""
    failures: list[Problem] = []

    def build(target: Path) -> None:
        failures.extend(_mkdocs(lang, config_file, environment))
        if failures:
            raise BuildError(failures)

    try:
        cache.current().folder_memo(
            "mkdocs", lang, (docs, config, theme, environment.get("SOURCE_DATE_EPOCH")),
            build, site_dir)
    except BuildError:
        return failures
    return []


def _draft_mkdocs(lang: str, config_file: Path, docs: dict[str, str], environment: dict,
                  draft: Path, target: Path) -> list[Problem]:
    """The live preview's mkdocs: the pages and the output stay in `draft`, only pages whose
    Markdown changed are written again, and mkdocs runs with --dirty (it renders those
    pages only) as long as the configuration (navigation, theme settings) and the set of
    pages are the same; otherwise it builds everything. What the preview gives up: the
    search index then covers only the rebuilt pages until the next full build."""
    docs_dir, site_dir = draft / "docs" / lang, draft / "out" / lang
    removed = sync_tree(docs_dir, docs)
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.update(docs_dir=str(docs_dir), site_dir=str(site_dir))
    text = yaml.safe_dump(config, allow_unicode=True)
    draft_config, stamp = draft / f"mkdocs.{lang}.yml", draft / f"mkdocs.{lang}.built"
    dirty = (not removed and site_dir.is_dir() and stamp.is_file()
             and stamp.read_text(encoding="utf-8") == text)
    stamp.unlink(missing_ok=True)
    if not dirty:
        shutil.rmtree(site_dir, ignore_errors=True)
    draft_config.write_text(text, encoding="utf-8")
    failures = _mkdocs(lang, draft_config, environment, ("--dirty",) if dirty else ())
    if not failures:
        stamp.write_text(text, encoding="utf-8")
        shutil.copytree(site_dir, target)
    return failures


def fill_slots(built: Path, pages: dict[str, dict[int, str]]) -> None:
    """Put each page's `outside` sections into its built HTML, where render.page_parts left
    an empty slot (mkdocs passes raw HTML through as it is)."""
    from .render import slot

    for source, filled in pages.items():
        file = built / paths.page_url(source) / "index.html"
        text = file.read_text(encoding="utf-8")
        for number, html in filled.items():
            if text.count(slot(number)) != 1:
                raise BuildError([Problem(file=source, code="mkdocs_failed",
                                          params={"lang": built.name, "message": "slot"})])
            text = text.replace(slot(number), html, 1)
        file.write_text(text, encoding="utf-8")


def sync_tree(folder: Path, files: dict[str, str]) -> bool:
    """Make `folder` hold exactly `files`, writing only those that differ (the others keep
    their times, which is how mkdocs --dirty tells a changed page). True when any was removed."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {(folder / relpath).resolve() for relpath in files}
    removed = False
    for old in [p for p in folder.rglob("*") if p.is_file()]:
        if old.resolve() not in wanted:
            old.unlink()
            removed = True
    changed = {relpath: text for relpath, text in files.items()
               if not (folder / relpath).is_file()
               or (folder / relpath).read_text(encoding="utf-8") != text}
    write_tree(folder, changed)
    return removed


def _mkdocs(lang: str, config_file: Path, environment: dict, options=()) -> list[Problem]:
    """One language through mkdocs' command line; its errors and strict-mode warnings become
    Problems (none when it succeeded)."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                           *options, "--config-file", str(config_file)],
                          capture_output=True, text=True, env=environment, check=False)
    if done.returncode == 0:
        return []
    lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
    messages = [line for line in lines if line.startswith(("ERROR", "WARNING"))] or lines[-3:]
    return [Problem(file="mkdocs.yml", code="mkdocs_failed",
                    params={"lang": lang, "message": m[:500]}) for m in messages or ["?"]]
