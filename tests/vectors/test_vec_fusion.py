from __future__ import annotations

import pytest

from learn.retrieval.fusion import fuse, rrf, score_fusion
from learn.retrieval.hybrid import lexical_confidence, lexical_weight
from learn.search.query import Hit


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


@pytest.mark.parametrize("method", ["nope", "weighted", "sum", "RRF", ""])
def test_fuse_rejects_unknown_method(method: str) -> None:
    with pytest.raises(ValueError, match="unknown fusion method"):
        fuse([("a", 1.0)], [("b", 1.0)], method=method)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the whole order, not the top


LEXICAL = [("a", 9.0), ("b", 5.0), ("c", 1.0)]
DENSE = [("d", 0.9), ("e", 0.8), ("a", 0.7)]


def test_rrf_orders_every_item_by_its_weighted_reciprocal_ranks() -> None:
    # lexical weight 0.8: a (both lists) > b, c (lexical 2nd, 3rd) > d, e (dense 1st, 2nd)
    fused = rrf(LEXICAL, DENSE, alpha=0.8)
    assert [item for item, _ in fused] == ["a", "b", "c", "d", "e"]
    scores = dict(fused)
    assert scores["a"] == pytest.approx(0.8 / 61 + 0.2 / 63)
    assert scores["b"] == pytest.approx(0.8 / 62)
    assert scores["e"] == pytest.approx(0.2 / 62)


def test_rrf_weights_belong_to_their_lists() -> None:
    # the same lists with the dense side weighted 0.8: the dense order leads after the shared item
    fused = [item for item, _ in rrf(LEXICAL, DENSE, alpha=0.2)]
    assert fused == ["a", "d", "e", "b", "c"]


def test_rrf_k_flattens_the_rank_differences() -> None:
    scores = dict(rrf([("a", 1.0), ("b", 0.5)], [], k=1, alpha=1.0))
    assert scores == {"a": pytest.approx(1 / 2), "b": pytest.approx(1 / 3)}


def test_rrf_ties_keep_lexical_then_dense_order() -> None:
    # equal weights, mirrored ranks: every pair ties and the lexical list's order decides
    fused = rrf([("a", 2.0), ("b", 1.0)], [("b", 0.9), ("a", 0.8)], alpha=0.5)
    assert [item for item, _ in fused] == ["a", "b"]
    fused = rrf([("a", 2.0)], [("z", 0.9)], alpha=0.5)
    assert [item for item, _ in fused] == ["a", "z"]


def test_score_fusion_weights_belong_to_their_lists() -> None:
    lexical = [("a", 10.0), ("b", 6.0), ("c", 0.0)]
    dense = [("c", 0.9), ("b", 0.5), ("a", 0.4)]
    # lexical weight 0.7: a 0.7, b 0.7*0.6 + 0.3*0.2 = 0.48, c 0.3
    fused = score_fusion(lexical, dense, alpha=0.7)
    assert [item for item, _ in fused] == ["a", "b", "c"]
    assert dict(fused)["b"] == pytest.approx(0.48)
    # lexical weight 0.3: c 0.7, b 0.3*0.6 + 0.7*0.2 = 0.32, a 0.3
    assert [item for item, _ in score_fusion(lexical, dense, alpha=0.3)] == ["c", "b", "a"]


def test_score_fusion_weighs_both_lists_equally_by_default() -> None:
    fused = dict(score_fusion([("a", 2.0), ("b", 0.0)], [("b", 1.0), ("a", 0.0)]))
    assert fused == {"a": pytest.approx(0.5), "b": pytest.approx(0.5)}


def test_score_fusion_of_equal_scores_counts_each_as_the_best() -> None:
    fused = dict(score_fusion([("a", 3.0), ("b", 3.0)], [("c", 0.2)], alpha=0.5))
    assert fused == {"a": pytest.approx(0.5), "b": pytest.approx(0.5), "c": pytest.approx(0.5)}
    assert score_fusion([], [], alpha=0.5) == []


def test_fuse_dispatches_with_its_weight() -> None:
    assert fuse(LEXICAL, DENSE, method="rrf", alpha=0.2) == rrf(LEXICAL, DENSE, alpha=0.2)
    assert fuse(LEXICAL, DENSE, method="score", alpha=0.2) == score_fusion(
        LEXICAL, DENSE, alpha=0.2
    )
    assert fuse(LEXICAL, DENSE) == rrf(LEXICAL, DENSE, alpha=0.5)


# ---------------------------------------------------------------- the lexical weight curve


@pytest.mark.parametrize(
    ("confidence", "weight"),
    [(0.0, 0.0), (1 / 3, 0.9 / 27), (0.5, 0.1125), (2 / 3, 0.9 * 8 / 27), (1.0, 0.9)],
)
def test_lexical_weight_rises_with_the_cube_of_confidence(confidence: float, weight: float) -> None:
    assert lexical_weight(confidence) == pytest.approx(weight)


def _hit(title: str, *instructors: str) -> Hit:
    people = [{"full_name": name} for name in instructors]
    return Hit(id=title, score=1.0, source={"title": title, "runs": [{"instructors": people}]})


def test_lexical_confidence_is_the_best_share_of_subject_words_in_a_top_title() -> None:
    hits = [_hit("Bridges of Boston"), _hit("Stay Strong"), _hit("Other")]
    # subject words: bridges, stay (how, do, up are function words): each title has one of two
    assert lexical_confidence("how do bridges stay up", hits) == pytest.approx(0.5)
    assert lexical_confidence("bridges of boston", hits) == pytest.approx(1.0)
    assert lexical_confidence("circuits", [_hit("Circuit Theory")]) == pytest.approx(1.0)
    assert lexical_confidence("strang algebra", [_hit("Calculus", "Gilbert Strang")]) == 0.5
    assert lexical_confidence("the of", hits) == 0.0
    assert lexical_confidence("zebra", hits) == 0.0


def test_lexical_confidence_reads_only_the_top_hits() -> None:
    hits = [_hit("One"), _hit("Two"), _hit("Three"), _hit("Zebra")]
    assert lexical_confidence("zebra", hits) == 0.0
    assert lexical_confidence("zebra", hits[1:]) == 1.0


def test_lexical_confidence_matches_words_by_their_first_five_letters() -> None:
    # "essays" ~ "Essay" (same five letters); "stats" is not "State" (they share only four)
    assert lexical_confidence("essays", [_hit("Essay Writing")]) == 1.0
    assert lexical_confidence("stats", [_hit("State Politics")]) == 0.0


def test_lexical_confidence_reads_an_instructor_listed_by_last_name_only() -> None:
    person = {"last_name": "Strang"}
    hit = Hit(id="1", score=1.0, source={"title": "Calculus", "runs": [{"instructors": [person]}]})
    assert lexical_confidence("strang", [hit]) == 1.0


def test_lexical_confidence_without_hits_is_zero() -> None:
    assert lexical_confidence("linear algebra", []) == 0.0
