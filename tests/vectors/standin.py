"""A local stand-in for the OpenAI embeddings API (POST /v1/embeddings), on a real HTTP port."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np

DIM = 3072  # text-embedding-3-large


def fake_vector(text: str, dim: int = DIM) -> list[float]:
    """Deterministic per text, so tests can check which vector went where."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    return [float(x) for x in np.random.default_rng(seed).standard_normal(dim).astype(np.float32)]


@dataclass
class StandIn:
    port: int
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    fail_next: int = 0  # answer this many requests with HTTP 500

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path.rstrip("/") != "/v1/embeddings":
                self._send(404, {"error": {"message": "not found"}})
                return
            state.requests.append(body)
            state.auth.append(self.headers.get("Authorization", ""))
            if state.fail_next > 0:
                state.fail_next -= 1
                self._send(500, {"error": {"message": "upstream exploded", "type": "server_error"}})
                return
            inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [
                {"object": "embedding", "index": i, "embedding": fake_vector(str(text))}
                for i, text in enumerate(inputs)
            ]
            data.reverse()  # the API does not promise order; the client must sort by index
            self._send(
                200,
                {
                    "object": "list",
                    "data": data,
                    "model": body["model"],
                    "usage": {"prompt_tokens": 1, "total_tokens": 1},
                },
            )

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    return Handler


@contextmanager
def openai_standin(port: int = 8181) -> Iterator[StandIn]:
    state = StandIn(port)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
    except OSError:  # the port is taken (e.g. a parallel test run): let the OS pick one
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
