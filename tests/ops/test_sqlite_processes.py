"""The embedded SQLite database under several server processes (``learn serve`` runs one Granian
worker per core, tasks in-process): transactions that read and then write, in two processes at
once, all commit. (With SQLite's default deferred transactions a read transaction that then
writes fails at once with "database is locked" when the other process wrote in between: the busy
timeout does not apply to that upgrade. The settings begin transactions IMMEDIATE.)"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.ops.server_process import embedded_env, learn_command

WORKER = """
import sys, time
from learn.config.bootstrap import setup_django
setup_django()
from django.db import OperationalError, transaction
from learn.search.models import IndexQueueItem
row = IndexQueueItem.objects.order_by("id").first()
ok = errors = 0
start = float(sys.argv[1])  # both processes start at once, after their setup
time.sleep(max(0.0, start - time.time()))
end = start + 4
while time.time() < end:
    try:
        with transaction.atomic():
            attempts = IndexQueueItem.objects.get(pk=row.pk).attempts
            time.sleep(0.001)
            IndexQueueItem.objects.filter(pk=row.pk).update(attempts=attempts + 1)
        ok += 1
    except OperationalError as exc:
        errors += 1
        print("error:", exc, file=sys.stderr)
print(ok, errors)
"""


def test_two_processes_read_then_write_without_database_is_locked(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var", LOG_LEVEL="WARNING")
    env["DJANGO_SETTINGS_MODULE"] = "learn.config.settings"
    migrated = subprocess.run(
        [*learn_command(), "migrate"], env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr
    seed = "from learn.config.bootstrap import setup_django; setup_django()\n"
    seed += "from learn.search.models import IndexQueueItem\n"
    seed += "IndexQueueItem.objects.create(index='resource', object_id=1, action='upsert')"
    subprocess.run([sys.executable, "-c", seed], env=env, check=True, timeout=120)
    start = str(time.time() + 8)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, start],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    counts = [tuple(int(x) for x in out.split()) for out, _ in results]
    assert all(p.returncode == 0 for p in procs), results
    # Both wrote during the same seconds (SQLite's busy wait is not fair: one may get few turns).
    assert all(ok > 0 for ok, _ in counts) and sum(ok for ok, _ in counts) > 100, counts
    assert [errors for _, errors in counts] == [0, 0], [err[-500:] for _, err in results]
    check = seed.split("\n")[0] + "\nfrom learn.search.models import IndexQueueItem\n"
    check += "print(IndexQueueItem.objects.get().attempts)"
    total = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=120
    )
    assert int(total.stdout.split()[-1]) == sum(ok for ok, _ in counts)  # no lost update
