"""Fixtures of the API tests: a realistic catalog and a DRF test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.db import transaction
from factories import Catalog, build_catalog
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from people import people, set_env  # noqa: F401  (fixtures of the accounts tests)
from rest_framework.test import APIClient


@pytest.fixture(scope="module")
def module_catalog(django_db_setup: None, django_db_blocker: Any) -> Iterator[Catalog]:
    """One catalog per test module, inside a transaction rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_catalog()
        transaction.set_rollback(True)


@pytest.fixture
def catalog(module_catalog: Catalog, db: None) -> Catalog:
    """The module's catalog; each test runs in a savepoint, so its own writes are undone."""
    return module_catalog


@pytest.fixture
def api() -> APIClient:
    return APIClient()


# ---------------------------------------------------------------- the contract

CONTRACT = "contracts/mitlearn-api-v1.yaml"
CONTRACT_V0 = "contracts/mitlearn-api-v0.yaml"


def _nullable_refs_accept_null(node: Any) -> None:
    """drf-spectacular writes nullable nested objects as ``{allOf: [$ref], nullable: true}``.

    Under OpenAPI 3.0.3 ``nullable`` only widens an explicit ``type``, so strict validators
    (openapi-core) reject the ``null`` the real API sends. Rewrite them to the intended meaning:
    the referenced object or null.
    """
    if isinstance(node, dict):
        if node.get("nullable") and "allOf" in node and "type" not in node:
            node["oneOf"] = [*node.pop("allOf"), {"enum": [None]}]
        for value in node.values():
            _nullable_refs_accept_null(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_refs_accept_null(value)


def _children_are_lists(spec: dict[str, Any]) -> None:
    """The real API sends ``children`` as a list of relationship objects; the generated contract
    declares a single object. Declare the list the clients actually receive."""
    for schema in spec["components"]["schemas"].values():
        children = schema.get("properties", {}).get("children")
        if children and "allOf" in children:
            schema["properties"]["children"] = {
                "type": "array",
                "items": children["allOf"][0],
                "readOnly": True,
            }


def _course_number_department_may_be_null(spec: dict[str, Any]) -> None:
    """MIT Learn sends ``department: null`` for a course number outside its department list (its
    serializer passes the stored null through); the generated contract says non-nullable."""
    schema = spec["components"]["schemas"].get("CourseNumber")
    if schema:
        department = schema["properties"]["department"]
        schema["properties"]["department"] = {"oneOf": [department, {"enum": [None]}]}


def _feed_items_discriminate_on_feed_type(spec: dict[str, Any]) -> None:
    """The v0 contract's ``FeedItem`` names ``resource_type`` as its discriminator, a property
    neither item schema has; MIT Learn's serializer picks the shape by ``feed_type``, which its
    responses carry. Declare the property the real API sends."""
    schema = spec["components"]["schemas"].get("FeedItem")
    if schema and "discriminator" in schema:
        schema["discriminator"]["propertyName"] = "feed_type"


def load_contract(shared_dir: Path, name: str) -> OpenAPI:
    spec = yaml.safe_load((shared_dir / name).read_text())
    _children_are_lists(spec)
    _course_number_department_may_be_null(spec)
    _feed_items_discriminate_on_feed_type(spec)
    _nullable_refs_accept_null(spec)
    # The v1 spec declares a path parameter that /api/v1/contentfiles/ lacks: skip spec checks.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


@pytest.fixture(scope="session")
def contract(shared_dir: Path) -> OpenAPI:
    return load_contract(shared_dir, CONTRACT)


@pytest.fixture(scope="session")
def contract_v0(shared_dir: Path) -> OpenAPI:
    return load_contract(shared_dir, CONTRACT_V0)


class ContractCheck:
    def __init__(self, api: OpenAPI, client: APIClient) -> None:
        self.api = api
        self.client = client

    def get(self, url: str, status: int = 200) -> Any:
        """GET ``url``, assert the status, validate the body against the contract, return it."""
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code, response.content[:500])
        path = url.split("?", 1)[0]
        request = MockRequest("http://localhost", "get", path)
        body = MockResponse(
            response.content, status_code=response.status_code, content_type="application/json"
        )
        self.api.validate_response(request, body)
        return response.json()


@pytest.fixture
def checked(contract: OpenAPI, api: APIClient) -> ContractCheck:
    return ContractCheck(contract, api)


@pytest.fixture
def checked_v0(contract_v0: OpenAPI, api: APIClient) -> ContractCheck:
    return ContractCheck(contract_v0, api)


# ---------------------------------------------------------------- both contracts, any method


class ContractValidator:
    """Validate a response of any method against the v0 or v1 contract (by its path)."""

    def __init__(self, v0: OpenAPI, v1: OpenAPI) -> None:
        self.v0 = v0
        self.v1 = v1

    def __call__(self, method: str, url: str, response: Any) -> Any:
        path = url.split("?", 1)[0]
        api = self.v0 if path.startswith("/api/v0/") else self.v1
        request = MockRequest("http://localhost", method.lower(), path)
        body = MockResponse(
            response.content, status_code=response.status_code, content_type="application/json"
        )
        api.validate_response(request, body)
        return response.json() if response.content else None


@pytest.fixture
def validate(contract_v0: OpenAPI, contract: OpenAPI) -> ContractValidator:
    return ContractValidator(contract_v0, contract)
