"""``learn serve --workers 2`` on the embedded defaults (SQLite, tasks in-process, a Qdrant Edge
shard): a vector host opens the shard and both Granian workers answer vector and hybrid search
through it; when the host is killed, vector endpoints answer 503 and hybrid search answers
lexically, and both recover once serve has restarted the host. ``learn embeddings status`` beside
it goes through the host too. Workers are told apart by the ``process`` of their health answers
(one connection each)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from learn.vectors.store import VectorStoreUnavailable
from learn.vectors.store.edge import EdgeStore
from learn.vectors.store.hosted import HostedStore
from tests.ops.server_process import embedded_env, free_port, learn_command, wait_live

SEARCH = "/api/v1/learning_resources_search/"
DEADLINE = 90.0


def _learn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    var = tmp_path_factory.mktemp("served") / "var"
    env = embedded_env(var, LOG_LEVEL="WARNING")
    env.pop("VECTOR_ENGINE", None)
    env.pop("LEARN_VECTOR_HOST", None)
    for step in (["migrate"], ["etl", "run", "demo"], ["embeddings", "generate", "--all"]):
        done = _learn(env, *step)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return env, var


@pytest.fixture
def served(
    prepared: tuple[dict[str, str], Path], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    env, var = prepared
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*learn_command(), "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_live(base, server, DEADLINE, lambda: log.read_text()[-4000:])
        yield base, server, var / "vectors" / "learn.sock"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            status = None
        text = log.read_text(errors="replace")
        print(text[-6000:])
    assert status == 0, text[-4000:]  # a graceful stop of Granian and the host
    assert not (var / "vectors" / "learn.sock").exists()  # the host stopped and cleaned up


def _one_connection(base: str, resource: int) -> tuple[int, dict[str, Any]]:
    """One fresh connection (one API worker): its pid and what it answered."""
    with httpx.Client(base_url=base, timeout=60) as client:
        pid = int(client.get("/health/readiness/").json()["process"])
        similar = client.get(f"/api/v1/learning_resources/{resource}/vector_similar/?limit=5")
        hybrid = client.get(SEARCH, params={"q": "introduction", "search_mode": "hybrid"})
    meta = hybrid.json().get("metadata", {}) if hybrid.status_code == 200 else {}
    return pid, {
        "similar": similar.status_code,
        "similar_ids": [r["id"] for r in similar.json()] if similar.status_code == 200 else [],
        "hybrid": hybrid.status_code,
        "hybrid_mode": meta.get("search_mode"),
        "fallback": meta.get("hybrid_fallback"),
        "error": meta.get("hybrid_error") or (similar.text if similar.status_code != 200 else ""),
    }


def _every_worker(
    base: str, resource: int, good: Callable[[dict[str, Any]], bool]
) -> dict[int, dict[str, Any]]:
    """Until both workers answer ``good`` (their last answers)."""
    answered: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        pid, answer = _one_connection(base, resource)
        answered[pid] = answer
        if len(answered) >= 2 and all(good(a) for a in answered.values()):
            return answered
        time.sleep(0.1)
    pytest.fail(f"not every worker answered as expected: {answered}")


def _vectors_served(a: dict[str, Any]) -> bool:
    return (
        a["similar"] == 200
        and bool(a["similar_ids"])
        and a["hybrid"] == 200
        and a["hybrid_mode"] == "hybrid"
        and a["fallback"] is None
    )


def _vectors_down(a: dict[str, Any]) -> bool:
    return (
        a["similar"] == 503
        and a["hybrid"] == 200
        and a["fallback"] == "lexical"
        and "vector host" in a["error"]
    )


def _resource(base: str) -> int:
    body = httpx.get(f"{base}/api/v1/learning_resources/?limit=1", timeout=60).json()
    return int(body["results"][0]["id"])


def test_two_workers_serve_vectors_through_the_host_and_survive_its_death(
    served: tuple[str, subprocess.Popen[bytes], Path], prepared: tuple[dict[str, str], Path]
) -> None:
    base, server, sock = served
    resource = _resource(base)
    before = _every_worker(base, resource, _vectors_served)
    assert len({tuple(a["similar_ids"]) for a in before.values()}) == 1  # one shard behind both
    first = HostedStore(sock).ping()["pid"]

    # Kill the host, then hold the shard here so the restarts fail until it is let go (what the
    # API answers meanwhile must not depend on how fast serve restarts the host).
    _, var = prepared
    holder: EdgeStore | None = None
    for _ in range(20):
        pid = HostedStore(sock).ping()["pid"]
        os.kill(pid, signal.SIGKILL)
        try:
            holder = EdgeStore(var / "vectors" / "learn")
            holder.open_existing()
            break
        except VectorStoreUnavailable:  # the restarted host was quicker: again
            holder = None
            _wait_for_host(sock)
    assert holder is not None, "could not catch the shard between two hosts"
    try:
        _every_worker(base, resource, _vectors_down)
        with pytest.raises(VectorStoreUnavailable):
            HostedStore(sock).count("resources")
        assert server.poll() is None  # serve and Granian stay up
    finally:
        holder.close()

    _wait_for_host(sock)
    after = _every_worker(base, resource, _vectors_served)
    assert {tuple(a["similar_ids"]) for a in after.values()} == {
        tuple(a["similar_ids"]) for a in before.values()
    }
    assert HostedStore(sock).ping()["pid"] != first


def _wait_for_host(sock: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            HostedStore(sock).ping()
            return
        except VectorStoreUnavailable:
            assert time.monotonic() < deadline, "serve did not restart the vector host"
            time.sleep(0.2)


def test_embeddings_status_beside_the_server_goes_through_the_host(
    served: tuple[str, subprocess.Popen[bytes], Path], prepared: tuple[dict[str, str], Path]
) -> None:
    env, _ = prepared
    done = _learn(env, "embeddings", "status")
    assert done.returncode == 0, done.stderr[-2000:]
    status = json.loads(done.stdout.strip().splitlines()[-1])
    assert "store" not in status, status  # nothing held elsewhere: the host answered
    assert status["resources"] == status["recorded"]["resources"] > 0
    assert status["content_files"] == status["recorded"]["content_files"] > 0
