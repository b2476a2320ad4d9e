"""OCW pages and resources → content files of the run; Open Textbooks → linked documents."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from learn.catalog.constants import RelationType
from learn.catalog.models import ContentFile, LearningResource, LearningResourceRelationship
from learn.etl.content.ingest import ingest_content_files
from learn.etl.pipeline import run_source

pytestmark = pytest.mark.django_db

SLUG = "16-01-unified-engineering-i-ii-iii-iv-fall-2005-spring-2006"
RUN_ID = "97db384e-f340-09a6-4df7-cb86cf701979"  # legacy_uid of the site data.json
LEGACY_SLUG = "9-15-biochemistry-and-pharmacology-of-synaptic-transmission-fall-2007"


@pytest.fixture
def site_copy(ocw_fixtures: Path, tmp_path: Path) -> Path:
    """A writable copy of the site-shaped OCW course, loaded as a catalog course."""
    root = tmp_path / "site"
    shutil.copytree(ocw_fixtures / "site_courses", root)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    run = run_source("ocw", source=str(root))
    assert run.status == "ok", run.errors
    assert LearningResource.objects.filter(readable_id="16.01+fall_2005").exists()
    return root


def files() -> dict[str, ContentFile]:
    """Published files of the run by path under the course (keys are ``courses/<slug>/...``)."""
    prefix = f"courses/{SLUG}/"
    rows = ContentFile.objects.filter(run__run_id=RUN_ID, published=True)
    assert all((row.key or "").startswith(prefix) for row in rows)
    return {(row.key or "")[len(prefix) :]: row for row in rows}


def materials() -> list[LearningResource]:
    course = LearningResource.objects.get(readable_id="16.01+fall_2005", platform_id="ocw")
    links = LearningResourceRelationship.objects.filter(
        parent=course, relation_type=RelationType.COURSE_LEARNING_MATERIALS
    ).select_related("child")
    return [link.child for link in links]


def test_pages_resources_and_open_textbooks(site_copy: Path) -> None:
    report = ingest_content_files("ocw", site_copy)
    [course] = report.courses
    assert (course.run_id, course.status) == (RUN_ID, "loaded")
    # the OCW catalog load wrote these rows (metadata); ingestion fills the same rows with text:
    # pages carry their own text and are identical; the catalog load leaves a file's text to
    # ingestion, so the four resources (three files, one whose file is missing) gain their text
    counts = course.counts
    assert (counts.created, counts.updated, counts.unchanged, counts.unpublished) == (0, 4, 2, 0)
    assert [(p.key, p.message) for p in course.problems] == [
        (f"courses/{SLUG}/resources/resource_no_file", "file 'fubar.pdf' not found; metadata only")
    ]
    stored = files()
    assert sorted(stored) == [
        "pages", "pages/syllabus", "resources/resource", "resources/resource_no_file",
        "resources/textbook", "resources/video",
    ]  # fmt: skip
    syllabus = stored["pages/syllabus"]
    assert (syllabus.content_type, syllabus.title, syllabus.content) == (
        "page", "Syllabus", "Course Meeting Times Lecture",
    )  # fmt: skip
    assert syllabus.url == f"https://ocw.mit.edu/courses/{SLUG}/pages/syllabus/"
    resource = stored["resources/resource"]
    assert (resource.content_type, resource.file_type, resource.title) == (
        "pdf", "application/pdf", "Resource Title",
    )  # fmt: skip
    assert (resource.content or "").strip() == "content"  # Tika read the file beside data.json
    assert {t.name for t in resource.content_tags.all()} == {
        "Activity Assignments", "Activity Assignments with Examples",
    }  # fmt: skip
    video = stored["resources/video"]
    assert (video.content_type, (video.content or "").strip()) == ("video", "content")
    no_file = stored["resources/resource_no_file"]
    assert no_file.content == "This resource contains problem set 3"

    [document] = materials()
    assert document.resource_type == "document"
    assert document.readable_id == f"{RUN_ID}-courses/{SLUG}/resources/textbook"
    assert (document.title, document.published, document.etl_source) == (
        "Textbook Title", True, "ocw",
    )  # fmt: skip
    own = ContentFile.objects.get(learning_resource=document)
    assert (own.key, (own.content or "").strip()) == (
        f"courses/{SLUG}/resources/textbook", "content",
    )  # fmt: skip


def test_reingest_is_unchanged_then_changes_apply(site_copy: Path) -> None:
    ingest_content_files("ocw", site_copy)
    again = ingest_content_files("ocw", site_copy)
    [course] = again.courses
    assert course.status == "unchanged"
    assert (course.counts.unchanged, course.counts.created, course.counts.updated) == (6, 0, 0)

    course_dir = site_copy / SLUG
    shutil.rmtree(course_dir / "resources" / "resource")
    textbook = course_dir / "resources" / "textbook" / "data.json"
    data = json.loads(textbook.read_text())
    data["learning_resource_types"] = []
    textbook.write_text(json.dumps(data))
    changed = ingest_content_files("ocw", site_copy)
    [course] = changed.courses
    assert (course.counts.unpublished, course.counts.updated) == (1, 1)
    assert "resources/resource" not in files()
    assert materials() == []
    document = LearningResource.objects.get(
        readable_id=f"{RUN_ID}-courses/{SLUG}/resources/textbook"
    )
    assert document.published is False  # no longer an Open Textbook


def test_course_not_in_catalog_is_skipped(db: None, ocw_fixtures: Path) -> None:
    report = ingest_content_files("ocw", ocw_fixtures / "site_courses")
    [course] = report.courses
    assert course.status == "skipped" and "run `learn etl run ocw` first" in course.message
    assert ContentFile.objects.count() == 0


def test_legacy_plone_export_pages_and_pdfs(
    ocw_fixtures: Path, ocw_subset: Callable[..., Path]
) -> None:
    run_source("ocw", source=str(ocw_subset([LEGACY_SLUG])))
    report = ingest_content_files("ocw", ocw_fixtures / "s3_PROD")
    [course] = report.courses
    assert course.status == "loaded" and course.problems == []
    prefix = f"courses/{LEGACY_SLUG}/"
    rows = {
        (row.key or "")[len(prefix) :]: row for row in ContentFile.objects.filter(published=True)
    }
    assert len(rows) == 12
    pdf = rows["study-materials/antidepressants.pdf"]
    assert (pdf.content_type, pdf.file_type, pdf.file_extension) == (
        "pdf",
        "application/pdf",
        ".pdf",
    )
    assert "ANTIDEPRESSANTS" in (pdf.content or "")
    assert "Nonselective reuptake inhibitors" in (pdf.content or "")
    syllabus = rows["syllabus"]
    assert syllabus.content_type == "page"
    assert "Course Meeting Times" in (syllabus.content or "") and "<h2" not in (
        syllabus.content or ""
    )
    assert syllabus.url == (
        f"https://ocw.mit.edu/courses/brain-and-cognitive-sciences/{LEGACY_SLUG}/syllabus"
    )
    assert not any("Serotonin" in (row.title or "") for row in rows.values())  # images skipped


def test_file_gone_falls_back_to_metadata(site_copy: Path) -> None:
    ingest_content_files("ocw", site_copy)
    assert (files()["resources/resource"].content or "").strip() == "content"
    name = "0902956aa08f67a954b28efdcbaaa472_MIT6_262S11_assn 01.pdf"
    (site_copy / SLUG / name).unlink()
    report = ingest_content_files("ocw", site_copy)
    [course] = report.courses
    problems = [(p.key, p.message) for p in course.problems]
    key = f"courses/{SLUG}/resources/resource"
    assert (key, f"file {name!r} not found; metadata only") in problems
    assert (course.counts.unpublished, course.counts.updated) == (0, 1)
    assert files()["resources/resource"].content == "This resource contains problem set 1"


def test_catalog_reload_keeps_extracted_text(site_copy: Path) -> None:
    """A changed OCW course reloaded by the catalog ETL keeps the text ingestion extracted."""
    from learn.catalog.models import LearningResourceRun
    from learn.etl.content_files import load_content_files
    from learn.etl.records import ContentFileRecord

    ingest_content_files("ocw", site_copy)
    row = ContentFile.objects.filter(run__run_id=RUN_ID, key__endswith="resources/resource").get()
    extracted = row.content
    assert extracted
    run = LearningResourceRun.objects.get(run_id=RUN_ID)
    metadata_only = ContentFileRecord(
        key=row.key or "", run_id=RUN_ID, title="Problem set 1 (renamed)", content=None
    )
    others = [
        ContentFileRecord(key=f.key or "", run_id=RUN_ID, title=f.title, content=f.content)
        for f in ContentFile.objects.filter(run=run, published=True).exclude(pk=row.pk)
    ]
    load_content_files(run.learning_resource, [metadata_only, *others])
    row.refresh_from_db()
    assert row.title == "Problem set 1 (renamed)"
    assert row.content == extracted
