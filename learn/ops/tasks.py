"""Operational tasks: a ping used by health checks and the CI round-trip test."""

from __future__ import annotations

from learn.config.celery import app


@app.task(name="learn.ops.ping", acks_late=False)
def ping(value: str = "pong") -> str:
    return value
