"""kill -9 in the middle of an ETL run: the dead run is marked failed, and the rerun converges
(catalog and search agree), on the embedded setup in real processes."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.etl.test_loader import TEN
from tests.ops.server_process import embedded_env, learn_command

pytestmark = pytest.mark.slow
COURSES = TEN[:6]
MARK = "xylophonic"

KILL_AFTER_FIRST_BATCH = """
import os, signal, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "learn.config.settings"
django.setup()
from learn.etl import loader, pipeline
original = loader._load_chunk
def load_then_die(*args, **kwargs):
    outcome = original(*args, **kwargs)  # this batch committed
    os.kill(os.getpid(), signal.SIGKILL)
loader._load_chunk = load_then_die
pipeline.run_source("ocw", source=sys.argv[1])
"""

STATE = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "learn.config.settings"
django.setup()
from django.test import Client
from learn.catalog.models import LearningResource
from learn.etl.models import EtlRun
client = Client()
search = client.get(
    "/api/v1/learning_resources_search/?limit=50&search_mode=best_fields&q=" + os.environ["MARK"]
)
print(json.dumps({
    "runs": [[r.pk, r.status, r.message] for r in EtlRun.objects.order_by("pk")],
    "titles": sorted(
        LearningResource.objects.filter(resource_type="course").values_list("title", flat=True)
    ),
    "search_status": search.status_code,
    "found": sorted(r["title"] for r in search.json().get("results", [])),
}))
"""


def _run(env: dict[str, str], *args: str, code: int = 0) -> None:
    done = subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == code, done.stdout[-2000:] + done.stderr[-2000:]


def _state(env: dict[str, str]) -> dict[str, Any]:
    import sys

    done = subprocess.run(
        [sys.executable, "-c", STATE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_kill_9_after_a_committed_batch_then_rerun_converges(
    tmp_path: Path, ocw_subset: Callable[..., Path]
) -> None:
    import sys

    env = embedded_env(tmp_path / "var", ETL_BATCH_SIZE="2", LOG_LEVEL="WARNING", MARK=MARK)
    _run(env, "migrate")
    _run(env, "etl", "run", "ocw", "--source", str(ocw_subset(COURSES, name="v1")))
    assert _state(env)["found"] == []

    renamed = {slug: {"course_title": f"{MARK} {slug}"} for slug in COURSES}
    v2 = ocw_subset(COURSES, name="v2", edit=renamed)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_FIRST_BATCH, str(v2)],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr[-2000:]
    after_kill = _state(env)
    assert after_kill["runs"][-1][1] == "running"  # the dead run
    changed = [t for t in after_kill["titles"] if t.startswith(MARK)]
    assert len(changed) == 2  # the first batch committed ...
    assert after_kill["found"] == []  # ... and search does not know yet

    _run(env, "etl", "run", "ocw", "--source", str(v2))
    final = _state(env)
    dead = final["runs"][-2]
    assert dead[1] == "failed" and "interrupted" in dead[2]
    assert final["runs"][-1][1] == "ok"
    expected = sorted(f"{MARK} {slug}" for slug in COURSES)
    assert [t for t in final["titles"] if t.startswith(MARK)] == expected
    assert final["search_status"] == 200 and final["found"] == expected
