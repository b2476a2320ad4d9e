"""``learn embeddings status`` beside a real one-worker ``learn serve`` that holds the embedded
vector store itself: it answers (exit 0) from the database's bookkeeping, names the holder's
process, and the server keeps serving vector search, before and after. (Beside a server with
several workers, status goes through its vector host: test_vector_host_serve.py.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx

from tests.ops.server_process import embedded_env, learn_command, serving

VECTOR_SEARCH = "/api/v0/vector_learning_resources_search/?q=linear+algebra&limit=5"


def _learn(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_status_while_the_server_holds_the_store(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var", LOG_LEVEL="WARNING")
    for step in (["migrate"], ["etl", "run", "demo"], ["embeddings", "generate", "--all"]):
        done = _learn(env, *step)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    alone = json.loads(_learn(env, "embeddings", "status").stdout.strip().splitlines()[-1])
    assert alone["resources"] == alone["recorded"]["resources"] > 0
    assert alone["content_files"] == alone["recorded"]["content_files"] > 0

    with serving(env, "--workers", "1") as base:
        before = httpx.get(base + VECTOR_SEARCH, timeout=60)
        assert before.status_code == 200 and before.json()["results"]
        ready = httpx.get(f"{base}/health/readiness/", timeout=60).json()
        assert ready["checks"]["vectors"]["status"] == "ok"  # the server has the store open

        done = _learn(env, "embeddings", "status")
        assert done.returncode == 0, done.stderr[-2000:]
        status = json.loads(done.stdout.strip().splitlines()[-1])
        assert status["recorded"] == alone["recorded"]
        assert status["embedded_resources"] == alone["embedded_resources"]
        assert status["pending"] == alone["pending"] and status["failed"] == 0
        for collection in ("resources", "content_files"):
            assert status[collection].startswith("unavailable: ")
            assert f"pid {ready['process']} " in status[collection]
        assert "held by another process" in status["store"]
        assert "held by another process" in done.stderr

        after = httpx.get(base + VECTOR_SEARCH, timeout=60)  # the holder is undisturbed
        assert after.status_code == 200 and after.json() == before.json()
        ready = httpx.get(f"{base}/health/readiness/", timeout=60).json()
        assert ready["checks"]["vectors"]["status"] == "ok"

    # The server is gone: the store opens again and agrees with the bookkeeping.
    final = json.loads(_learn(env, "embeddings", "status").stdout.strip().splitlines()[-1])
    assert final["resources"] == alone["resources"]
