"""OpenAI embeddings (production: ``text-embedding-3-large``) through LiteLLM.

``EMBEDDING_MODEL`` names the model, ``OPENAI_API_KEY`` the key and ``EMBEDDING_API_BASE`` an
optional
OpenAI-compatible endpoint (tests point it at a local stand-in server).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from learn.vectors.embedders.base import EmbeddingError, Vectors, normalise

# Known OpenAI embedding dimensions; other models are probed once.
_DIMENSIONS = {
    "text-embedding-3-large": 3072,
    "text-embedding-3-small": 1536,
    "text-embedding-ada-002": 1536,
}


class LiteLLMEmbedder:
    max_input_tokens = 8191
    max_batch_inputs = 2048
    max_batch_tokens = 300_000

    def __init__(
        self,
        model: str,
        api_key: str | None = None,
        api_base: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.model = model
        self.name = model.split("/")[-1]
        self._api_key = api_key
        self._api_base = api_base
        self._timeout = timeout
        known = _DIMENSIONS.get(self.name)
        self.dim = (
            known if known is not None else int(self.embed_batch(["dimension probe"]).shape[1])
        )

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        # LiteLLM fetches a price list from the internet at import unless told to use its own copy.
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm  # heavy import, deferred until a remote model is really used

        kwargs: dict[str, Any] = {
            "model": self.model,
            "input": list(texts),
            "timeout": self._timeout,
        }
        if self._api_key:
            kwargs["api_key"] = self._api_key
        if self._api_base:
            kwargs["api_base"] = self._api_base
            if "/" not in self.model:
                kwargs["custom_llm_provider"] = "openai"
        try:
            response = litellm.embedding(**kwargs)
        except Exception as exc:  # every provider failure becomes one retryable error
            raise EmbeddingError(f"embedding provider failed: {exc}") from exc
        rows = sorted(response.data, key=lambda item: _get(item, "index"))
        matrix = np.array([_get(item, "embedding") for item in rows], dtype=np.float32)
        if matrix.shape[0] != len(texts):
            raise EmbeddingError(f"provider returned {matrix.shape[0]} vectors for {len(texts)}")
        return normalise(matrix)


def _get(item: Any, key: str) -> Any:
    return item[key] if isinstance(item, dict) else getattr(item, key)
