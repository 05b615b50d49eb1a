"""A project: the folder that holds one site's data (`datasets/`, `schemas/`), its configuration
(`site.yml`), and optionally its own texts (`messages.yml`) and templates (`templates/`).

The package is generic; everything that makes a site *this* site is read from here. The
project in use is *active* for the stages that need its languages and texts (i18n, paths):
`with project.activate(): ...`. Without one, the folder the command runs in is used.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from . import cache, yamlsafe
from .problems import Problem

PACKAGE = Path(__file__).resolve().parent
CONFIG_FILE = "site.yml"
MESSAGES_FILE = "messages.yml"
CONFIG_SCHEMA = PACKAGE / "jsonschemas" / "site.schema.json"
SUPPORTED_LANGUAGES = ("id", "en")   # the languages the package's own texts are written in


@dataclass(frozen=True, eq=False)
class Config:
    """site.yml, validated. Only what differs between sites."""

    name: dict                    # {lang: text}: the site's name (a proper name)
    description: dict
    publisher: dict               # {name: {lang: text}, url, email}
    languages: tuple[str, ...]    # the first is the default, published at /
    url: str                      # the base URL when SITE_URL is not set
    slug: str                     # machine name: the catalogue's data package, citation keys
    citation_prefix: str
    area: dict                    # {code, name}: the area the site is about
    license: dict                 # the default licence of a dataset
    copyright: dict
    repository: str | None = None
    example: bool = False         # made-up data: every page says so
    raw: dict = field(default_factory=dict, compare=False)

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True, eq=False)
class Project:
    root: Path
    config: Config
    problems: tuple[Problem, ...] = ()   # what is wrong with site.yml (the config is a default)

    @property
    def datasets_dir(self) -> Path:
        return self.root / "datasets"

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def messages_file(self) -> Path:
        return self.root / MESSAGES_FILE

    def dataset_dir(self, name: str) -> Path:
        return self.datasets_dir / name

    def csv_path(self, name: str) -> Path:
        return self.dataset_dir(name) / f"{name}.csv"

    def metadata_path(self, name: str) -> Path:
        return self.dataset_dir(name) / "metadata.yml"

    def schema_path(self, name: str) -> Path:
        return self.schemas_dir / f"{name}.schema.json"

    def relative(self, path: Path) -> str:
        """How a maintainer names a file: relative to the project, with '/'."""
        for candidate in (path, path.absolute()):   # never through a symbolic link
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return path.name

    @property
    def site_url(self) -> str:
        """The absolute base URL, with a trailing slash: SITE_URL, else site.yml's url."""
        return (os.environ.get("SITE_URL") or self.config.url).rstrip("/") + "/"

    @property
    def repository(self) -> str | None:
        """Where readers report a correction: REPO_URL, site.yml, or the repository GitHub
        Actions builds."""
        if os.environ.get("REPO_URL"):
            return os.environ["REPO_URL"].rstrip("/")
        if self.config.repository:
            return self.config.repository.rstrip("/")
        server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
        return f"{server}/{repository}" if server and repository else None

    @cached_property
    def messages(self) -> dict:
        """The site's own texts (messages.yml at the root), over the package's; none when the
        file cannot be read (`load` reported why)."""
        return _read_yaml(self.root, MESSAGES_FILE)[0] or {}

    @contextlib.contextmanager
    def activate(self):
        token = _active.set(self)
        try:
            yield self
        finally:
            _active.reset(token)


_active: contextvars.ContextVar[Project | None] = contextvars.ContextVar("project", default=None)


def active() -> Project:
    """The project in use: the activated one, else the one in the current folder."""
    return _active.get() or load(Path.cwd())


@lru_cache(maxsize=1)
def _schema() -> Draft202012Validator:
    return Draft202012Validator(json.loads(CONFIG_SCHEMA.read_text(encoding="utf-8")))


DEFAULTS = {
    "name": {"id": "Data terbuka", "en": "Open data"},
    "description": {"id": "", "en": ""},
    "publisher": {"name": {"id": "", "en": ""}, "url": None, "email": None},
    "languages": list(SUPPORTED_LANGUAGES),
    "url": "http://127.0.0.1:8000/",
    "slug": "data-terbuka",
    "citation_prefix": "data",
    "area": {"code": "", "name": ""},
    "license": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/"},
    "copyright": {"id": "", "en": ""},
    "repository": None,
    "example": False,
}


def load(root: Path) -> Project:
    """The project at `root`; problems in site.yml are kept, with defaults in their place."""
    root = Path(root).resolve()
    return _load(root, _stamp(root / CONFIG_FILE), _stamp(root / MESSAGES_FILE))


def _stamp(path: Path):
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


MAX_CONFIG_BYTES = 1_000_000


def _read_yaml(root: Path, name: str) -> tuple[dict | None, list[Problem]]:
    """A mapping from one of the project's own YAML files (None when it does not exist), and
    what is wrong with it: a symbolic link, too large, not YAML, not a mapping."""
    file = root / name
    if file.is_symlink():
        return None, [Problem(file=name, code="symlink")]
    if not file.is_file():
        return None, []
    size = file.stat().st_size
    if size > MAX_CONFIG_BYTES:
        return None, [Problem(file=name, code="file_too_large",
                              params={"size": size, "limit": MAX_CONFIG_BYTES})]
    try:
        value = yamlsafe.load(file.read_bytes())
    except yamlsafe.YamlError as error:
        return None, [Problem(file=name, code=error.code, row=error.line,
                              params={"key": error.detail[:80]}, detail=error.detail[:300])]
    if not isinstance(value, dict):
        return None, [Problem(file=name, code="yaml_not_mapping")]
    return value, []


@lru_cache(maxsize=16)
def _load(root: Path, *stamps) -> Project:
    value, problems = _read_yaml(root, CONFIG_FILE)
    raw = value or {}
    problems += [
        Problem(file=CONFIG_FILE, code="site_config_invalid",
                column="/".join(map(str, error.absolute_path)) or None,
                params={"message": error.message[:300],
                        "path": ".".join(map(str, error.absolute_path)) or "(root)"})
        for error in sorted(_schema().iter_errors(raw), key=str)
    ] if value is not None else []
    settings = {**DEFAULTS, **raw} if not problems else dict(DEFAULTS)
    problems += _read_yaml(root, MESSAGES_FILE)[1]
    config = Config(
        name=settings["name"], description=settings["description"],
        publisher=settings["publisher"], languages=tuple(settings["languages"]),
        url=settings["url"], slug=settings["slug"], citation_prefix=settings["citation_prefix"],
        area=settings["area"], license=settings["license"], copyright=settings["copyright"],
        repository=settings["repository"], example=bool(settings["example"]), raw=raw)
    return Project(root=root, config=config, problems=tuple(problems))


# the root is where the project is, not what it says: a copy elsewhere builds the same bytes
cache.register(Project, cache.by_fields("root"))
