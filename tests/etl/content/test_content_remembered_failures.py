"""A file whose extraction failed is remembered and not extracted again (issue 20, last gap).

Before, ``failed_keys`` kept the stored copy for one ingest only: every next ingest (scheduled,
webhook, Celery retry) sent the same crafted file to the extractor again and burnt a worker on it.
Extractions are counted by the sandbox itself (``SandboxedTika.calls`` / ``files_sent``), never
mocked away.
"""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import EDX_RUN, text_pdf
from test_content_extract_limits import pdf_bomb
from test_content_ocw import SLUG, files
from test_content_ocw import site_copy as site_copy  # the fixture
from typer.testing import CliRunner

from learn.catalog.models import ContentFile
from learn.config.env import get_env
from learn.etl.content.extract import Extracted, ExtractionError, TikaServer
from learn.etl.content.ingest import ingest_content_files
from learn.etl.content.sandbox import ExtractionLimits, SandboxedTika
from learn.etl.content.tika_standin import TikaStandin
from learn.etl.models import EtlRun, ExtractionFailure
from learn.etl.records import ResourceRecord

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
BASE = f"{EDX_RUN}.tar.gz"
NOTES = "static/notes.pdf"
LIMITS = ExtractionLimits(memory_bytes=256 * MiB, seconds=120, max_pages=100)


def export_with(edx_fixtures: Path, target: Path, data: bytes) -> Path:
    """The 8.01.3x export plus ``course/static/notes.pdf`` holding ``data``."""
    with tarfile.open(edx_fixtures / BASE) as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            member = old.extractfile(info) if info.isfile() else None
            new.addfile(info, io.BytesIO(member.read()) if member else None)
        info = tarfile.TarInfo(f"course/{NOTES}")
        info.size = len(data)
        new.addfile(info, io.BytesIO(data))
    return target


def notes() -> ContentFile:
    return ContentFile.objects.get(run__run_id=EDX_RUN, key=NOTES)


def ingest(archive: Path, **options: Any) -> tuple[Any, int, int]:
    """One ingest with its own sandbox: the report, extract() calls and files parsed."""
    started = time.monotonic()
    with SandboxedTika(LIMITS) as sandbox:
        report = ingest_content_files("edx", archive, extractor=sandbox, **options)
    print(  # the figures for the note: wall clock, and the extraction child's peak memory
        f"ingest {archive.name}: {time.monotonic() - started:.2f} s, "
        f"child peak {sandbox.last_peak_bytes // MiB} MiB, {sandbox.files_sent} file(s) parsed"
    )
    return report, sandbox.calls, sandbox.files_sent


@pytest.fixture
def bombed(edx_course: ResourceRecord, edx_fixtures: Path, tmp_path: Path) -> Path:
    """notes.pdf published from a good PDF, then exported again as a memory bomb (failed once)."""
    good = export_with(edx_fixtures, tmp_path / "good.tar.gz", text_pdf("Lecture one"))
    report, _calls, _sent = ingest(good)
    assert report.courses[0].counts.created == 10
    bomb = export_with(edx_fixtures, tmp_path / "bomb.tar.gz", pdf_bomb(2 * MiB))
    report, calls, sent = ingest(bomb)
    [course] = report.courses
    assert (calls, sent, course.extracted) == (1, 1, 1)  # only the changed file was parsed
    [problem] = course.problems
    assert problem.key == NOTES and "over the 256 MiB memory limit" in problem.message
    return bomb


def test_a_bomb_fails_once_then_is_skipped_with_its_reason_and_nothing_is_lost(
    bombed: Path,
) -> None:
    row = ExtractionFailure.objects.get()
    assert (row.platform, row.run_id, row.key, row.attempts, row.skipped) == (
        "edx", EDX_RUN, NOTES, 1, 0,
    )  # fmt: skip
    assert "over the 256 MiB memory limit" in row.reason and len(row.sha256) == 64
    assert notes().published and "Lecture one" in (notes().content or "")  # stored copy kept

    report, calls, sent = ingest(bombed)  # the next scheduled ingest
    [course] = report.courses
    assert (calls, sent, course.extracted, course.remembered) == (0, 0, 0, 1)
    assert course.status == "unchanged" and course.counts.unpublished == 0
    [problem] = course.problems
    assert problem.key == NOTES
    assert "not extracted again" in problem.message and "256 MiB memory limit" in problem.message
    assert "--retry-failed" in problem.message
    run = EtlRun.objects.get(pk=report.run.pk)
    assert "1 file(s) not extracted again" in run.message[:80]  # `learn etl status` shows 80
    assert run.errors[0]["record"] == f"{EDX_RUN}:{NOTES}"
    assert "256 MiB memory limit" in run.errors[0]["message"]
    assert notes().published and "Lecture one" in (notes().content or "")
    row = ExtractionFailure.objects.get()
    assert (row.attempts, row.skipped, row.etl_run_id) == (1, 1, run.pk)


def test_changed_bytes_are_tried_again_and_a_success_forgets_the_failure(
    bombed: Path, edx_fixtures: Path, tmp_path: Path
) -> None:
    fixed = export_with(edx_fixtures, tmp_path / "fixed.tar.gz", text_pdf("Lecture two"))
    report, calls, sent = ingest(fixed)
    [course] = report.courses
    assert (calls, sent, course.counts.updated, course.problems) == (1, 1, 1, [])
    assert "Lecture two" in (notes().content or "")
    assert not ExtractionFailure.objects.exists()


def test_a_file_gone_from_the_export_is_forgotten(bombed: Path, edx_fixtures: Path) -> None:
    report, calls, sent = ingest(edx_fixtures / BASE)
    assert report.courses[0].counts.unpublished == 1 and (calls, sent) == (0, 0)
    assert not ExtractionFailure.objects.exists()


def test_other_bytes_failing_again_start_a_new_record(
    bombed: Path, edx_fixtures: Path, tmp_path: Path
) -> None:
    before = ExtractionFailure.objects.get()
    other = export_with(edx_fixtures, tmp_path / "other.tar.gz", pdf_bomb(64, pages=500))
    report, calls, sent = ingest(other)
    assert (calls, sent) == (1, 0)  # refused on its page count, before any parse
    row = ExtractionFailure.objects.get()
    assert row.sha256 != before.sha256 and row.attempts == 1
    assert "over the 100-page limit" in row.reason
    assert "Lecture one" in (notes().content or "")


def test_retry_failed_extracts_again_and_celery_tasks_never_do(
    bombed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learn.etl.cli import app as etl_app
    from learn.etl.content.tasks import ingest_content_files_task

    monkeypatch.setattr(get_env(), "content_extract_memory_bytes", LIMITS.memory_bytes)
    sent_before = SandboxedTika.files_sent_total
    # a Celery (re)delivery of the ingest, as the schedule or a webhook sends it
    for _ in range(2):
        result = ingest_content_files_task.apply(args=("edx", str(bombed))).get()
        assert result["not_extracted_again"] == 1
        assert "not extracted again" in result["problems"][0]["message"]
    assert SandboxedTika.files_sent_total == sent_before
    assert ExtractionFailure.objects.get().skipped == 2

    out = CliRunner().invoke(
        etl_app, ["content", "ingest", "edx", "--source", str(bombed), "--retry-failed"]
    )
    assert out.exit_code == 0, out.output
    assert SandboxedTika.files_sent_total == sent_before + 1  # asked for: parsed again
    assert f"{NOTES}: stopped: extraction went over the 256 MiB memory limit" in out.output
    row = ExtractionFailure.objects.get()
    assert (row.attempts, row.skipped) == (2, 2)

    help_text = CliRunner().invoke(etl_app, ["content", "ingest", "--help"]).output
    assert "--retry-failed" in help_text
    listed = CliRunner().invoke(etl_app, ["content", "failures", "edx"])
    assert listed.exit_code == 0 and NOTES in listed.output and "memory limit" in listed.output
    cleared = CliRunner().invoke(etl_app, ["content", "failures", "edx", "--clear"])
    assert "1 remembered failure(s) cleared" in cleared.output
    assert not ExtractionFailure.objects.exists()


def test_transient_errors_are_not_remembered_but_a_refused_file_is(
    edx_course: ResourceRecord, edx_fixtures: Path, tika_standin: TikaStandin, tmp_path: Path
) -> None:
    def sent_to_server() -> list[str]:
        return [h["Content-Disposition"].rsplit("''", 1)[-1] for p, _, h in tika_standin.requests]

    with TikaServer(tika_standin.url) as server:
        ingest_content_files("edx", edx_fixtures / BASE, extractor=server)
        tika_standin.fail_status = 500  # the server is down: says nothing about the file
        minor = edx_fixtures / f"{EDX_RUN}_minor_change.tar.gz"
        report = ingest_content_files("edx", minor, extractor=server)
    assert "HTTP 500" in report.courses[0].problems[0].message
    assert not ExtractionFailure.objects.exists()

    tika_standin.fail_status = None  # back: the file that failed is tried again
    tika_standin.requests.clear()
    with TikaServer(tika_standin.url) as server:
        report = ingest_content_files("edx", minor, extractor=server)
    assert "about%2Foverview.html" in sent_to_server() and report.courses[0].counts.updated == 1

    tika_standin.requests.clear()
    garbage = export_with(edx_fixtures, tmp_path / "garbage.tar.gz", b"%PDF-1.4 not a pdf")
    with TikaServer(tika_standin.url) as server:
        report = ingest_content_files("edx", garbage, extractor=server)
    assert "static%2Fnotes.pdf" in sent_to_server()
    assert "HTTP 422" in ExtractionFailure.objects.get(key=NOTES).reason  # Tika refused it

    tika_standin.requests.clear()
    with TikaServer(tika_standin.url) as server:
        report = ingest_content_files("edx", garbage, extractor=server)
    assert sent_to_server() == [] and report.courses[0].remembered == 1


@pytest.mark.parametrize(
    ("status", "remembered"), [(401, False), (404, False), (429, False), (503, False), (422, True)]
)
def test_only_a_tika_server_refusal_of_the_file_is_about_the_file(
    status: int, remembered: bool
) -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(status)))
    with pytest.raises(ExtractionError) as caught:
        TikaServer("http://tika", client=client).extract(b"data", "a.txt")
    assert caught.value.about_the_file is remembered


class NameSpy:
    """The real sandbox, with the names of the files it was asked to extract."""

    name = "spy"

    def __init__(self, sandbox: SandboxedTika) -> None:
        self.sandbox = sandbox
        self.names: list[str] = []

    def extract(self, data: bytes, filename: str) -> Extracted:
        self.names.append(filename)
        extracted: Extracted = self.sandbox.extract(data, filename)
        return extracted


def test_ocw_files_are_remembered_too(site_copy: Path) -> None:
    pdf = site_copy / SLUG / "0902956aa08f67a954b28efdcbaaa472_MIT6_262S11_assn 01.pdf"
    with SandboxedTika(LIMITS) as sandbox:
        ingest_content_files("ocw", site_copy, extractor=NameSpy(sandbox))
        assert (files()["resources/resource"].content or "").strip() == "content"
        pdf.write_bytes(pdf_bomb(64, pages=500))
        spy = NameSpy(sandbox)
        first = ingest_content_files("ocw", site_copy, extractor=spy)
        assert pdf.name in spy.names
        spy = NameSpy(sandbox)
        second = ingest_content_files("ocw", site_copy, extractor=spy)
        assert pdf.name not in spy.names and spy.names  # the textbook is still extracted
    key = f"courses/{SLUG}/resources/resource"
    for report, phrase in ((first, "refused"), (second, "not extracted again")):
        messages = {p.key: p.message for p in report.courses[0].problems}
        assert phrase in messages[key] and "100-page limit" in messages[key]
    assert second.courses[0].remembered == 1
    assert (files()["resources/resource"].content or "").strip() == "content"  # kept
    row = ExtractionFailure.objects.get()
    assert (row.platform, row.key, row.attempts, row.skipped) == ("ocw", key, 1, 1)
