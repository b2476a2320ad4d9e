"""edX OLX archives → content files of the run: checksum skip, update, vanish, failures."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest
from conftest import EDX_RUN, course_record
from typer.testing import CliRunner

from learn.catalog.models import ContentFile, LearningResource
from learn.etl.content.extract import TikaServer
from learn.etl.content.ingest import ContentSourceError, ingest_content_files
from learn.etl.content.tika_standin import TikaStandin
from learn.etl.loader import load_resources
from learn.etl.models import EtlRun, RunStatus
from learn.etl.records import ResourceRecord

pytestmark = pytest.mark.django_db

BASE = f"{EDX_RUN}.tar.gz"


def files_of(run_id: str = EDX_RUN, published: bool | None = True) -> dict[str, ContentFile]:
    rows = ContentFile.objects.filter(run__run_id=run_id)
    if published is not None:
        rows = rows.filter(published=published)
    return {row.key or "": row for row in rows}


def rebuild_without(source: Path, target: Path, drop: str) -> Path:
    """A copy of ``source`` without the member ``drop`` (a course export that lost a file)."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            if info.name == drop:
                continue
            data = old.extractfile(info) if info.isfile() else None
            new.addfile(info, io.BytesIO(data.read()) if data else None)
    return target


def test_ingest_creates_files_of_the_run(edx_course: ResourceRecord, edx_fixtures: Path) -> None:
    report = ingest_content_files("edx", edx_fixtures / BASE)
    [course] = report.courses
    assert (course.run_id, course.status) == (EDX_RUN, "loaded")
    files = files_of()
    # empty files (title.html, ...) carry no text and are not stored
    assert sorted(files) == [
        "about/entrance_exam_minimum_score_pct.html", "about/overview.html", "assets/assets.xml",
        "course.xml", "course/3T2022.xml", "info/updates.html",
        "policies/3T2022/grading_policy.json", "policies/3T2022/policy.json",
        "policies/assets.json",
    ]  # fmt: skip
    overview = files["about/overview.html"]
    assert "The long course description should contain 150-400 words." in (overview.content or "")
    assert "Staff Member #1" in (overview.content or "")
    assert (overview.file_extension, overview.file_type, overview.content_type) == (
        ".html", "text/html", "file",
    )  # fmt: skip
    assert len(overview.checksum) == 32
    run_xml = files["course/3T2022.xml"]
    assert run_xml.edx_module_id == "block-v1:MITxT+8.01.3x+3T2022+type@course+block@3T2022"
    assert run_xml.title == "Mechanics: Rotational Dynamics"
    assert run_xml.url == (f"https://courses.edx.org/courses/{EDX_RUN}/jump_to_id/3T2022")
    assert files["about/overview.html"].edx_module_id is None
    run = EtlRun.objects.get(pk=report.run.pk if report.run else 0)
    assert (run.source, run.status, run.created, run.extracted) == ("edx_content", "ok", 9, 9)


def test_reingest_unchanged_minor_change_and_vanished(
    edx_course: ResourceRecord, edx_fixtures: Path, tmp_path: Path
) -> None:
    ingest_content_files("edx", edx_fixtures / BASE)
    before = {key: (row.pk, row.updated_on) for key, row in files_of().items()}

    same = ingest_content_files("edx", edx_fixtures / f"{EDX_RUN}_no_change.tar.gz")
    [course] = same.courses
    assert course.status == "unchanged"
    assert (course.counts.unchanged, course.counts.updated, course.extracted) == (9, 0, 0)
    assert {key: (row.pk, row.updated_on) for key, row in files_of().items()} == before

    minor = ingest_content_files("edx", edx_fixtures / f"{EDX_RUN}_minor_change.tar.gz")
    [course] = minor.courses
    assert (course.counts.updated, course.counts.unchanged, course.extracted) == (1, 8, 1)
    files = files_of()
    assert "should contain 150-500 words" in (files["about/overview.html"].content or "")
    assert files["about/overview.html"].updated_on > before["about/overview.html"][1]
    assert not any(".DS_Store" in key or "._" in key for key in files)  # macOS debris ignored

    shrunk = rebuild_without(
        edx_fixtures / BASE, tmp_path / "shrunk.tar.gz", "course/info/updates.html"
    )
    gone = ingest_content_files("edx", shrunk)
    assert gone.courses[0].counts.unpublished == 1
    assert "info/updates.html" not in files_of()
    assert files_of(published=False).keys() == {"info/updates.html"}


def test_empty_archive_is_a_clear_no_op(edx_course: ResourceRecord, edx_fixtures: Path) -> None:
    ingest_content_files("edx", edx_fixtures / BASE)
    report = ingest_content_files("edx", edx_fixtures / "empty.tar.gz", run_id=EDX_RUN)
    [course] = report.courses
    assert (course.status, course.message) == ("empty", "no course.xml: nothing to load")
    assert report.run is not None and report.run.status == RunStatus.skipped
    assert len(files_of()) == 9


def test_corrupt_archive_fails_and_loses_nothing(
    edx_course: ResourceRecord, edx_fixtures: Path, tmp_path: Path
) -> None:
    ingest_content_files("edx", edx_fixtures / BASE)
    broken = tmp_path / BASE
    broken.write_bytes((edx_fixtures / BASE).read_bytes()[:700])
    report = ingest_content_files("edx", broken)
    [course] = report.courses
    assert course.status == "failed"
    assert "corrupt or truncated archive" in course.message or "not a readable" in course.message
    assert report.run is not None and report.run.status == RunStatus.failed
    assert report.run.errors[0]["message"] == course.message
    assert len(files_of()) == 9


def test_unknown_run_is_reported_and_skipped(db: None, edx_fixtures: Path) -> None:
    report = ingest_content_files("edx", edx_fixtures / BASE)
    [course] = report.courses
    assert course.status == "skipped"
    assert "not in the catalog for platform 'edx'" in course.message
    assert ContentFile.objects.count() == 0


def test_bad_platform_or_source(db: None, tmp_path: Path) -> None:
    with pytest.raises(ContentSourceError, match="unknown content platform"):
        ingest_content_files("coursera", tmp_path)
    with pytest.raises(ContentSourceError, match="no such file or folder"):
        ingest_content_files("edx", tmp_path / "missing.tar.gz")


def test_export_bundle_with_video_transcript(db: None, edx_fixtures: Path) -> None:
    run_id = "course-v1:DevOps+0.001+2015_Summer"
    load_resources([course_record("DevOps+0.001", run_id, "mitxonline")], "x", full=False)
    report = ingest_content_files("mitxonline", edx_fixtures / "exported_courses_12345.tar.gz")
    [course] = report.courses
    assert course.status == "loaded" and course.problems == []
    files = files_of(run_id)
    transcript = files["static/subs_OEoXaMPEzfM.srt.sjson"]
    assert transcript.content_type == "video"
    assert transcript.edx_module_id == (
        "block-v1:DevOps+0.001+2015_Summer+type@video+block@9e2221cda24447cb8518fb9bea1f500e"
    )
    assert transcript.content and "\n" in transcript.content and "{" not in transcript.content
    html = files["html/introduction.html"]
    assert html.title == "Introduction"
    assert html.edx_module_id == "block-v1:DevOps+0.001+2015_Summer+type@html+block@introduction"
    assert "README.md" in files and not any(k.startswith(".git") for k in files)
    assert not any(k.endswith((".js", ".jpg", ".zip", ".css")) for k in files)


def test_tika_server_failures_are_reported_and_lose_nothing(
    edx_course: ResourceRecord, edx_fixtures: Path, tika_standin: TikaStandin
) -> None:
    with TikaServer(tika_standin.url) as server:
        first = ingest_content_files("edx", edx_fixtures / BASE, extractor=server)
    assert first.courses[0].counts.created == 9
    stored = {key: row.content for key, row in files_of().items()}

    tika_standin.fail_status = 500
    with TikaServer(tika_standin.url) as server:
        report = ingest_content_files(
            "edx", edx_fixtures / f"{EDX_RUN}_minor_change.tar.gz", extractor=server
        )
    [course] = report.courses
    assert [(p.key, "HTTP 500" in p.message) for p in course.problems] == [
        ("about/overview.html", True)
    ]
    assert (course.counts.unchanged, course.counts.unpublished, course.counts.updated) == (8, 0, 0)
    assert {key: row.content for key, row in files_of().items()} == stored  # kept, not lost
    assert report.run is not None
    assert report.run.errors[0]["record"] == f"{EDX_RUN}:about/overview.html"

    tika_standin.fail_status = None  # the server is back: the change now loads
    with TikaServer(tika_standin.url) as server:
        again = ingest_content_files(
            "edx", edx_fixtures / f"{EDX_RUN}_minor_change.tar.gz", extractor=server
        )
    assert again.courses[0].counts.updated == 1


def test_celery_task_and_cli(
    edx_course: ResourceRecord,
    edx_fixtures: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from learn.etl.cli import app as etl_app
    from learn.etl.content.tasks import ingest_content_files_task

    sent: list[dict[str, object]] = []
    with monkeypatch.context() as patch:  # no broker here: capture what would be sent
        patch.setitem(ingest_content_files_task.app.conf, "task_always_eager", False)
        patch.setattr(ingest_content_files_task.app, "send_task", lambda *a, **kw: sent.append(kw))
        ingest_content_files_task.apply_async(args=("edx", "x"))
        ingest_content_files_task.delay("edx", "x")
    assert [kw["queue"] for kw in sent] == ["edx_content", "edx_content"]
    result = ingest_content_files_task.apply(args=("edx", str(edx_fixtures / BASE))).get()
    assert (result["status"], result["created"]) == ("ok", 9)

    archive = shutil.copy(edx_fixtures / f"{EDX_RUN}_minor_change.tar.gz", tmp_path / "x.tar.gz")
    out = CliRunner().invoke(etl_app, ["content", "ingest", "edx", "--source", str(archive)])
    assert out.exit_code == 0, out.output
    assert f"{EDX_RUN}: loaded — created 0, updated 1, unchanged 8" in out.output
    missing = CliRunner().invoke(etl_app, ["content", "ingest", "edx", "--source", "/nope"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    assert LearningResource.objects.filter(readable_id="MITxT+8.01.3x").count() == 1


def test_tika_url_setting_routes_extraction_to_the_server(
    edx_course: ResourceRecord,
    edx_fixtures: Path,
    tika_standin: TikaStandin,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from learn.config.env import get_env

    monkeypatch.setattr(get_env(), "tika_url", tika_standin.url)
    monkeypatch.setattr(get_env(), "tika_access_token", "token-1")
    report = ingest_content_files("edx", edx_fixtures / BASE)
    assert report.courses[0].counts.created == 9
    # every file that is not a transcript went through PUT /tika and PUT /meta
    assert [path for path, _, _ in tika_standin.requests].count("/tika") == 9
    assert {headers["X-Access-Token"] for _, _, headers in tika_standin.requests} == {"token-1"}
    assert "Staff Member #1" in (files_of()["about/overview.html"].content or "")


def test_a_folder_of_exports_loads_the_newest_per_run(
    edx_course: ResourceRecord, edx_fixtures: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    exports = {
        BASE: 1_000,
        f"{EDX_RUN}_minor_change.tar.gz": 3_000,
        f"{EDX_RUN}_no_change.tar.gz": 2_000,
        "empty.tar.gz": 1_000,
    }
    for name, mtime in exports.items():
        target = Path(shutil.copy(edx_fixtures / name, folder / name))
        os.utime(target, (mtime, mtime))
    (folder / "notes.txt").write_text("not an archive: ignored")
    report = ingest_content_files("edx", folder)
    by_label = {Path(c.label).name: c for c in report.courses}
    assert by_label[f"{EDX_RUN}_minor_change.tar.gz"].status == "loaded"
    for older in (BASE, f"{EDX_RUN}_no_change.tar.gz"):
        assert by_label[older].status == "skipped"
        assert by_label[older].message == (
            f"superseded by the newer export {EDX_RUN}_minor_change.tar.gz"
        )
    assert by_label["empty.tar.gz"].status == "empty"
    assert "should contain 150-500 words" in (files_of()["about/overview.html"].content or "")
