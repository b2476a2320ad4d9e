"""``learn serve`` with several workers on the embedded vector store: a vector host process opens
the shard, Granian's workers reach it through ``LEARN_VECTOR_HOST``, and this process supervises
both. SIGTERM/SIGINT go to Granian (and, once it has exited, to the host); the host is restarted
with a backoff when it dies (meanwhile vector calls fail as VectorStoreUnavailable: vector
endpoints answer 503, hybrid search answers lexically); when Granian exits, so does this process,
with its status.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

logger = logging.getLogger("learn.serve")

HOST_START_SECONDS = 60.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0
STABLE_SECONDS = 30.0  # a host that ran this long restarts without backoff
STOP_SECONDS = 30.0


def _die_with_parent() -> None:
    """In the child: SIGTERM when the supervisor dies (even by SIGKILL), so nothing is orphaned."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _spawn(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Its own process group: a terminal's Ctrl-C reaches the children once, through us.
    return subprocess.Popen(cmd, env=env, process_group=0, preexec_fn=_die_with_parent)


def start_host(sock: Path, env: dict[str, str]) -> subprocess.Popen[bytes] | None:
    """Start the vector host and wait until it answers; None (its error printed) if it exits."""
    from learn.vectors.store.hosted import answers

    host = _spawn([sys.executable, "-m", "learn.vectors.store.host", "--socket", str(sock)], env)
    deadline = time.monotonic() + HOST_START_SECONDS
    while not answers(sock):
        if host.poll() is not None:
            return None
        if time.monotonic() > deadline:
            host.kill()
            host.wait()
            sys.stderr.write(f"error: the vector host did not answer on {sock} in time\n")
            return None
        time.sleep(0.05)
    return host


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


def serve_with_host(granian_cmd: list[str], sock: Path, echo: Callable[[str], None]) -> int:
    """Run the vector host and Granian (``granian_cmd``), supervising both; Granian's status."""
    from learn.config.env import get_env
    from learn.observability.logs import configure

    configure(get_env().log_level, get_env().log_format)
    env = dict(os.environ)
    host = start_host(sock, env)
    if host is None:
        return 2
    echo(f"vector host {host.pid} opened the embedded store; workers reach it on {sock}")
    env["LEARN_VECTOR_HOST"] = str(sock)
    server = _spawn(granian_cmd, env)
    stopping: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        stopping.append(signum)
        if server.poll() is None:
            server.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    backoff, started = BACKOFF_FIRST, time.monotonic()
    restart_at: float | None = None
    try:
        while server.poll() is None:
            time.sleep(0.2)
            if stopping:
                continue
            if host is not None and host.poll() is not None:
                logger.error(
                    "the vector host %s exited (status %s): vector search fails until it is "
                    "restarted",
                    host.pid,
                    host.returncode,
                )
                if time.monotonic() - started > STABLE_SECONDS:
                    backoff = BACKOFF_FIRST
                restart_at, host = time.monotonic() + backoff, None
            if host is None and restart_at is not None and time.monotonic() >= restart_at:
                host, started = start_host(sock, env), time.monotonic()
                if host is None:
                    backoff = min(backoff * 2, BACKOFF_MAX)
                    restart_at = time.monotonic() + backoff
                else:
                    logger.warning("vector host restarted: %s", host.pid)
                    backoff, restart_at = min(backoff * 2, BACKOFF_MAX), None
        status = int(server.returncode)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if server.poll() is None:
            _stop(server)
        if host is not None:
            _stop(host)
    # Stopped by a signal we forwarded: Granian's own status (0 on a graceful stop).
    return status if status >= 0 else 128 - status
