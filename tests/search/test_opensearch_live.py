"""The backend contract against a real OpenSearch: runs only when OPENSEARCH_URL is set
(see docs/engines.md for a one-node cluster to run it against)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from backend_contract import BackendContract

from learn.config.env import get_env
from learn.search.backends.base import SearchBackend
from learn.search.backends.opensearch import OpenSearchBackend

pytestmark = pytest.mark.skipif(
    not get_env().opensearch_url, reason="OPENSEARCH_URL is not set (no OpenSearch server here)"
)


class TestOpenSearchBackend(BackendContract):
    @pytest.fixture
    def backend(self) -> Iterator[OpenSearchBackend]:
        url = get_env().opensearch_url
        assert url
        backend = OpenSearchBackend.from_url(url, prefix=f"test_{uuid.uuid4().hex[:8]}", replicas=0)
        backend.rebuild([])
        yield backend
        backend.client.indices.delete(index=f"{backend.prefix}_*")

    def settle(self, backend: SearchBackend) -> None:
        assert isinstance(backend, OpenSearchBackend)
        backend.refresh()
