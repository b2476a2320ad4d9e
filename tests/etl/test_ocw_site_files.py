"""A full OCW site tree (pages, resources, textbook) from the recorded fixture: content files and
the Open Textbook document, their checksums on reload, and files that disappear."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from learn.catalog.models import ContentFile, LearningResource
from learn.etl.models import RunStatus
from learn.etl.pipeline import run_source

pytestmark = pytest.mark.django_db
SLUG = "16-01-unified-engineering-i-ii-iii-iv-fall-2005-spring-2006"


@pytest.fixture
def site(tmp_path: Path, shared_dir: Path) -> Path:
    source = shared_dir / "fixtures" / "sources" / "ocw" / "site_courses" / SLUG
    target = tmp_path / "site" / "courses" / SLUG
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.pdf"))
    return tmp_path / "site"


def test_site_tree_loads_course_files_and_textbook(site: Path) -> None:
    run = run_source("ocw", source=str(site))
    assert run.status == RunStatus.ok, run.message
    assert (run.created, run.skipped, run.failed) == (2, 0, 0)

    course = LearningResource.objects.get(readable_id="16.01+fall_2005")
    assert course.title == "Unified Engineering I, II, III, & IV"
    assert course.url == f"https://ocw.mit.edu/courses/{SLUG}/"
    assert [(n["value"], n["listing_type"]) for n in course.course.course_numbers] == [
        ("16.01", "primary"),
        ("16.02", "cross-listed"),
        ("16.03", "cross-listed"),
        ("16.04", "cross-listed"),
    ]
    assert course.image is not None
    assert course.image.url == (
        f"https://ocw.mit.edu/courses/{SLUG}/8f56bbb35d0e456dc8b70911bec7cd0d_16-01f05.jpg"
    )
    assert course.image.alt and course.image.alt.startswith("Illustration of an aircraft wing")
    run_row = course.runs.get()
    assert run_row.run_id == "97db384e-f340-09a6-4df7-cb86cf701979"  # legacy uid wins
    assert run_row.level == ["undergraduate", "high_school"]
    instructors = list(run_row.instructors.order_by("runinstructor__position"))
    assert [i.full_name for i in instructors][:2] == ["Prof. Mark Drela", "Prof. Steven Hall"]
    assert set(course.resource_tags.values_list("name", flat=True)) >= {
        "Lecture Videos", "Problem Sets with Solutions",
    }  # fmt: skip

    files = {f.key.rsplit("/", 2)[-2] + "/" + f.key.rsplit("/", 1)[-1]: f for f in
             ContentFile.objects.filter(run=run_row)}  # fmt: skip
    assert set(files) == {
        f"{SLUG}/pages", "pages/syllabus", "resources/textbook",
        "resources/resource_no_file", "resources/resource", "resources/video",
    }  # fmt: skip
    syllabus = files["pages/syllabus"]
    assert (syllabus.content_type, syllabus.content, syllabus.title) == (
        "page", "Course Meeting Times Lecture", "Syllabus",
    )  # fmt: skip
    assert files["resources/video"].youtube_id == "vKer2U5W5-s"
    assert files["resources/textbook"].content_type == "pdf"
    assert files["resources/textbook"].file_extension == ".pdf"

    textbook = LearningResource.objects.get(resource_type="document")
    assert textbook.readable_id == f"{run_row.run_id}-courses/{SLUG}/resources/textbook"
    assert textbook.resource_category == "Open Textbook"
    link = course.children.get()
    assert (link.child_id, link.relation_type) == (textbook.pk, "COURSE_LEARNING_MATERIALS")


def test_changed_and_removed_files(site: Path) -> None:
    run_source("ocw", source=str(site))
    course_dir = site / "courses" / SLUG
    before = {f.key: f.updated_on for f in ContentFile.objects.all()}

    page = course_dir / "pages" / "syllabus" / "data.json"
    data = json.loads(page.read_text())
    data["content"] = "Course Meeting Times: two lectures a week"
    page.write_text(json.dumps(data))
    shutil.rmtree(course_dir / "resources" / "resource")

    run = run_source("ocw", source=str(site))
    assert (run.status, run.updated, run.unchanged) == (RunStatus.ok, 1, 1)
    after = {f.key: f for f in ContentFile.objects.all()}
    syllabus_key = f"courses/{SLUG}/pages/syllabus"
    assert after[syllabus_key].content == "Course Meeting Times: two lectures a week"
    assert after[syllabus_key].updated_on > before[syllabus_key]
    video_key = f"courses/{SLUG}/resources/video"
    assert after[video_key].updated_on == before[video_key]  # unchanged checksum: not written
    assert not after[f"courses/{SLUG}/resources/resource"].published
