"""Outputs cached by the content hash of their inputs, so that a build redoes only what changed.

    with cache.use(Cache.for_project(active)):
        svg = cache.memo("svg", label, (spec,), lambda: render(spec))

A key is the SHA-256 of the *environment* and of the inputs. The environment is everything a
stage reads besides its arguments: the package's own files (code, templates, messages, theme,
assets: the code version of every stage), the installed distributions and their versions,
the Python version, and the project's own site.yml, messages.yml, mkdocs.yml and templates/.
Change any of them and every key changes. The inputs are hashed as a pickle stream, with the
big shared objects (a Dataset, the Catalog, the Site) replaced by their own fingerprint,
computed once: a Dataset is its name, commit, files, metadata, schema and CSV bytes.

The cache lives in `<root>/.cache/opendata/` (git ignores `.cache/`); `OPENDATA_CACHE` names
another folder, or `off`. Entries are written whole (a temporary file, then a rename), and
one that cannot be read is computed again, so deleting the folder, or any file in it, only
costs time: the output is the same bytes. Whatever cannot be pickled is computed every time.
Nothing here imports a renderer: the gate uses it too.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import platform
import shutil
import sys
import tempfile
from collections import Counter
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
FOLDER = Path(".cache") / "opendata"
PROJECT_FILES = ("site.yml", "messages.yml", "mkdocs.yml")
PROJECT_FOLDERS = ("templates",)

_active: list = []
_fingerprints: dict = {}     # type → how to fingerprint an object of it (see `register`)


def register(kind: type, how) -> None:
    """Objects of `kind` are hashed as `how(obj, cache)` (a str), computed once per object."""
    _fingerprints[kind] = how


def by_fields(*skip: str):
    """A fingerprint from a dataclass's fields (all but `skip`), for `register`."""
    from dataclasses import fields

    def how(obj, cache) -> str:
        return cache.digest((type(obj).__qualname__,
                             {f.name: _ordered(getattr(obj, f.name)) for f in fields(obj)
                              if f.name not in skip}))
    return how


def _ordered(value):
    """A set in a fixed order (a pickled set follows the hashes of its strings, which differ
    from one process to the next)."""
    if isinstance(value, (set, frozenset)):
        return ("set", sorted(value, key=repr))
    return value


# --- the environment ---------------------------------------------------------------------------

def tree_digest(folder: Path, skip=("__pycache__",)) -> str:
    """SHA-256 of every file under `folder`: relative path and bytes, in a fixed order."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for file in sorted(p for p in folder.rglob("*") if p.is_file()
                           and not any(part in skip for part in p.parts) and p.suffix != ".pyc"):
            digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def code_version() -> str:
    """The package's own files: every stage's code, its templates, messages, theme, assets."""
    return tree_digest(PACKAGE)


@lru_cache(maxsize=1)
def _installed() -> tuple[str, ...]:
    from importlib import metadata

    return tuple(sorted({f"{d.metadata['Name']}=={d.version}".lower()
                         for d in metadata.distributions() if d.metadata["Name"]}))


def dependency_versions() -> tuple[str, ...]:
    """Every installed distribution with its version (altair, vl-convert, jinja2, mkdocs,
    mkdocs-material, babel, openpyxl, ...): an upgrade changes every key."""
    return _installed()


def project_digest(root: Path) -> str:
    """The project's own texts, configuration and templates (not its data: that is hashed
    with each dataset)."""
    digest = hashlib.sha256()
    for name in PROJECT_FILES:
        file = root / name
        digest.update(name.encode() + b"\0")
        digest.update(file.read_bytes() if file.is_file() else b"-")
    for name in PROJECT_FOLDERS:
        digest.update(name.encode() + b"\0" + tree_digest(root / name).encode())
    return digest.hexdigest()


def environment(root: Path | None) -> str:
    parts = [code_version(), "\n".join(dependency_versions()), sys.version, platform.machine(),
             project_digest(root) if root else "-", os.environ.get("SITE_URL", "")]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# --- hashing inputs ----------------------------------------------------------------------------

class _Digest(io.RawIOBase):
    def __init__(self):
        self.sha = hashlib.sha256()

    def writable(self):
        return True

    def write(self, data):
        self.sha.update(data)
        return len(data)


def _named(fingerprint: str):   # what a shared object stands for in a pickle stream
    return fingerprint


class _Pickler(pickle.Pickler):
    def __init__(self, file, cache: Cache):
        super().__init__(file, protocol=5)
        self.cache = cache
        # no memo: the stream says what the values are, not which objects are shared (a
        # spec read back from the cache is equal to the one Altair built, not the same objects)
        self.fast = True

    def reducer_override(self, obj):
        how = _fingerprints.get(type(obj))
        if how is None:
            return NotImplemented
        return _named, (self.cache.fingerprint(obj, how),)


# --- the cache ---------------------------------------------------------------------------------

class Cache:
    """A folder of outputs by key (None: keep nothing, compute everything), and a record of
    what this build computed (`misses`: (kind, label)) and took from it (`hits`)."""

    def __init__(self, folder: Path | None, root: Path | None = None):
        self.folder = Path(folder) if folder else None
        self.root = root
        self._environment: str | None = None
        self.hits: Counter = Counter()
        self.misses: list[tuple[str, str]] = []
        self._known: dict[int, tuple[object, str]] = {}
        self._memory: dict[str, tuple] = {}   # what this build already has, by key

    @classmethod
    def for_project(cls, root: Path) -> Cache:
        setting = os.environ.get("OPENDATA_CACHE", "")
        if setting.lower() in ("off", "0", "no"):
            return cls(None, root)
        return cls(Path(setting) if setting else root / FOLDER, root)

    @property
    def environment(self) -> str:
        """What every key includes (see the module), computed once per cache."""
        if self._environment is None:
            self._environment = environment(self.root)
        return self._environment

    # keys
    def fingerprint(self, obj, how) -> str:
        """`how(obj, self)`, once per object for the life of this cache."""
        known = self._known.get(id(obj))
        if known is None or known[0] is not obj:
            known = (obj, how(obj, self))
            self._known[id(obj)] = known
        return known[1]

    def digest(self, value) -> str:
        """SHA-256 of a value (raises what pickle raises for what it cannot hash)."""
        out = _Digest()
        _Pickler(out, self).dump(value)
        return out.sha.hexdigest()

    def key(self, kind: str, parts) -> str | None:
        try:
            return hashlib.sha256(f"{self.environment}\0{kind}\0{self.digest(parts)}".encode()).hexdigest()
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return None

    def path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key[:2] / key[2:]

    # values
    def memo(self, kind: str, label: str, parts, compute, *, raw: bool = False):
        """compute(), or what it returned before for the same kind, inputs and environment.
        raw: the value is bytes, stored as they are (else pickled)."""
        key = self.key(kind, parts) if self.folder else None
        found = self.get(kind, key, raw)
        if found is not None:
            self.hits[kind] += 1
            return found[0]
        self.misses.append((kind, label))
        value = compute()
        self.put(kind, key, value, raw)
        return value

    def get(self, kind: str, key: str | None, raw: bool = False) -> tuple | None:
        """(value,) kept under `key`, or None."""
        if key is None or self.folder is None:
            return None
        found = self._memory.get(key) or self._load(self.path(kind, key), raw)
        if found is not None:
            self._memory[key] = found
        return found

    def put(self, kind: str, key: str | None, value, raw: bool = False) -> None:
        if key is None or self.folder is None:
            return
        self._memory[key] = (value,)
        self._store(self.path(kind, key), value if raw else pickle.dumps(value, protocol=5))

    def _load(self, file: Path, raw: bool):
        try:
            data = file.read_bytes()
            return (data if raw else pickle.loads(data)),   # noqa: S301 - our own files
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
                IndexError, TypeError, ValueError):
            return None

    def _store(self, file: Path, data: bytes) -> None:
        with contextlib.suppress(OSError):
            file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as handle:
                handle.write(data)
            os.replace(handle.name, file)

    # folders (mkdocs' output)
    def folder_memo(self, kind: str, label: str, parts, build, target: Path) -> None:
        """Fill `target` with build(target), or with a copy of what it built before."""
        key = self.key(kind, parts) if self.folder else None
        stored = self.path(kind, key) if key else None
        if stored is not None and (stored / ".complete").is_file():
            self.hits[kind] += 1
            shutil.copytree(stored, target, ignore=shutil.ignore_patterns(".complete"))
            return
        self.misses.append((kind, label))
        build(target)
        if stored is not None:
            with contextlib.suppress(OSError):
                temporary = Path(tempfile.mkdtemp(dir=_ensure(stored.parent)))
                shutil.copytree(target, temporary, dirs_exist_ok=True)
                (temporary / ".complete").write_bytes(b"")
                shutil.rmtree(stored, ignore_errors=True)
                os.replace(temporary, stored)

    # a whole build: the output folder as the last build of the same inputs left it
    def up_to_date(self, out_dir: Path, inputs: str | None) -> bool:
        """True when `out_dir` is what the last build of `inputs` wrote, untouched since (its
        files' names, sizes and times are recorded after the build)."""
        record = self._record(out_dir)
        if inputs is None or record is None or not record.is_file() or not out_dir.is_dir():
            return False
        if record.read_text(encoding="utf-8") != f"{inputs}\n{listing(out_dir)}":
            return False
        self.hits["site"] += 1
        return True

    def built(self, out_dir: Path, inputs: str | None) -> None:
        record = self._record(out_dir)
        if inputs is not None and record is not None:
            self._store(record, f"{inputs}\n{listing(out_dir)}".encode())

    def _record(self, out_dir: Path) -> Path | None:
        if self.folder is None:
            return None
        where = hashlib.sha256(str(Path(out_dir).resolve()).encode()).hexdigest()
        return self.folder / "sites" / where

    def missed(self, kind: str | None = None) -> list[str]:
        return [label for k, label in self.misses if kind in (None, k)]


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def listing(folder: Path) -> str:
    """SHA-256 of every file's path, size and modification time under `folder`."""
    digest = hashlib.sha256()
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            stat = os.stat(os.path.join(top, name))
            digest.update(f"{os.path.relpath(os.path.join(top, name), folder)}\0{stat.st_size}"
                          f"\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


# --- the cache in use --------------------------------------------------------------------------

@contextlib.contextmanager
def use(cache: Cache | None):
    _active.append(cache)
    try:
        yield cache
    finally:
        _active.pop()


def active() -> Cache | None:
    return _active[-1] if _active else None


def current() -> Cache:
    """The cache in use, or one that keeps nothing."""
    return active() or Cache(None)


def memo(kind: str, label: str, parts, compute, *, raw: bool = False):
    """Through the cache in use; without one, compute()."""
    cache = active()
    return compute() if cache is None else cache.memo(kind, label, parts, compute, raw=raw)
