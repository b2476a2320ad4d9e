"""Celery tasks on the ``embeddings`` queue: embed changed resources, remove gone ones, catch up.

Provider errors and an unreachable store are retried with backoff; the resource keeps its last good
vector meanwhile (nothing is written until new vectors exist).
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from typing import Any

from celery import signals
from django.utils import timezone

from learn.config.celery import app
from learn.vectors.embedders import EmbeddingError
from learn.vectors.store import VectorStoreUnavailable

QUEUE = "embeddings"
RETRYABLE = (EmbeddingError, VectorStoreUnavailable)
CATCH_UP_LOOKBACK = timedelta(hours=2)  # schedule (1 h) + 60 min, as MIT Learn does


@app.task(
    name="learn.vectors.embed_resources",
    autoretry_for=RETRYABLE,
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=5,
)
def embed_resources_task(ids: list[int]) -> dict[str, Any]:
    from learn.vectors.indexing import embed_resources

    return embed_resources(ids, raise_errors=True).as_dict()


@app.task(
    name="learn.vectors.remove_resources",
    autoretry_for=(VectorStoreUnavailable,),
    retry_backoff=30,
    max_retries=5,
)
def remove_resources_task(ids: list[int]) -> int:
    from learn.vectors.indexing import remove_resources

    return remove_resources(ids)


@app.task(name="learn.vectors.catch_up", autoretry_for=RETRYABLE, max_retries=3)
def catch_up_task() -> dict[str, Any]:
    from learn.vectors.indexing import catch_up

    return catch_up(since=timezone.now() - CATCH_UP_LOOKBACK).as_dict()


def _route_to_embeddings_queue() -> None:
    names = (embed_resources_task.name, remove_resources_task.name, catch_up_task.name)
    routes = app.conf.task_routes
    if not isinstance(routes, dict):
        routes = {}
        app.conf.task_routes = routes
    for name in names:
        routes[name] = {"queue": QUEUE}


_route_to_embeddings_queue()


@signals.celeryd_after_setup.connect
def refuse_embedded_store(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Any Celery worker (``learn worker`` or ``celery worker``) consuming the embeddings queue
    refuses to start on the embedded store: its shard belongs to the serving process."""
    from learn.vectors.store.engine import multi_process_refusal

    consumed = set(instance.app.amqp.queues.consume_from or instance.app.amqp.queues)
    refusal = QUEUE in consumed and multi_process_refusal(f"a Celery worker on the {QUEUE} queue")
    if refusal:
        logging.getLogger("learn.vectors").critical(refusal)
        sys.stderr.write(f"error: {refusal}\n")
        raise SystemExit(2)
