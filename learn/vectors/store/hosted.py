"""The embedded store reached through its vector host (``learn.vectors.store.host``).

A Qdrant Edge shard is opened by one process at a time, so when several processes need it (the
Granian workers of ``learn serve --workers N``, or ``learn embeddings`` beside a server) one host
process opens it and every other process calls it over a Unix socket: ``HostedStore`` implements
the ``VectorStore`` protocol by sending ``(method, args, kwargs)`` and receiving the result.

The wire protocol is ``multiprocessing.connection``'s (HMAC-authenticated pickles, the connection
``Client(address, family="AF_UNIX", authkey=...)`` opens); the connection is set up by hand only to
give the handshake and each call a timeout. The authkey is random bytes the host writes to
``<socket>.key`` (mode 0600) when it starts; a client reads it on every (re)connection, so a
restarted host is reached again without restarting the client. Connections are per thread.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
from collections.abc import Sequence
from multiprocessing import AuthenticationError
from multiprocessing.connection import (
    Connection,
    answer_challenge,
    deliver_challenge,
)
from pathlib import Path
from typing import Any

from learn.vectors.store.base import (
    Filter,
    Hit,
    IndexType,
    Point,
    VectorStoreError,
    VectorStoreUnavailable,
)

# Methods the host runs (the VectorStore protocol without close, plus optimize and a ping).
METHODS = frozenset(
    {
        "ensure_collection",
        "drop_collection",
        "upsert",
        "set_payload",
        "delete",
        "delete_where",
        "search",
        "retrieve",
        "scroll",
        "count",
        "facet",
        "optimize",
        "ping",
    }
)
ERRORS: dict[str, type[Exception]] = {
    "VectorStoreError": VectorStoreError,
    "VectorStoreUnavailable": VectorStoreUnavailable,
}
HANDSHAKE_SECONDS = 5.0
CALL_SECONDS = 120.0  # creating a shard's payload indexes takes seconds on a small machine
_BROKEN = (OSError, EOFError, AuthenticationError)  # BrokenPipe, reset, refused, timeout...
_MAX_UNIX_PATH = 100  # sun_path holds 108 bytes; longer paths go through /proc/self/fd


def embedded_root(var_dir: Path, prefix: str) -> Path:
    """The embedded store's shard folder."""
    return var_dir / "vectors" / prefix


def socket_path(var_dir: Path, prefix: str) -> Path:
    """Where the host of the shard folder ``embedded_root(var_dir, prefix)`` listens."""
    root = embedded_root(var_dir, prefix)
    return root.with_name(f"{root.name}.sock")


def key_path(sock: Path) -> Path:
    return sock.with_name(sock.name + ".key")


_dir_fds: dict[Path, int] = {}
_dir_lock = threading.Lock()


def unix_address(sock: Path) -> str:
    """``sock`` as an AF_UNIX address: itself, or (too long for ``sun_path``) the same file
    through an open descriptor of its folder, ``/proc/self/fd/N/name``."""
    text = str(sock)
    if len(os.fsencode(text)) <= _MAX_UNIX_PATH:
        return text
    folder = sock.parent
    with _dir_lock:
        fd = _dir_fds.get(folder)
        if fd is None:
            fd = _dir_fds[folder] = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    return f"/proc/self/fd/{fd}/{sock.name}"


def _timeout(sock: socket.socket, seconds: float) -> None:
    whole = int(seconds)
    value = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, value)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, value)


def set_call_timeout(conn: Connection, seconds: float) -> None:
    """Each send and receive on ``conn`` gives up after ``seconds`` (0: never)."""
    sock = socket.socket(fileno=conn.fileno())
    try:
        _timeout(sock, seconds)
    finally:
        sock.detach()


def connect(sock_path: Path, authkey: bytes | None = None) -> Connection:
    """An authenticated connection to the host at ``sock_path`` (what ``Client`` does, with
    timeouts: a stopped host cannot hang the caller). Raises OSError/AuthenticationError."""
    key = authkey if authkey is not None else key_path(sock_path).read_bytes()
    raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        _timeout(raw, HANDSHAKE_SECONDS)
        raw.connect(unix_address(sock_path))
        conn = Connection(raw.detach())
    finally:
        raw.close()
    try:
        answer_challenge(conn, key)
        deliver_challenge(conn, key)
        set_call_timeout(conn, CALL_SECONDS)
    except BaseException:
        conn.close()
        raise
    return conn


def answers(sock_path: Path) -> bool:
    """Whether a host answers (authenticated) on ``sock_path``."""
    if not sock_path.exists():
        return False
    try:
        conn = connect(sock_path)
    except _BROKEN:
        return False
    try:
        conn.send(("ping", (), {}))
        return bool(conn.recv()[0] == "ok")
    except _BROKEN:
        return False
    finally:
        conn.close()


class _Local(threading.local):
    conn: Connection | None = None
    pid: int = 0


class HostedStore:
    engine = "embedded"  # the VECTOR_ENGINE value: the same shard, opened by the host

    def __init__(self, sock_path: Path, authkey: bytes | None = None) -> None:
        self.sock_path = sock_path
        self._authkey = authkey  # tests; None: read <socket>.key on each connection
        self._local = _Local()

    def __repr__(self) -> str:
        return f"HostedStore({str(self.sock_path)!r})"

    # ------------------------------------------------------------------ transport
    def _connection(self) -> Connection:
        local = self._local
        if local.conn is not None and local.pid == os.getpid():
            return local.conn
        local.conn = None  # a forked child never uses its parent's connection
        try:
            local.conn = connect(self.sock_path, self._authkey)
        except _BROKEN as exc:  # no socket or key file (OSError) included
            raise self._unavailable(exc) from exc
        local.pid = os.getpid()
        return local.conn

    def _drop(self) -> None:
        conn, self._local.conn = self._local.conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def _unavailable(self, exc: BaseException) -> VectorStoreUnavailable:
        return VectorStoreUnavailable(
            f"the vector host at {self.sock_path} does not answer "
            f"({type(exc).__name__}: {exc}); it runs inside `learn serve` with several workers, "
            "which restarts it: if no server runs, start one, or unset LEARN_VECTOR_HOST to "
            "open the embedded store in this process"
        )

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        for attempt in (1, 2):  # one reconnection: the host may have restarted since
            fresh = self._local.conn is None or self._local.pid != os.getpid()
            conn = self._connection()
            try:
                conn.send((method, args, kwargs))
                reply = conn.recv()
                break
            except _BROKEN as exc:
                self._drop()
                # A timed-out call (EAGAIN) is not sent again: the host is stuck, not restarted.
                if attempt == 2 or fresh or isinstance(exc, BlockingIOError):
                    raise self._unavailable(exc) from exc
        if reply[0] == "ok":
            return reply[1]
        _, kind, message = reply
        raise ERRORS.get(kind, VectorStoreError)(message)

    def ping(self) -> dict[str, Any]:
        """The host's pid and shard folder."""
        return dict(self._call("ping"))

    # ------------------------------------------------------------------ VectorStore
    def ensure_collection(self, name: str, dim: int, indexes: dict[str, IndexType]) -> None:
        self._call("ensure_collection", name, dim, dict(indexes))

    def drop_collection(self, name: str) -> None:
        self._call("drop_collection", name)

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        if points:
            sent = [Point(p.id, [float(x) for x in p.vector], p.payload) for p in points]
            self._call("upsert", name, sent)

    def set_payload(self, name: str, point_id: str, payload: dict[str, Any]) -> None:
        self._call("set_payload", name, point_id, payload)

    def delete(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            self._call("delete", name, list(ids))

    def delete_where(self, name: str, flt: Filter) -> None:
        self._call("delete_where", name, flt)

    def search(
        self,
        name: str,
        vector: Sequence[float],
        flt: Filter | None = None,
        limit: int = 10,
        offset: int = 0,
        score_threshold: float | None = None,
        payload_fields: Sequence[str] | None = None,
        with_vectors: bool = False,
    ) -> list[Hit]:
        result: list[Hit] = self._call(
            "search",
            name,
            [float(x) for x in vector],
            flt,
            limit,
            offset,
            score_threshold,
            None if payload_fields is None else list(payload_fields),
            with_vectors,
        )
        return result

    def retrieve(
        self,
        name: str,
        ids: Sequence[str],
        with_vectors: bool = False,
        payload_fields: Sequence[str] | None = None,
    ) -> list[Hit]:
        if not ids:
            return []
        fields = None if payload_fields is None else list(payload_fields)
        result: list[Hit] = self._call("retrieve", name, list(ids), with_vectors, fields)
        return result

    def scroll(
        self, name: str, flt: Filter | None = None, limit: int = 100, offset: str | None = None
    ) -> tuple[list[Hit], str | None]:
        hits, next_id = self._call("scroll", name, flt, limit, offset)
        return hits, next_id

    def count(self, name: str, flt: Filter | None = None) -> int:
        return int(self._call("count", name, flt))

    def facet(
        self, name: str, key: str, flt: Filter | None = None, limit: int = 1000
    ) -> list[tuple[str, int]]:
        return [(str(v), int(n)) for v, n in self._call("facet", name, key, flt, limit)]

    def optimize(self, name: str) -> None:
        self._call("optimize", name)

    def held_elsewhere(self, name: str) -> str | None:
        """Never: the host holds the shard, and this store reaches it through the host."""
        return None

    def close(self) -> None:
        """Closes this thread's connection; the host and its shards stay open."""
        self._drop()
