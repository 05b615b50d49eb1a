"""The built site on localhost, for `build.py serve`, the browser tests and the benchmarks."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request drowns test and bench output
        pass


def server(folder: Path, port: int = 0, quiet: bool = True) -> http.server.ThreadingHTTPServer:
    """A server for `folder` on 127.0.0.1 (port 0: any free port), not yet started."""
    handler = QuietHandler if quiet else http.server.SimpleHTTPRequestHandler
    return http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(folder)))


def serve_in_background(folder: Path, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Start serving `folder` in a thread; returns the server and its base URL."""
    httpd = server(folder, port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"
