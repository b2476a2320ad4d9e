"""Embedding throughput of the configured embedder (chunks/s), on real chunk-sized texts.

Usage: python benchmarks/embed_throughput.py [--n 256] [--repeat 3] [--float-compute]
Texts are chunks cut by the project's chunker from the OCW corpus descriptions in ../shared, with
the chunk size and overlap the indexer uses (settings, capped at the embedder's input limit), plus
50-word windows of the same prose for comparison with FEASIBILITY.md (whose 228 sentences/s were
measured on 50-word sentences of about 53 word pieces; a chunk is about twice as long). Each set
is embedded ``--repeat`` times through ``embed_texts`` (the indexer's path); best and median are
printed
with the chunk lengths (cl100k tokens and the model's word pieces) and the load average, since the
machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any


def corpus_chunks(shared: Path, n: int, size: int, overlap: int = 0) -> list[str]:
    from learn.vectors.chunking import chunk_document

    chunks: list[str] = []
    for path in sorted((shared / "data" / "ocw_site" / "courses").glob("*/data.json")):
        data = json.loads(path.read_text())
        text = "\n\n".join(str(data.get(k) or "") for k in ("course_title", "course_description"))
        chunks.extend(chunk_document(text, size, overlap))
        if len(chunks) >= n:
            break
    return chunks[:n]


def word_windows(shared: Path, n: int, words: int = 50) -> list[str]:
    """Consecutive ``words``-word windows of OCW course descriptions (natural prose)."""
    out: list[str] = []
    for path in sorted((shared / "data" / "ocw_site" / "courses").glob("*/data.json")):
        text = str(json.loads(path.read_text()).get("course_description") or "").split()
        out.extend(" ".join(text[i : i + words]) for i in range(0, len(text) - words + 1, words))
        if len(out) >= n:
            break
    return out[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--compare", action="store_true", help="also time the former input-order batches of 32"
    )
    parser.add_argument(
        "--float-compute",
        action="store_true",
        help="also time the shipped local model as it is (float32 products) for comparison",
    )
    args = parser.parse_args()
    from learn.config.env import get_env
    from learn.vectors.embedders import get_embedder

    env = get_env()
    shared = env.shared_path()
    assert shared is not None
    embedders = [get_embedder()]
    if args.float_compute:
        from learn.vectors.embedders.onnx_minilm import OnnxMiniLMEmbedder

        embedders.append(OnnxMiniLMEmbedder(int8_compute=False))
    size = min(env.content_file_embedding_chunk_size, embedders[0].max_input_tokens)
    overlap = env.content_file_embedding_chunk_overlap
    sets = {
        "ocw_chunks": corpus_chunks(Path(shared), args.n, size, overlap),
        "ocw_50_word_windows": word_windows(Path(shared), args.n),
    }
    for embedder in embedders:
        run(embedder, sets, size, overlap, args)


def run(
    embedder: Any, sets: dict[str, list[str]], size: int, overlap: int, args: argparse.Namespace
) -> None:
    """Time one embedder on every text set; one JSON line per set."""
    from learn.vectors import tokens
    from learn.vectors.embedders import embed_texts

    encode = getattr(embedder, "encode", None)  # the local model's word-piece tokenizer
    embed_texts(embedder, sets["ocw_50_word_windows"][:16])  # warm up

    def input_order(texts: list[str]) -> None:
        """The former path, for comparison: batches of 32 in input order (each padded to its
        longest member)."""
        for start in range(0, len(texts), 32):
            embedder.embed_batch(texts[start : start + 32])

    for name, texts in sets.items():
        rates, cpu_rates, unsorted_cpu_rates = [], [], []
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            embed_texts(embedder, texts)
            rates.append(len(texts) / (time.perf_counter() - start))
            cpu_rates.append(len(texts) / (time.process_time() - cpu))
            if args.compare:
                cpu = time.process_time()
                input_order(texts)
                unsorted_cpu_rates.append(len(texts) / (time.process_time() - cpu))
        cl100k = [tokens.count_tokens(t) for t in texts]
        row = {
            "benchmark": "embedding_throughput",
            "model": embedder.name,
            "texts": name,
            "n": len(texts),
            "chunk_size": size,
            "chunk_overlap": overlap,
            "batch_inputs": embedder.max_batch_inputs,
            "mean_cl100k_tokens": round(statistics.mean(cl100k), 1),
            "max_cl100k_tokens": max(cl100k),
            "chunks_per_s_best": round(max(rates), 1),
            "chunks_per_s_median": round(statistics.median(rates), 1),
            # Per CPU second of this process (both threads): independent of other load.
            "chunks_per_cpu_s_best": round(max(cpu_rates), 1),
            "chunks_per_cpu_s_median": round(statistics.median(cpu_rates), 1),
            "loadavg_1m": round(os.getloadavg()[0], 2),
        }
        if unsorted_cpu_rates:
            row["input_order_b32_chunks_per_cpu_s_median"] = round(
                statistics.median(unsorted_cpu_rates), 1
            )
        if encode is not None:
            pieces = [int(m.sum()) for t in texts for m in encode([t])[1]]
            row["mean_wordpieces"] = round(statistics.mean(pieces), 1)
            row["wordpieces_per_s_best"] = round(max(rates) * statistics.mean(pieces))
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
