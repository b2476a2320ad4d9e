"""The lexical search endpoints' query parameters (``learning_resources_search/``,
``content_file_search/``): what each parses to, and each refusal (the 400's JSON names the
parameter, and the choices where there are some)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from learn.retrieval.search_params import (
    DEPARTMENTS,
    MAX_OFFSET,
    ParamError,
    content_file_search_query,
    resource_search_query,
)
from learn.search.query import DEFAULT_TUNING, RESOURCE_SORTS, SEARCH_MODES

MAX_LIMIT = 100


def _query(text: str) -> Any:
    return resource_search_query(QueryDict(text), MAX_LIMIT)


def _refusal(text: str, parse: Any = resource_search_query) -> dict[str, Any]:
    with pytest.raises(ParamError) as caught:
        parse(QueryDict(text), MAX_LIMIT)
    return caught.value.as_json()


def test_defaults(settings: Any) -> None:
    settings.SEARCH_DEFAULT_MODE = "hybrid"
    query = _query("")
    assert (query.text, query.offset, query.limit, query.sort, query.explain) == (
        "", 0, 10, None, False,
    )  # fmt: skip
    assert query.filters == {} and query.aggregations == ()
    assert query.tuning.search_mode == "hybrid" and query.show_ocw_files is False
    assert query.tuning.slop == DEFAULT_TUNING.slop
    assert query.tuning.min_score == DEFAULT_TUNING.min_score


def test_values_parse() -> None:
    query = _query(
        "q=heat&offset=10000&limit=100&sortby=-views&dev_mode=yes&topic=Physics&topic=Energy"
        "&id=007&resource_type=course&free=0&certification=TRUE&aggregations=topic"
        "&aggregations=platform&aggregations=topic&search_mode=best_fields&slop=100"
        "&min_score=50&yearly_decay_percent=0&content_file_score_weight=0.5&show_ocw_files=1"
    )
    assert (query.text, query.offset, query.limit, query.sort, query.explain) == (
        "heat", MAX_OFFSET, MAX_LIMIT, "-views", True,
    )  # fmt: skip
    assert query.filters == {
        "topic": ("Physics", "Energy"),
        "id": ("7",),
        "resource_type": ("course",),
        "free": ("false",),
        "certification": ("true",),
    }
    assert query.aggregations == ("topic", "platform")
    assert query.tuning.search_mode == "best_fields" and query.tuning.slop == 100
    assert (query.tuning.min_score, query.tuning.yearly_decay_percent) == (50.0, 0.0)
    assert query.tuning.content_file_score_weight == 0.5
    assert query.show_ocw_files is True


@pytest.mark.parametrize("name", ["topic", "id", "resource_type", "instructor", "aggregations"])
@pytest.mark.parametrize("value", ["", "%20"])
def test_an_empty_list_value_is_refused(name: str, value: str) -> None:
    assert _refusal(f"{name}={value}") == {
        "detail": f"{name}: must not be empty",
        "param": name,
        "errors": {name: ["must not be empty"]},
    }


def test_an_empty_list_value_among_good_ones_is_refused() -> None:
    assert _refusal("topic=Physics&topic=")["param"] == "topic"


def test_the_search_api_answers_400_for_an_empty_topic(client: Any) -> None:
    response = client.get("/api/v1/learning_resources_search/?q=heat&topic=")
    assert response.status_code == 400
    assert response.json()["detail"] == "topic: must not be empty"


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("limit=101", "limit: must be between 0 and 100, got 101"),
        ("limit=-1", "limit: must be between 0 and 100, got -1"),
        ("offset=10001", "offset: must be between 0 and 10000, got 10001"),
        ("offset=x", "offset: 'x' is not an integer"),
        ("slop=101", "slop: must be between 0 and 100, got 101"),
        ("min_score=50.5", "min_score: must be between 0 and 50, got 50.5"),
        ("min_score=-0.5", "min_score: must be between 0 and 50, got -0.5"),
        ("min_score=lots", "min_score: 'lots' is not a number"),
        ("id=seven", "id: 'seven' is not an integer"),
        ("dev_mode=maybe", "dev_mode: 'maybe' is not a boolean"),
        ("free=2", "free: '2' is not a boolean"),
    ],
)
def test_refusals_name_the_parameter(text: str, detail: str) -> None:
    assert _refusal(text)["detail"] == detail


def test_refusals_of_a_choice_list_the_choices() -> None:
    from learn.catalog.constants import ResourceType

    assert _refusal("resource_type=spaceship") == {
        "detail": "resource_type: 'spaceship' is not a valid choice",
        "param": "resource_type",
        "errors": {"resource_type": ["'spaceship' is not a valid choice"]},
        "choices": [str(v) for v in ResourceType.values],
    }
    assert _refusal("sortby=random")["choices"] == list(RESOURCE_SORTS)
    assert _refusal("search_mode=fast")["choices"] == list(SEARCH_MODES)
    assert _refusal("department=Nope")["choices"] == list(DEPARTMENTS)
    assert "choices" not in _refusal("limit=999")


def test_an_unknown_parameter_is_refused_first_by_name() -> None:
    refusal = _refusal("zeta=1&alpha=2&q=x")
    assert (refusal["detail"], refusal["param"]) == ("alpha: unknown parameter", "alpha")
    assert "q" in refusal["choices"] and "topic" in refusal["choices"]


def test_bounds_are_inclusive_and_blanks_take_defaults() -> None:
    query = _query("limit=0&offset=0&slop=0&min_score=0&content_file_score_weight=1")
    assert (query.limit, query.offset, query.tuning.slop) == (0, 0, 0)
    assert (query.tuning.min_score, query.tuning.content_file_score_weight) == (0.0, 1.0)
    query = _query("limit=&offset=&sortby=&dev_mode=&free=&search_mode=&min_score=")
    assert (query.limit, query.offset, query.sort, query.explain) == (10, 0, None, False)
    assert "free" not in query.filters
    assert query.tuning.min_score == DEFAULT_TUNING.min_score


def test_the_last_scalar_value_wins_and_long_text_is_cut() -> None:
    assert _query("limit=5&limit=7").limit == 7
    from learn.search.text import MAX_QUERY_CHARS

    assert _query("q=" + "x" * (MAX_QUERY_CHARS * 4 + 10)).text == "x" * (MAX_QUERY_CHARS * 4)


def test_plain_dicts_parse_as_query_strings_do() -> None:
    query = resource_search_query({"topic": ["Physics", "Energy"], "limit": 3}, MAX_LIMIT)
    assert (query.filters, query.limit) == ({"topic": ("Physics", "Energy")}, 3)
    assert resource_search_query({"q": None}, MAX_LIMIT).text == ""


def test_content_file_search() -> None:
    query = content_file_search_query(
        QueryDict("q=x&run_id=3&platform=ocw&aggregations=platform&sortby=-id"), MAX_LIMIT
    )
    assert query.index == "content_file" and query.tuning.min_score == 0.0
    assert query.filters == {"run_id": ("3",), "platform": ("ocw",)}
    assert query.aggregations == ("platform",) and query.sort == "-id"
    assert _refusal("search_mode=phrase", content_file_search_query)["param"] == "search_mode"
    assert _refusal("run_id=", content_file_search_query)["detail"] == "run_id: must not be empty"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("limit", "is not an integer"),
        ("min_score", "is not a number"),
        ("id", "is not an integer"),
        ("resource_type", "is not a valid choice"),
    ],
)
def test_a_long_bad_value_is_quoted_to_fifty_characters(name: str, message: str) -> None:
    refusal = _refusal(f"{name}={'z' * 49}{'y' * 30}")
    assert refusal["detail"] == f"{name}: '{'z' * 49}y' {message}"


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("yearly_decay_percent", "0", "10"),
        ("min_score", "0", "50"),
        ("max_incompleteness_penalty", "0", "100"),
        ("content_file_score_weight", "0", "1"),
    ],
)
def test_each_tuning_knob_takes_its_documented_range(name: str, low: str, high: str) -> None:
    for value in (low, high):
        assert getattr(_query(f"{name}={value}").tuning, name) == float(value)
    for value in (f"{float(low) - 0.5:g}", f"{float(high) + 0.5:g}"):
        assert _refusal(f"{name}={value}")["param"] == name


@pytest.mark.parametrize("name", ["id", "run_id", "resource_id"])
def test_content_file_ids_are_integers(name: str) -> None:
    query = content_file_search_query(QueryDict(f"{name}=007"), MAX_LIMIT)
    assert query.filters == {name: ("7",)}
    refusal = _refusal(f"{name}=seven", content_file_search_query)
    assert refusal["detail"] == f"{name}: 'seven' is not an integer"


def test_a_long_bad_choice_is_quoted_to_fifty_characters() -> None:
    refusal = _refusal(f"sortby={'z' * 49}{'y' * 30}")
    assert refusal["detail"] == f"sortby: '{'z' * 49}y' is not a valid choice"
