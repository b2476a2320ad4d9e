"""Fixtures of the ETL core tests: the OCW corpus, local HTTP stand-ins, captured hooks.

Fixture names are prefixed (``etl_``/``ocw_``) so they never shadow the source tests' fixtures.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from learn.catalog import hooks
from learn.config.env import get_env
from learn.etl import http

KNOWN_SLUGS = [
    "6-006-introduction-to-algorithms-spring-2020",
    "18-06-linear-algebra-spring-2010",
    "8-01sc-classical-mechanics-fall-2016",
    "14-01-principles-of-microeconomics-fall-2018",
    "10-492-1-integrated-chemical-engineering-topics-i-process-control-by-design-fall-2004",
    "10-492-2-integrated-chemical-engineering-topics-i-introduction-to-biocatalysis-fall-2004",
    "21m-030-introduction-to-world-music-fall-2006",
    "21m-030-introduction-to-world-music-spring-2013",
    "1-00-introduction-to-computers-and-engineering-problem-solving-spring-2012",
    "14-01sc-principles-of-microeconomics-fall-2011",
]


@pytest.fixture(scope="session")
def ocw_corpus(shared_dir: Path) -> Path:
    return shared_dir / "data" / "ocw_site"


@pytest.fixture
def ocw_subset(tmp_path: Path, ocw_corpus: Path) -> Callable[..., Path]:
    """Copy some course trees (read-only originals) into a fresh ``<tmp>/<name>/courses``."""

    def make(
        slugs: list[str],
        name: str = "site",
        listing: bool = True,
        edit: dict[str, Any] | None = None,
    ) -> Path:
        root = tmp_path / name
        (root / "courses").mkdir(parents=True, exist_ok=True)
        for slug in slugs:
            target = root / "courses" / slug
            target.mkdir(exist_ok=True)
            shutil.copyfile(ocw_corpus / "courses" / slug / "data.json", target / "data.json")
        for slug, change in (edit or {}).items():
            path = root / "courses" / slug / "data.json"
            if isinstance(change, bytes):
                path.write_bytes(change)
            else:
                data = json.loads(path.read_text())
                data.update(change)
                path.write_text(json.dumps(data))
        if listing:
            (root / "courses.txt").write_text("\n".join(slugs) + "\n")
        return root

    return make


@pytest.fixture
def etl_taxonomy(db: None) -> None:
    """The real taxonomy (topics with per-offeror mappings, departments, offerors, platforms)."""
    from learn.catalog.taxonomy import default_taxonomy_source, load_taxonomy

    source = default_taxonomy_source()
    assert source, "the shared taxonomy is needed"
    load_taxonomy(source)


@dataclass
class HookCalls:
    changed: list[list[int]] = field(default_factory=list)
    removed: list[list[int]] = field(default_factory=list)

    def changed_ids(self) -> set[int]:
        return {i for batch in self.changed for i in batch}

    def removed_ids(self) -> set[int]:
        return {i for batch in self.removed for i in batch}

    def reset(self) -> None:
        self.changed.clear()
        self.removed.clear()


@pytest.fixture
def etl_hooks() -> Iterator[HookCalls]:
    calls = HookCalls()
    changed, removed = calls.changed.append, calls.removed.append
    hooks.on_resources_changed(changed)
    hooks.on_resources_removed(removed)
    yield calls
    hooks._changed.remove(changed)
    hooks._removed.remove(removed)


@pytest.fixture
def etl_fast_http(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short timeouts and backoff so retry tests take a second, not a minute."""
    monkeypatch.setattr(http, "DEFAULT_BACKOFF", 0.01)
    monkeypatch.setattr(get_env(), "etl_request_timeout", 0.5)


class _QuietStatic(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _serve(handler: Callable[..., BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture
def etl_static_site() -> Iterator[Callable[[Path], str]]:
    """Serve a folder read-only over HTTP (python's static file server); returns the base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(directory: Path) -> str:
        server, base = _serve(functools.partial(_QuietStatic, directory=str(directory)))
        servers.append(server)
        return base

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


Route = Callable[[], tuple[int, bytes, str]]


@dataclass
class RouteServer:
    base_url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def add(self, path: str, status: int, body: bytes | str, ctype: str = "application/json",
            delay: float = 0.0) -> str:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body

        def route() -> tuple[int, bytes, str]:
            if delay:
                time.sleep(delay)
            return status, data, ctype

        self.routes[path] = route
        return self.base_url + path.lstrip("/")


@pytest.fixture
def etl_routes() -> Iterator[RouteServer]:
    """An HTTP stand-in with programmable answers (errors, slow replies, broken JSON)."""
    state = RouteServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            path = self.path.split("?", 1)[0]
            state.hits[path] = state.hits.get(path, 0) + 1
            route = state.routes.get(path)
            status, body, ctype = route() if route else (404, b"not found", "text/plain")
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server, state.base_url = _serve(Handler)
    yield state
    server.shutdown()
    server.server_close()
