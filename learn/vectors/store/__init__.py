"""Vector stores behind one interface; ``get_store()`` opens the engine VECTOR_ENGINE names
(embedded Qdrant Edge, pgvector, or a Qdrant server; see ``LearnEnv.vector_engine_in_use``)."""

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
                engine = env.vector_engine_in_use
                if engine == "qdrant":
                    from learn.vectors.store.server import ServerStore

                    if not env.qdrant_url:
                        raise VectorStoreError("VECTOR_ENGINE=qdrant needs QDRANT_URL")
                    _store = ServerStore.connect(
                        env.qdrant_url, env.qdrant_api_key, env.qdrant_collection_prefix
                    )
                elif engine == "pgvector":
                    from learn.vectors.store.pgvector import PgVectorStore

                    _store = PgVectorStore(env.qdrant_collection_prefix)
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
