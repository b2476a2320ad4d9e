"""The search endpoints: MIT Learn's parameters and response shapes, validated by the contract."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from factories import Catalog, build_catalog
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.test import APIClient

from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index

SEARCH = "/api/v1/learning_resources_search/"
FILES = "/api/v1/content_file_search/"


def _spec_fixes() -> Any:
    """The API tests' corrections of known contract quirks (nullable refs, children lists)."""
    path = Path(__file__).parents[1] / "api" / "conftest.py"
    if str(path.parent) not in sys.path:  # its sibling modules, when tests/api is not collected
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location("api_contract_fixes", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def contract(shared_dir: Path) -> OpenAPI:
    fixes = _spec_fixes()
    spec = yaml.safe_load((shared_dir / "contracts/mitlearn-api-v1.yaml").read_text())
    fixes._children_are_lists(spec)
    fixes._nullable_refs_accept_null(spec)
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@pytest.fixture
def indexed(db: None, search_backend: TantivyBackend) -> Catalog:
    catalog = build_catalog()
    rebuild_index(search_backend)
    return catalog


def get(api: OpenAPI, url: str, status: int = 200) -> dict[str, Any]:
    response = APIClient().get(url)
    assert response.status_code == status, (url, response.content[:300])
    if status == 200:
        request = MockRequest("http://testserver", "get", url.split("?", 1)[0])
        api.validate_response(
            request,
            MockResponse(response.content, status_code=200, content_type="application/json"),
        )
    body: dict[str, Any] = response.json()
    return body


def test_search_answers_with_contract_shape(indexed: Catalog, contract: OpenAPI) -> None:
    body = get(
        contract,
        f"{SEARCH}?q=algorithms&aggregations=resource_type&aggregations=free"
        "&aggregations=topic&aggregations=offered_by&aggregations=level",
    )
    assert body["results"][0]["id"] == indexed["algorithms"].pk
    assert set(body["metadata"]["aggregations"]) == {
        "resource_type",
        "free",
        "topic",
        "offered_by",
        "level",
    }
    assert {b["key"] for b in body["metadata"]["aggregations"]["free"]} <= {"true", "false"}
    assert body["metadata"]["suggest"] == []


def test_every_sort_and_paging_links(indexed: Catalog, contract: OpenAPI) -> None:
    sorts = [
        "featured",
        "new",
        "upcoming",
        "id",
        "-id",
        "readable_id",
        "-readable_id",
        "last_modified",
        "-last_modified",
        "start_date",
        "-start_date",
        "mitcoursenumber",
        "-mitcoursenumber",
        "views",
        "-views",
    ]
    for sort in sorts:
        body = get(contract, f"{SEARCH}?sortby={sort}&limit=2")
        assert body["count"] >= 3 and len(body["results"]) == 2
        assert "offset=2" in body["next"] and body["previous"] is None
    ids = [r["id"] for r in get(contract, f"{SEARCH}?sortby=-views&limit=50")["results"]]
    views = {r.pk: r.view_count for r in indexed.resources.values()}
    assert [views[i] for i in ids] == sorted((views[i] for i in ids), reverse=True)
    second = get(contract, f"{SEARCH}?sortby=id&limit=2&offset=2")
    assert "offset=0" in second["previous"]


def test_filters_and_disjunctive_facets(indexed: Catalog, contract: OpenAPI) -> None:
    body = get(
        contract,
        f"{SEARCH}?resource_type=course&free=false&aggregations=resource_type&aggregations=free",
    )
    assert {r["id"] for r in body["results"]} == {indexed["ai_leaders"].pk}
    types = {b["key"] for b in body["metadata"]["aggregations"]["resource_type"]}
    assert "course" in types  # counted with free=false but ignoring its own filter
    assert {b["key"] for b in body["metadata"]["aggregations"]["free"]} == {"true", "false"}


def test_instructor_filter_and_facet(indexed: Catalog, contract: OpenAPI) -> None:
    everyone = get(contract, f"{SEARCH}?aggregations=instructor&limit=0")
    names = {b["key"]: b["doc_count"] for b in everyone["metadata"]["aggregations"]["instructor"]}
    assert names, "the catalog's instructors are a facet"
    name, count = next(iter(names.items()))
    body = get(contract, f"{SEARCH}?instructor={name.upper()}&aggregations=instructor&limit=50")
    assert body["count"] == count
    for result in body["results"]:
        taught = {i["full_name"] for run in result["runs"] for i in run["instructors"]}
        assert name in taught
    response = APIClient().get(f"{SEARCH}?instructor=")
    assert response.status_code == 400 and response.json()["param"] == "instructor"


def test_did_you_mean_only_when_the_correction_finds_results(
    indexed: Catalog, contract: OpenAPI
) -> None:
    body = get(contract, f"{SEARCH}?q=algoritms&search_mode=phrase")
    assert body["count"] > 0 and body["metadata"]["suggest"] == ["algorithms"]
    # No podcast is about algorithms: the correction would find nothing, so none is offered.
    body = get(contract, f"{SEARCH}?q=algoritms&resource_type=podcast&search_mode=phrase")
    assert body["count"] == 0 and body["metadata"]["suggest"] == []
    assert get(contract, f"{SEARCH}?q=algorithms&resource_type=podcast")["count"] == 0


def test_content_file_search(indexed: Catalog, contract: OpenAPI) -> None:
    body = get(contract, f"{FILES}?aggregations=content_feature_type&aggregations=platform")
    assert body["count"] >= 1
    assert set(body["metadata"]["aggregations"]) == {"content_feature_type", "platform"}
    resource_id = body["results"][0]["resource_id"]
    filtered = get(contract, f"{FILES}?resource_id={resource_id}&sortby=-id")
    assert {r["resource_id"] for r in filtered["results"]} == {resource_id}


def test_dev_mode_returns_the_query_and_explanations(indexed: Catalog, contract: OpenAPI) -> None:
    body = get(contract, f"{SEARCH}?q=algorithms&dev_mode=true")
    dev = body["metadata"]["dev_mode"]
    assert dev["engine"] == "tantivy" and dev["parsed"]["words"] == ["algorithms"]
    assert dev["tuning"]["search_mode"] == "phrase" and dev["query"]
    assert [h["id"] for h in dev["hits"]] == [str(r["id"]) for r in body["results"]]
    assert all(h["explanation"]["text"]["value"] > 0 for h in dev["hits"])
    assert "dev_mode" not in get(contract, f"{SEARCH}?q=algorithms")["metadata"]
    files = get(contract, f"{FILES}?q=notes&dev_mode=true")
    assert files["metadata"]["dev_mode"]["engine"] == "tantivy"


def test_admin_params_serve_the_tuning_defaults(db: None) -> None:
    body = APIClient().get("/api/v0/learning_resources_search_admin_params/").json()
    assert body["search_mode"] == "hybrid" and body["slop"] == 6
    assert set(body) == {
        "search_mode",
        "slop",
        "yearly_decay_percent",
        "min_score",
        "max_incompleteness_penalty",
        "content_file_score_weight",
    }


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("colour=blue", "colour"),
        ("sortby=relevance", "sortby"),
        ("resource_type=book", "resource_type"),
        ("free=maybe", "free"),
        ("limit=100000", "limit"),
        ("limit=-1", "limit"),
        ("offset=99999999", "offset"),
        ("offset=abc", "offset"),
        ("min_score=51", "min_score"),
        ("yearly_decay_percent=x", "yearly_decay_percent"),
        ("search_mode=fuzzy", "search_mode"),
        ("aggregations=colour", "aggregations"),
        ("id=abc", "id"),
        ("department=99", "department"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    indexed: Catalog, query: str, param: str
) -> None:
    response = APIClient().get(f"{SEARCH}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["param"] == param and param in body["detail"]
    if param in ("sortby", "resource_type", "search_mode", "aggregations", "free"):
        assert body["choices"]


def test_content_file_search_refuses_resource_params(indexed: Catalog) -> None:
    response = APIClient().get(f"{FILES}?sortby=views")
    assert response.status_code == 400 and response.json()["choices"]


@pytest.mark.parametrize(
    "q",
    ["title:(", '"unbalanced', "AND OR NOT", "*", "~", "\\", "x" * 10_000, "a\x01b", "😀 6.006"],
)
def test_query_syntax_is_searched_as_text(indexed: Catalog, contract: OpenAPI, q: str) -> None:
    from urllib.parse import quote

    get(contract, f"{SEARCH}?q={quote(q)}&aggregations=topic")


def test_engine_down_is_503_and_the_rest_keeps_serving(
    db: None, search_backend: TantivyBackend
) -> None:
    import tantivy

    # The index on disk has a schema this version cannot read: the engine is unusable.
    search_backend.root.mkdir(parents=True, exist_ok=True)
    (search_backend.root / "CURRENT").write_text("g9")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("other")
    (search_backend.root / "g9").mkdir()
    tantivy.Index(builder.build(), path=str(search_backend.root / "g9"))
    response = APIClient().get(f"{SEARCH}?q=algorithms")
    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]
    assert APIClient().get("/api/v0/learning_resources_search_admin_params/").status_code == 200
    # and a rebuild brings it back
    rebuild_index(search_backend)
    assert APIClient().get(f"{SEARCH}?q=algorithms").status_code == 200


# Our documented additions to MIT Learn's search parameters (a filter and its facet); clients that
# never send them see MIT's contract unchanged.
EXTENSIONS = frozenset({"instructor"})


def _described(schema: dict[str, Any]) -> dict[str, Any]:
    """What a parameter's schema says, without the prose (and without our extension values)."""
    out = {k: v for k, v in schema.items() if k not in ("description", "default", "minLength")}
    if "enum" in out:
        out["enum"] = sorted(v for v in out["enum"] if v not in EXTENSIONS)
    if "items" in out:
        out["items"] = _described(out["items"])
    return out


def test_search_endpoints_are_in_our_openapi_schema(
    db: None, tmp_path: Path, shared_dir: Path
) -> None:
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    ours = yaml.safe_load(target.read_text())
    theirs = yaml.safe_load((shared_dir / "contracts/mitlearn-api-v1.yaml").read_text())
    for path, response in (
        (SEARCH, "LearningResourcesSearchResponse"),
        (FILES, "ContentFileSearchResponse"),
    ):
        operation = ours["paths"][path]["get"]
        expected = {p["name"]: p["schema"] for p in theirs["paths"][path]["get"]["parameters"]}
        actual = {p["name"]: p["schema"] for p in operation["parameters"]}
        assert set(actual) - EXTENSIONS == set(expected), path
        for name, schema in expected.items():
            # Ours may say more (slop's bounds, which the parser enforces), never differ.
            described = _described(actual[name])
            assert described | _described(schema) == described, (path, name)
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{response}"
        body = ours["components"]["schemas"][response]
        contract_body = theirs["components"]["schemas"][response]
        assert body["required"] == contract_body["required"]
        assert body["properties"]["metadata"] == contract_body["properties"]["metadata"]
        assert body["properties"]["results"] == contract_body["properties"]["results"]
    admin = ours["paths"]["/api/v0/learning_resources_search_admin_params/"]["get"]
    ref = admin["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    params = ours["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(params["properties"]) == set(
        APIClient().get("/api/v0/learning_resources_search_admin_params/").json()
    )


def test_default_mode_is_quietly_lexical_without_vectors(
    indexed: Catalog, contract: OpenAPI
) -> None:
    # No resource is embedded (empty vector store): the default (hybrid) answers lexically,
    # names the mode it used and raises no fallback flag.
    body = get(contract, f"{SEARCH}?q=algorithms&aggregations=resource_type")
    phrase = get(contract, f"{SEARCH}?q=algorithms&aggregations=resource_type&search_mode=phrase")
    assert body["metadata"]["search_mode"] == "phrase"
    assert "hybrid_fallback" not in body["metadata"] and "hybrid_error" not in body["metadata"]
    assert body["results"] == phrase["results"] and body["count"] == phrase["count"]
    assert body["metadata"]["aggregations"] == phrase["metadata"]["aggregations"]


def test_default_mode_follows_the_setting(
    indexed: Catalog, contract: OpenAPI, settings: Any
) -> None:
    settings.SEARCH_DEFAULT_MODE = "best_fields"
    admin = APIClient().get("/api/v0/learning_resources_search_admin_params/").json()
    assert admin["search_mode"] == "best_fields"
    body = get(contract, f"{SEARCH}?q=algorithms")
    assert body["metadata"]["search_mode"] == "best_fields"


def test_backends_rank_hybrid_as_phrase(indexed: Catalog, search_backend: TantivyBackend) -> None:
    from dataclasses import replace

    from learn.search.query import DEFAULT_TUNING, SearchQuery

    assert DEFAULT_TUNING.search_mode == "phrase"  # what internal callers hand a backend
    phrase = search_backend.search(SearchQuery(text="introduction algorithms", limit=20))
    hybrid = search_backend.search(
        SearchQuery(
            text="introduction algorithms",
            limit=20,
            tuning=replace(DEFAULT_TUNING, search_mode="hybrid"),
        )
    )
    assert [h.id for h in hybrid.hits] == [h.id for h in phrase.hits] and phrase.hits
