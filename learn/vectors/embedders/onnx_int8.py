"""Derive an int8-compute ONNX model from the shipped MiniLM, once, into a local cache.

The shipped model stores its weights as int8 with one scale per output column, but dequantizes
them and multiplies in float32 (two thirds of its time is float MatMul). This module rewrites it
so the matrix products run on int8 (VNNI on x86): onnxruntime's dynamic quantization quantizes each
activation per batch and keeps one weight scale per output channel. Per-channel requantization
recovers the shipped int8 weights, so the only new error is the activation rounding (cosine to the
float vectors ≥ 0.99 on OCW chunks; ``benchmarks/embed_throughput.py``).

Steps: fold the shipped weights to float initializers (onnxruntime's basic graph optimizations),
fuse bias+GELU and residual+LayerNorm (onnxruntime's transformer optimizer), drop the exporter's
NaN guards after each attention softmax (a softmax row is NaN only when every key is masked, and
the [CLS] key never is), then quantize. Nothing is downloaded; the result is keyed by the source
model's digest and the library versions, and written atomically so concurrent processes agree.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import onnxruntime as ort

log = logging.getLogger(__name__)

RECIPE = "dynamic-int8-per-channel-v1"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def cached_int8_model(source: Path, cache_dir: Path) -> Path:
    """The int8-compute model derived from ``source``, built into ``cache_dir`` on first use."""
    import onnx

    key = hashlib.sha256(
        f"{_digest(source)}|{RECIPE}|{ort.__version__}|{onnx.__version__}".encode()
    ).hexdigest()[:16]
    name = f"{source.stem}-{RECIPE}-{key}.onnx"
    target = cache_dir / name
    if target.exists():
        return target
    if not _writable(cache_dir):  # e.g. a read-only home in a container
        fallback = Path(tempfile.gettempdir()) / "learn-models"
        if cache_dir == fallback or not _writable(fallback):
            raise RuntimeError(
                f"no writable folder for the derived embedding model ({cache_dir}); "
                "set LEARN_CACHE_DIR to one"
            )
        log.warning("cache folder %s is not writable; using %s", cache_dir, fallback)
        return cached_int8_model(source, fallback)
    log.info("deriving the int8-compute embedding model into %s (once)", target)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".build-") as work:
        built = build_int8_model(source, Path(work))
        os.replace(built, target)  # atomic: a concurrent builder's identical file may win
    return target


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def build_int8_model(source: Path, work: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    folded = work / "folded.onnx"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(folded)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])

    # opt_level=0: the optimizer's own Python fusions only (its level 1 needs torch).
    fused = optimizer.optimize_model(
        str(folded), model_type="bert", num_heads=12, hidden_size=384, opt_level=0
    )
    drop_softmax_nan_guards(fused.model)
    fused_path = work / "fused.onnx"
    fused.save_model_to_file(str(fused_path))

    out = work / "int8.onnx"
    with _quiet_root_logger():  # the quantizer logs advice per tensor on the root logger
        quantize_dynamic(fused_path, out, per_channel=True, weight_type=QuantType.QInt8)
    return out


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    if not os.environ.get("LOG_LEVEL"):
        root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def drop_softmax_nan_guards(model: object) -> int:
    """Remove ``Where(IsNaN(p), 0, p)`` after each attention softmax; returns the nodes removed."""
    graph = model.graph  # type: ignore[attr-defined]
    producer = {out: node for node in graph.node for out in node.output}
    uses: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    rename: dict[str, str] = {}
    dropped = []
    for node in graph.node:
        if node.op_type != "Where":
            continue
        cond = producer.get(node.input[0])
        if (
            cond is not None
            and cond.op_type == "IsNaN"
            and cond.input[0] == node.input[2]
            and uses[cond.output[0]] == 1
        ):
            rename[node.output[0]] = node.input[2]
            dropped += [node, cond]
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    for node in dropped:
        graph.node.remove(node)
    return len(dropped)
