"""Index rebuild worker processes never outlive their parent, even after ``kill -9``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PARENT = """
import os, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "learn.config.settings"
django.setup()
from learn.search.indexing import start_rebuild_workers
pool = start_rebuild_workers(2)
for future in [pool.submit(time.sleep, 0.5) for _ in range(4)]:
    future.result()
print(" ".join(str(pid) for pid in pool._processes), flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by init) counts as gone
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_die_with_a_killed_parent() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "orphaned rebuild workers"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
