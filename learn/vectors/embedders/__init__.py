"""Embedders behind one interface; ``get_embedder()`` picks one from ``EMBEDDING_MODEL``."""

from __future__ import annotations

from functools import lru_cache

from learn.config.env import get_env
from learn.vectors.embedders.base import Embedder, EmbeddingError, embed_texts

LOCAL_MODEL = "local/all-minilm-l6-v2-int8"
# The shipped model exactly as it is: int8 weights, float32 products.
LOCAL_MODEL_FLOAT_COMPUTE = "local/all-minilm-l6-v2-int8-weights"

__all__ = [
    "Embedder",
    "EmbeddingError",
    "embed_texts",
    "get_embedder",
    "reset_embedder",
    "set_embedder",
]


_override: Embedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder (``set_embedder`` replaces it, for tests and benchmarks)."""
    return _override if _override is not None else _configured()


def set_embedder(embedder: Embedder | None) -> Embedder | None:
    global _override
    previous, _override = _override, embedder
    return previous


@lru_cache(maxsize=1)
def _configured() -> Embedder:
    env = get_env()
    if env.embedding_model in (LOCAL_MODEL, LOCAL_MODEL_FLOAT_COMPUTE):
        from learn.vectors.embedders.onnx_minilm import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(int8_compute=env.embedding_model == LOCAL_MODEL)
    from learn.vectors.embedders.litellm_openai import LiteLLMEmbedder

    return LiteLLMEmbedder(
        env.embedding_model, api_key=env.openai_api_key, api_base=env.embedding_api_base
    )


def reset_embedder() -> None:
    _configured.cache_clear()
