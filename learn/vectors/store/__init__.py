"""Vector stores behind one interface; ``get_store()`` opens the engine VECTOR_ENGINE names
(embedded Qdrant Edge, pgvector, or a Qdrant server; see ``LearnEnv.vector_engine_in_use``). The
embedded store is reached through its vector host (``hosted.py``) when one runs."""

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
                    _store = _embedded_store()
    return _store


def _embedded_store() -> VectorStore:
    """The embedded shard: through the vector host named by LEARN_VECTOR_HOST, or through the
    one answering on the default socket (a server with several workers runs it), else opened
    in this process."""
    from learn.vectors.store.hosted import HostedStore, answers, embedded_root, socket_path

    env = get_env()
    if env.learn_vector_host is not None:
        return HostedStore(env.learn_vector_host.absolute())
    default = socket_path(env.var_dir, env.qdrant_collection_prefix)
    if answers(default):
        return HostedStore(default)
    from learn.vectors.store.edge import EdgeStore

    return EdgeStore(embedded_root(env.var_dir, env.qdrant_collection_prefix))


def set_store(store: VectorStore | None) -> VectorStore | None:
    """Swap the process-wide store (tests, benchmarks); returns the previous one."""
    global _store
    with _lock:
        previous, _store = _store, store
    return previous
