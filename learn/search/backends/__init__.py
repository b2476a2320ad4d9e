"""Backend selection: OpenSearch when ``OPENSEARCH_URL`` is set, else embedded Tantivy."""

from __future__ import annotations

import threading

from learn.search.backends.base import SearchBackend, SearchUnavailable, SearchWriteError

__all__ = [
    "SearchBackend",
    "SearchUnavailable",
    "SearchWriteError",
    "get_backend",
    "reset_backend",
]

_lock = threading.Lock()
_backend: SearchBackend | None = None


def _build() -> SearchBackend:
    from learn.config.env import get_env

    env = get_env()
    if env.opensearch_url:
        from learn.search.backends.opensearch import OpenSearchBackend

        return OpenSearchBackend.from_url(
            env.opensearch_url, prefix=env.opensearch_index, replicas=env.opensearch_replicas
        )
    from learn.search.backends.tantivy import TantivyBackend

    return TantivyBackend(env.var_dir / "search")


def get_backend() -> SearchBackend:
    global _backend
    with _lock:
        if _backend is None:
            _backend = _build()
        return _backend


def reset_backend(backend: SearchBackend | None = None) -> None:
    """Forget (or replace) the process-wide backend; tests use it to point at a temp index."""
    global _backend
    with _lock:
        _backend = backend
