"""The indexer's bulk resource JSON is byte for byte ``serialize_resources``'s."""

from __future__ import annotations

import orjson
import pytest
from factories import Catalog, build_catalog

from learn.catalog.bulk_json import ResourceJsonBuilder
from learn.catalog.constants import ResourceType
from learn.catalog.models import Image, LearningResource
from learn.catalog.queries import published_resources, resource_queryset
from learn.catalog.serializers import serialize_resources
from learn.search.indexing import resource_documents


@pytest.fixture
def catalog(db: None) -> Catalog:
    catalog = build_catalog()
    # A learning path without its own image shows its first item's.
    LearningResource.objects.filter(pk=catalog["path"].pk).update(image=None)
    return catalog


def _dumps(rows: list[dict[str, object]]) -> list[bytes]:
    return [orjson.dumps(row) for row in rows]


def _assert_same(rows: list[dict[str, object]], expected: list[dict[str, object]]) -> None:
    """Byte-identical JSON; on a difference, name the resource and field first."""
    assert [row["id"] for row in rows] == [row["id"] for row in expected]
    for row, want in zip(rows, expected, strict=True):
        assert list(row) == list(want), row["id"]
        for key in want:
            assert orjson.dumps(row[key]) == orjson.dumps(want[key]), (row["id"], key)
    assert _dumps(rows) == _dumps(expected)


def _expected() -> list[dict[str, object]]:
    return serialize_resources(resource_queryset().order_by("id"))


def test_bulk_json_equals_serialize_resources(catalog: Catalog) -> None:
    expected = _expected()
    resources = list(published_resources().order_by("id"))
    # Every type the catalog has, bulk-built or delegated.
    assert {r.resource_type for r in resources} == set(ResourceType.values)
    _assert_same(ResourceJsonBuilder().serialize(resources), expected)


def test_bulk_json_across_batches_and_orders(catalog: Catalog) -> None:
    expected = {row["id"]: orjson.dumps(row) for row in _expected()}
    resources = list(published_resources().order_by("-id"))
    builder = ResourceJsonBuilder()
    half = len(resources) // 2
    rows = builder.serialize(resources[:half]) + builder.serialize(resources[half:])
    assert [row["id"] for row in rows] == [r.pk for r in resources]
    assert [orjson.dumps(row) for row in rows] == [expected[r.pk] for r in resources]


def test_bulk_json_sees_reference_rows_of_later_batches(catalog: Catalog) -> None:
    builder = ResourceJsonBuilder()
    first, *rest = list(published_resources().order_by("id"))
    builder.serialize([first])
    rows = builder.serialize(rest)
    expected = _expected()[1:]
    _assert_same(rows, expected)


def test_learning_path_image_falls_back_to_first_item(catalog: Catalog) -> None:
    path = published_resources().get(pk=catalog["path"].pk)
    (row,) = ResourceJsonBuilder().serialize([path])
    assert row["image"] is not None
    assert row["image"]["id"] in set(Image.objects.values_list("id", flat=True))
    assert orjson.dumps(row) == orjson.dumps(serialize_resources([path])[0])


def test_index_documents_carry_serialize_resources_json(catalog: Catalog) -> None:
    expected = [
        row for row in _expected() if row["resource_type"] != ResourceType.learning_path.value
    ]
    docs = list(resource_documents())
    assert [orjson.dumps(d.source) for d in docs] == _dumps(expected)
    some = [int(d.id) for d in docs[::2]]
    assert [int(d.id) for d in resource_documents(ids=some)] == some
