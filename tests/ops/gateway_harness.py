"""Processes for the gateway tests: Debian's nginx on a temp prefix, header-echo upstreams, the API.

``LEARN_TEST_PORT_BASE`` pins the ports (base, base+1, ...) for a shared machine; without it
each server gets a free port.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
GATEWAY_DIR = ROOT / "deploy" / "nginx"
SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "OPENSEARCH_URL", "QDRANT_URL")
_next_port = count()


def port() -> int:
    base = os.environ.get("LEARN_TEST_PORT_BASE")
    if base:
        return int(base) + next(_next_port)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("nginx is missing: .ci/run installs Debian's nginx")
    pytest.skip("nginx is not installed (CI installs it: apt-get install nginx)")


def wait_http(url: str, timeout: float = 90, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# ------------------------------------------------------------------ echo upstream


@dataclass
class Echo:
    name: str
    port: int
    seen: list[dict[str, object]] = field(default_factory=list)


def _handler(echo: Echo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            record = {"upstream": echo.name, "path": self.path, "method": self.command}
            record["headers"] = {k.lower(): v for k, v in self.headers.items()}
            echo.seen.append(record)
            body = json.dumps({**record, "padding": "learn " * 400}).encode()
            self.send_response(200)
            if self.path.startswith("/_next/static/"):
                self.send_header("Content-Type", "application/javascript")
                self.send_header("Cache-Control", "no-cache")
            else:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def echo_server(name: str) -> Iterator[Echo]:
    echo = Echo(name, port())
    server = ThreadingHTTPServer(("127.0.0.1", echo.port), _handler(echo))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield echo
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ nginx


@dataclass
class Gateway:
    url: str
    prefix: Path
    log: Path

    def access_log(self) -> list[dict[str, object]]:
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def logged(self, request_id: str, timeout: float = 5.0) -> list[dict[str, object]]:
        """The access-log entries of one request (nginx writes them just after responding)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.access_log() if e["request_id"] == request_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def nginx(api: str, web: str, secret: str, **rates: str) -> Iterator[Gateway]:
    binary = nginx_binary()
    listen = port()
    prefix = Path(tempfile.mkdtemp(prefix="learn-gateway-"))
    prefix.chmod(0o755)  # nginx's workers (www-data) write proxy temp files here
    env = {
        **os.environ,
        "LEARN_GATEWAY_PORT": f"127.0.0.1:{listen}",
        "LEARN_API_UPSTREAM": api,
        "LEARN_WEB_UPSTREAM": web,
        "LEARN_GATEWAY_SECRET": secret,
        **rates,
    }
    subprocess.run([sys.executable, str(GATEWAY_DIR / "render"), str(prefix)], env=env, check=True)
    log = prefix / "stdout.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                binary, "-p", f"{prefix}/", "-c", str(prefix / "nginx.conf"),
                "-g", "daemon off; pid nginx.pid; error_log stderr notice;",
            ],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{listen}/metrics", timeout=20, proc=proc)
        yield Gateway(f"http://127.0.0.1:{listen}", prefix, log)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(prefix, ignore_errors=True)


# ------------------------------------------------------------------ the API


@dataclass
class Api:
    url: str
    log: Path


@contextmanager
def api_server(var_dir: Path, **extra_env: str) -> Iterator[Api]:
    """``learn serve`` on a fresh embedded catalog (SQLite, in-process tasks), JSON logs."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(LEARN_VAR_DIR=str(var_dir), LOG_FORMAT="json", **extra_env)
    learn = [sys.executable, "-m", "learn.cli.main"]
    subprocess.run([*learn, "migrate"], env=env, check=True, capture_output=True, timeout=600)
    # an (empty) search index: a missing one answers 503 until `learn index rebuild`
    subprocess.run(
        [*learn, "index", "rebuild"], env=env, check=True, capture_output=True, timeout=600
    )
    listen = port()
    log = var_dir / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*learn, "serve", "--port", str(listen)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_http(f"http://127.0.0.1:{listen}/health/liveness/", proc=proc)
        yield Api(f"http://127.0.0.1:{listen}", log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
