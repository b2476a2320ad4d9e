"""The vector host (``python -m learn.vectors.store.host``) and its client ``HostedStore``, as real
processes: a hosted store answers exactly as the embedded store it fronts, errors come back as
their class, a killed host is an unavailable store until a new one answers on the same socket, a
wrong key is refused, and the host refuses to start beside another holder of the shard."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from multiprocessing.connection import Client
from pathlib import Path

import numpy as np
import pytest

from learn.config.env import get_env
from learn.vectors.store import (
    Filter,
    Point,
    VectorStoreError,
    VectorStoreUnavailable,
    get_store,
    set_store,
)
from learn.vectors.store.edge import EdgeStore
from learn.vectors.store.hosted import HostedStore, answers, key_path, socket_path

DIM = 8
INDEXES = {"kind": "keyword", "group": "integer", "tags": "keyword"}


def start_host(sock: Path, root: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "learn.vectors.store.host", "--socket", str(sock)]
        + ["--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not answers(sock):
        if proc.poll() is not None:
            return proc  # refused: the caller reads its status and stderr
        assert time.monotonic() < deadline, "the vector host did not answer"
        time.sleep(0.05)
    return proc


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def hosted(tmp_path: Path) -> Iterator[tuple[HostedStore, subprocess.Popen[str], Path]]:
    sock = tmp_path / "vectors" / "t.sock"
    root = tmp_path / "vectors" / "t"
    proc = start_host(sock, root)
    assert proc.poll() is None, proc.communicate()
    store = HostedStore(sock)
    yield store, proc, root
    store.close()
    stop(proc)


def _points(n: int, seed: int = 7) -> list[Point]:
    rng = np.random.default_rng(seed)
    return [
        Point(
            str(uuid.UUID(int=i + 1)),
            [float(x) for x in rng.standard_normal(DIM).astype(np.float32)],
            {
                "kind": ["course", "video", "podcast"][i % 3],
                "group": i % 4,
                "tags": [f"t{i % 5}", "all"],
                "title": f"point {i}",
            },
        )
        for i in range(n)
    ]


def _same_operations(store: object) -> None:
    s: EdgeStore = store  # type: ignore[assignment]  # both stores, one protocol
    s.ensure_collection("c", DIM, dict(INDEXES))  # type: ignore[arg-type]
    s.upsert("c", _points(60))
    s.set_payload("c", str(uuid.UUID(int=3)), {"title": "renamed", "kind": "video"})
    s.delete("c", [str(uuid.UUID(int=5)), str(uuid.UUID(int=6))])
    s.delete_where("c", Filter(must={"group": [3]}, exclude_ids=[str(uuid.UUID(int=4))]))


def _answers(s: EdgeStore | HostedStore) -> dict[str, object]:
    query = [float(x) for x in np.random.default_rng(3).standard_normal(DIM)]
    flt = Filter(must={"kind": ["course", "video"]}, exclude_ids=[str(uuid.UUID(int=2))])
    pages: list[object] = []
    offset: str | None = None
    while True:
        hits, offset = s.scroll("c", Filter(must={"tags": ["all"]}), limit=7, offset=offset)
        pages.append(hits)
        if offset is None:
            break
    return {
        "search": s.search("c", query, limit=10),
        "filtered": s.search("c", query, flt, limit=5, offset=3),
        "fields": s.search("c", query, limit=4, payload_fields=["kind"], with_vectors=True),
        "threshold": s.search("c", query, limit=50, score_threshold=0.2),
        "retrieve": s.retrieve("c", [str(uuid.UUID(int=i)) for i in (1, 3, 5, 9)], True),
        "retrieve_fields": s.retrieve("c", [str(uuid.UUID(int=9))], payload_fields=["group"]),
        "retrieve_none": s.retrieve("c", []),
        "scroll": pages,
        "count": s.count("c"),
        "count_filtered": s.count("c", flt),
        "facet": s.facet("c", "kind"),
        "facet_unindexed": s.facet("c", "title", Filter(must={"group": [0]}), limit=3),
    }


def test_a_hosted_store_answers_as_the_embedded_store(
    hosted: tuple[HostedStore, subprocess.Popen[str], Path], tmp_path: Path
) -> None:
    store, _, _ = hosted
    direct = EdgeStore(tmp_path / "direct")
    try:
        _same_operations(direct)
        _same_operations(store)
        expected, got = _answers(direct), _answers(store)
    finally:
        direct.close()
    assert got == expected
    assert got["count"] == 60 - 2 - 14  # two deleted, group 3 but point 4 gone by filter
    assert got["fields"][0].vector is not None and set(got["fields"][0].payload) == {"kind"}
    assert store.held_elsewhere("c") is None  # the host holds it, and answers for it


def test_errors_come_back_as_their_class(
    hosted: tuple[HostedStore, subprocess.Popen[str], Path],
) -> None:
    store, proc, root = hosted
    with pytest.raises(VectorStoreError, match="does not exist yet"):
        store.count("missing")
    store.ensure_collection("c", DIM, {})
    with pytest.raises(VectorStoreError, match="refusing to delete with an empty filter"):
        store.delete_where("c", Filter())
    with pytest.raises(VectorStoreError, match="holds 8-d vectors"):
        store.upsert("c", _points(1))
        store.ensure_collection("c", DIM + 1, {})
    with pytest.raises(VectorStoreError, match="ValueError"):  # any other error: its text
        store.upsert("c", [Point("not-a-uuid", [0.0] * DIM, {})])
    with pytest.raises(VectorStoreError, match="does not run 'close'"):  # only the protocol
        store._call("close")
    (root / "broken" / "wal").mkdir(parents=True)  # a shard folder the engine cannot load
    with pytest.raises(VectorStoreUnavailable, match="cannot open vector shard 'broken'"):
        store.count("broken")
    assert store.count("c") == 1 and proc.poll() is None  # the host and connection survive


def test_a_killed_host_is_unavailable_until_a_new_one_answers(
    hosted: tuple[HostedStore, subprocess.Popen[str], Path],
) -> None:
    store, proc, root = hosted
    store.ensure_collection("c", DIM, dict(INDEXES))  # type: ignore[arg-type]
    store.upsert("c", _points(20))
    assert store.count("c") == 20
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert store.sock_path.exists()  # stale: nobody removed it
    with pytest.raises(VectorStoreUnavailable, match="does not answer") as raised:
        store.count("c")
    assert str(store.sock_path) in str(raised.value) and "learn serve" in str(raised.value)
    with pytest.raises(VectorStoreUnavailable):  # every call, not only the first
        store.search("c", [0.1] * DIM)
    again = start_host(store.sock_path, root)
    try:
        assert again.poll() is None, again.communicate()
        assert store.count("c") == 20  # the same client object, no restart
        assert store.ping()["pid"] == again.pid
        again.send_signal(signal.SIGKILL)
        again.wait()
        again = start_host(store.sock_path, root)  # replaced between two calls: the client's
        assert store.count("c") == 20  # connection is broken, it reconnects once, unnoticed
        assert store.ping()["pid"] == again.pid
    finally:
        stop(again)
    assert not store.sock_path.exists() and not key_path(store.sock_path).exists()


def test_a_wrong_key_is_refused(hosted: tuple[HostedStore, subprocess.Popen[str], Path]) -> None:
    store, proc, _ = hosted
    wrong = HostedStore(store.sock_path, authkey=b"not the key")
    with pytest.raises(VectorStoreUnavailable, match="AuthenticationError"):
        wrong.count("c")
    assert key_path(store.sock_path).stat().st_mode & 0o777 == 0o600
    assert store.sock_path.stat().st_mode & 0o777 == 0o600
    # The standard library's client speaks the protocol with the right key.
    with Client(
        str(store.sock_path), family="AF_UNIX", authkey=key_path(store.sock_path).read_bytes()
    ) as conn:
        conn.send(("ping", (), {}))
        assert conn.recv() == ("ok", {"pid": proc.pid, "root": str(store.ping()["root"])})
    assert proc.poll() is None


def test_the_host_refuses_to_start_beside_another_holder(tmp_path: Path) -> None:
    root, sock = tmp_path / "v" / "learn", tmp_path / "v" / "learn.sock"
    holder = EdgeStore(root)
    holder.ensure_collection("resources", DIM, {})
    try:
        refused = start_host(sock, root)
        _, err = refused.communicate(timeout=30)
        assert refused.returncode == 2, err
        assert "held by another process" in err and f"pid {os.getpid()} " in err
        assert not sock.exists()
    finally:
        holder.close()
    first = start_host(sock, root)
    try:
        assert first.poll() is None
        second = start_host(sock, tmp_path / "elsewhere")  # same socket, another folder
        _, err = second.communicate(timeout=30)
        assert second.returncode == 2 and "already listens" in err, err
        assert HostedStore(sock).count("resources") == 0  # the first one still answers
    finally:
        stop(first)


def test_a_socket_path_longer_than_sun_path(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["a-rather-long-folder-name"] * 5)
    sock, root = deep / "learn.sock", deep / "learn"
    assert len(str(sock)) > 108
    proc = start_host(sock, root)
    try:
        assert proc.poll() is None, proc.communicate()
        store = HostedStore(sock)
        store.ensure_collection("c", DIM, {})
        assert store.count("c") == 0
    finally:
        stop(proc)


@pytest.fixture
def fresh_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """get_store() resolved again from the environment, in LEARN_VAR_DIR=tmp_path."""
    monkeypatch.setenv("LEARN_VAR_DIR", str(tmp_path))
    for name in ("VECTOR_ENGINE", "QDRANT_URL", "REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LEARN_VECTOR_HOST", raising=False)
    get_env.cache_clear()
    previous = set_store(None)
    yield tmp_path
    opened = set_store(previous)
    if opened is not None:
        opened.close()
    monkeypatch.undo()
    get_env.cache_clear()


def test_get_store_goes_through_a_host_when_one_answers(fresh_store: Path) -> None:
    env = get_env()
    sock = socket_path(env.var_dir, env.qdrant_collection_prefix)
    assert isinstance(get_store(), EdgeStore)  # nobody answers: opened here
    set_store(None).close()  # type: ignore[union-attr]
    proc = start_host(sock, env.var_dir / "vectors" / env.qdrant_collection_prefix)
    try:
        store = get_store()
        assert isinstance(store, HostedStore) and store.sock_path == sock
        assert store.ping()["pid"] == proc.pid
    finally:
        stop(proc)
    set_store(None)
    assert isinstance(get_store(), EdgeStore)  # the host removed its socket when it stopped


def test_learn_vector_host_names_the_host(
    fresh_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEARN_VECTOR_HOST", str(fresh_store / "elsewhere.sock"))
    get_env.cache_clear()
    store = get_store()
    assert isinstance(store, HostedStore)  # even before it answers: a worker starts anyway
    with pytest.raises(VectorStoreUnavailable, match="elsewhere.sock does not answer"):
        store.count("resources")


def test_threads_each_get_their_own_answers(
    hosted: tuple[HostedStore, subprocess.Popen[str], Path],
) -> None:
    """Django serves from several threads: concurrent calls never read each other's replies."""
    import threading

    store, _, _ = hosted
    store.ensure_collection("c", DIM, dict(INDEXES))  # type: ignore[arg-type]
    store.upsert("c", _points(40))
    expected = {g: store.count("c", Filter(must={"group": [g]})) for g in range(4)}
    assert sorted(expected.values()) == [10, 10, 10, 10]
    ids = {
        g: sorted(h.id for h in store.scroll("c", Filter(must={"group": [g]}))[0]) for g in range(4)
    }
    wrong: list[object] = []

    def work(group: int) -> None:
        for _ in range(100):
            hits, _ = store.scroll("c", Filter(must={"group": [group]}))
            if sorted(h.id for h in hits) != ids[group]:
                wrong.append((group, [h.id for h in hits]))
        store.close()  # this thread's connection only

    threads = [threading.Thread(target=work, args=(i % 4,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong, wrong[:3]
    assert store.count("c") == 40  # the main thread's connection is untouched
