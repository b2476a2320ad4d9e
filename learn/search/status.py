"""Index health in one dictionary: engine counts next to catalog counts and queue lag."""

from __future__ import annotations

from typing import Any

from learn.search.backends import get_backend
from learn.search.indexing import count_indexable
from learn.search.models import IndexQueueItem
from learn.search.queue import queue_lag_seconds


def index_status() -> dict[str, Any]:
    engine = get_backend().status()
    resources, files = count_indexable()
    return {
        "backend": engine.backend,
        "available": engine.available,
        "detail": engine.detail,
        "indexed": engine.counts,
        "catalog": {"resource": resources, "content_file": files},
        "queue": {"pending": IndexQueueItem.objects.count(), "lag_seconds": queue_lag_seconds()},
    }
