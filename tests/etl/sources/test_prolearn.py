"""ProLearn: CSAIL and MITPE listings from a GraphQL catalog served by a local stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.replay import recipes
from learn.etl.sources import _fetch, prolearn

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def _docs(fixtures_dir: Path, name: str) -> list[dict[str, Any]]:
    data = json.loads((fixtures_dir / "prolearn" / name).read_text())
    return list(data["data"]["searchAPISearch"]["documents"])


@pytest.fixture
def records(fixtures_dir: Path) -> dict[str, Any]:
    docs = _docs(fixtures_dir, "prolearn_csail_programs.json") + _docs(
        fixtures_dir, "prolearn_mitpe_courses.json"
    )
    produced = [r for doc in docs for r in prolearn.transform(doc, now=NOW)]
    return {r.readable_id: r for r in prolearn.finalize(produced)}


def test_csail_programs(records: dict[str, Any]) -> None:
    ml = records["prolearn-csail-547"]
    assert ml.resource_type == "program" and ml.platform == "csail"
    assert ml.title == "Machine Learning for Business, Engineering, and Science"  # not "- Archived"
    assert ml.url == "https://csail.mit.edu/machine-learning-business-engineering-and-science"
    assert ml.topics == ["AI/Machine Learning"]
    assert [r.run_id for r in ml.runs] == ["prolearn-csail-547_4859740800"]  # ended run dropped
    assert [(c.readable_id, c.position) for c in ml.children] == [
        ("prolearn-csail-545", 0),
        ("prolearn-csail-546", 1),
    ]
    leadership = records["prolearn-csail-503"]
    assert leadership.url == "http://csail.mit.edu/programs/program-v1:xPRO-SL+LASERx-SL/"
    assert [p.amount for p in leadership.runs[0].prices] == [Decimal("2500.00")]


def test_mitpe_courses(records: dict[str, Any]) -> None:
    assert "prolearn-mitpe-1548" not in records  # dateless placeholder
    spanish = records["prolearn-mitpe-507"]
    assert spanish.resource_type == "course" and spanish.offered_by == "mitpe"
    assert spanish.delivery == ["hybrid"]
    assert spanish.runs[0].start_date == datetime.fromtimestamp(4859740800, tz=UTC)
    assert [p.amount for p in spanish.runs[0].prices] == [Decimal("20000.00")]
    ended = records["prolearn-mitpe-548"]
    assert ended.published is False and ended.runs == []
    assert ended.continuing_ed_credits == Decimal("2.60")
    assert ended.delivery == ["in_person"]


def test_missing_department_is_a_transform_error(fixtures_dir: Path) -> None:
    doc = _docs(fixtures_dir, "prolearn_mitpe_courses.json")[1]
    with pytest.raises(TransformError, match="department"):
        prolearn.transform(dict(doc, department=None), now=NOW)


def test_extract_posts_one_query_per_kind(
    stand_in: Any, fixtures_dir: Path, source_env: Any
) -> None:
    source_env(**recipes.prolearn(stand_in, fixtures_dir))
    assert prolearn.configured()
    docs = prolearn.extract()
    assert len(docs) == 7
    assert [r.method for r in stand_in.hits("/graphql")] == ["POST", "POST"]


def test_extract_graphql_errors_are_clear(stand_in: Any, source_env: Any) -> None:
    source_env(
        PROLEARN_GRAPHQL_URL=stand_in.serve("/graphql", '{"errors": [{"message": "bad query"}]}')
    )
    with pytest.raises(_fetch.BadPayload, match="bad query"):
        prolearn.extract()


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    source_env(**recipes.prolearn(stand_in, fixtures_dir))
    run = run_source("prolearn")
    assert run.status == "ok", run.message
    assert (run.created, run.skipped) == (5, 0)
    spanish = LearningResource.objects.get(readable_id="prolearn-mitpe-507")
    assert spanish.platform_id == "mitpe" and spanish.published is True
    assert spanish.runs.get().prices == ["20000.00"]
    assert LearningResource.objects.get(readable_id="prolearn-mitpe-548").published is False
