"""mkdocs builds into a temporary folder; site/ is replaced only when everything succeeded.

The only module that writes the site. One mkdocs build per language (each its own search
index and theme language): Indonesian at the root, English under /en/.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from . import history, i18n, paths
from .problems import BuildError, Problem


def publish(docs: dict[str, dict[str, str]], static: dict[str, bytes], nav: list[tuple[str, str]],
            root: Path, out_dir: Path, site_url: str) -> None:
    """Build every language into a temporary folder beside `out_dir`, then swap it in."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out_dir.parent) as tmp, \
            build_date(root):
        work = Path(tmp)
        site = work / "site"
        for lang in paths.LANGUAGES:  # the default language first: its build cleans site/
            docs_dir = work / "docs" / lang
            write_tree(docs_dir, docs[lang])
            _mkdocs(functools.partial(_config, root, work, lang, docs_dir,
                                      site / paths.language_root(lang), nav, site_url), lang)
        write_tree(site, static)
        swap(site, out_dir)


@contextlib.contextmanager
def build_date(root: Path):
    """mkdocs dates its output (sitemap.xml <lastmod>, the sitemap.xml.gz header) with
    SOURCE_DATE_EPOCH when set: HEAD's commit time, so two builds of one commit are identical."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(history.head_timestamp(root) or 315532800)  # 1980
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def write_tree(folder: Path, files: dict[str, str | bytes]) -> None:
    for relpath, content in sorted(files.items()):
        target = folder / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_bytes(content)


def swap(new: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _config(root: Path, work: Path, lang: str, docs_dir: Path, site_dir: Path,
            nav: list[tuple[str, str]], site_url: str):
    base = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    base.update(
        site_name=i18n.t("site.name", lang),
        site_description=i18n.t("site.description", lang),
        copyright=i18n.t("site.copyright", lang),
        site_url=site_url.rstrip("/") + "/" + paths.language_root(lang),
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=[{i18n.t(key, lang): source} for key, source in nav],
    )
    theme = dict(base.get("theme", {}))
    theme["language"] = lang
    if theme.get("custom_dir"):
        theme["custom_dir"] = str(root / theme["custom_dir"])
    base["theme"] = theme
    extra = dict(base.get("extra") or {})
    extra.update(lang=lang, root_url=site_url.rstrip("/") + "/", languages=list(paths.LANGUAGES),
                 default_language=paths.DEFAULT_LANGUAGE,
                 language_names={code: i18n.t(f"language.{code}", code) for code in paths.LANGUAGES})
    base["extra"] = extra
    config_file = work / f"mkdocs.{lang}.yml"
    config_file.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return load_config(config_file=str(config_file), strict=True)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _mkdocs(make_config, lang: str) -> None:
    """Load the configuration and build; any error or strict-mode warning becomes a Problem."""
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        mkdocs_build(make_config())
    except (MkDocsException, SystemExit) as error:
        messages = collector.messages or [str(error)]
        raise BuildError([Problem(file="mkdocs.yml", code="mkdocs_failed",
                                  params={"lang": lang, "message": m}) for m in messages]) from error
    finally:
        logger.removeHandler(collector)
