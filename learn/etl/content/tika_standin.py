"""A small Tika-server stand-in speaking Tika's REST API, backed by in-process Tika.

``PUT /tika`` (Accept: text/plain) answers the text, ``PUT /meta`` (Accept: application/json)
the metadata, ``GET /tika`` a greeting, as Apache Tika server does. ``fail_status`` and
``delay`` make it answer errors or slowly, for failure tests. For development and tests only.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from learn.etl.content.extract import ExtractionError, TextExtractor, native_tika


@dataclass
class TikaStandin:
    extractor: TextExtractor
    fail_status: int | None = None
    delay: float = 0.0
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def start_standin(extractor: TextExtractor | None = None, host: str = "127.0.0.1") -> TikaStandin:
    """Serve on an ephemeral port in a daemon thread; call ``stop()`` when done."""
    state = TikaStandin(extractor or native_tika())

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: bytes, ctype: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/") == "/tika":
                self._send(200, b"This is Tika Server (stand-in). Please PUT\n", "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

        def do_PUT(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length)
            path = self.path.split("?", 1)[0].rstrip("/")
            state.requests.append((path, self.headers.get("Accept", ""), dict(self.headers)))
            if state.delay:
                time.sleep(state.delay)
            if state.fail_status:
                self._send(state.fail_status, b"stand-in failure", "text/plain")
                return
            if path not in ("/tika", "/meta"):
                self._send(404, b"not found", "text/plain")
                return
            try:
                extracted = state.extractor.extract(data, "upload")
            except ExtractionError as exc:
                self._send(422, exc.message.encode(), "text/plain")
                return
            if path == "/tika":
                self._send(200, extracted.text.encode(), "text/plain; charset=UTF-8")
            else:
                meta: dict[str, Any] = {
                    k: v[0] if len(v) == 1 else v for k, v in extracted.metadata.items()
                }
                self._send(200, json.dumps(meta).encode(), "application/json")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state._server = server
    state.url = f"http://{host}:{server.server_address[1]}"
    return state
