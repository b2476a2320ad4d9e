"""The backend contract against a real OpenSearch: runs only when OPENSEARCH_URL is set."""

from __future__ import annotations

import uuid

import pytest
from backend_contract import BackendContract

from learn.config.env import get_env

pytestmark = pytest.mark.skipif(
    not get_env().opensearch_url, reason="OPENSEARCH_URL is not set (no OpenSearch server here)"
)


class TestOpenSearchBackend(BackendContract):
    @pytest.fixture
    def backend(self):  # type: ignore[no-untyped-def]
        from learn.search.backends.opensearch import OpenSearchBackend

        url = get_env().opensearch_url
        assert url
        backend = OpenSearchBackend.from_url(url, prefix=f"test_{uuid.uuid4().hex[:8]}")
        backend.rebuild([])
        yield backend
        backend.client.indices.delete(index=f"{backend.prefix}_*")
