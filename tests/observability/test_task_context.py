"""The request id travels from a request into the tasks it enqueues, and tasks log their outcome."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import structlog

from learn.observability import celery_signals


@pytest.fixture(autouse=True)
def _clean_context() -> None:
    structlog.contextvars.clear_contextvars()


def test_publish_adds_the_bound_request_id_to_task_headers() -> None:
    structlog.contextvars.bind_contextvars(request_id="req-publish-0001")
    headers: dict[str, str] = {}
    celery_signals._add_request_id(headers=headers)
    assert headers == {celery_signals.HEADER: "req-publish-0001"}


def test_without_a_request_nothing_is_added() -> None:
    headers: dict[str, str] = {}
    celery_signals._add_request_id(headers=headers)
    assert headers == {}


def test_a_worker_binds_the_task_and_its_request_id(caplog: pytest.LogCaptureFixture) -> None:
    task = SimpleNamespace(name="learn.test.task", request=SimpleNamespace(headers=None))
    setattr(task.request, celery_signals.HEADER, "req-from-api-0002")
    celery_signals._prerun(task_id="t-1", task=task)
    bound = structlog.contextvars.get_contextvars()
    assert bound == {"task_id": "t-1", "task": "learn.test.task", "request_id": "req-from-api-0002"}
    caplog.set_level("INFO", logger="learn.task")
    celery_signals._postrun(task_id="t-1", task=task, state="SUCCESS")
    (record,) = [r for r in caplog.records if r.name == "learn.task"]
    assert record.msg["state"] == "SUCCESS" and record.msg["duration_ms"] >= 0  # type: ignore[index]
    assert "task_id" not in structlog.contextvars.get_contextvars()
