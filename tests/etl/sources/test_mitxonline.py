"""MITx Online: transform from the recorded payloads, extract through a local stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import _fetch, mitxonline

BASE = "https://mitxonline.mit.edu"


def _load(fixtures_dir: Path, name: str) -> Any:
    return json.loads((fixtures_dir / "mitxonline" / name).read_text())


@pytest.fixture
def payload(fixtures_dir: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    courses = _load(fixtures_dir, "mitxonline_courses.json")["results"]
    programs = _load(fixtures_dir, "mitxonline_programs.json")["results"]
    return courses, programs


def _records(courses: list[dict[str, Any]], programs: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for item in mitxonline.raw_items(courses, programs, BASE):
        for record in mitxonline.transform(item):
            out[record.readable_id] = record
    return out


def test_course_fields(payload: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
    records = _records(*payload)
    course = records["course-v1:MITxT+18.03.1x"]
    assert course.resource_type == "course"
    assert course.platform == "mitxonline" and course.offered_by == "mitx"
    assert course.title == "Introduction to Differential Equations"
    assert course.url == f"{BASE}/courses/course-v1:MITxT+18.03.1x/"
    assert course.image is not None
    assert course.image.url.startswith(f"{BASE}/media/original_images/18031_about_image_MITxO.png")
    assert course.published is True
    assert course.topics == ["Mathematics"]
    assert course.departments == ["18"]
    assert course.certification is True and course.certification_type == "completion"
    assert course.pace == ["instructor_paced"]
    assert [(n.value, n.listing_type, n.department_id) for n in course.course_numbers] == [
        ("18.03.1x", "primary", "18")
    ]
    current, past = course.runs
    assert current.run_id == "course-v1:MITxT+18.03.1x+2T2024"
    assert current.start_date == datetime(2024, 9, 4, 15, tzinfo=UTC)
    assert current.enrollment_end == datetime(2024, 12, 14, tzinfo=UTC)
    assert current.published is True
    assert [p.amount for p in current.prices] == [
        Decimal("0.00"),
        Decimal("123.00"),
        Decimal("456.00"),
    ]
    assert [i.full_name for i in current.instructors] == [
        "David Jerison",
        "Gigliola Staffilani",
        "Jennifer French",
    ]
    assert current.instructors[1].last_name == "Staffilani"
    # not enrollable: unpublished, free only
    assert past.run_id == "course-v1:MITxT+18.03.1x+2T2023"
    assert past.published is False
    assert [p.amount for p in past.prices] == [Decimal("0.00")]


def test_audit_only_course_has_no_certificate(payload: Any) -> None:
    course = _records(*payload)["course-v1:MITxT+18.03.2x"]
    assert course.certification is False and course.certification_type == "none"
    assert course.published is True
    assert course.runs[0].prices == []


def test_ai_ingest_flag_and_verified_only_prices(payload: Any) -> None:
    course = _records(*payload)["course-v1:MITxT+18.03.3x"]
    assert course.test_mode is False  # published courses are not test_mode
    assert [p.amount for p in course.runs[0].prices] == [Decimal("123.00")]


def test_unpublished_course_with_ai_ingest_is_test_mode(payload: Any) -> None:
    courses, _ = payload
    course = dict(courses[2], include_in_learn_catalog=False)
    (record,) = mitxonline.transform_course(course, BASE)
    assert record.published is False and record.test_mode is True


def test_proctored_exams_excluded(payload: Any) -> None:
    courses, _ = payload
    exam = dict(courses[0], title="Final PROCTORED EXAM", readable_id="course-v1:MITxT+exam")
    assert mitxonline.transform_course(exam, BASE) == []


def test_variant_runs_are_not_published(payload: Any) -> None:
    courses, _ = payload
    course = json.loads(json.dumps(courses[0]))
    course["courseruns"][0]["b2b_contract"] = 12
    course["courseruns"][0]["language"] = "en"
    (record,) = mitxonline.transform_course(course, BASE)
    assert record.runs[0].is_variant is True and record.runs[0].published is False
    assert record.published is False  # no other published run


def test_program_requirement_tree(payload: Any) -> None:
    records = _records(*payload)
    program = records["program-v1:MITxT+18.03x"]
    assert program.resource_type == "program" and program.resource_category == "Program"
    assert program.title == "18.03x Differential Equations"
    assert program.url == f"{BASE}/programs/program-v1:MITxT+18.03x"
    assert program.published is True
    assert program.description == (
        "Scientists and engineers understand the world through differential equations. You can too."
    )
    assert [(c.readable_id, c.position, c.relation_type) for c in program.children] == [
        ("course-v1:MITxT+18.03.1x", 0, "PROGRAM_COURSES"),
        ("course-v1:MITxT+18.03.2x", 1, "PROGRAM_COURSES"),
        ("course-v1:MITxT+18.03.3x", 2, "PROGRAM_COURSES"),
    ]
    (run,) = program.runs
    assert run.run_id == "program-v1:MITxT+18.03x"
    assert [p.amount for p in run.prices] == [Decimal("0"), Decimal("1230"), Decimal("4560")]
    assert program.min_weekly_hours == 5 and program.max_weekly_hours == 7
    # not in the Learn catalog
    other = records["program-v1:MITxT+8.02x"]
    assert other.published is False
    assert other.runs[0].start_date == datetime(2025, 9, 15, tzinfo=UTC)
    # courses 81-83 are not in the course payload: no dangling children
    assert other.children == []


def test_child_programs_keep_positions_and_display_mode(fixtures_dir: Path) -> None:
    programs = _load(fixtures_dir, "mitxonline_child_program_positions.json")
    courses = [{"id": 50, "readable_id": "course-50", "title": "Course 50"}]
    records = {
        r.readable_id: r
        for item in mitxonline.raw_items(courses, programs, BASE)
        if item["kind"] == "program"
        for r in mitxonline.transform(item)
    }
    parent = records["parent"]
    assert [
        (c.readable_id, c.resource_type, c.position, c.relation_type) for c in parent.children
    ] == [
        ("course-50", "course", 0, "PROGRAM_COURSES"),
        ("child-as-course", "program", 1, "PROGRAM_COURSES"),
        ("child-as-program", "program", 2, "PROGRAM_PROGRAMS"),
    ]
    shown_as_course = records["child-as-course"]
    assert shown_as_course.resource_category == "Course"
    assert shown_as_course.url == f"{BASE}/courses/p/child-as-course"
    assert parent.published is False  # no page_url


def test_missing_required_field_is_a_transform_error(payload: Any) -> None:
    courses, _ = payload
    broken = {k: v for k, v in courses[0].items() if k != "title"}
    with pytest.raises(TransformError) as err:
        mitxonline.transform({"kind": "course", "base_url": BASE, "course": broken})
    assert err.value.item_id == "course-v1:MITxT+18.03.1x"
    assert "title" in err.value.message


def test_run_without_courseware_id_is_a_transform_error(payload: Any) -> None:
    courses, _ = payload
    course = json.loads(json.dumps(courses[0]))
    del course["courseruns"][0]["courseware_id"]
    with pytest.raises(TransformError, match="courseware_id"):
        mitxonline.transform_course(course, BASE)


# ---------------------------------------------------------------- extract through the stand-in


def test_extract_pages_and_fetches_tree_members(
    stand_in: Any, fixtures_dir: Path, source_env: Any
) -> None:
    data = _load(fixtures_dir, "mitxonline_program_children_loader.json")
    by_id = {c["id"]: c for c in data["courses"]}
    page2 = stand_in.url("/api/v2/courses/page2/")
    stand_in.serve(
        "/api/v2/courses/",
        json.dumps({"results": [by_id[10]], "next": page2}),
    )
    stand_in.serve("/api/v2/courses/page2/", json.dumps({"results": [by_id[70]], "next": None}))
    stand_in.serve("/api/v2/courses/80/", json.dumps(by_id[80]))
    stand_in.serve("/api/v2/programs/", json.dumps({"results": data["programs"], "next": None}))
    source_env(
        MITX_ONLINE_COURSES_API_URL=stand_in.url("/api/v2/courses/"),
        MITX_ONLINE_PROGRAMS_API_URL=stand_in.url("/api/v2/programs/"),
        MITX_ONLINE_BASE_URL=BASE,
        MITX_ONLINE_ETL_API_KEY="secret-key",
    )
    assert mitxonline.configured()
    raw = mitxonline.extract()
    first = stand_in.hits("/api/v2/courses/")[0]
    assert first.query == {"live": "true"}
    assert first.headers["authorization"] == "Api-Key secret-key"
    assert len(stand_in.hits("/api/v2/courses/80/")) == 1
    records = {r.readable_id: r for item in raw for r in mitxonline.transform(item)}
    assert sorted(records) == [
        "course-10",
        "course-70",
        "mitx-child-program",
        "mitx-child-program-displayed-as-course",
        "mitx-parent-program",
    ]
    assert [c.readable_id for c in records["mitx-child-program-displayed-as-course"].children] == [
        "course-80"
    ]


def test_extract_refuses_next_on_other_host(stand_in: Any, source_env: Any) -> None:
    stand_in.serve(
        "/api/v2/courses/",
        json.dumps({"results": [], "next": "http://evil.example.com/api/v2/courses/?page=2"}),
    )
    source_env(MITX_ONLINE_COURSES_API_URL=stand_in.url("/api/v2/courses/"))
    with pytest.raises(_fetch.ForeignLinkError, match="evil.example.com"):
        mitxonline.extract()


def test_extract_garbage_json_is_a_clear_error(stand_in: Any, source_env: Any) -> None:
    stand_in.serve("/api/v2/courses/", '{"results": [ {"id": 1,', ctype="application/json")
    source_env(MITX_ONLINE_COURSES_API_URL=stand_in.url("/api/v2/courses/"))
    with pytest.raises(_fetch.BadPayload, match="truncated JSON"):
        mitxonline.extract()


def test_not_configured_without_urls(source_env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MITX_ONLINE_COURSES_API_URL", raising=False)
    monkeypatch.delenv("MITX_ONLINE_PROGRAMS_API_URL", raising=False)
    source_env()
    assert mitxonline.configured() is False


# ---------------------------------------------------------------- end to end through the loader


@pytest.mark.django_db
def test_end_to_end_load(
    stand_in: Any, fixtures_dir: Path, source_env: Any, etl_fast_http: None
) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    stand_in.serve_file("/api/v2/courses/", fixtures_dir / "mitxonline" / "mitxonline_courses.json")
    stand_in.serve_file(
        "/api/v2/programs/", fixtures_dir / "mitxonline" / "mitxonline_programs.json"
    )
    for ident in (81, 82, 83):  # requirement-tree members not in the listing
        stand_in.serve(f"/api/v2/courses/{ident}/", "boom", status=500, ctype="text/plain")
    source_env(
        MITX_ONLINE_COURSES_API_URL=stand_in.url("/api/v2/courses/"),
        MITX_ONLINE_PROGRAMS_API_URL=stand_in.url("/api/v2/programs/"),
        MITX_ONLINE_BASE_URL=BASE,
    )
    # a tree member the API fails to answer: the extract fails, nothing is loaded
    failed = run_source("mitxonline")
    assert failed.status == "failed" and "500" in failed.message
    assert not LearningResource.objects.filter(etl_source="mitxonline").exists()

    # members the API no longer has (404, as for a retired course) are left out; the rest loads
    for ident in (81, 82, 83):
        stand_in.serve(f"/api/v2/courses/{ident}/", "{}", status=404)
    partial = run_source("mitxonline")
    assert partial.status == "ok", partial.message
    assert LearningResource.objects.filter(readable_id="course-v1:MITxT+18.03.1x").exists()
    assert not LearningResource.objects.filter(
        readable_id__startswith="course-v1:MITxT+8.02"
    ).exists()

    for ident in (81, 82, 83):
        stand_in.serve(
            f"/api/v2/courses/{ident}/",
            json.dumps(
                {"id": ident, "readable_id": f"course-v1:MITxT+8.02.{ident}x", "title": "E&M"}
            ),
        )
    run = run_source("mitxonline")
    assert run.status == "ok", run.message
    assert (partial.created + run.created, run.skipped, run.failed) == (5, 0, 0)
    course = LearningResource.objects.get(readable_id="course-v1:MITxT+18.03.1x")
    assert course.published is True and course.platform_id == "mitxonline"
    assert course.title == "Introduction to Differential Equations"
    assert course.course.course_numbers[0]["value"] == "18.03.1x"
    runs = {r.run_id: r for r in course.runs.all()}
    current = runs["course-v1:MITxT+18.03.1x+2T2024"]
    assert current.published is True
    assert [str(p) for p in current.prices] == ["0.00", "123.00", "456.00"]
    assert [i.full_name for i in current.instructors.order_by("runinstructor__position")] == [
        "David Jerison",
        "Gigliola Staffilani",
        "Jennifer French",
    ]
    assert runs["course-v1:MITxT+18.03.1x+2T2023"].published is False
    program = LearningResource.objects.get(readable_id="program-v1:MITxT+18.03x")
    children = program.children.order_by("position")
    assert [(rel.child.readable_id, rel.position, rel.relation_type) for rel in children] == [
        ("course-v1:MITxT+18.03.1x", 0, "PROGRAM_COURSES"),
        ("course-v1:MITxT+18.03.2x", 1, "PROGRAM_COURSES"),
        ("course-v1:MITxT+18.03.3x", 2, "PROGRAM_COURSES"),
    ]
    unlisted = LearningResource.objects.get(readable_id="program-v1:MITxT+8.02x")
    assert unlisted.published is False
    # an identical re-run changes nothing
    again = run_source("mitxonline")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


@pytest.mark.django_db
def test_end_to_end_bad_record_is_skipped_and_reported(
    stand_in: Any, fixtures_dir: Path, source_env: Any
) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    payload = _load(fixtures_dir, "mitxonline_courses.json")
    del payload["results"][1]["title"]
    stand_in.serve("/api/v2/courses/", json.dumps(payload))
    # one bad record of a few is above the default failure share: allow it to see the skip
    source_env(
        MITX_ONLINE_COURSES_API_URL=stand_in.url("/api/v2/courses/"), ETL_FAILURE_RATIO="0.5"
    )
    run = run_source("mitxonline")
    assert run.status == "partial"
    assert (run.created, run.skipped) == (2, 1)
    assert run.errors[0]["record"] == "course-v1:MITxT+18.03.2x"
    assert "title" in run.errors[0]["message"]
    assert sorted(
        LearningResource.objects.filter(etl_source="mitxonline").values_list(
            "readable_id", flat=True
        )
    ) == ["course-v1:MITxT+18.03.1x", "course-v1:MITxT+18.03.3x"]
