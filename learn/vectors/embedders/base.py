"""The one interface every embedder implements, and token/count-bounded batching."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from learn.observability.metrics import record_embeddings
from learn.vectors import tokens

Vectors = npt.NDArray[np.float32]


class EmbeddingError(RuntimeError):
    """The provider failed; callers retry and keep the last good vector."""


class Embedder(Protocol):
    name: str  # short model name, also the vector name in the store
    dim: int
    max_input_tokens: int  # cl100k tokens one input may hold (longer inputs are truncated)
    max_batch_inputs: int
    max_batch_tokens: int

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Embed one batch (already within limits); rows are L2-normalised."""
        ...


@dataclass(frozen=True)
class Batch:
    indexes: list[int]
    texts: list[str]


def plan_batches(
    texts: Sequence[str], max_input_tokens: int, max_inputs: int, max_tokens: int
) -> Iterator[Batch]:
    """Truncate each text to the model limit and group them into batches bounded by count and
    tokens.

    Texts are taken shortest first, so each batch holds texts of similar length: a local model pads
    a batch to its longest member, and mixed lengths would spend most of the work on padding.
    ``Batch.indexes`` give every text's position in the input.
    """
    prepared: list[tuple[int, str, int]] = []
    for i, text in enumerate(texts):
        ids = tokens.encode(text or " ")
        if len(ids) > max_input_tokens:
            ids = ids[:max_input_tokens]
            text = tokens.decode(ids)
        prepared.append((i, text or " ", max(1, len(ids))))
    prepared.sort(key=lambda item: item[2])  # stable: equal lengths keep input order
    indexes: list[int] = []
    batch: list[str] = []
    used = 0
    for i, text, n in prepared:
        if batch and (len(batch) >= max_inputs or used + n > max_tokens):
            yield Batch(indexes, batch)
            indexes, batch, used = [], [], 0
        indexes.append(i)
        batch.append(text)
        used += n
    if batch:
        yield Batch(indexes, batch)


def embed_texts(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Embed any number of texts, batching within the embedder's limits, in input order."""
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    start = time.perf_counter()
    for batch in plan_batches(
        texts, embedder.max_input_tokens, embedder.max_batch_inputs, embedder.max_batch_tokens
    ):
        out[batch.indexes] = embedder.embed_batch(batch.texts)
    record_embeddings(embedder.name, len(texts), time.perf_counter() - start)
    return out


def normalise(rows: npt.NDArray[np.floating]) -> Vectors:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (rows / norms).astype(np.float32)
