"""kill -9 of a real ``learn index rebuild`` while a real ``learn serve`` answers searches.

Two kill points: while the new generation is being written (its forked workers busy), and after
the switch to the new generation but before the old one is removed. Either way searches answer
the whole catalog throughout, no rebuild worker outlives the kill, a half-written generation is
never served, and the rerun builds a complete index and leaves only the generation it serves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.ops.server_process import embedded_env, learn_command, serving
from tests.search.test_rebuild_workers import _alive

# `learn index rebuild` itself (the CLI's main), with batches of 5 documents so that the demo
# catalog takes several batches and forked workers, and one hook that stops at the kill point:
# it writes what the test needs to know to a file, then waits to be killed.
REBUILD_UNTIL = """
import json, os, sys, time
from pathlib import Path
point, marker = sys.argv[1], Path(sys.argv[2])
from learn.config.bootstrap import setup_django
setup_django()
from learn.search import indexing
from learn.search.backends import tantivy
indexing.BATCH = 5
pools = []
start_workers = indexing.start_rebuild_workers
def recording_workers(n):
    pools.append(start_workers(n))
    return pools[-1]
indexing.start_rebuild_workers = recording_workers
def stop(generation):
    workers = [pid for pool in pools for pid in pool._processes]
    marker.write_text(json.dumps({"generation": generation, "workers": workers}))
    time.sleep(600)
if point == "writing":
    rebuild = tantivy.TantivyBackend.rebuild
    def rebuild_then_stop(self, documents, progress=None):
        def stopping():
            for n, doc in enumerate(documents):
                if n == 12:  # two batches and more are in the new generation's writer
                    stop(sorted(p.name for p in self.root.iterdir() if p.name[1:].isdigit()))
                yield doc
        return rebuild(self, stopping(), progress)
    tantivy.TantivyBackend.rebuild = rebuild_then_stop
else:  # "switched": CURRENT names the new generation; the old one is not removed yet
    import shutil, types
    calls = []
    def rmtree(path, *args, **kwargs):
        calls.append(path)
        if len(calls) > 1 and Path(path).name != (Path(path).parent / "CURRENT").read_text():
            stop((Path(path).parent / "CURRENT").read_text())
        return shutil.rmtree(path, *args, **kwargs)
    tantivy.shutil = types.SimpleNamespace(rmtree=rmtree)
from learn.cli.main import main
sys.argv = ["learn", "index", "rebuild"]
main()
"""


def _learn(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def _generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


def _search_count(base: str) -> int:
    answer = httpx.get(
        f"{base}/api/v1/learning_resources_search/?limit=1&search_mode=best_fields", timeout=60
    )
    assert answer.status_code == 200, answer.text
    count: int = answer.json()["count"]
    return count


def _status(env: dict[str, str]) -> dict[str, Any]:
    out = _learn(env, "index", "status")
    status: dict[str, Any] = json.loads(out[out.index("{") : out.rindex("}") + 1])
    return status


@pytest.mark.parametrize("point", ["writing", "switched"])
def test_killed_rebuild_keeps_serving_and_the_rerun_converges(tmp_path: Path, point: str) -> None:
    env = embedded_env(tmp_path / "var", LOG_LEVEL="WARNING")
    root = tmp_path / "var" / "search"
    _learn(env, "migrate")
    _learn(env, "etl", "run", "demo")
    _learn(env, "index", "rebuild")
    catalog = _status(env)["catalog"]
    before = _generations(root)
    assert len(before) == 1 and _status(env)["indexed"] == catalog

    with serving(env) as base:
        whole = _search_count(base)
        assert whole == catalog["resource"]
        marker = tmp_path / "stopped.json"
        rebuild = subprocess.Popen(
            [sys.executable, "-c", REBUILD_UNTIL, point, str(marker)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 300
            while not marker.exists():
                assert rebuild.poll() is None, rebuild.stderr.read() if rebuild.stderr else ""
                assert time.monotonic() < deadline, "the rebuild never reached the kill point"
                time.sleep(0.1)
            time.sleep(0.2)  # the marker is written in one go; let it land
            stopped = json.loads(marker.read_text())
            assert _search_count(base) == whole  # searches answer meanwhile
            os.kill(rebuild.pid, signal.SIGKILL)
            assert rebuild.wait(timeout=30) == -9
        finally:
            if rebuild.poll() is None:
                rebuild.kill()
                rebuild.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in stopped["workers"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in stopped["workers"]), "orphaned rebuild workers"
        if point == "writing":
            assert len(stopped["workers"]) >= 2  # killed with its forked workers busy
            assert len(stopped["generation"]) == 2  # the old one and the half-written one
            assert (root / "CURRENT").read_text() == before[0]  # which is never served
        time.sleep(1.5)  # past the server's reload interval: it reads CURRENT again
        assert _search_count(base) == whole  # nothing lost after the kill
        assert _status(env)["indexed"] == catalog

        _learn(env, "index", "rebuild")  # the rerun
        time.sleep(1.5)
        assert _search_count(base) == whole
    status = _status(env)
    assert status["indexed"] == catalog  # complete: every indexable resource and file, once
    current = (root / "CURRENT").read_text()
    assert _generations(root) == [current]  # abandoned and old generations are removed


def test_a_second_rebuild_at_once_is_refused(tmp_path: Path) -> None:
    from learn.search.backends.base import SearchUnavailable
    from learn.search.backends.tantivy import TantivyBackend

    first, second = TantivyBackend(tmp_path), TantivyBackend(tmp_path)

    def documents() -> Any:
        with pytest.raises(SearchUnavailable, match="another `learn index rebuild`"):
            second.rebuild([])  # would clear the generation the first is writing
        yield from []

    assert first.rebuild(documents()) == 0
    assert second.rebuild([]) == 0  # the lock went with the first rebuild
    assert _generations(tmp_path) == [(tmp_path / "CURRENT").read_text()]


def test_the_cli_refuses_a_second_rebuild_in_a_sentence(tmp_path: Path) -> None:
    import fcntl

    env = embedded_env(tmp_path / "var", LOG_LEVEL="WARNING")
    _learn(env, "migrate")
    root = tmp_path / "var" / "search"
    root.mkdir(parents=True)
    with (root / "REBUILD.lock").open("w") as held:  # as a running rebuild holds it
        fcntl.flock(held, fcntl.LOCK_EX)
        done = subprocess.run(
            [*learn_command(), "index", "rebuild"], env=env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
    assert done.returncode == 1
    assert "another `learn index rebuild` is writing" in done.stderr
    assert "Traceback" not in done.stderr
    _learn(env, "index", "rebuild")  # free again
