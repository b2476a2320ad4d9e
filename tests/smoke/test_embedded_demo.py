"""The README's main job on the embedded defaults: SQLite, no Redis, in-process tasks.

Runs ``learn demo`` in a fresh LEARN_VAR_DIR with every service variable removed, then serves the
API under Granian and reads it over HTTP, as a user on a fresh machine would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from learn.etl.replay import RECIPES

pytestmark = pytest.mark.slow

SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "OPENSEARCH_URL",
    "QDRANT_URL",
    "VECTOR_ENGINE",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _learn() -> list[str]:
    return [sys.executable, "-m", "learn.cli.main"]


def test_demo_serves_a_loaded_catalog_on_embedded_defaults(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env["LEARN_VAR_DIR"] = str(tmp_path / "var")
    env["LEARN_REPLAY_PORT"] = "0"  # any free port for the recorded sources' stand-in
    env.pop("LOG_LEVEL", None)
    env.pop("ETL_ALLOW_PRIVATE_NETWORKS", None)  # the demo allows its own stand-in by itself
    prepared = subprocess.run(
        [*_learn(), "demo", "--no-serve"], env=env, capture_output=True, text=True, timeout=900
    )
    output = prepared.stdout + prepared.stderr
    assert prepared.returncode == 0, output
    assert (tmp_path / "var" / "learn.sqlite3").exists()
    # Every recorded source was replayed and loaded, and each step reported its time.
    for recipe in RECIPES:
        if recipe.name != "news_events":
            assert f"    {recipe.name}: ok" in output, output
    for feed in ("medium", "mitpe_news", "mitpe_events", "sloan_news", "ol_events"):
        assert f"    feed {feed}: ok" in output, output
    assert output.count("    done in ") == 6, output
    assert "prepared in " in output
    # Third-party INFO logs (httpx requests, Celery task traces, the quantizer) stay out.
    noisy = [line for line in output.splitlines() if " INFO " in line and " learn." not in line]
    assert not noisy, noisy[:5]

    port = _free_port()
    server = subprocess.Popen([*_learn(), "serve", "--port", str(port)], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/health/startup/", timeout=5)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert health.status_code == 200, health.text
        assert health.json()["checks"]["redis"] == {"status": "not configured"}
        listing = httpx.get(f"{base}/api/v1/learning_resources/?limit=5", timeout=30)
        assert listing.status_code == 200
        body = listing.json()
        assert body["count"] > 0
        assert len(body["results"]) == 5
        for path in ("programs", "podcasts", "podcast_episodes", "videos", "video_playlists"):
            page = httpx.get(f"{base}/api/v1/{path}/?limit=1", timeout=30)
            assert page.status_code == 200 and page.json()["count"] > 0, (path, page.text)
        schema = httpx.get(f"{base}/api/v1/schema/", timeout=30)
        assert schema.status_code == 200
        # The demo embedded the catalog: the default search is hybrid, and its dense side finds
        # resources that share no word with the question.
        asked = httpx.get(
            f"{base}/api/v1/learning_resources_search/",
            params={"q": "qwxz how do living things pass traits to their offspring", "limit": 5},
            timeout=30,
        )
        assert asked.status_code == 200, asked.text
        found = asked.json()
        assert found["metadata"]["search_mode"] == "hybrid", found["metadata"]
        assert found["results"]
        similar_to = body["results"][0]["id"]
        similar = httpx.get(
            f"{base}/api/v1/learning_resources/{similar_to}/vector_similar/", timeout=30
        )
        assert similar.status_code == 200, similar.text
        assert similar.json() and all(r["id"] != similar_to for r in similar.json())
    finally:
        server.terminate()
        server.wait(timeout=30)
