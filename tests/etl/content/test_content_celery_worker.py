"""The content task through Redis and a real worker that consumes only ``edx_content``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery_worker import edx_content_worker

pytestmark = pytest.mark.redis


@pytest.fixture
def content_worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with edx_content_worker(tmp_path / "var", "content") as proc:
        yield proc


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
