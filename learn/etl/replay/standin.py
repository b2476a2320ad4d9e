"""A local HTTP server that answers like an upstream source, from recorded payloads.

Routes map an exact path to a fixed answer or to a handler; every request is logged so tests can
check what the client sent. The ETL tests and ``learn demo`` both replay ``../shared/fixtures``
through it, so the real client code (paging, tokens, retries) runs against real payloads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

Body = bytes | str
Answer = tuple[int, Body, str]
Handler = Callable[["Request"], Answer]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class StandIn:
    """Routes: exact path → (status, body, content type) or a handler; every request is logged."""

    base_url: str = ""
    routes: dict[str, Answer | Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def serve(
        self, path: str, body: Body, status: int = 200, ctype: str = "application/json"
    ) -> str:
        self.routes[path] = (status, body, ctype)
        return self.url(path)

    def serve_file(self, path: str, file: Path, ctype: str = "application/json") -> str:
        return self.serve(path, file.read_bytes(), ctype=ctype)

    def handle(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def answer(self, request: Request) -> tuple[int, bytes, str]:
        self.requests.append(request)
        route = self.routes.get(request.path)
        body: Body
        if route is None:
            status, body, ctype = 404, b'{"detail": "not found"}', "application/json"
        elif callable(route):
            status, body, ctype = route(request)
        else:
            status, body, ctype = route
        return status, body.encode() if isinstance(body, str) else body, ctype


@contextmanager
def running_stand_in(host: str = "127.0.0.1", port: int = 0) -> Iterator[StandIn]:
    """Start a stand-in on ``port`` of ``host`` (a free one when 0 or taken); stop it on exit."""
    state = StandIn()

    class _Handler(BaseHTTPRequestHandler):
        def _dispatch(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            status, data, ctype = state.answer(request)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _dispatch
        do_POST = _dispatch

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    try:
        server = ThreadingHTTPServer((host, port), _Handler)
    except OSError:  # the preferred port is taken: any free one will do
        server = ThreadingHTTPServer((host, 0), _Handler)
    state.base_url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
