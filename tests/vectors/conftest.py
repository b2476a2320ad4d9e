"""Fixtures of the semantic-layer tests: a real Qdrant Edge store in a temp folder, the real local
ONNX embedder, the shared test catalog and the OpenAPI contracts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from factories import Catalog, build_catalog

from learn.vectors import indexing
from learn.vectors.documents import CONTENT_FILES, RESOURCES
from learn.vectors.embedders import Embedder, get_embedder, set_embedder
from learn.vectors.embedders.base import Vectors
from learn.vectors.store import VectorStore, set_store
from learn.vectors.store.edge import EdgeStore


class MemoEmbedder:
    """The real local embedder with a per-text memo: tests embed the same catalog many times and
    the machine is small. Vectors are exactly the model's (the memo only skips recomputation)."""

    def __init__(self, real: Embedder) -> None:
        self.real = real
        self.name = real.name
        self.dim = real.dim
        self.max_input_tokens = real.max_input_tokens
        self.max_batch_inputs = real.max_batch_inputs
        self.max_batch_tokens = real.max_batch_tokens
        self.memo: dict[str, Any] = {}

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            for text, row in zip(missing, self.real.embed_batch(missing), strict=True):
                self.memo[text] = row
        return np.array([self.memo[t] for t in texts], dtype=np.float32)


@pytest.fixture(scope="session")
def embedder() -> Iterator[Embedder]:
    memo = MemoEmbedder(get_embedder())
    previous = set_embedder(memo)
    yield memo
    set_embedder(previous)


@pytest.fixture(scope="session")
def _session_store(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[EdgeStore]:
    """One real Qdrant Edge store per session: creating a shard's ~60 payload indexes costs seconds
    on this machine, so tests share it and start from empty collections instead."""
    edge = EdgeStore(tmp_path_factory.mktemp("vectors"))
    indexing.forget_collections()
    indexing.ensure_collections(edge, embedder)
    yield edge
    edge.close()


def _clear(edge: EdgeStore) -> None:
    for collection in (RESOURCES, CONTENT_FILES):
        while True:
            hits, _ = edge.scroll(collection, limit=1000)
            if not hits:
                break
            edge.delete(collection, [h.id for h in hits])


@pytest.fixture
def store(_session_store: EdgeStore, embedder: Embedder) -> Iterator[VectorStore]:
    from learn.retrieval.hybrid import forget_vector_presence

    _clear(_session_store)
    previous = set_store(_session_store)
    forget_vector_presence()
    yield _session_store
    set_store(previous)
    forget_vector_presence()


@pytest.fixture(autouse=True)
def _empty_lexical_index(tmp_path: Path) -> Iterator[None]:
    """Never read the project's own lexical index: an empty one in a temp folder (tests that need
    lexical results build theirs)."""
    from learn.search.backends import reset_backend
    from learn.search.backends.tantivy import TantivyBackend

    reset_backend(TantivyBackend(tmp_path / "empty-search"))
    yield
    reset_backend(None)


@pytest.fixture
def catalog(db: None) -> Catalog:
    return build_catalog()


@pytest.fixture
def embedded(catalog: Catalog, store: VectorStore, embedder: Embedder) -> Catalog:
    report = indexing.embed_resources(catalog.published_ids, store=store, embedder=embedder)
    assert not report.failed
    return catalog


def _spec(shared_dir: Path, name: str) -> Any:
    """A contract with the project's documented quirk corrections (see tests/api/conftest.py:
    ``children`` is the list the real API sends; nullable refs accept null)."""
    import importlib.util

    from openapi_core import OpenAPI
    from openapi_core.configurations import Config

    path = Path(__file__).parents[1] / "api" / "conftest.py"
    spec = importlib.util.spec_from_file_location("api_contract_fixes_vectors", path)
    assert spec and spec.loader
    fixes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixes)
    data = yaml.safe_load((shared_dir / "contracts" / name).read_text())
    fixes._children_are_lists(data)
    fixes._nullable_refs_accept_null(data)
    return OpenAPI.from_dict(data, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="session")
def contract_v0(shared_dir: Path) -> Any:
    return _spec(shared_dir, "mitlearn-api-v0.yaml")


@pytest.fixture(scope="session")
def contract_v1(shared_dir: Path) -> Any:
    return _spec(shared_dir, "mitlearn-api-v1.yaml")
