"""Embedding throughput of the configured embedder (chunks/s), on real chunk-sized texts.

Usage: python benchmarks/embed_throughput.py [--n 256]
Texts are chunks cut by the project's chunker from the OCW corpus descriptions in ../shared
(``size`` = the embedder's input limit), plus 50-word sentences for comparison with FEASIBILITY.md.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path


def corpus_chunks(shared: Path, n: int, size: int) -> list[str]:
    from learn.vectors.chunking import chunk_document

    chunks: list[str] = []
    for path in sorted((shared / "data" / "ocw_site" / "courses").glob("*/data.json")):
        data = json.loads(path.read_text())
        text = "\n\n".join(str(data.get(k) or "") for k in ("course_title", "course_description"))
        chunks.extend(chunk_document(text, size))
        if len(chunks) >= n:
            break
    return chunks[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=256)
    args = parser.parse_args()
    from learn.config.env import get_env
    from learn.vectors import tokens
    from learn.vectors.embedders import embed_texts, get_embedder

    shared = get_env().shared_path()
    assert shared is not None
    embedder = get_embedder()
    rng = random.Random(7)
    words = Path(__file__).read_text().split()
    sentences = [" ".join(rng.choice(words) for _ in range(50)) for _ in range(args.n)]
    sets = {
        "ocw_chunks": corpus_chunks(Path(shared), args.n, embedder.max_input_tokens),
        "50_word_sentences": sentences,
    }
    embed_texts(embedder, sets["50_word_sentences"][:16])  # warm up
    for name, texts in sets.items():
        start = time.perf_counter()
        embed_texts(embedder, texts)
        wall = time.perf_counter() - start
        mean_tokens = sum(tokens.count_tokens(t) for t in texts) / len(texts)
        print(
            json.dumps(
                {
                    "benchmark": "embedding_throughput",
                    "model": embedder.name,
                    "texts": name,
                    "n": len(texts),
                    "mean_cl100k_tokens": round(mean_tokens, 1),
                    "chunks_per_s": round(len(texts) / wall, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
