"""Slow or stalled request bodies never starve the API (a real Granian server, real sockets)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from tests.ops.server_process import embedded_env, serving

STALLED_CLIENTS = 8


def _stall(base: str, path: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000\r\n\r\n{".encode()
    )
    return sock


def test_stalled_bodies_do_not_freeze_health_checks_and_time_out(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var", BODY_READ_TIMEOUT="4", BODY_IDLE_TIMEOUT="4")
    with serving(env) as base:
        stalled = [_stall(base, "/api/v1/webhooks/content_files/") for _ in range(STALLED_CLIENTS)]
        try:
            time.sleep(0.5)
            for _ in range(5):
                started = time.monotonic()
                live = httpx.get(f"{base}/health/liveness/", timeout=3)
                assert live.status_code == 200
                assert time.monotonic() - started < 3
                topics = httpx.get(f"{base}/api/v1/topics/?limit=1", timeout=3)
                assert topics.status_code == 200
            # the stalled clients get a JSON 408 once the read deadline passes
            for sock in stalled:
                sock.settimeout(15)
                answer = sock.recv(4096).decode(errors="replace")
                assert answer.startswith("HTTP/1.1 408"), answer[:200]
                assert "did not arrive in time" in answer
        finally:
            for sock in stalled:
                sock.close()


def test_an_announced_oversized_body_is_refused_before_it_is_read(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var", MAX_REQUEST_BODY_BYTES="1000")
    with serving(env) as base:
        response = httpx.post(
            f"{base}/api/v1/webhooks/content_files/",
            content=b"{" + b" " * 5000 + b"}",
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert response.status_code == 413
        assert response.json()["detail"].startswith("Request body too large")
