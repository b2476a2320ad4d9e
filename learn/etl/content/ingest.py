"""``ingest_content_files(platform, source)``: archives or OCW folders → content files, recorded.

Each course found in ``source`` is matched to its run in the catalog (an unknown run is
reported and skipped), its files are extracted (unchanged ones are not) and written through
:func:`learn.etl.content_files.load_content_files`: unchanged files write nothing, vanished ones
are unpublished, files whose extraction failed keep their stored copy. A failure about the file
(a limit, a crash, a parse error) is remembered (:class:`~learn.etl.models.ExtractionFailure`):
later ingests skip the same bytes with the remembered reason unless ``retry_failed``
(:mod:`learn.etl.content.failures`). OCW Open Textbooks are
loaded as ``document`` resources through the loader and linked to their course. Every ingest is
one :class:`~learn.etl.models.EtlRun` (source ``<platform>_content``) shown by ``learn etl status``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from learn.catalog import hooks
from learn.catalog.constants import RelationType
from learn.catalog.models import (
    ContentFile,
    LearningResource,
    LearningResourceRelationship,
    LearningResourceRun,
)
from learn.config.env import LearnEnv, get_env
from learn.etl.content import ocw as ocw_content
from learn.etl.content.archive import ArchiveError, ArchiveLimits
from learn.etl.content.extract import TextExtractor, close_extractor, get_extractor
from learn.etl.content.failures import FailureMemory, KnownFailure
from learn.etl.content.olx import FileProblem, OlxCourse, olx_records, read_courses
from learn.etl.content_files import ContentFileCounts, load_content_files
from learn.etl.loader import load_resources
from learn.etl.models import EtlRun, ExtractionFailure, RunStatus
from learn.etl.pipeline import source_lock
from learn.etl.records import ContentFileRecord, ResourceRecord

logger = logging.getLogger(__name__)

EDX_PLATFORMS = ("edx", "mitxonline", "xpro", "oll")
PLATFORMS = (*EDX_PLATFORMS, "ocw")
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar")

# progress(done, total) over the courses of one ingest
Progress = Callable[[int, int], None]


class ContentSourceError(ValueError):
    """The ingest cannot start: unknown platform or a missing source."""


@dataclass
class CourseOutcome:
    label: str
    run_id: str
    status: str  # loaded | unchanged | skipped | failed | empty
    counts: ContentFileCounts = field(default_factory=ContentFileCounts)
    extracted: int = 0
    problems: list[FileProblem] = field(default_factory=list)
    message: str = ""
    remembered: int = 0  # files not extracted again: their very bytes failed before


@dataclass
class IngestReport:
    platform: str
    source: str
    courses: list[CourseOutcome] = field(default_factory=list)
    run: EtlRun | None = None

    def total(self, name: str) -> int:
        return sum(int(getattr(c.counts, name)) for c in self.courses)

    @property
    def problems(self) -> list[tuple[str, FileProblem]]:
        return [(c.run_id, p) for c in self.courses for p in c.problems]


def _known(run_pk: int) -> dict[str, str]:
    return {
        key: checksum
        for key, checksum in ContentFile.objects.filter(run_id=run_pk, published=True).values_list(
            "key", "checksum"
        )
        if key
    }


# ---------------------------------------------------------------- remembered failures


@dataclass(frozen=True)
class _Context:
    """What every course of one ingest shares."""

    platform: str
    run: EtlRun
    extractor: TextExtractor
    retry_failed: bool


def _failures(ctx: _Context, run_id: str) -> QuerySet[ExtractionFailure]:
    return ExtractionFailure.objects.filter(platform=ctx.platform, run_id=run_id)


def _memory(ctx: _Context, run_id: str) -> FailureMemory:
    """Run ``run_id``'s remembered failures; each new one is saved as soon as it happens."""
    known = {
        key: KnownFailure(sha, reason, first_seen, attempts)
        for key, sha, reason, first_seen, attempts in _failures(ctx, run_id).values_list(
            "key", "sha256", "reason", "first_seen", "attempts"
        )
    }

    def failed(key: str, sha: str, reason: str) -> None:
        now = timezone.now()
        with transaction.atomic():
            row = _failures(ctx, run_id).select_for_update().filter(key=key).first()
            if row is None:
                row = ExtractionFailure(
                    platform=ctx.platform, run_id=run_id, key=key, sha256=sha,
                    first_seen=now, attempts=0,
                )  # fmt: skip
            elif row.sha256 != sha:  # other bytes failing: a new failure
                row.sha256, row.first_seen, row.attempts, row.skipped = sha, now, 0, 0
            row.reason, row.last_seen, row.etl_run = reason[:4000], now, ctx.run
            row.attempts += 1
            row.save()

    return FailureMemory(known, retry=ctx.retry_failed, on_failed=failed)


def _remember(ctx: _Context, run_id: str, memory: FailureMemory) -> None:
    """After the course: count the skips, forget failures that are moot (success, new bytes,
    an unchanged stored copy, a file gone from the course). New failures were saved as they
    happened."""
    rows = _failures(ctx, run_id)
    with transaction.atomic():
        gone = (memory.cleared - memory.failed.keys()) | memory.vanished
        if gone:
            rows.filter(key__in=sorted(gone)).delete()
        if memory.recalled:
            rows.filter(key__in=sorted(memory.recalled)).update(
                last_seen=timezone.now(), skipped=F("skipped") + 1, etl_run=ctx.run
            )


def _find_run(
    platform: str, run_ids: Iterable[str], slug: str | None = None
) -> LearningResourceRun | None:
    runs = LearningResourceRun.objects.select_related("learning_resource").filter(
        learning_resource__platform_id=platform
    )
    for run_id in run_ids:
        found = runs.filter(run_id__iexact=run_id).order_by("-published", "id").first()
        if found is not None:
            return found
    if slug:
        return runs.filter(slug=f"courses/{slug}").order_by("-published", "id").first()
    return None


def _write(
    run: LearningResourceRun, records: list[ContentFileRecord], keep: set[str]
) -> ContentFileCounts:
    resource = run.learning_resource
    for record in records:
        record.run_id = run.run_id  # the catalog's spelling of the run id
    with transaction.atomic():
        counts = load_content_files(resource, records, keep=keep)
    if (counts.created or counts.updated or counts.unpublished) and resource.published:
        hooks.resources_changed([resource.pk])
    return counts


def _status(counts: ContentFileCounts, problems: list[FileProblem], records: int) -> str:
    if not records:
        return "failed" if problems else "empty"
    if counts.created or counts.updated or counts.unpublished:
        return "loaded"
    return "unchanged"


# ---------------------------------------------------------------- edX family


def _archives(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(
            p for p in source.iterdir() if p.is_file() and p.name.endswith(ARCHIVE_SUFFIXES)
        )
    if not source.is_file():
        raise ContentSourceError(f"{source}: no such archive or folder")
    return [source]


def _ingest_edx_course(ctx: _Context, course: OlxCourse) -> CourseOutcome:
    platform = ctx.platform
    run = _find_run(platform, [course.run_id])
    if run is None:
        return CourseOutcome(
            course.label, course.run_id, "skipped", problems=list(course.problems),
            message=f"run {course.run_id!r} is not in the catalog for platform {platform!r}; "
            f"load the {platform} source first",
        )  # fmt: skip
    memory = _memory(ctx, run.run_id)
    result = olx_records(course, platform, ctx.extractor, _known(run.pk), memory)
    _remember(ctx, run.run_id, memory)
    counts = (
        _write(run, result.records, result.failed_keys) if result.records else ContentFileCounts()
    )
    return CourseOutcome(
        course.label, run.run_id, _status(counts, result.problems, len(result.records)),
        counts, result.extracted, result.problems, remembered=len(result.memory.recalled),
    )  # fmt: skip


def _ingest_edx(
    ctx: _Context, source: Path, run_id: str | None, limits: ArchiveLimits,
    progress: Progress | None,
) -> list[CourseOutcome]:  # fmt: skip
    """Archives one at a time, newest first (mtime, then name): only one archive's contents are
    held at once. The first (newest) export of a run is loaded; older ones are skipped as
    superseded."""
    outcomes: list[CourseOutcome] = []
    winners: dict[str, str] = {}  # run id (lower case) → the archive whose export was loaded
    archives = sorted(_archives(source), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    for index, archive in enumerate(archives, 1):
        try:
            courses = read_courses(archive, limits, run_id)
        except ArchiveError as exc:
            outcomes.append(CourseOutcome(str(archive), run_id or "", "failed", message=str(exc)))
            courses = []
        else:
            if not courses:
                empty = "no course.xml: nothing to load"
                outcomes.append(CourseOutcome(str(archive), run_id or "", "empty", message=empty))
        for course in courses:
            key = course.run_id.lower()
            if key in winners:
                outcomes.append(
                    CourseOutcome(
                        course.label,
                        course.run_id,
                        "skipped",
                        message=f"superseded by the newer export {winners[key]}",
                    )  # fmt: skip
                )
                continue
            winners[key] = archive.name
            outcomes.append(_ingest_edx_course(ctx, course))
        del courses  # this archive's bytes go before the next archive is read
        if progress:
            progress(index, len(archives))
    return outcomes


# ---------------------------------------------------------------- OCW


def _link_materials(course: LearningResource, document_ids: list[int]) -> list[int]:
    """Make ``document_ids`` the course's learning materials; unpublish the ones it dropped."""
    relation = RelationType.COURSE_LEARNING_MATERIALS
    links = LearningResourceRelationship.objects.filter(parent=course, relation_type=relation)
    before = set(links.values_list("child_id", flat=True))
    dropped = sorted(before - set(document_ids))
    with transaction.atomic():
        links.exclude(child_id__in=document_ids).delete()
        for position, child_id in enumerate(document_ids):
            LearningResourceRelationship.objects.update_or_create(
                parent=course, child_id=child_id, relation_type=relation,
                defaults={"position": position},
            )  # fmt: skip
        gone = list(
            LearningResource.objects.filter(
                id__in=dropped, resource_type="document", published=True
            ).values_list("id", flat=True)
        )
        LearningResource.objects.filter(id__in=gone).update(
            published=False, etl_checksum="", updated_on=timezone.now()
        )
    hooks.resources_removed(gone)
    return gone


def _load_documents(
    course: LearningResource,
    documents: list[ResourceRecord],
    textbook_ids: list[str],
    outcome: CourseOutcome,
) -> None:
    """Give each Open Textbook document its extracted file; create the ones the catalog lacks.

    The OCW catalog source creates these documents (same ``{run_id}-{key}`` ids) with their
    metadata; content ingestion adds the text, so an existing document only gets its file.
    """
    existing = dict(
        LearningResource.objects.filter(
            platform_id="ocw", resource_type="document",
            readable_id__in=[d.readable_id for d in documents],
        ).values_list("readable_id", "id")
    )  # fmt: skip
    missing = [d for d in documents if d.readable_id not in existing]
    if missing:
        result = load_resources(
            missing, "ocw", full=False, resource_types=("document",),
            run=EtlRun.objects.create(source="ocw_learning_materials"),
        )  # fmt: skip
        for error in result.errors:
            outcome.problems.append(FileProblem(error.get("record", ""), error.get("message", "")))
    for document in documents:
        pk = existing.get(document.readable_id)
        if pk is None:
            continue
        resource = LearningResource.objects.get(pk=pk)
        with transaction.atomic():
            counts = load_content_files(resource, document.content_files)
        if (counts.created or counts.updated) and resource.published:
            hooks.resources_changed([pk])
    ids = dict(
        LearningResource.objects.filter(
            platform_id="ocw", resource_type="document", readable_id__in=textbook_ids
        ).values_list("readable_id", "id")
    )
    # a textbook whose file failed to extract this time still qualifies: it stays linked
    _link_materials(course, [ids[rid] for rid in textbook_ids if rid in ids])


def _ingest_ocw(
    ctx: _Context, source: Path, env: LearnEnv, progress: Progress | None
) -> list[CourseOutcome]:
    try:
        courses = ocw_content.find_courses(source)
    except FileNotFoundError as exc:
        raise ContentSourceError(str(exc)) from None
    outcomes: list[CourseOutcome] = []
    for index, course in enumerate(courses, 1):
        run = _find_run("ocw", course.uids, course.slug)
        if run is None:
            outcomes.append(
                CourseOutcome(
                    str(course.path),
                    course.slug,
                    "skipped",
                    message=f"OCW course {course.slug!r} is not in the catalog; "
                    "run `learn etl run ocw` first",
                )  # fmt: skip
            )
            continue
        memory = _memory(ctx, run.run_id)
        result = ocw_content.course_content(
            course, run.run_id, env.ocw_base_url, ctx.extractor, _known(run.pk),
            max_file_bytes=env.content_max_file_bytes, memory=memory,
        )  # fmt: skip
        _remember(ctx, run.run_id, memory)
        counts = (
            _write(run, result.records, result.failed_keys)
            if result.records
            else ContentFileCounts()
        )
        outcome = CourseOutcome(
            str(course.path), run.run_id, _status(counts, result.problems, len(result.records)),
            counts, result.extracted, result.problems, remembered=len(result.memory.recalled),
        )  # fmt: skip
        if result.records or result.textbook_ids:
            # only when this load listed files: an empty extract keeps everything
            _load_documents(run.learning_resource, result.documents, result.textbook_ids, outcome)
        outcomes.append(outcome)
        if progress:
            progress(index, len(courses))
    return outcomes


# ---------------------------------------------------------------- entry point


def ingest_content_files(
    platform: str,
    source: str | Path,
    *,
    run_id: str | None = None,
    extractor: TextExtractor | None = None,
    config: LearnEnv | None = None,
    limits: ArchiveLimits | None = None,
    progress: Progress | None = None,
    retry_failed: bool = False,
) -> IngestReport:
    """Ingest the content files of ``platform`` from ``source`` (archive, folder of archives,
    or OCW folder). ``run_id`` overrides the run an edX archive names (single-course archives).

    A file whose very bytes failed extraction before (for a reason about the file) is not
    extracted again unless ``retry_failed``: its stored copy is kept and it is reported with
    the remembered reason.

    Per-file and per-course problems are reported, never raised; a bad ``platform`` or a missing
    ``source`` raises :class:`ContentSourceError` before anything is written.
    """
    if platform not in PLATFORMS:
        raise ContentSourceError(
            f"unknown content platform {platform!r}; expected one of {PLATFORMS}"
        )
    env = config or get_env()
    path = Path(source)
    if not path.exists():
        raise ContentSourceError(f"{source}: no such file or folder")
    report = IngestReport(platform, str(source))
    run = EtlRun.objects.create(source=f"{platform}_content", origin=str(source)[:2048])
    report.run = run
    own_extractor = extractor is None
    active = extractor or get_extractor(env)
    ctx = _Context(platform, run, active, retry_failed)
    try:
        with source_lock(f"{platform}_content"):
            if platform == "ocw":
                report.courses = _ingest_ocw(ctx, path, env, progress)
            else:
                limits = limits or ArchiveLimits.from_env(env)
                report.courses = _ingest_edx(ctx, path, run_id, limits, progress)
    except Exception as exc:
        run.status, run.message, run.finished_on = RunStatus.failed, str(exc)[:2000], timezone.now()
        run.save()
        raise
    finally:
        if own_extractor:
            close_extractor(active)
    _record(run, report)
    return report


def _record(run: EtlRun, report: IngestReport) -> None:
    run.extracted = sum(c.extracted for c in report.courses)
    run.created = report.total("created")
    run.updated = report.total("updated")
    run.unchanged = report.total("unchanged")
    run.unpublished = report.total("unpublished")
    run.skipped = sum(1 for c in report.courses if c.status == "skipped") + len(report.problems)
    run.failed = sum(1 for c in report.courses if c.status == "failed")
    run.errors = [
        {"record": f"{run_id}:{problem.key}", "message": problem.message}
        for run_id, problem in report.problems
    ] + [
        {"record": c.run_id or c.label, "message": c.message}
        for c in report.courses
        if c.message and c.status in ("skipped", "failed")
    ]
    statuses = {c.status for c in report.courses}
    if statuses and statuses <= {"failed"}:
        run.status = RunStatus.failed
    elif not statuses or statuses <= {"skipped", "empty"}:
        run.status = RunStatus.skipped
    else:
        run.status = RunStatus.ok
    run.message = (
        ", ".join(
            f"{sum(1 for c in report.courses if c.status == s)} {s}" for s in sorted(statuses)
        )
        or "no courses found"
    )
    remembered = sum(c.remembered for c in report.courses)
    if remembered:
        run.message += (
            f"; {remembered} file(s) not extracted again (these bytes failed before, "
            "see `learn etl content failures`)"
        )
    run.finished_on = timezone.now()
    run.save()
