from __future__ import annotations

import pytest

from learn.retrieval.fusion import fuse, rrf, score_fusion


def test_rrf_rewards_items_in_both_lists() -> None:
    lexical = [("a", 12.0), ("b", 9.0), ("c", 1.0)]
    dense = [("c", 0.9), ("d", 0.8), ("b", 0.7)]
    fused = [item for item, _ in rrf(lexical, dense)]
    assert fused[0] in ("b", "c")  # in both lists
    assert set(fused) == {"a", "b", "c", "d"}
    assert fused.index("b") < fused.index("d")


def test_rrf_alpha_one_is_lexical_order() -> None:
    lexical = [("a", 3.0), ("b", 2.0)]
    dense = [("z", 0.9), ("b", 0.8)]
    assert [i for i, _ in rrf(lexical, dense, alpha=1.0)][:2] == ["a", "b"]


def test_score_fusion_min_max_normalises() -> None:
    lexical = [("a", 100.0), ("b", 50.0), ("c", 0.0)]
    dense = [("c", 0.9), ("a", 0.1)]
    fused = dict(score_fusion(lexical, dense, alpha=0.5))
    assert fused["a"] == pytest.approx(0.5)  # 1.0 lexical, 0.0 dense
    assert fused["c"] == pytest.approx(0.5)  # 0.0 lexical, 1.0 dense
    assert fused["b"] == pytest.approx(0.25)


def test_fuse_rejects_unknown_method() -> None:
    with pytest.raises(ValueError):
        fuse([], [], method="nope")  # type: ignore[arg-type]
