"""``/metrics``: request, search, ETL, index queue, Celery and embedding series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from learn.observability.metrics import record_embeddings, record_etl_run
from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.models import IndexQueueItem


@pytest.fixture
def search_index(tmp_path: Path) -> Iterator[None]:
    backend = TantivyBackend(tmp_path / "search")
    backend.rebuild([])  # an index exists (a missing one answers 503)
    reset_backend(backend)
    yield
    reset_backend(None)


def _samples(client: Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            out[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return out


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.mark.django_db
def test_request_and_search_latency_per_route_engine_and_mode(search_index: None) -> None:
    client = Client()
    before = _samples(client)
    assert (
        client.get(
            "/api/v1/learning_resources_search/", {"q": "x", "search_mode": "phrase"}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/topics/").status_code == 200
    after = _samples(client)
    route = "/api/v1/learning_resources_search/"
    key = "learn_http_request_duration_seconds_count"
    assert (
        _value(after, key, route=route, method="GET", status="2xx")
        == _value(before, key, route=route, method="GET", status="2xx") + 1
    )
    assert _value(after, key, route="/api/v1/topics/", method="GET", status="2xx") >= 1
    search = "learn_search_duration_seconds_count"
    labels = {"engine": "tantivy", "mode": "phrase", "index": "resource"}
    assert _value(after, search, **labels) == _value(before, search, **labels) + 1


@pytest.mark.django_db
def test_unknown_paths_share_one_label() -> None:
    client = Client()
    client.get("/no/such/path-1")
    client.get("/no/such/path-2")
    samples = _samples(client)
    routes = {
        dict(labels).get("route") for name, labels in samples if name.startswith("learn_http")
    }
    assert "unmatched" in routes
    assert not [r for r in routes if r and "path-1" in r]


@pytest.mark.django_db
def test_index_queue_depth_is_read_at_scrape_time() -> None:
    IndexQueueItem.objects.create(index="resource", object_id=1, action="upsert")
    IndexQueueItem.objects.create(index="resource", object_id=2, action="delete")
    samples = _samples(Client())
    assert _value(samples, "learn_index_queue_depth", index="resource") == 2
    assert _value(samples, "learn_index_queue_lag_seconds") >= 0


@pytest.mark.django_db
def test_etl_and_embedding_counters() -> None:
    client = Client()
    before = _samples(client)
    record_etl_run("ocw", "succeeded", {"extracted": 10, "created": 7, "updated": 3, "failed": 0})
    record_embeddings("minilm-test", 64, 0.5)
    after = _samples(client)
    assert (
        _value(after, "learn_etl_runs_total", source="ocw", status="succeeded")
        == _value(before, "learn_etl_runs_total", source="ocw", status="succeeded") + 1
    )
    rows = "learn_etl_rows_total"
    assert (
        _value(after, rows, source="ocw", outcome="created")
        - _value(before, rows, source="ocw", outcome="created")
        == 7
    )
    assert (after.get((rows, frozenset({("source", "ocw"), ("outcome", "failed")})))) == before.get(
        (rows, frozenset({("source", "ocw"), ("outcome", "failed")}))
    )
    assert _value(after, "learn_embedding_texts_total", model="minilm-test") == 64
    assert _value(after, "learn_embedding_seconds_total", model="minilm-test") == 0.5


@pytest.mark.django_db
def test_etl_pipeline_counts_a_real_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from learn.etl.models import EtlRun
    from learn.etl.pipeline import _finish

    client = Client()
    before = _samples(client)
    run = EtlRun.objects.create(source="podcast", extracted=4, created=4)
    _finish(run, "succeeded")
    after = _samples(client)
    key = ("learn_etl_runs_total", frozenset({("source", "podcast"), ("status", "succeeded")}))
    assert after[key] == before.get(key, 0) + 1


@pytest.mark.django_db
def test_celery_task_outcomes(embedded_tasks: None) -> None:
    from learn.ops.tasks import ping

    client = Client()
    before = _samples(client)
    assert ping.delay("hello").get() == "hello"
    after = _samples(client)
    key = (
        "learn_celery_tasks_total",
        frozenset({("task", "learn.ops.ping"), ("state", "SUCCESS")}),
    )
    assert after[key] == before.get(key, 0) + 1


@pytest.mark.redis
@pytest.mark.django_db
def test_celery_queue_lengths_are_read_from_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    from learn.config.env import get_env

    url = get_env().redis_url
    if not url:
        pytest.skip("REDIS_URL is not set")
    monkeypatch.setenv("CELERY_TASK_ALWAYS_EAGER", "false")
    get_env.cache_clear()
    client = redis.Redis.from_url(url)
    marker = b'{"learn-metrics-test": "not a task"}'
    base = client.llen("embeddings")
    client.rpush("embeddings", marker, marker, marker)
    try:
        samples = _samples(Client())
        assert _value(samples, "learn_celery_queue_length", queue="embeddings") == base + 3
        assert ("learn_celery_queue_length", frozenset({("queue", "default")})) in samples
    finally:
        client.lrem("embeddings", 0, marker)
        monkeypatch.undo()
        get_env.cache_clear()
