"""Structured logs: JSON lines with the bound context for machines, text for a person."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from django.test import Client

SNIPPET = (
    "import django, logging, structlog; django.setup(); "
    "structlog.contextvars.bind_contextvars(request_id='cli-req-42'); "
    "structlog.stdlib.get_logger('learn.test').info('etl finished', source='ocw', rows=3); "
    "logging.getLogger('plain.stdlib').warning('stdlib %s', 'too')"
)


def _run(log_format: str, tty: bool) -> str:
    env = {
        **os.environ,
        "LOG_FORMAT": log_format,
        "DJANGO_SETTINGS_MODULE": "learn.config.settings",
    }
    if not tty:
        done = subprocess.run(
            [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", SNIPPET], env=env, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize(("log_format", "tty"), [("json", True), ("auto", False)])
def test_json_lines_carry_the_bound_context(log_format: str, tty: bool) -> None:
    lines = [
        json.loads(line) for line in _run(log_format, tty).splitlines() if line.startswith("{")
    ]
    ours = next(line for line in lines if line["event"] == "etl finished")
    assert ours["request_id"] == "cli-req-42"
    assert ours["source"] == "ocw" and ours["rows"] == 3
    assert ours["level"] == "info" and ours["logger"] == "learn.test" and ours["time"].endswith("Z")
    stdlib = next(line for line in lines if line["logger"] == "plain.stdlib")
    assert stdlib["event"] == "stdlib too" and stdlib["request_id"] == "cli-req-42"


@pytest.mark.parametrize(("log_format", "tty"), [("auto", True), ("text", False)])
def test_a_person_gets_readable_text(log_format: str, tty: bool) -> None:
    output = _run(log_format, tty)
    assert "etl finished" in output and "request_id" in output
    assert not [line for line in output.splitlines() if line.startswith("{")]


@pytest.mark.django_db
def test_each_request_logs_one_line_with_id_route_status_and_duration(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="learn.request")
    response = Client().get("/api/v1/topics/", HTTP_X_REQUEST_ID="log-test-request-0001")
    assert response["X-Request-ID"] == "log-test-request-0001"
    (record,) = [r for r in caplog.records if r.name == "learn.request"]
    event = record.msg
    assert isinstance(event, dict)
    assert event["route"] == "/api/v1/topics/" and event["status"] == 200
    assert event["duration_ms"] >= 0 and event["user_id"] is None
    assert event["request_id"] == "log-test-request-0001"


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced() -> None:
    response = Client().get("/api/v1/topics/", HTTP_X_REQUEST_ID="bad id\twith spaces")
    assert response["X-Request-ID"] != "bad id\twith spaces"
    assert len(response["X-Request-ID"]) == 32
