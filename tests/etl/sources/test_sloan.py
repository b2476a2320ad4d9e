"""Sloan Executive Education: courses and offerings behind a client-credentials token."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.replay import recipes
from learn.etl.sources import _fetch, sloan


@pytest.fixture
def payload(fixtures_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    folder = fixtures_dir / "sloan"
    return (
        json.loads((folder / "test_sloan_courses.json").read_text()),
        json.loads((folder / "test_sloan_runs.json").read_text()),
    )


@pytest.fixture
def records(payload: Any) -> dict[str, Any]:
    return {r.readable_id: r for item in sloan.raw_items(*payload) for r in sloan.transform(item)}


def test_every_course_becomes_a_record(records: dict[str, Any]) -> None:
    assert len(records) == 99
    assert sum(r.published for r in records.values()) == 91  # 8 courses have no offering
    assert all(r.platform == "see" and r.etl_source == "see" for r in records.values())


def test_course_with_offerings(records: dict[str, Any]) -> None:
    dsi = records["a056g00000URaMqAAL"]
    assert (
        dsi.title
        == "Driving Strategic Innovation: Achieving High Performance Throughout the Value Chain"
    )
    assert (
        dsi.url
        == "https://executive.mit.edu/course/driving-strategic-innovation/a056g00000URaMqAAL.html"
    )
    assert dsi.topics == ["Business Innovation"]
    assert dsi.professional is True and dsi.certification_type == "professional"
    assert dsi.continuing_ed_credits == Decimal("5.00")
    runs = {r.run_id: r for r in dsi.runs}
    first = runs["DSI 9-22-2024"]
    assert first.start_date == datetime(2024, 9, 22, tzinfo=UTC)
    assert first.delivery == ["in_person"] and first.location == "Cambridge, MA"
    assert [p.amount for p in first.prices] == [Decimal("12500.00")]
    assert [i.full_name for i in first.instructors] == [
        "Charles Fine",
        "Duncan Simester",
        "William Fischer",
        "Howard Yu",
    ]
    lausanne = runs["DSI 5-4-2025"]
    assert lausanne.location == "Lausanne, Switzerland"
    assert [(p.amount, p.currency) for p in lausanne.prices] == [(Decimal("12500.00"), "USD")]


def test_on_demand_offerings_are_anytime_and_self_paced(payload: Any) -> None:
    courses, offerings = payload
    pla = next(o for o in offerings if o["CO_Title"] == "PLA 11-18-2024")
    course = next(x for x in courses if x["Course_Id"] == pla["Course_Id"])
    (record,) = sloan.transform({"course": course, "offerings": [pla]})
    (run,) = record.runs
    assert run.availability == "anytime" and run.pace == ["self_paced"]
    assert run.location == ""  # "N/A"
    assert record.availability == "anytime"


def test_course_without_url_is_a_transform_error(payload: Any) -> None:
    courses, _ = payload
    with pytest.raises(TransformError, match="URL") as err:
        sloan.transform({"course": dict(courses[0], URL=None), "offerings": []})
    assert err.value.item_id == courses[0]["Course_Id"]


def test_extract_with_token(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    _serve(stand_in, fixtures_dir, source_env)
    assert sloan.configured()
    raw = sloan.extract()
    assert len(raw) == 99
    assert sum(len(item["offerings"]) for item in raw) == 134  # 3 offerings name unknown courses


def test_extract_token_refused(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    _serve(stand_in, fixtures_dir, source_env)
    source_env(SEE_API_CLIENT_ID="wrong")
    with pytest.raises(_fetch.FetchError, match="401"):
        sloan.extract()


def _serve(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    source_env(**recipes.sloan(stand_in, fixtures_dir))


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    _serve(stand_in, fixtures_dir, source_env)
    run = run_source("sloan")
    assert run.status == "ok", run.message
    assert (run.created, run.failed) == (99, 0)
    assert LearningResource.objects.filter(etl_source="see", published=True).count() == 91
    dsi = LearningResource.objects.get(readable_id="a056g00000URaMqAAL")
    assert dsi.offered_by_id == "see" and dsi.professional is True
    assert dsi.runs.get(run_id="DSI 9-22-2024").prices == ["12500.00"]
