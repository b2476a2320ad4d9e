"""A local HTTP stand-in for upstream sources, serving the recorded payloads in ../shared."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from learn.config.env import get_env

Body = bytes | str
Handler = Callable[["Request"], tuple[int, Body, str]]


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
    routes: dict[str, tuple[int, Body, str] | Handler] = field(default_factory=dict)
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


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
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
            state.requests.append(request)
            route = state.routes.get(parts.path)
            if route is None:
                status, body, ctype = 404, b'{"detail": "not found"}', "application/json"
            elif callable(route):
                status, body, ctype = route(request)
            else:
                status, body, ctype = route
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = _dispatch
        do_POST = _dispatch

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fixtures_dir(shared_dir: Path) -> Path:
    return shared_dir / "fixtures" / "sources"


@pytest.fixture
def source_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set source environment variables for one test (the typed env is re-read)."""

    def _set(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key.upper(), value)
        get_env.cache_clear()

    yield _set
    get_env.cache_clear()


def resources(etl_source: str) -> dict[tuple[str, str], object]:
    """The catalog rows of one etl_source keyed by (resource_type, readable_id)."""
    from learn.catalog.models import LearningResource

    return {
        (r.resource_type, r.readable_id): r
        for r in LearningResource.objects.filter(etl_source=etl_source)
    }
