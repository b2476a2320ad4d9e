"""nDCG@10 and MRR@10 as the relevance harness computes them."""

from __future__ import annotations

import math

from learn.search.relevance import evaluate, grade, ndcg_at_k, reciprocal_rank, slug_of

REL = {"6-006-introduction-to-algorithms-": 2, "6-046j-": 1}
URL = "https://ocw.mit.edu/courses/6-006-introduction-to-algorithms-spring-2020/"


def test_keys_are_slug_prefixes_of_the_last_path_segment() -> None:
    assert slug_of(URL) == "6-006-introduction-to-algorithms-spring-2020"
    assert grade(URL, REL) == 2
    assert grade("https://ocw.mit.edu/courses/6-046j-design-fall-2015", REL) == 1
    assert grade("https://ocw.mit.edu/courses/16-006-x/", REL) == 0
    assert grade(None, REL) == 0


def test_ndcg_and_mrr() -> None:
    assert ndcg_at_k([2, 1], [2, 1]) == 1.0
    swapped = (1 / math.log2(2) + 3 / math.log2(3)) / (3 / math.log2(2) + 1 / math.log2(3))
    assert math.isclose(ndcg_at_k([1, 2], [2, 1]), swapped)
    assert ndcg_at_k([0, 0], [2]) == 0.0
    assert reciprocal_rank([0, 0, 1]) == 1 / 3
    assert reciprocal_rank([0] * 10 + [2]) == 0.0  # beyond @10


def test_ideal_counts_every_run_in_the_corpus() -> None:
    runs = [URL, URL.replace("spring-2020", "fall-2011")]
    queries = [{"q": "6.006", "kind": "course-number", "rel": REL}]
    one_run = evaluate(queries, lambda q: runs[:1], runs)
    both = evaluate(queries, lambda q: runs, runs)
    assert both["summary"]["course-number"]["ndcg@10"] == 1.0
    assert one_run["summary"]["course-number"]["ndcg@10"] < 1.0
    assert both["summary"]["overall"]["mrr@10"] == 1.0
