from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from factories import Catalog

from learn.catalog import hooks
from learn.catalog.models import ContentFile
from learn.vectors import indexing, listeners
from learn.vectors.documents import CONTENT_FILES, RESOURCES, resource_document
from learn.vectors.embedders import Embedder, EmbeddingError
from learn.vectors.embedders.base import Vectors
from learn.vectors.models import EmbeddedPoint, EmbeddingFailure, PendingEmbedding
from learn.vectors.store import Filter, VectorStore


class BrokenEmbedder:
    """A provider that is down: same shape as the real embedder, always fails."""

    def __init__(self, real: Embedder) -> None:
        self.name = real.name
        self.dim = real.dim
        self.max_input_tokens = real.max_input_tokens
        self.max_batch_inputs = real.max_batch_inputs
        self.max_batch_tokens = real.max_batch_tokens

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        raise EmbeddingError("provider down")


def _vector(store: VectorStore, catalog: Catalog, key: str) -> list[float]:
    doc = resource_document(catalog[key])
    hit = store.retrieve(RESOURCES, [doc.point_id], with_vectors=True)[0]
    assert hit.vector is not None
    return hit.vector


def test_every_published_resource_gets_a_point(embedded: Catalog, store: VectorStore) -> None:
    visible = {r.pk for r in embedded.resources.values() if r.published and not r.test_mode}
    assert store.count(RESOURCES) == len(visible)
    hidden = [r for r in embedded.resources.values() if not r.published or r.test_mode]
    assert hidden  # unpublished and test-mode resources are never embedded
    ids = {h.payload["resource_id"] for h in store.scroll(RESOURCES, limit=1000)[0]}
    assert ids == visible


def test_payload_carries_filter_and_facet_fields(embedded: Catalog, store: VectorStore) -> None:
    doc = resource_document(embedded["algorithms"])
    payload = store.retrieve(RESOURCES, [doc.point_id])[0].payload
    assert payload["resource_id"] == embedded["algorithms"].pk
    assert payload["topic"] == ["Computer Science", "Engineering"]
    assert payload["f_topic"] == ["computer science", "engineering"]
    assert payload["free"] in (["true"], ["false"])
    assert sorted(payload["department"]) == ["18", "6"]
    assert payload["readable_id"] == ["6.006+spring_2020"]


def test_course_metadata_and_file_chunks(embedded: Catalog, store: VectorStore) -> None:
    algorithms = embedded["algorithms"].pk
    chunks = store.scroll(CONTENT_FILES, Filter(must={"resource_id": [algorithms]}), limit=100)[0]
    keys = {h.payload["key"] for h in chunks}
    assert "course_information" in keys
    assert "courses/6.006/lecture_1_notes" in keys
    assert "courses/6.006/unpublished_file" not in keys  # unpublished files are not embedded
    assert "courses/6.006/hidden_run_file" not in keys  # only the best run's files
    meta = [h for h in chunks if h.payload["key"] == "course_information"]
    assert "Introduction to Algorithms" in meta[0].payload["chunk_content"]
    assert "Erik Demaine" in " ".join(h.payload["chunk_content"] for h in meta)


def test_unchanged_content_is_never_reembedded(embedded: Catalog, store: VectorStore) -> None:
    again = indexing.embed_resources(embedded.published_ids, store=store)
    assert again.embedded_points == 0 and again.payload_updates == 0
    assert again.unchanged_groups >= len(embedded.published_ids)


def test_text_change_reembeds_only_that_resource(embedded: Catalog, store: VectorStore) -> None:
    before = _vector(store, embedded, "linear_algebra")
    resource = embedded["linear_algebra"]
    resource.description = (
        "Matrices, vector spaces, determinants and eigenvalues, with applications."
    )
    resource.save()
    report = indexing.embed_resources(embedded.published_ids, store=store)
    assert report.embedded_points >= 1
    assert report.embedded_points <= 1 + 10  # the resource point and its metadata chunks only
    assert not np.allclose(before, _vector(store, embedded, "linear_algebra"))


def test_payload_only_change_rewrites_payload(embedded: Catalog, store: VectorStore) -> None:
    resource = embedded["linear_algebra"]
    resource.view_count = 12345
    resource.save()
    report = indexing.embed_resources([resource.pk], store=store)
    assert report.embedded_points == 0 and report.payload_updates == 1
    doc = resource_document(resource)
    assert store.retrieve(RESOURCES, [doc.point_id])[0].payload["views"] == 12345


def test_changed_file_rechunked_and_removed_file_dropped(
    embedded: Catalog, store: VectorStore
) -> None:
    algorithms = embedded["algorithms"].pk
    notes = embedded.files["lecture_1_notes"]
    notes.content = "\n\n".join(
        f"Paragraph {i}: " + "graph search and shortest paths " * 30 for i in range(8)
    )
    notes.save()
    ps1 = embedded.files["problem_set_1"]
    ps1.published = False
    ps1.save()
    indexing.embed_resources([algorithms], store=store)
    flt = Filter(must={"resource_id": [algorithms]})
    chunks = store.scroll(CONTENT_FILES, flt, limit=200)[0]
    notes_chunks = [h for h in chunks if h.payload["key"] == notes.key]
    assert len(notes_chunks) > 3
    assert not [h for h in chunks if h.payload["key"] == ps1.key]
    # shrink the file again: the extra chunks disappear
    notes.content = "Short notes now."
    notes.save()
    indexing.embed_resources([algorithms], store=store)
    chunks = store.scroll(CONTENT_FILES, flt, limit=200)[0]
    assert len([h for h in chunks if h.payload["key"] == notes.key]) == 1
    assert EmbeddedPoint.objects.filter(content_file_id=notes.pk).count() == 1


def test_unpublished_resource_is_removed(embedded: Catalog, store: VectorStore) -> None:
    resource = embedded["linear_algebra"]
    resource.published = False
    resource.save()
    report = indexing.embed_resources([resource.pk], store=store)
    assert report.removed_points >= 2
    assert store.count(RESOURCES, Filter(must={"resource_id": [resource.pk]})) == 0
    assert store.count(CONTENT_FILES, Filter(must={"resource_id": [resource.pk]})) == 0
    assert not EmbeddedPoint.objects.filter(resource_id=resource.pk).exists()


def test_deleted_resource_removed_by_catch_up(embedded: Catalog, store: VectorStore) -> None:
    resource = embedded["linear_algebra"]
    pk = resource.pk
    resource.delete()
    from django.utils import timezone

    indexing.catch_up(timezone.now(), store=store)
    assert store.count(RESOURCES, Filter(must={"resource_id": [pk]})) == 0


def test_provider_error_keeps_last_good_vector(
    embedded: Catalog, store: VectorStore, embedder: Embedder
) -> None:
    before = _vector(store, embedded, "linear_algebra")
    resource = embedded["linear_algebra"]
    resource.title = "Linear Algebra (new title)"
    resource.save()
    report = indexing.embed_resources([resource.pk], store=store, embedder=BrokenEmbedder(embedder))
    assert report.failed == [resource.pk]
    assert np.allclose(before, _vector(store, embedded, "linear_algebra"))  # untouched
    assert EmbeddingFailure.objects.get(resource_id=resource.pk).error.endswith("provider down")
    with pytest.raises(EmbeddingError):
        indexing.embed_resources(
            [resource.pk], store=store, embedder=BrokenEmbedder(embedder), raise_errors=True
        )
    assert EmbeddingFailure.objects.get(resource_id=resource.pk).attempts == 2
    # provider back: the retry succeeds and clears the failure
    indexing.embed_resources([resource.pk], store=store, embedder=embedder)
    assert not EmbeddingFailure.objects.filter(resource_id=resource.pk).exists()
    assert not np.allclose(before, _vector(store, embedded, "linear_algebra"))


@pytest.mark.usefixtures("embedded_tasks")
def test_change_hook_records_pending_in_embedded_mode(
    catalog: Catalog, store: VectorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    listeners.register()  # idempotent: the app registered it at start-up
    ids = sorted(catalog.ids("algorithms", "linear_algebra"))
    hooks.resources_changed(ids)
    assert sorted(PendingEmbedding.objects.values_list("resource_id", flat=True)) == ids
    report = indexing.embed_pending(store=store)
    assert report.resources == 2 and not PendingEmbedding.objects.exists()
    assert store.count(RESOURCES) == 2


def test_change_hook_sends_tasks_to_embeddings_queue_with_broker(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learn.config.env import get_env
    from learn.vectors import tasks

    sent: list[tuple[object, dict[str, object]]] = []
    monkeypatch.setattr(get_env(), "celery_task_always_eager", False)
    monkeypatch.setattr(get_env(), "redis_url", "redis://127.0.0.1:6379/6")
    # Record the message instead of needing a worker; routing is read from the task itself.
    monkeypatch.setattr(
        tasks.embed_resources_task, "apply_async", lambda args, **kw: sent.append((args, kw))
    )
    hooks.resources_changed([catalog["algorithms"].pk])
    assert sent == [(([catalog["algorithms"].pk],), {})]
    from learn.config.celery import app

    assert app.amqp.router.route({}, tasks.embed_resources_task.name)["queue"].name == "embeddings"


def test_file_content_whitespace_only_has_no_chunks(embedded: Catalog, store: VectorStore) -> None:
    notes: ContentFile = embedded.files["lecture_1_notes"]
    notes.content = "   "
    notes.save()
    indexing.embed_resources([embedded["algorithms"].pk], store=store)
    assert store.count(CONTENT_FILES, Filter(must={"f_key": [notes.key.lower()]})) == 0


def test_task_retries_on_provider_error_and_keeps_vector(
    embedded: Catalog, store: VectorStore, embedder: Embedder
) -> None:
    from learn.vectors.embedders import set_embedder
    from learn.vectors.tasks import embed_resources_task

    before = _vector(store, embedded, "linear_algebra")
    resource = embedded["linear_algebra"]
    resource.title = "Linear Algebra, retitled"
    resource.save()
    previous = set_embedder(BrokenEmbedder(embedder))
    try:
        result = embed_resources_task.apply(args=([resource.pk],))
    finally:
        set_embedder(previous)
    # Eager mode runs the retries at once: 1 try + 5 retries, then the task gives up.
    assert result.state == "FAILURE" and isinstance(result.result, EmbeddingError)
    assert EmbeddingFailure.objects.get(resource_id=resource.pk).attempts == 6
    assert np.allclose(before, _vector(store, embedded, "linear_algebra"))
    done = embed_resources_task.apply(args=([resource.pk],))
    assert done.state == "SUCCESS" and done.result["embedded_points"] >= 1


class RenamedEmbedder(BrokenEmbedder):
    """The real model under another name: what switching EMBEDDING_MODEL (or the local model's
    computation) looks like to the indexer."""

    def __init__(self, real: Embedder, name: str) -> None:
        super().__init__(real)
        self.name = name
        self.real = real

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        return self.real.embed_batch(texts)


def test_model_change_reembeds_every_point_in_place(
    embedded: Catalog, store: VectorStore, embedder: Embedder
) -> None:
    before = EmbeddedPoint.objects.count()
    points = store.count(RESOURCES) + store.count(CONTENT_FILES)
    other = RenamedEmbedder(embedder, "another-model")
    report = indexing.embed_resources(embedded.published_ids, store=store, embedder=other)
    assert not report.failed
    assert report.embedded_points == before  # every point once, none left on the old model
    assert set(EmbeddedPoint.objects.values_list("model", flat=True)) == {"another-model"}
    assert EmbeddedPoint.objects.count() == before
    assert store.count(RESOURCES) + store.count(CONTENT_FILES) == points  # same ids, replaced
    again = indexing.embed_resources(embedded.published_ids, store=store, embedder=other)
    assert again.embedded_points == 0
