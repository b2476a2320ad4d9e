"""Fixtures of the search tests: a Tantivy backend in a temp folder, wired as the app's backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend


@pytest.fixture
def search_backend(tmp_path: Path) -> Iterator[TantivyBackend]:
    from learn.search.queue import connect_catalog_hooks

    connect_catalog_hooks()
    backend = TantivyBackend(tmp_path / "search")
    reset_backend(backend)
    yield backend
    reset_backend(None)


@pytest.fixture(autouse=True)
def _no_resource_vectors(tmp_path: Path) -> Iterator[None]:
    """An empty vector store: the default search mode (hybrid) answers lexically, as it does in a
    deployment where no resource is embedded yet, and never reads the project's own store."""
    from learn.retrieval.hybrid import forget_vector_presence
    from learn.vectors.store import set_store
    from learn.vectors.store.edge import EdgeStore

    previous = set_store(EdgeStore(tmp_path / "no-vectors"))
    forget_vector_presence()
    yield
    set_store(previous)
    forget_vector_presence()
