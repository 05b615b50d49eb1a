"""`opendata serve`: the site on localhost, rebuilt whenever its sources change, and pages that
reload themselves after each rebuild.

    with Preview(root, port) as preview:   # builds once, serves, watches
        preview.wait()                      # Ctrl+C

What is watched: datasets/, schemas/, archive/, templates/, site.yml, messages.yml,
mkdocs.yml (their files' sizes and modification times, read every `INTERVAL` seconds: no
dependency, and the same on every system). A change rebuilds through the build cache
(opendata/cache.py), so only what the change touches is built again.

Every HTML page the server sends gets one element more before </body>: a script *file*
(`/__opendata/reload.js`, opendata/live/) from the server's own origin, never inline, so a
page's Content-Security-Policy (script-src 'self') allows it. It asks
`/__opendata/build.json` which build is current and reloads when it is not the one the page
came from; when a rebuild failed it shows the problems (as text) over the page, which stays
as it was. Nothing of this is in the built site: `opendata build` output has no trace of it.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from . import cache, localserver, pipeline
from .problems import BuildError
from .validate import report

INTERVAL = 0.1
WATCHED_FOLDERS = ("datasets", "schemas", "archive", "templates")
WATCHED_FILES = ("site.yml", "messages.yml", "mkdocs.yml")
PREFIX = "/__opendata/"
SCRIPT = Path(__file__).resolve().parent / "live" / "reload.js"


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every watched file."""
    found = {}
    files = [root / name for name in WATCHED_FILES]
    for folder in WATCHED_FOLDERS:
        if (root / folder).is_dir():
            files += [p for p in (root / folder).rglob("*")]
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        if file.is_file():
            found[str(file)] = (stat.st_size, stat.st_mtime_ns)
    return found


class Status:
    """The current build: its number, and the problems of the last rebuild when it failed."""

    def __init__(self):
        self.id, self.ok, self.problems = 0, True, ""
        self.lock = threading.Lock()

    def as_json(self) -> bytes:
        with self.lock:
            return json.dumps({"id": self.id, "ok": self.ok, "problems": self.problems},
                              ensure_ascii=False).encode("utf-8")

    def built(self) -> None:
        with self.lock:
            self.id, self.ok, self.problems = self.id + 1, True, ""

    def failed(self, text: str) -> None:
        with self.lock:
            self.ok, self.problems = False, text


class LiveHandler(localserver.SiteHandler):
    status: Status = None

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == PREFIX + "build.json":
            return self._send(200, self.status.as_json(), "application/json; charset=utf-8")
        if path == PREFIX + "reload.js":
            return self._send(200, SCRIPT.read_bytes(), "text/javascript; charset=utf-8")
        file = self._file()
        if file is not None and file.suffix == ".html":
            try:
                page = file.read_bytes()
            except OSError:   # replaced by a rebuild between the two calls
                return super().do_GET()
            return self._send(200, with_reload(page, self.status.id), "text/html; charset=utf-8")
        return super().do_GET()

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")   # a preview is never stale
        super().end_headers()


def with_reload(page: bytes, build: int) -> bytes:
    tag = f'<script src="{PREFIX}reload.js?build={build}" defer></script>'.encode()
    end = page.rfind(b"</body>")
    return page[:end] + tag + page[end:] if end >= 0 else page + tag


class Preview:
    """Build `root` into `out`, serve it on `port` (0: any free one), rebuild on change."""

    def __init__(self, root: Path, port: int = 8000, out: Path | None = None,
                 lang: str = "both", log=print):
        self.root, self.out, self.lang, self.log = Path(root), Path(out or Path(root) / "site"), lang, log
        self.status = Status()
        self.draft = cache.Cache.for_project(self.root).folder
        self.draft = self.draft / "preview" if self.draft else None
        handler = type("Handler", (LiveHandler,), {"status": self.status})
        self.httpd = localserver.SiteServer(
            ("127.0.0.1", port), lambda *a: handler(*a, directory=str(self.out)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def build(self) -> bool:
        start = time.perf_counter()
        try:
            pipeline.build(self.root, self.out, draft=self.draft)
        except BuildError as error:
            text = report.render(error.problems, self.lang, command="build")
            self.status.failed(text)
            self.log(text)
            return False
        self.status.built()
        self.log(f"built in {time.perf_counter() - start:.1f} s → {self.url}")
        return True

    def watch(self, seen: dict) -> None:
        """Rebuild whenever the watched files differ from `seen` (taken before the build the
        site shows, so that a change saved during that build is not missed)."""
        while not self._stop.wait(INTERVAL):
            now = snapshot(self.root)
            if now != seen:
                time.sleep(INTERVAL)          # an editor saving in two steps
                seen = snapshot(self.root)
                self.build()

    def __enter__(self) -> Preview:
        seen = snapshot(self.root)
        self.build()   # through the cache: quick when the sources are what they were
        for target, args in ((self.httpd.serve_forever, ()), (self.watch, (seen,))):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def wait(self) -> None:
        while not self._stop.wait(1):
            pass

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
