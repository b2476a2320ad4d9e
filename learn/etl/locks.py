"""One run per source at a time, across processes and hosts, and released if the holder dies.

On PostgreSQL the lock is a session advisory lock (``pg_try_advisory_lock``) on the connection
that runs the ETL; on SQLite (the embedded setup) it is an exclusive ``flock`` on a file under
``LEARN_VAR_DIR/locks``. Either way the operating system or the database drops it when the holding
process ends, even by ``kill -9``: no stale lock to wait out. A process-local set makes a nested
attempt in the same process busy too (advisory locks stack within one session).

Note: session advisory locks need a session-pooling (or no) connection pooler.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from learn.config.env import get_env

_held: set[str] = set()
_guard = threading.Lock()


class SourceBusy(RuntimeError):
    pass


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for ``name`` (PostgreSQL's advisory lock key space)."""
    digest = hashlib.sha256(f"learn:etl-lock:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _postgres_lock(name: str) -> Iterator[None]:
    key = advisory_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise SourceBusy(f"another run of {name!r} is in progress")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _file_lock(name: str) -> Iterator[None]:
    folder = get_env().var_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
    fd = os.open(folder / f"etl-{safe}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SourceBusy(f"another run of {name!r} is in progress") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def source_lock(name: str) -> Iterator[None]:
    """Hold the per-source lock or raise :class:`SourceBusy` at once (never waits)."""
    with _guard:
        if name in _held:
            raise SourceBusy(f"another run of {name!r} is in progress")
        _held.add(name)
    try:
        lock = _postgres_lock if connection.vendor == "postgresql" else _file_lock
        with lock(name):
            yield
    finally:
        with _guard:
            _held.discard(name)
