"""Structured logs: one JSON object per line for machines, readable text for a person at a terminal.

Django, Celery and the CLI all log through the standard library; structlog's ``ProcessorFormatter``
renders both structlog events and plain ``logging`` records, adding the context bound for the
current request or task (``request_id``, ``user_id``, ``task_id``...) from contextvars.
``LOG_FORMAT``: ``json``, ``text`` or ``auto`` (text when stderr is a terminal).
"""

from __future__ import annotations

import logging.config
import sys
from typing import Any

import structlog

SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    structlog.processors.StackInfoRenderer(),
]


def wants_json(log_format: str = "auto") -> bool:
    if log_format == "json":
        return True
    if log_format == "text":
        return False
    return not sys.stderr.isatty()


def formatter(json_output: bool) -> structlog.stdlib.ProcessorFormatter:
    """The formatter of every handler (Django's ``LOGGING`` names this factory)."""
    renderer: Any
    if json_output:
        renderer = structlog.processors.JSONRenderer()
        # Tracebacks as data, without local variables (they may hold secrets).
        extra: list[Any] = [
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            )
        ]
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        extra = []
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *extra, renderer],
    )


def logging_config(level: str | None = None, log_format: str = "auto") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping (Django's ``LOGGING``).

    ``level`` unset (``LOG_LEVEL``): Learn's own loggers at INFO and third-party libraries at
    WARNING, so httpx requests, Celery task traces and onnxruntime's quantizer stay out of the
    output; set, every logger at that level."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": "learn.observability.logs.formatter",
                "json_output": wants_json(log_format),
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level or "WARNING"},
        "loggers": {
            "learn": {"level": level or "INFO"},
            "django.db.backends": {"level": "INFO"},
            # Granian and Django both log requests; ours (learn.request) carries the request id.
            "django.server": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
        },
    }


def configure_structlog() -> None:
    structlog.configure(
        processors=[*SHARED_PROCESSORS, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def configure(level: str | None = None, log_format: str = "auto") -> None:
    """Configure logging outside Django (Django does it from ``settings.LOGGING``)."""
    configure_structlog()
    logging.config.dictConfig(logging_config(level, log_format))


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
