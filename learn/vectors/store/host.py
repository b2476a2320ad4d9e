"""The vector host: the one process that opens the embedded store's shards, serving every other
process (``HostedStore``) over a Unix socket.

``python -m learn.vectors.store.host [--socket PATH] [--root PATH]`` opens
``LEARN_VAR_DIR/vectors/<QDRANT_COLLECTION_PREFIX>`` and listens on ``<that>.sock``; ``learn serve``
runs it (and restarts it) when it serves with several workers. It refuses to start, exit 2, when
something already listens on the socket or another process holds a shard. Each connection gets a
thread; only the store's protocol methods run (``hosted.METHODS``); an error raised by the store
goes back as its class (VectorStoreError / VectorStoreUnavailable), anything else as
VectorStoreError with its text. SIGTERM/SIGINT stop it: the socket and key files are removed and
the shards closed. No Django: it starts in well under a second.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import signal
import socket
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import (
    Connection,
    answer_challenge,
    deliver_challenge,
)
from pathlib import Path
from types import FrameType
from typing import Any

from learn.config.env import get_env
from learn.vectors.store.base import VectorStoreError, VectorStoreUnavailable
from learn.vectors.store.edge import EdgeStore
from learn.vectors.store.hosted import (
    HANDSHAKE_SECONDS,
    METHODS,
    _timeout,
    answers,
    embedded_root,
    key_path,
    set_call_timeout,
    socket_path,
    unix_address,
)

logger = logging.getLogger("learn.vectors.host")


class HostRefusal(Exception):
    """The host must not start (exit 2); the message says why and what to do."""


class _Stop(Exception):
    pass


def listening(sock_path: Path) -> bool:
    """Whether anything accepts connections on ``sock_path`` (a live host, not a stale file)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(HANDSHAKE_SECONDS)
        probe.connect(unix_address(sock_path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _write_key(path: Path) -> bytes:
    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, key)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return key


class VectorHost:
    def __init__(self, store: EdgeStore, sock_path: Path) -> None:
        self.store = store
        self.sock_path = sock_path
        self.key = b""
        self._listener: socket.socket | None = None
        self._inode: int | None = None

    # ------------------------------------------------------------------ start / stop
    def open(self) -> list[str]:
        """Take the socket and the shards, or raise HostRefusal."""
        if self.sock_path.exists():
            if listening(self.sock_path):
                who = "a vector host" if answers(self.sock_path) else "another process"
                raise HostRefusal(
                    f"{who} already listens on {self.sock_path}: stop it first (or give this "
                    "host another --socket)"
                )
            self.sock_path.unlink()  # stale: its host died without removing it
        for name in self.store.existing():
            held = self.store.held_elsewhere(name)
            if held:
                raise HostRefusal(
                    f"{held}; stop that process (the vector host must be the only one to open "
                    "the embedded store)"
                )
        try:
            shards = self.store.open_existing()
        except VectorStoreUnavailable as exc:
            raise HostRefusal(str(exc)) from exc
        self.sock_path.parent.mkdir(parents=True, exist_ok=True)
        self.key = _write_key(key_path(self.sock_path))
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(unix_address(self.sock_path))
        os.chmod(self.sock_path, 0o600)
        listener.listen(128)
        self._inode = self.sock_path.stat().st_ino
        self._listener = listener
        return shards

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                if self.sock_path.stat().st_ino == self._inode:  # still ours
                    self.sock_path.unlink()
                    key_path(self.sock_path).unlink()
        self.store.close()

    def serve_forever(self) -> None:
        assert self._listener is not None
        while True:
            raw, _ = self._listener.accept()
            threading.Thread(target=self._serve_connection, args=(raw,), daemon=True).start()

    # ------------------------------------------------------------------ connections
    def _serve_connection(self, raw: socket.socket) -> None:
        try:
            _timeout(raw, HANDSHAKE_SECONDS)  # a silent client cannot hold the thread
            conn = Connection(raw.detach())
        finally:
            raw.close()
        try:
            deliver_challenge(conn, self.key)
            answer_challenge(conn, self.key)
        except (AuthenticationError, OSError, EOFError) as exc:
            logger.warning("vector host: refused a connection (%s: %s)", type(exc).__name__, exc)
            conn.close()
            return
        set_call_timeout(conn, 0)  # authenticated: idle connections stay open
        with conn:
            while True:
                try:
                    request = conn.recv()
                except (EOFError, OSError):
                    return  # the client went away
                reply = self.dispatch(request)
                try:
                    conn.send(reply)
                except OSError:
                    return
                except Exception as exc:  # an unpicklable result
                    logger.exception("vector host: cannot send a result")
                    conn.send(("err", "VectorStoreError", f"{type(exc).__name__}: {exc}"))

    def dispatch(self, request: Any) -> tuple[Any, ...]:
        method = "?"
        try:
            method, args, kwargs = request
            if method not in METHODS:
                raise VectorStoreError(f"the vector host does not run {method!r}")
            if method == "ping":
                return ("ok", {"pid": os.getpid(), "root": str(self.store.root)})
            return ("ok", getattr(self.store, method)(*args, **kwargs))
        except VectorStoreUnavailable as exc:
            logger.warning("vector host: %s", exc)
            return ("err", "VectorStoreUnavailable", str(exc))
        except VectorStoreError as exc:
            logger.info("vector host: %s", exc)
            return ("err", "VectorStoreError", str(exc))
        except Exception as exc:
            logger.exception("vector host: %s failed", method)
            return ("err", "VectorStoreError", f"{type(exc).__name__}: {exc}")


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    env = get_env()
    parser = argparse.ArgumentParser(
        prog="python -m learn.vectors.store.host",
        description="Open the embedded vector store and serve it to other processes.",
    )
    parser.add_argument("--socket", type=Path, default=None, help="Unix socket to listen on")
    parser.add_argument("--root", type=Path, default=None, help="The store's shard folder")
    args = parser.parse_args(argv)
    from learn.observability.logs import configure

    configure(env.log_level, env.log_format)
    prefix = env.qdrant_collection_prefix
    root = (args.root or embedded_root(env.var_dir, prefix)).resolve()
    sock = (args.socket or socket_path(env.var_dir, prefix)).absolute()
    host = VectorHost(EdgeStore(root), sock)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        try:
            shards = host.open()
        except HostRefusal as exc:
            logger.error("vector host refuses to start: %s", exc)
            sys.stderr.write(f"error: the vector host refuses to start: {exc}\n")
            return 2
        logger.info(
            "vector host %s serving %s on %s (shards: %s)",
            os.getpid(),
            root,
            sock,
            ", ".join(shards) or "none yet",
        )
        host.serve_forever()
    except _Stop as stop:
        logger.info("vector host %s stopping (%s)", os.getpid(), stop)
    finally:
        host.close()
    logger.info("vector host %s stopped", os.getpid())
    return 0


if __name__ == "__main__":
    sys.exit(main())
