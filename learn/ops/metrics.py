"""``/metrics``: the process's Prometheus metrics plus gauges read at scrape time.

Scrape-time gauges: the search index queue (rows waiting, age of the oldest) and the length of
each Celery queue in Redis. With ``PROMETHEUS_MULTIPROC_DIR`` set (several Granian workers), the
per-process metrics of every worker are aggregated. The gateway never exposes this path.
"""

from __future__ import annotations

from collections.abc import Iterator

import structlog
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from learn.config.celery import QUEUES
from learn.config.env import get_env
from learn.search.models import IndexQueueItem
from learn.search.queue import queue_lag_seconds

logger = structlog.stdlib.get_logger(__name__)


class QueueCollector(Collector):
    def describe(self) -> list[Metric]:
        return []  # no query at registration; names are known at scrape time

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "learn_index_queue_depth",
            "Catalog changes waiting to reach the search index",
            labels=["index"],
        )
        for row in IndexQueueItem.objects.values("index").annotate(n=Count("id")):
            depth.add_metric([row["index"]], row["n"])
        yield depth
        yield GaugeMetricFamily(
            "learn_index_queue_lag_seconds",
            "Age of the oldest waiting index change (0 when the queue is empty)",
            value=queue_lag_seconds(),
        )
        redis_url = get_env().redis_url
        if redis_url and not get_env().tasks_eager:
            lengths = GaugeMetricFamily(
                "learn_celery_queue_length",
                "Messages waiting in each Celery queue",
                labels=["queue"],
            )
            try:
                import redis

                client = redis.Redis.from_url(get_env().broker_url or redis_url, socket_timeout=2)
                for queue in QUEUES:
                    lengths.add_metric([queue], client.llen(queue))
            except Exception as exc:  # a scrape still returns the other metrics
                logger.warning("celery queue lengths unavailable", error=str(exc))
            yield lengths


def registry() -> CollectorRegistry:
    if get_env().prometheus_multiproc_dir:
        merged = CollectorRegistry()
        MultiProcessCollector(merged)
        merged.register(QueueCollector())
        return merged
    return _single_process


_single_process = REGISTRY
_single_process.register(QueueCollector())


def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
