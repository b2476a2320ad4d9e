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
