"""xPRO: transform from the recorded payloads, extract through a local stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import _fetch, xpro


@pytest.fixture
def courses(fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / "xpro" / "xpro_courses.json").read_text())


@pytest.fixture
def programs(fixtures_dir: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures_dir / "xpro" / "xpro_programs.json").read_text())


def test_course_fields(courses: list[dict[str, Any]]) -> None:
    record = xpro.transform({"kind": "course", "course": courses[0]})[0]
    assert record.readable_id == "course-v1:xPRO+LASERx4"
    assert record.title == "Discovering and Implementing Your Leadership Strengths"
    assert record.platform == "xpro" and record.offered_by == "xpro" and record.etl_source == "xpro"
    assert record.description == "A three-week online course for technical professionals"
    assert record.professional is True
    assert record.certification is True and record.certification_type == "professional"
    assert record.topics == ["Leadership & Organizations", "Organization & Leadership"]
    assert record.continuing_ed_credits == Decimal("1.25")
    assert record.delivery == ["online"]
    assert record.published is True
    assert [r.run_id for r in record.runs] == [
        "course-v1:xPRO+LASERx4+R16",
        "course-v1:xPRO+LASERx4+R17",
        "course-v1:xPRO+LASERx4+R18",
    ]
    first = record.runs[0]
    assert first.start_date == datetime(2025, 2, 10, 5, tzinfo=UTC)
    assert [p.amount for p in first.prices] == [Decimal("999.00")]
    assert [(i.full_name, i.last_name) for i in first.instructors] == [("David Niño", "Niño")]
    assert (
        record.runs[1].url
        == "https://courses.xpro.mit.edu/courses/course-v1:xPRO+LASERx4+R17/course/"
    )


def test_course_without_prices_is_unpublished(courses: list[dict[str, Any]]) -> None:
    course = json.loads(json.dumps(courses[1]))
    for run in course["courseruns"]:
        run["current_price"] = None
    record = xpro.transform_course(course)
    assert record.published is False
    assert all(not run.published and run.prices == [] for run in record.runs)


def test_partner_platforms_are_mapped(courses: list[dict[str, Any]]) -> None:
    record = xpro.transform_course(dict(courses[0], platform="Global Alumni", format="In person"))
    assert record.platform == "globalalumni"
    assert record.delivery == ["in_person"]


def test_program_children_in_order(programs: list[dict[str, Any]]) -> None:
    record = xpro.transform({"kind": "program", "program": programs[1]})[0]
    assert record.readable_id == "program-v1:xPRO+LASERx"
    assert record.resource_type == "program"
    assert [(ch.readable_id, ch.position, ch.relation_type) for ch in record.children] == [
        ("course-v1:xPRO+LASERx1", 0, "PROGRAM_COURSES"),
        ("course-v1:xPRO+LASERx2", 1, "PROGRAM_COURSES"),
        ("course-v1:xPRO+LASERx3", 2, "PROGRAM_COURSES"),
        ("course-v1:xPRO+LASERx4", 3, "PROGRAM_COURSES"),
    ]
    (run,) = record.runs
    assert [p.amount for p in run.prices] == [Decimal("3519.00")]
    assert run.instructors[0].full_name == "Edward F. Crawley"
    qcr = xpro.transform_program(programs[0])
    assert qcr.topics == ["Quantum Computing"]
    assert qcr.continuing_ed_credits == Decimal("4.50")
    assert qcr.runs[0].end_date == datetime(2025, 6, 16, 23, 30, tzinfo=UTC)


def test_missing_readable_id_is_a_transform_error(courses: list[dict[str, Any]]) -> None:
    broken = {k: v for k, v in courses[0].items() if k != "readable_id"}
    with pytest.raises(TransformError, match="readable_id"):
        xpro.transform({"kind": "course", "course": broken})


def test_extract_through_stand_in(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    source_env(
        XPRO_COURSES_API_URL=stand_in.serve_file(
            "/api/courses/", fixtures_dir / "xpro" / "xpro_courses.json"
        ),
        XPRO_CATALOG_API_URL=stand_in.serve_file(
            "/api/programs/", fixtures_dir / "xpro" / "xpro_programs.json"
        ),
    )
    assert xpro.configured()
    raw = xpro.extract()
    records = [r for item in raw for r in xpro.transform(item)]
    assert [(r.resource_type, r.readable_id) for r in records] == [
        ("course", "course-v1:xPRO+LASERx4"),
        ("course", "course-v1:xPRO+LASERx3"),
        ("program", "program-v1:xPRO+QCR"),
        ("program", "program-v1:xPRO+LASERx"),
    ]


def test_extract_garbage_json(stand_in: Any, source_env: Any) -> None:
    source_env(
        XPRO_COURSES_API_URL=stand_in.serve("/api/courses/", "<html>oops</html>", ctype="text/html")
    )
    with pytest.raises(_fetch.BadPayload, match="not valid JSON"):
        xpro.extract()


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    source_env(
        XPRO_COURSES_API_URL=stand_in.serve_file(
            "/api/courses/", fixtures_dir / "xpro" / "xpro_courses.json"
        ),
        XPRO_CATALOG_API_URL=stand_in.serve_file(
            "/api/programs/", fixtures_dir / "xpro" / "xpro_programs.json"
        ),
    )
    run = run_source("xpro")
    assert run.status == "ok", run.message
    assert run.created == 4
    course = LearningResource.objects.get(
        readable_id="course-v1:xPRO+LASERx4", resource_type="course"
    )
    assert course.professional is True and course.free is False
    assert course.certification_type == "professional"
    assert course.continuing_ed_credits == Decimal("1.25")
    run17 = course.runs.get(run_id="course-v1:xPRO+LASERx4+R17")
    assert run17.prices == ["999.00"]
    assert [i.full_name for i in run17.instructors.all()] == ["David Niño"]
    program = LearningResource.objects.get(readable_id="program-v1:xPRO+LASERx")
    # only the courses that xPRO's course API lists exist; the others are reported, not invented
    assert [rel.child.readable_id for rel in program.children.order_by("position")] == [
        "course-v1:xPRO+LASERx3",
        "course-v1:xPRO+LASERx4",
    ]
    run.refresh_from_db()
    assert any("course-v1:xPRO+LASERx1" in e["message"] for e in run.errors)
