"""edX (MITx): catalog API behind a client-credentials token, served by a local stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.replay import recipes
from learn.etl.sources import _fetch, mit_edx

ALT = "http://localhost/fake-alt-url/"


def _json(fixtures_dir: Path, name: str) -> Any:
    return json.loads((fixtures_dir / "edx" / name).read_text())


def _course(raw: dict[str, Any]) -> list[Any]:
    return mit_edx.transform(
        {"kind": "course", "course": raw, "base_url": "https://www.edx.org/", "alt_url": ALT}
    )


def test_mitx_course(fixtures_dir: Path) -> None:
    courses = _json(fixtures_dir, "test_mitx_course.json")["results"]
    (record,) = _course(courses[0])
    assert record.readable_id == "MITx+15.071x"
    assert record.title == "The Analytics Edge"
    assert (
        record.platform == "edx" and record.etl_source == "mit_edx" and record.offered_by == "mitx"
    )
    assert record.url == "http://localhost/fake-alt-url/this_course"
    assert record.topics == ["Data Analysis & Statistics"]
    assert record.departments == ["15"]
    assert record.course_numbers[0].value == "15.071x"
    assert record.certification is True and record.certification_type == "completion"
    (run,) = record.runs
    assert run.run_id == "course-v1:MITx+15.071x+1T2019"
    assert run.published is True
    assert run.start_date == datetime(2019, 2, 20, 15, tzinfo=UTC)
    assert [p.amount for p in run.prices] == [Decimal("0.00"), Decimal("150.00")]
    assert [i.full_name for i in run.instructors] == ["Dimitris Bertsimas", "Allison O'Hair"]
    assert run.level == ["intermediate"] and run.languages == ["en"]
    assert (run.min_weeks, run.min_weekly_hours, run.max_weekly_hours) == (13, 10, 15)
    assert (run.year, run.semester) == (2019, "Spring")


def test_archived_course_is_unpublished_without_prices(fixtures_dir: Path) -> None:
    courses = _json(fixtures_dir, "test_mitx_course.json")["results"]
    (record,) = _course(courses[1])
    assert record.readable_id == "MITx+8.370.3x_review"
    assert record.published is False and record.certification is False
    assert record.runs[0].availability == "anytime" and record.runs[0].prices == []
    assert record.url is not None
    assert record.url.startswith(
        "https://www.edx.org/course/quantum-information-science-i-part-3-review"
    )
    # a marketing URL on another site falls back to the alternate URL pattern
    elsewhere = dict(courses[1], marketing_url="https://example.com/x")
    assert _course(elsewhere)[0].url == f"{ALT}MITx+8.370.3x_review/course/"


def test_non_mit_and_deleted_courses_are_dropped(fixtures_dir: Path) -> None:
    other = _json(fixtures_dir, "test_non_mitx_course.json")["results"][0]
    assert _course(other) == []
    mit = _json(fixtures_dir, "test_mitx_course.json")["results"][0]
    assert _course(dict(mit, title="[delete] The Analytics Edge")) == []


def test_programs(fixtures_dir: Path) -> None:
    programs = _json(fixtures_dir, "test_mitx_programs.json")
    records = [r for p in programs for r in mit_edx.transform({"kind": "program", "program": p})]
    (program,) = records  # the MicroMasters (IUx) and DelftX programs are not MIT's
    assert program.readable_id == "927093e3-46ba-4f44-a861-0f8c7aec4f74"
    assert program.title == "Circuits and Electronics"
    assert program.url == "https://www.edx.org/xseries/mitx-circuits-and-electronics"
    assert [c.readable_id for c in program.children] == [
        "MITx+6.002.1x",
        "MITx+6.002.2x",
        "MITx+6.002.3x",
    ]
    # price: the sum of each course's cheapest paid seat (3 x 189.00)
    assert [p.amount for p in program.runs[0].prices] == [Decimal("567.00")]


def test_course_without_key_is_a_transform_error(fixtures_dir: Path) -> None:
    course = _json(fixtures_dir, "test_mitx_course.json")["results"][0]
    with pytest.raises(TransformError, match="'key'"):
        _course({k: v for k, v in course.items() if k != "key"})


def _serve(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    source_env(**{**recipes.mit_edx(stand_in, fixtures_dir), "EDX_ALT_URL": ALT})


def test_extract_with_token(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    _serve(stand_in, fixtures_dir, source_env)
    assert mit_edx.configured()
    raw = mit_edx.extract()
    assert len(stand_in.hits("/oauth2/access_token")) == 1
    assert [r["kind"] for r in raw] == ["course", "course", "program", "program", "program"]
    assert raw[0]["alt_url"] == ALT


def test_extract_with_bad_credentials_fails(
    stand_in: Any, fixtures_dir: Path, source_env: Any
) -> None:
    _serve(stand_in, fixtures_dir, source_env)
    source_env(EDX_API_CLIENT_SECRET="wrong")
    with pytest.raises(_fetch.FetchError, match="401"):
        mit_edx.extract()


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    _serve(stand_in, fixtures_dir, source_env)
    run = run_source("mit_edx")
    assert run.status == "ok", run.message
    assert run.created == 3
    course = LearningResource.objects.get(readable_id="MITx+15.071x")
    assert course.published is True and course.platform_id == "edx"
    edge = course.runs.get()
    assert edge.prices == ["0.00", "150.00"]
    assert [i.full_name for i in edge.instructors.order_by("runinstructor__position")] == [
        "Dimitris Bertsimas",
        "Allison O'Hair",
    ]
    assert LearningResource.objects.get(readable_id="MITx+8.370.3x_review").published is False
    program = LearningResource.objects.get(readable_id="927093e3-46ba-4f44-a861-0f8c7aec4f74")
    assert program.resource_type == "program"
