"""The shared backend contract against the OpenSearch adapter, offline: the adapter talks to
``FakeOpenSearch`` (tests/search/opensearch_double.py), a test fixture that enforces the engine
behaviours the adapter relies on (refresh visibility, max_result_window, per-item bulk errors,
alias actions, index existence) and answers the query DSL the adapter emits. The same suite runs
against a real cluster in test_opensearch_live.py when OPENSEARCH_URL is set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from backend_contract import BackendContract
from opensearch_double import FakeOpenSearch, register_script
from search_fixtures import twins_corpus

from learn.search.backends.base import SearchBackend
from learn.search.backends.opensearch import RANK_SCRIPT, OpenSearchBackend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.query import SearchQuery, Tuning
from learn.search.ranking import Multipliers


def rank_script(doc: Callable[[str], list[float]], params: dict[str, float], score: float) -> float:
    """Python reading of the adapter's Painless ranking script (as the engine evaluates it: a
    document without a value where the script reads ``.value`` is an error)."""
    c = doc("search.n.completeness")[0] * params["p"] + (1 - params["p"])
    age = doc("search.n.age_ts")[0]
    decay = 1.0
    if age >= 0 and params["scale"] > 0:
        days = abs(params["now"] - age) / 86400.0
        decay = max(0.0, (params["scale"] - days) / params["scale"])
    prog = params["program_boost"] if doc("search.n.is_program")[0] > 0 else 1.0
    intro = params["intro_boost"] if doc("search.n.is_intro")[0] > 0 else 1.0
    found_values = doc("search.n.is_foundation")
    found = params["foundation_boost"] if found_values and found_values[0] > 0 else 1.0
    seq_values = doc("search.n.is_sequel")
    seq = params["sequel_factor"] if seq_values and seq_values[0] > 0 else 1.0
    return score * c * decay * prog * intro * found * seq


register_script(RANK_SCRIPT, rank_script)


class TestOpenSearchThroughDouble(BackendContract):
    @pytest.fixture
    def backend(self) -> OpenSearchBackend:
        backend = OpenSearchBackend(FakeOpenSearch(), prefix="t", replicas=0)
        backend.rebuild([])
        return backend

    def settle(self, backend: SearchBackend) -> None:
        assert isinstance(backend, OpenSearchBackend)
        backend.refresh()


@pytest.mark.parametrize("min_score", [0.0, 5.0, 30.0, 95.0])
def test_both_engines_rank_the_twins_corpus_alike(tmp_path: Path, min_score: float) -> None:
    """One ranking policy behind one port: Tantivy (the engine itself) and the OpenSearch
    adapter (through the double) return the same ids, page by page, and the same counts."""
    tantivy = TantivyBackend(tmp_path / "search")
    opensearch = OpenSearchBackend(FakeOpenSearch(), prefix="t", replicas=0)
    for backend in (tantivy, opensearch):
        backend.rebuild(twins_corpus())
    tuning = Tuning(min_score=min_score)
    for offset in (0, 2, 4):
        query = SearchQuery(text="materials", tuning=tuning, offset=offset, limit=2)
        first, second = tantivy.search(query), opensearch.search(query)
        assert [h.id for h in first.hits] == [h.id for h in second.hits]
        assert first.total == second.total


@pytest.mark.parametrize(
    "text",
    [
        "chemical thermodynamics",  # two words: either one (needed_concepts)
        "thermodynamics of materials chemistry",  # three or more: all but one
        "materials",
    ],
)
def test_both_engines_need_the_same_words(tmp_path: Path, text: str) -> None:
    """A document needs all but one of three or more words and either of two, on both engines
    (OpenSearch once required every word, so two-word queries found fewer there)."""
    tantivy = TantivyBackend(tmp_path / "search")
    opensearch = OpenSearchBackend(FakeOpenSearch(), prefix="t", replicas=0)
    for backend in (tantivy, opensearch):
        backend.rebuild(twins_corpus())
    query = SearchQuery(text=text, tuning=Tuning(min_score=0), limit=20)
    first, second = tantivy.search(query), opensearch.search(query)
    assert first.total == second.total
    assert sorted(h.id for h in first.hits) == sorted(h.id for h in second.hits)


@pytest.mark.parametrize(
    "values",
    [
        {"completeness": 1.0, "age_ts": 0.0},
        {"completeness": 0.3, "age_ts": 1.0e9, "is_program": 1.0},
        {"completeness": 0.0, "age_ts": -1.0, "is_intro": 1.0, "is_foundation": 1.0},
        {"completeness": 0.8, "age_ts": 1.6e9, "is_sequel": 1.0, "is_foundation": 1.0},
    ],
)
def test_the_ranking_script_is_the_shared_multipliers(values: dict[str, float]) -> None:
    # OpenSearch applies the shared policy's multipliers in its Painless script, with the
    # parameters the policy gives it: the script (as read in Python) computes the same factor.
    tuning = Tuning(yearly_decay_percent=5.0, max_incompleteness_penalty=60.0)
    multipliers = Multipliers.of(tuning, "resource", now=1.7e9)
    fields = {f"search.n.{name}": [value] for name, value in values.items()}

    def doc(path: str) -> list[float]:
        return fields.get(path, [0.0])

    script = rank_script(doc, multipliers.script_params(tuning), 1.0)
    assert script == pytest.approx(multipliers.factor(values))
