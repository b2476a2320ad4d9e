"""The v0 vector endpoints' query parameters: what each parses to, and every refusal (a 400 that
names each bad parameter). The views turn ``ParamError.errors`` into the 400's ``errors``."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict

from learn.retrieval.vector_params import (
    MAX_WINDOW,
    ParamError,
    parse_content_file_search,
    parse_resource_search,
    parse_similar,
)


def _errors(parse: Any, query: str) -> dict[str, str]:
    with pytest.raises(ParamError) as caught:
        parse(QueryDict(query))
    return caught.value.errors


def test_defaults() -> None:
    parsed = parse_resource_search(QueryDict(""))
    assert parsed.filters == {}
    assert parsed.values == {
        "q": "", "offset": 0, "limit": 10, "hybrid_search": False, "dev_mode": False,
        "aggregations": [], "sortby": None, "score_cutoff": 0.0,
    }  # fmt: skip


def test_values_parse() -> None:
    parsed = parse_resource_search(
        QueryDict(
            "q=+heat+&offset=990&limit=10&hybrid_search=yes&dev_mode=1&topic=Physics,Energy"
            "&topic[]=Math&resource_type=course&free=false&professional=TRUE&readable_id=x1"
            "&aggregations=topic,platform&sortby=-views&score_cutoff=0.25&url__isnull=false"
        )
    )
    assert parsed.values == {
        "q": "heat", "offset": 990, "limit": 10, "hybrid_search": True, "dev_mode": True,
        "aggregations": ["topic", "platform"], "sortby": "-views", "score_cutoff": 0.25,
    }  # fmt: skip
    assert parsed.filters == {
        "topic": ["Physics", "Energy", "Math"],
        "resource_type": ["course"],
        "free": ["false"],
        "professional": ["true"],
        "readable_id": ["x1"],
        "url_isnull": ["false"],
    }


@pytest.mark.parametrize("name", ["topic", "resource_type", "offered_by", "aggregations"])
def test_an_empty_list_value_is_refused(name: str) -> None:
    assert _errors(parse_resource_search, f"{name}=") == {name: "must not be empty"}
    assert _errors(parse_resource_search, f"{name}=%20") == {name: "must not be empty"}
    assert _errors(parse_similar, f"{name}=" if name != "aggregations" else "topic=") != {}


def test_an_empty_content_file_filter_is_refused() -> None:
    assert _errors(parse_content_file_search, "platform=") == {"platform": "must not be empty"}


def test_the_vector_search_answers_400_for_an_empty_topic(client: Any) -> None:
    response = client.get("/api/v0/vector_learning_resources_search/?q=heat&topic=")
    assert response.status_code == 400
    assert response.json()["errors"] == {"topic": ["must not be empty"]}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("limit=0", {"limit": "must be between 1 and 1000"}),
        ("limit=1001", {"limit": "must be between 1 and 1000"}),
        ("limit=ten", {"limit": "must be an integer, got 'ten'"}),
        ("offset=-1", {"offset": "must be between 0 and 1000"}),
        ("offset=991&limit=10", {"limit": f"offset + limit must not exceed {MAX_WINDOW}"}),
        ("score_cutoff=1.5", {"score_cutoff": "must be between 0.0 and 1.0"}),
        ("score_cutoff=-0.1", {"score_cutoff": "must be between 0.0 and 1.0"}),
        ("score_cutoff=high", {"score_cutoff": "must be a number, got 'high'"}),
        ("free=maybe", {"free": "must be true or false, got 'maybe'"}),
        ("resource_type=spaceship,course", {"resource_type": "invalid value(s) spaceship"}),
        ("sortby=random", {"sortby": "invalid value 'random'"}),
        ("aggregations=nope", {"aggregations": "invalid value(s) nope"}),
        ("colour=red&zz=1", {"colour": "unknown parameter", "zz": "unknown parameter"}),
        ("q=" + "x" * 2001, {"q": "at most 2000 characters allowed (got 2001)"}),
        (
            "limit=0&free=maybe",
            {"limit": "must be between 1 and 1000", "free": "must be true or false, got 'maybe'"},
        ),
    ],
)
def test_refusals_name_each_parameter(query: str, errors: dict[str, str]) -> None:
    assert _errors(parse_resource_search, query) == errors


def test_bounds_are_inclusive() -> None:
    parsed = parse_resource_search(QueryDict("limit=1000&score_cutoff=1&offset=0"))
    assert (parsed.values["limit"], parsed.values["score_cutoff"]) == (1000, 1.0)
    parsed = parse_resource_search(QueryDict("limit=1&score_cutoff=0&offset=999"))
    assert (parsed.values["limit"], parsed.values["offset"]) == (1, 999)
    assert parse_resource_search(QueryDict("q=" + "x" * 2000)).values["q"] == "x" * 2000


def test_blank_scalars_take_their_defaults() -> None:
    parsed = parse_resource_search(QueryDict("limit=&offset=&score_cutoff=&free=&sortby="))
    assert parsed.values["limit"] == 10 and parsed.values["offset"] == 0
    assert parsed.values["score_cutoff"] == 0.0 and parsed.values["sortby"] is None
    assert "free" not in parsed.filters


def test_the_last_value_of_a_scalar_wins() -> None:
    assert parse_resource_search(QueryDict("limit=5&limit=7")).values["limit"] == 7


def test_similar_and_content_files() -> None:
    similar = parse_similar(QueryDict("limit=100&certification=no&level=graduate"))
    assert similar.values == {"limit": 100}
    assert similar.filters == {"certification": ["false"], "level": ["graduate"]}
    assert parse_similar(QueryDict("")).values == {"limit": 12}
    assert _errors(parse_similar, "limit=101") == {"limit": "must be between 1 and 100"}
    assert _errors(parse_similar, "q=x") == {"q": "unknown parameter"}
    files = parse_content_file_search(
        QueryDict("platform=ocw&group_by=key&group_size=3&collection_name=content_files")
    )
    assert files.filters == {"platform": ["ocw"]}
    assert (files.values["group_by"], files.values["group_size"]) == ("key", 3)
    assert files.values["collection_name"] == "content_files"
    assert parse_content_file_search(QueryDict("")).values["group_size"] == 1
    assert _errors(parse_content_file_search, "group_size=0") == {
        "group_size": "must be between 1 and 100"
    }
