"""Which vector engine a deployment runs, and the embedded store's one-process limit, said loudly.

The embedded store (a Qdrant Edge shard) is opened by one process at a time. ``learn serve
--workers N`` gives it to a vector host process that its workers call (``host.py``); a Celery
worker on the ``embeddings`` queue refuses to start with it (it may run on another machine, where
no host answers), and a process that can neither open it nor reach a host fails its readiness
probe; every message names the setting to change.
"""

from __future__ import annotations

import logging

from learn.config.env import LearnEnv, get_env
from learn.vectors.store.base import VectorStoreError, VectorStoreUnavailable

logger = logging.getLogger("learn.vectors")

SHARED_ENGINES = (
    "set VECTOR_ENGINE=pgvector (vectors in the PostgreSQL database of DATABASE_URL, shared by "
    "every process) or QDRANT_URL (a Qdrant server)"
)


def embedded_limit(env: LearnEnv) -> str:
    return (
        f"the embedded vector store (VECTOR_ENGINE={env.vector_engine or 'unset, so embedded'})"
        f" is a shard under {env.var_dir / 'vectors'} that one process at a time can "
        "open (`learn serve` runs a vector host for its workers); other processes would "
        "answer search lexically"
    )


def multi_process_refusal(what: str, env: LearnEnv | None = None) -> str | None:
    """Why ``what`` (a second process needing vectors outside `learn serve`, e.g. a Celery worker
    on the embeddings queue) must not start, or None when it may."""
    env = env or get_env()
    if env.vector_engine_in_use != "embedded":
        return None
    limit = embedded_limit(env)
    return f"refusing to start {what}: {limit}. To run several processes, {SHARED_ENGINES}."


def config_problems(env: LearnEnv | None = None) -> list[str]:
    """Settings that cannot work together (``learn check-config``, the startup log)."""
    env = env or get_env()
    engine = env.vector_engine_in_use
    problems: list[str] = []
    if engine == "qdrant" and not env.qdrant_url:
        problems.append("VECTOR_ENGINE=qdrant needs QDRANT_URL")
    if engine == "pgvector" and not env.database_is_postgresql:
        problems.append(
            "VECTOR_ENGINE=pgvector needs DATABASE_URL=postgres://... (the vectors live in it)"
        )
    if engine == "embedded" and not env.tasks_eager:
        problems.append(
            "tasks go to Celery workers (REDIS_URL/CELERY_BROKER_URL), but "
            f"{embedded_limit(env)}: embedding tasks would never reach it; {SHARED_ENGINES}."
        )
    return problems


def vector_store_status() -> str:
    """A line for the readiness probe; raises VectorStoreUnavailable/VectorStoreError (with the
    setting to change) when this process cannot use its vector store."""
    from learn.vectors.documents import RESOURCES
    from learn.vectors.store import get_store
    from learn.vectors.store.hosted import HostedStore

    env = get_env()
    store = get_store()
    engine = str(getattr(store, "engine", type(store).__name__))
    if isinstance(store, HostedStore):
        engine += f" (through the vector host at {store.sock_path})"
    try:
        count = store.count(RESOURCES)
    except VectorStoreError as exc:
        if "does not exist yet" in str(exc):
            return f"{engine}: no vectors yet"
        raise
    except VectorStoreUnavailable as exc:
        if engine == "embedded":  # a hosted store's error says what to do
            raise VectorStoreUnavailable(
                f"{exc} ({embedded_limit(env)}; another process holds it). {SHARED_ENGINES}."
            ) from exc
        raise
    return f"{engine}: {count} resource vectors"


def log_startup() -> None:
    """The startup log line of a serving process: the engine, and what is wrong with it."""
    env = get_env()
    for problem in config_problems(env):
        logger.error("vector engine: %s", problem)
    try:
        logger.info("vector engine: %s", vector_store_status())
    except (VectorStoreUnavailable, VectorStoreError) as exc:
        logger.error(
            "vector engine %s unusable, search answers lexically: %s", env.vector_engine_in_use, exc
        )
