"""The durable index queue: catalog hook → table → engine, without losing an update."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import Catalog, build_catalog
from typer.testing import CliRunner

from learn.catalog import hooks
from learn.catalog.models import LearningResource
from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import count_indexable, rebuild_index
from learn.search.models import IndexQueueItem
from learn.search.query import SearchQuery
from learn.search.queue import drain


@pytest.fixture
def catalog(db: None) -> Catalog:
    return build_catalog()


def _ids(backend: TantivyBackend, **kwargs: object) -> set[int]:
    result = backend.search(SearchQuery(limit=100, show_ocw_files=True, **kwargs))  # type: ignore[arg-type]
    return {int(h.source["id"]) for h in result.hits}


def test_catalog_hook_enqueues_and_drain_indexes(
    catalog: Catalog, search_backend: TantivyBackend
) -> None:
    algorithms = catalog["algorithms"]
    rebuild_index(search_backend)  # a drain never creates a partial index of a loaded catalog
    LearningResource.objects.filter(pk=algorithms.pk).update(title="Algorithms, renamed")
    hooks.resources_changed([algorithms.pk])
    assert IndexQueueItem.objects.filter(object_id=algorithms.pk, action="upsert").exists()
    report = drain(search_backend)
    assert report.processed == 1 and report.remaining == 0 and not report.error
    hit = search_backend.search(SearchQuery(text="6.006")).hits[0]
    assert hit.source["id"] == algorithms.pk and hit.source["title"] == "Algorithms, renamed"
    assert hit.source["runs"][0]["instructors"]  # the full serialized resource is stored


def test_removal_and_unpublish_leave_the_index(
    catalog: Catalog, search_backend: TantivyBackend
) -> None:
    rebuild_index(search_backend)
    algorithms, linear = catalog["algorithms"], catalog["linear_algebra"]
    assert {algorithms.pk, linear.pk} <= _ids(search_backend)
    hooks.resources_removed([algorithms.pk])
    LearningResource.objects.filter(pk=linear.pk).update(published=False)
    hooks.resources_changed([linear.pk])  # changed, but no longer published
    drain(search_backend)
    assert not {algorithms.pk, linear.pk} & _ids(search_backend)


def test_engine_down_keeps_the_queue_until_it_returns(
    catalog: Catalog, search_backend: TantivyBackend
) -> None:
    linear = catalog["linear_algebra"]
    search_backend.rebuild([])
    hooks.resources_changed([linear.pk])
    # Another process holds the index writer: the engine refuses writes.
    holder = TantivyBackend(search_backend.root)
    writer = holder._ensure_open().writer()
    report = drain(search_backend)
    assert report.error and report.processed == 0 and report.remaining == 1
    row = IndexQueueItem.objects.get(object_id=linear.pk)
    assert row.attempts == 1 and "locked" in row.last_error
    del writer  # the engine is back
    import gc

    gc.collect()
    report = drain(search_backend)
    assert report.processed == 1 and report.remaining == 0
    assert linear.pk in _ids(search_backend, text="linear algebra")


def test_last_action_wins_and_late_changes_survive(
    catalog: Catalog, search_backend: TantivyBackend
) -> None:
    linear = catalog["linear_algebra"]
    search_backend.clear()  # an index exists (drains never create one for a loaded catalog)
    hooks.resources_changed([linear.pk])
    hooks.resources_removed([linear.pk])
    drain(search_backend)
    assert linear.pk not in _ids(search_backend)
    hooks.resources_changed([linear.pk])
    drain(search_backend)
    assert linear.pk in _ids(search_backend)


@pytest.mark.usefixtures("embedded_tasks")
def test_embedded_mode_drains_in_process_after_commit(
    catalog: Catalog, search_backend: TantivyBackend, django_capture_on_commit_callbacks: object
) -> None:
    linear = catalog["linear_algebra"]
    search_backend.clear()  # an index exists (drains never create one for a loaded catalog)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        hooks.resources_changed([linear.pk])
    assert IndexQueueItem.objects.count() == 0
    assert linear.pk in _ids(search_backend, text="linear algebra")


def test_rebuild_indexes_the_catalog_and_content_files(
    catalog: Catalog, search_backend: TantivyBackend
) -> None:
    hooks.resources_changed([catalog["algorithms"].pk])
    count = rebuild_index(search_backend)
    resources, files = count_indexable()
    assert count == resources + files
    assert search_backend.status().counts == {"resource": resources, "content_file": files}
    assert IndexQueueItem.objects.count() == 0
    assert catalog["path"].pk not in _ids(search_backend)  # learning paths are not searched
    assert catalog["unpublished_course"].pk not in _ids(search_backend)


def test_cli_status_and_drain(catalog: Catalog, search_backend: TantivyBackend) -> None:
    from learn.search.cli import app

    search_backend.clear()  # an index exists (drains never create one for a loaded catalog)

    hooks.resources_changed([catalog["algorithms"].pk])
    runner = CliRunner()
    status = json.loads(runner.invoke(app, ["status"]).stdout)
    assert status["queue"]["pending"] == 1 and status["backend"] == "tantivy"
    result = runner.invoke(app, ["drain"])
    assert result.exit_code == 0 and json.loads(result.stdout)["processed"] == 1
    result = runner.invoke(app, ["rebuild"])
    assert result.exit_code == 0 and "indexed" in result.stdout
    status = json.loads(runner.invoke(app, ["status"]).stdout)
    assert status["indexed"] == status["catalog"]


def test_cli_eval_relevance(
    catalog: Catalog, search_backend: TantivyBackend, tmp_path: Path
) -> None:
    from learn.retrieval.eval_cli import app as eval_app

    rebuild_index(search_backend)
    judgments = tmp_path / "judgments.json"
    slug = (catalog["algorithms"].url or "").rstrip("/").rsplit("/", 1)[-1]
    judgments.write_text(
        json.dumps({"queries": [{"q": "6.006", "kind": "course-number", "rel": {slug: 2}}]})
    )
    result = CliRunner().invoke(eval_app, ["relevance", str(judgments)])
    assert result.exit_code == 0, result.stdout
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    overall = next(line for line in lines if line["kind"] == "overall")
    assert overall["ndcg@10"] == 1.0 and overall["mrr@10"] == 1.0
    missing = CliRunner().invoke(eval_app, ["relevance", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2
