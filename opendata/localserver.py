"""The built site on localhost, for `opendata serve`, the browser tests and the benchmarks.

It answers as a static host does: a missing page gets the site's own 404 page (the one of
the language the address is under) with status 404, and a folder without an index page is
missing too (no file listing). `compress=True` sends text gzip-compressed when the browser
accepts it, as a real host would (the benchmarks measure loading times with it).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

NOT_FOUND = "404.html"
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".csv", ".txt", ".jsonld")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    compress = False
    quiet = True

    def log_message(self, *args):  # one line per request drowns test and bench output
        if not self.quiet:
            super().log_message(*args)

    def list_directory(self, path):
        """A folder without index.html is a missing page, as on a static host."""
        self.send_error(404)

    def send_error(self, code, message=None, explain=None):
        page = self._not_found_page() if code == 404 else None
        if page is None:
            return super().send_error(code, message, explain)
        self._send(404, page.read_bytes(), "text/html; charset=utf-8")

    def _not_found_page(self) -> Path | None:
        """The 404 page of the language folder the address is under, else the site's."""
        root = Path(self.directory).resolve()
        first = unquote(urlsplit(self.path).path).lstrip("/").split("/", 1)[0]
        candidates = [root / first / NOT_FOUND] if first and "." not in first else []
        for candidate in [*candidates, root / NOT_FOUND]:
            if candidate.resolve().parent.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def do_GET(self):
        if self.compress and "gzip" in self.headers.get("Accept-Encoding", ""):
            file = self._file()
            if file is not None and file.suffix in COMPRESSED:
                body = gzip.compress(file.read_bytes(), 6, mtime=0)
                return self._send(200, body, self.guess_type(str(file)), encoding="gzip")
        return super().do_GET()

    def _file(self) -> Path | None:
        """The file a GET of a page or file would send, when it is one (else None: the
        standard handler answers, redirects and errors included)."""
        path = urlsplit(self.path).path
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            if not path.endswith("/"):
                return None
            target = target / "index.html"
        return target if target.is_file() else None

    def _send(self, status: int, body: bytes, kind: str, encoding: str | None = None):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that stops reading (a page left before its images came) is no error."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def server(folder: Path, port: int = 0, quiet: bool = True,
           compress: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port), not yet started."""
    handler = type("Handler", (SiteHandler,), {"quiet": quiet, "compress": compress})
    return SiteServer(("127.0.0.1", port), functools.partial(handler, directory=os.fspath(folder)))


def serve_in_background(folder: Path, port: int = 0,
                        compress: bool = False) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving `folder` in a thread; returns the server and its base URL."""
    httpd = server(folder, port, compress=compress)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"
