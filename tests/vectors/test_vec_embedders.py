from __future__ import annotations

import numpy as np
import pytest
from standin import DIM, fake_vector, openai_standin

from learn.vectors.embedders import Embedder, EmbeddingError, embed_texts
from learn.vectors.embedders.litellm_openai import LiteLLMEmbedder


def test_local_minilm_is_normalised_and_semantic(embedder: Embedder) -> None:
    assert embedder.dim == 384
    vectors = embed_texts(
        embedder,
        ["convex optimization and duality", "linear programming methods", "baking sourdough bread"],
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 2] + 0.1


def test_local_minilm_order_and_long_input(embedder: Embedder) -> None:
    texts = ["graphs and trees", "word " * 5000, "graphs and trees"]
    vectors = embed_texts(embedder, texts)  # the long one is truncated, not an error
    assert np.allclose(vectors[0], vectors[2], atol=1e-5)
    assert not np.allclose(vectors[0], vectors[1])


def test_litellm_openai_through_standin() -> None:
    with openai_standin(8181) as server:
        embedder = LiteLLMEmbedder(
            "text-embedding-3-large", api_key="sk-test", api_base=server.base
        )
        texts = [f"text number {i}" for i in range(5)]
        vectors = embed_texts(embedder, texts)
    assert embedder.dim == DIM and vectors.shape == (5, DIM)
    expected = np.array(fake_vector("text number 3"), dtype=np.float32)
    expected /= np.linalg.norm(expected)
    assert np.allclose(vectors[3], expected, atol=1e-5)  # rows come back in input order
    assert server.requests[0]["model"] == "text-embedding-3-large"
    assert server.requests[0]["input"] == texts
    assert server.auth[0] == "Bearer sk-test"


def test_litellm_batches_bounded_by_count() -> None:
    with openai_standin(8182) as server:
        embedder = LiteLLMEmbedder("text-embedding-3-large", api_key="k", api_base=server.base)
        embedder.max_batch_inputs = 3
        embed_texts(embedder, [f"t{i}" for i in range(7)])
    assert [len(r["input"]) for r in server.requests] == [3, 3, 1]


def test_litellm_truncates_to_model_limit() -> None:
    with openai_standin(8183) as server:
        embedder = LiteLLMEmbedder("text-embedding-3-large", api_key="k", api_base=server.base)
        embed_texts(embedder, ["token " * 9000])
    from learn.vectors.tokens import count_tokens

    assert count_tokens(server.requests[0]["input"][0]) <= 8191


def test_litellm_provider_error_is_embedding_error() -> None:
    with openai_standin(8184) as server:
        server.fail_next = 100
        embedder = LiteLLMEmbedder("text-embedding-3-large", api_key="k", api_base=server.base)
        with pytest.raises(EmbeddingError):
            embed_texts(embedder, ["anything"])
