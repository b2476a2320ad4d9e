"""Vector stores behind one interface; ``get_store()`` picks Qdrant Edge or a Qdrant server."""

from __future__ import annotations

import threading

from learn.config.env import get_env
from learn.vectors.store.base import (
    Filter,
    Hit,
    Point,
    VectorStore,
    VectorStoreError,
    VectorStoreUnavailable,
)

__all__ = [
    "Filter",
    "Hit",
    "Point",
    "VectorStore",
    "VectorStoreError",
    "VectorStoreUnavailable",
    "get_store",
    "set_store",
]

_store: VectorStore | None = None
_lock = threading.Lock()


def get_store() -> VectorStore:
    global _store
    if _store is None:
        with _lock:
            if _store is None:
                env = get_env()
                if env.qdrant_url:
                    from learn.vectors.store.server import ServerStore

                    _store = ServerStore.connect(
                        env.qdrant_url, env.qdrant_api_key, env.qdrant_collection_prefix
                    )
                else:
                    from learn.vectors.store.edge import EdgeStore

                    _store = EdgeStore(env.var_dir / "vectors" / env.qdrant_collection_prefix)
    return _store


def set_store(store: VectorStore | None) -> VectorStore | None:
    """Swap the process-wide store (tests, benchmarks); returns the previous one."""
    global _store
    with _lock:
        previous, _store = _store, store
    return previous
