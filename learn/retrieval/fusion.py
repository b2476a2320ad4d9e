"""Rank fusion of a lexical and a dense result list (pure functions, measured in benchmarks/).

- Reciprocal rank fusion: ``sum(w / (k + rank))`` over the lists an item appears in.
- Normalized score fusion: min-max normalise each list's scores to [0, 1], then a weighted sum
  (``alpha`` for the lexical list, ``1 - alpha`` for the dense one); an absent item scores 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Ranked = Sequence[tuple[str, float]]  # (id, score), best first
Method = Literal["rrf", "score"]

RRF_K = 60


def rrf(
    lexical: Ranked, dense: Ranked, k: int = RRF_K, alpha: float = 0.5
) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for weight, ranked in ((alpha, lexical), (1.0 - alpha, dense)):
        for rank, (item, _) in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return _ordered(scores, lexical, dense)


def _normalised(ranked: Ranked) -> dict[str, float]:
    if not ranked:
        return {}
    values = [s for _, s in ranked]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-12:
        return {item: 1.0 for item, _ in ranked}
    return {item: (s - lo) / (hi - lo) for item, s in ranked}


def score_fusion(lexical: Ranked, dense: Ranked, alpha: float = 0.5) -> list[tuple[str, float]]:
    lex, den = _normalised(lexical), _normalised(dense)
    scores = {
        item: alpha * lex.get(item, 0.0) + (1 - alpha) * den.get(item, 0.0) for item in {*lex, *den}
    }
    return _ordered(scores, lexical, dense)


def _ordered(scores: dict[str, float], lexical: Ranked, dense: Ranked) -> list[tuple[str, float]]:
    # Ties keep lexical order first, then dense order: results are deterministic.
    position: dict[str, int] = {}
    for item, _ in [*lexical, *dense]:
        position.setdefault(item, len(position))
    return sorted(scores.items(), key=lambda kv: (-kv[1], position[kv[0]]))


def fuse(
    lexical: Ranked, dense: Ranked, method: Method = "rrf", alpha: float = 0.5
) -> list[tuple[str, float]]:
    if method == "rrf":
        return rrf(lexical, dense, alpha=alpha)
    if method == "score":
        return score_fusion(lexical, dense, alpha=alpha)
    raise ValueError(f"unknown fusion method {method!r}")
