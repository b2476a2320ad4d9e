"""Prometheus metrics recorded by every process (API, workers, CLI).

The API serves them at ``/metrics`` (``learn.ops``); with several Granian or Celery processes
``PROMETHEUS_MULTIPROC_DIR`` makes prometheus-client aggregate them across processes.
Labels are bounded: routes are URL patterns (never raw paths), engines and modes come from
closed sets, sources are ETL source names.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUEST_DURATION = Histogram(
    "learn_http_request_duration_seconds",
    "API request latency per route (URL pattern), method and status class",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
SEARCH_DURATION = Histogram(
    "learn_search_duration_seconds",
    "Search latency per engine (tantivy, opensearch) and mode (phrase, best_fields, hybrid...)",
    ["engine", "mode", "index"],
    buckets=LATENCY_BUCKETS,
)
SEARCH_RESULT_CACHE = Counter(
    "learn_search_result_cache_total",
    "Lexical search requests answered from the per-process result cache (hit) or not (miss)",
    ["outcome"],
)
CATALOG_VIEW_CACHE = Counter(
    "learn_catalog_view_cache_total",
    "Anonymous catalog pages answered from the per-process view cache (hit) or not (miss)",
    ["outcome"],
)
ETL_RUNS = Counter(
    "learn_etl_runs_total", "Finished ETL runs per source and status", ["source", "status"]
)
ETL_ROWS = Counter(
    "learn_etl_rows_total",
    "Rows handled by ETL runs per source and outcome (extracted, created, updated, ...)",
    ["source", "outcome"],
)
CELERY_TASKS = Counter(
    "learn_celery_tasks_total", "Celery task outcomes per task name and state", ["task", "state"]
)
CELERY_TASK_DURATION = Histogram(
    "learn_celery_task_duration_seconds",
    "Celery task run time per task name",
    ["task"],
    buckets=(0.01, 0.1, 1.0, 10.0, 60.0, 300.0, 1800.0, 7200.0, 21600.0),
)
EMBEDDED_TEXTS = Counter(
    "learn_embedding_texts_total", "Texts embedded per embedding model", ["model"]
)
EMBEDDING_SECONDS = Counter(
    "learn_embedding_seconds_total",
    "Seconds spent embedding per model (throughput = texts_total / seconds_total)",
    ["model"],
)

ETL_ROW_OUTCOMES = (
    "extracted",
    "created",
    "updated",
    "unchanged",
    "unpublished",
    "skipped",
    "failed",
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


@contextmanager
def timed_search(engine: str, mode: str, index: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        SEARCH_DURATION.labels(engine, mode, index).observe(time.perf_counter() - start)


def record_embeddings(model: str, count: int, seconds: float) -> None:
    EMBEDDED_TEXTS.labels(model).inc(count)
    EMBEDDING_SECONDS.labels(model).inc(seconds)


def record_etl_run(source: str, status: str, rows: dict[str, int]) -> None:
    ETL_RUNS.labels(source, status).inc()
    for outcome, count in rows.items():
        if count:
            ETL_ROWS.labels(source, outcome).inc(count)
