"""The whole shared OCW corpus through the real pipeline: 2,589 published courses, then a no-op."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from learn.catalog.models import Course, LearningResource, RunInstructor
from learn.etl.models import EtlRun, RunStatus
from learn.etl.pipeline import run_source

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _course(readable_id: str) -> LearningResource:
    return LearningResource.objects.get(
        platform_id="ocw", readable_id=readable_id, resource_type="course"
    )


def test_full_corpus_loads_then_reruns_unchanged(
    etl_taxonomy: None, ocw_corpus: Path, etl_hooks: Any
) -> None:
    run = run_source("ocw", source=str(ocw_corpus))

    assert run.status == RunStatus.ok, run.message
    assert (run.extracted, run.created, run.skipped, run.failed) == (2589, 2589, 0, 0)
    published = LearningResource.objects.filter(etl_source="ocw", published=True)
    assert published.count() == 2589
    assert published.filter(course__course_numbers=[]).count() == 0
    assert published.filter(runs__semester__isnull=True).distinct().count() == 8  # no term
    assert published.filter(runs__instructors__isnull=False).distinct().count() > 2400
    assert published.filter(topics__isnull=False).distinct().count() > 2500
    assert len(etl_hooks.changed_ids()) == 2589

    algorithms = _course("6.006+spring_2020")
    assert algorithms.title == "Introduction to Algorithms"
    assert (
        algorithms.url == "https://ocw.mit.edu/courses/6-006-introduction-to-algorithms-spring-2020"
    )
    assert algorithms.license_cc and algorithms.free and algorithms.offered_by_id == "ocw"
    assert algorithms.course.course_numbers == [
        {
            "value": "6.006",
            "listing_type": "primary",
            "department": {
                "department_id": "6",
                "name": "Electrical Engineering and Computer Science",
            },
            "sort_coursenum": "06.006",
            "primary": True,
        }
    ]
    assert Course.objects.get(learning_resource=algorithms).sort_coursenum == "06.006"
    run_row = algorithms.runs.get()
    assert (run_row.run_id, run_row.semester, run_row.year) == (
        "035ad8d2-fa5c-5853-84e4-17bd4f1e5c5f", "Spring", 2020,
    )  # fmt: skip
    assert [
        (link.instructor.full_name, link.position)
        for link in RunInstructor.objects.filter(run=run_row).select_related("instructor")
    ] == [("Erik Demaine", 0), ("Jason Ku", 1), ("Justin Solomon", 2)]
    topics = set(algorithms.topics.values_list("name", flat=True))
    # "Algorithms and Data Structures" is mapped for OCW; its ancestors come along.
    assert {"Algorithms and Data Structures", "Computer Science", "Mathematics"} <= topics
    assert "Theory of Computation" in algorithms.ocw_topics
    assert list(algorithms.departments.values_list("department_id", flat=True)) == ["6"]
    assert algorithms.best_run_id == run_row.pk

    strang = _course("18.06+spring_2010")
    assert strang.title == "Linear Algebra"
    assert list(strang.runs.get().instructors.values_list("full_name", flat=True)) == [
        "Gilbert Strang"
    ]
    # OCW's "Linear Algebra" maps to the canonical "Mathematics", under "Science & Math"
    assert set(strang.topics.values_list("name", flat=True)) == {"Mathematics", "Science & Math"}
    assert strang.ocw_topics == ["Linear Algebra", "Mathematics"]
    physics = _course("8.01SC+fall_2016")
    assert physics.course.course_numbers[0]["sort_coursenum"] == "08.01SC"
    assert physics.runs.get().instructors.count() == 5

    # two sites sharing number and term stay two resources
    assert _course("10.492+fall_2004").title.endswith("Process Control by Design")
    assert _course(
        "10.492+fall_2004+10-492-2-integrated-chemical-engineering-topics-i-introduction-to-"
        "biocatalysis-fall-2004"
    ).title.endswith("Introduction to Biocatalysis")

    # the second run writes nothing and announces nothing
    etl_hooks.reset()
    before = dict(LearningResource.objects.values_list("id", "updated_on"))
    again = run_source("ocw", source=str(ocw_corpus))
    assert again.status == RunStatus.ok
    assert (again.created, again.updated, again.unchanged, again.unpublished) == (0, 0, 2589, 0)
    assert etl_hooks.changed == [] and etl_hooks.removed == []
    assert dict(LearningResource.objects.values_list("id", "updated_on")) == before
    assert EtlRun.objects.filter(source="ocw").count() == 2
