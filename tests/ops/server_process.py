"""A real ``learn serve`` (Granian) on the embedded defaults in a throwaway LEARN_VAR_DIR."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVICE_VARS = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "OPENSEARCH_URL", "QDRANT_URL")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def learn_command() -> list[str]:
    return [sys.executable, "-m", "learn.cli.main"]


def embedded_env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env["LEARN_VAR_DIR"] = str(var_dir)
    env.update(extra)
    return env


def wait_live(
    base: str,
    server: subprocess.Popen[bytes],
    seconds: float = 60.0,
    detail: Callable[[], str] = lambda: "",
) -> None:
    """Until ``base`` answers its liveness probe; fails (with ``detail()``) if the server exits
    or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/health/liveness/", timeout=5)
            return
        except httpx.TransportError:
            assert server.poll() is None, f"the server exited {detail()}"
            assert time.monotonic() < deadline, f"the server did not answer {detail()}"
            time.sleep(0.3)


@contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[str]:
    """Migrate the embedded database, serve, wait for liveness; yield the base URL."""
    migrated = subprocess.run(
        [*learn_command(), "migrate"], env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    port = free_port()
    server = subprocess.Popen(
        [*learn_command(), "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_live(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
