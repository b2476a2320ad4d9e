"""Relevance measurement: nDCG@10 and MRR@10 per query kind over graded judgments.

A judged key is an OCW slug prefix; a hit matches it when the last path segment of the hit's URL
starts with the key (so every run of a course matches).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

K = 10
Ranker = Callable[[str], list[str]]  # query text → result URLs, best first


def slug_of(url: str | None) -> str:
    return (url or "").rstrip("/").rsplit("/", 1)[-1].lower()


def grade(url: str | None, rel: dict[str, int]) -> int:
    slug = slug_of(url)
    return max((g for key, g in rel.items() if slug.startswith(key.lower())), default=0)


def ndcg_at_k(grades: list[int], ideal: list[int], k: int = K) -> float:
    """``ideal``: the grades of every judged document in the corpus (all runs of a course)."""
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))
    ideal_grades = sorted(ideal, reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal_grades))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(grades: list[int], k: int = K) -> float:
    for i, g in enumerate(grades[:k]):
        if g > 0:
            return 1.0 / (i + 1)
    return 0.0


def load_judgments(path: Path) -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text())
    return list(data["queries"] if isinstance(data, dict) else data)


def evaluate(
    queries: list[dict[str, Any]], ranker: Ranker, corpus_urls: list[str]
) -> dict[str, Any]:
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    details = []
    for item in queries:
        urls = ranker(item["q"])
        grades = [grade(u, item["rel"]) for u in urls[:K]]
        ideal = [g for g in (grade(u, item["rel"]) for u in corpus_urls) if g > 0]
        ndcg, rr = ndcg_at_k(grades, ideal), reciprocal_rank(grades)
        per_kind[item.get("kind", "all")].append((ndcg, rr))
        details.append({"q": item["q"], "kind": item.get("kind"), "ndcg": ndcg, "rr": rr})
    summary = {
        kind: {
            "n": len(v),
            "ndcg@10": sum(a for a, _ in v) / len(v),
            "mrr@10": sum(b for _, b in v) / len(v),
        }
        for kind, v in sorted(per_kind.items())
    }
    allv = [x for v in per_kind.values() for x in v]
    summary["overall"] = {
        "n": len(allv),
        "ndcg@10": sum(a for a, _ in allv) / max(1, len(allv)),
        "mrr@10": sum(b for _, b in allv) / max(1, len(allv)),
    }
    return {"summary": summary, "queries": details}
