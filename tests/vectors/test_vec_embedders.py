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


def test_length_sorted_batches_match_one_at_a_time(embedder: Embedder) -> None:
    """Padding each batch to its longest member and grouping texts by length changes no vector."""
    real = getattr(embedder, "real", embedder)  # not the memo: every batch below runs the model
    texts = [
        "graphs",
        "a much longer text about convex optimization, duality and interior point methods " * 6,
        "linear algebra",
        "word " * 400,  # truncated at the model's 256 word pieces
        "the history of jazz in twentieth-century America and its social context",
        "x",
    ]
    together = embed_texts(real, texts)
    for i, text in enumerate(texts):
        alone = embed_texts(real, [text])[0]  # a batch of one: no padding at all
        assert np.allclose(together[i], alone, atol=2e-5), i


def test_batches_group_similar_lengths_and_keep_input_order() -> None:
    from learn.vectors.embedders.base import plan_batches

    texts = ["long text " * 30, "short", "long text " * 30, "tiny", "medium text " * 8]
    batches = list(plan_batches(texts, max_input_tokens=200, max_inputs=2, max_tokens=10_000))
    assert [b.indexes for b in batches] == [[1, 3], [4, 0], [2]]
    assert batches[0].texts == ["short", "tiny"]  # the shortest texts share one batch


def test_local_minilm_pads_only_to_the_longest_in_batch(embedder: Embedder) -> None:
    real = getattr(embedder, "real", embedder)
    encode = getattr(real, "encode")  # noqa: B009 - the local model's word-piece tokenizer
    ids, mask = encode(["one two three", "one"])
    assert ids.shape == mask.shape == (2, 5)  # [CLS] + 3 words + [SEP], no padding beyond
    assert mask.sum(axis=1).tolist() == [5, 3]
    ids, _ = encode(["word " * 1000])
    assert ids.shape[1] == 256  # truncated at the model's input size


def test_query_vectors_are_cached(embedder: Embedder) -> None:
    from learn.vectors import search

    calls: list[int] = []

    class Counting:
        name, dim = embedder.name, embedder.dim
        max_input_tokens = embedder.max_input_tokens
        max_batch_inputs = embedder.max_batch_inputs
        max_batch_tokens = embedder.max_batch_tokens

        def embed_batch(self, texts: list[str]) -> object:
            calls.append(len(texts))
            return embedder.embed_batch(texts)

    from learn.vectors.embedders import set_embedder

    previous = set_embedder(Counting())  # type: ignore[arg-type]
    try:
        search.clear_query_cache()
        first = search.embed_query("urban   planning")
        second = search.embed_query("urban planning")  # same words: served from the cache
        assert first == second and calls == [1]
        search.embed_query("marine biology")
        assert calls == [1, 1]
        expected = embed_texts(embedder, ["urban planning"])[0]
        assert np.allclose(first, expected, atol=1e-6)
    finally:
        set_embedder(previous)
        search.clear_query_cache()
