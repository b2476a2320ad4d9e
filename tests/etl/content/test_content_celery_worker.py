"""The content task through Redis and a real worker that consumes only ``edx_content``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from learn.config.env import get_env

pytestmark = pytest.mark.redis


@pytest.fixture
def content_worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    redis_url = get_env().redis_url
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the worker round trip needs a real Redis")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", LEARN_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="learn.config.settings",
    )  # fmt: skip
    migrate = "import django; django.setup(); from django.core.management import call_command; "
    migrate += "call_command('migrate', verbosity=0)"
    subprocess.run([sys.executable, "-c", migrate], env=env, check=True, timeout=300)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "learn.config.celery", "worker",
            "-Q", "edx_content", "-c", "1", "--pool", "solo", "--loglevel", "WARNING",
            "-n", f"content-{os.getpid()}@%h",
        ],
        env=env,
    )  # fmt: skip
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


def test_task_is_routed_to_edx_content_and_runs_in_the_worker(
    content_worker: subprocess.Popen[bytes], edx_fixtures: Path
) -> None:
    from learn.config.celery import app
    from learn.etl.content.tasks import ingest_content_files_task

    assert not app.conf.task_always_eager
    archive = edx_fixtures / "course-v1:MITxT+8.01.3x+3T2022.tar.gz"
    result = ingest_content_files_task.apply_async(args=["edx", str(archive)])
    summary = result.get(timeout=120)
    # the worker's fresh catalog has no such run: reported and skipped, recorded as a run
    assert summary["status"] == "skipped"
    assert summary["courses"][0]["run_id"] == "course-v1:MITxT+8.01.3x+3T2022"
    assert "not in the catalog" in summary["courses"][0]["message"]
