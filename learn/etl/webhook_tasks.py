"""Celery tasks the webhooks enqueue (in-process in the embedded mode).

Content ingestion and unpublishing a run's files go to ``edx_content``; catalog loads (OCW
courses, an OVS video) and unpublishes go to ``default``. Every task records an
:class:`~learn.etl.models.EtlRun`, so webhook work shows in ``learn etl status``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone

from learn.config.celery import app
from learn.config.env import get_env
from learn.etl.content.tasks import NO_REDELIVERY, EdxContentTask, summary
from learn.etl.task_options import RETRY_OPTIONS, EtlNetworkError


def run_summary(run: Any) -> dict[str, Any]:
    return {
        "run": run.pk, "source": run.source, "status": run.status, "created": run.created,
        "updated": run.updated, "unchanged": run.unchanged, "unpublished": run.unpublished,
        "skipped": run.skipped, "failed": run.failed, "message": run.message,
    }  # fmt: skip


def _record(source: str, origin: str, status: str, message: str, **counts: int) -> Any:
    from learn.etl.models import EtlRun

    return EtlRun.objects.create(
        source=source, origin=origin[:2048], status=status, message=message,
        finished_on=timezone.now(), **counts,
    )  # fmt: skip


def _partial(name: str, **kwargs: Any) -> dict[str, Any]:
    from learn.etl.pipeline import is_network_error, run_source

    try:
        run = run_source(name, raise_network_errors=True, **kwargs)
    except Exception as exc:
        if is_network_error(exc):
            raise EtlNetworkError(f"{name}: {exc}") from exc
        raise
    return run_summary(run)


# ---------------------------------------------------------------- catalog (default queue)


@app.task(name="learn.etl.webhook_ocw_courses", **RETRY_OPTIONS)
def load_ocw_courses(slugs: list[str]) -> dict[str, Any]:
    """Load only these OCW courses (non-full: nothing else is unpublished)."""
    return _partial("ocw", only=slugs)


@app.task(name="learn.etl.webhook_ocw_unpublish", acks_late=True)
def unpublish_ocw_site(site_uid: str) -> dict[str, Any]:
    """Unpublish the OCW course whose run is the site ``site_uid``."""
    from learn.catalog.models import LearningResource
    from learn.etl.models import RunStatus
    from learn.etl.targeted_writes import unpublish_resources

    ids = list(
        LearningResource.objects.filter(
            platform_id="ocw", resource_type="course", runs__run_id__iexact=site_uid
        ).values_list("readable_id", flat=True)
    )
    gone = unpublish_resources("ocw", "course", ids)
    message = f"site {site_uid}: " + (
        f"{len(gone)} course(s) unpublished" if ids else "no course has this site; nothing to do"
    )
    run = _record(
        "ocw", f"webhook: unpublish {site_uid}",
        RunStatus.ok if ids else RunStatus.skipped, message, unpublished=len(gone),
    )  # fmt: skip
    return run_summary(run)


def ovs_item(video: dict[str, Any]) -> dict[str, Any]:
    """The raw item the OVS transform takes, for a video pushed by the webhook."""
    from learn.etl.sources.ovs import allowed_hosts

    env = get_env()
    api_base = (env.ovs_api_base_url or "").rstrip("/")
    collection = video.get("collection")
    return {
        "kind": "video",
        "video": video,
        "short": bool(isinstance(collection, dict) and collection.get("for_shorts")),
        "api_base": api_base,
        "allowed_hosts": allowed_hosts(env, api_base),
    }


@app.task(name="learn.etl.webhook_ovs_video", **RETRY_OPTIONS)
def upsert_ovs_video(video: dict[str, Any]) -> dict[str, Any]:
    """Load one OVS video from the webhook's payload (non-full)."""
    return _partial("ovs", items=[ovs_item(video)])


@app.task(name="learn.etl.webhook_ovs_delete", acks_late=True)
def delete_ovs_video(video_id: str, reason: str = "deleted") -> dict[str, Any]:
    from learn.etl.models import RunStatus
    from learn.etl.targeted_writes import unpublish_resources

    gone = unpublish_resources("ovs", "video", [video_id])
    message = f"video {video_id} {reason}: " + ("unpublished" if gone else "not published")
    run = _record(
        "ovs", f"webhook: delete {video_id}", RunStatus.ok, message, unpublished=len(gone)
    )
    return run_summary(run)


# ---------------------------------------------------------------- content (edx_content queue)


class ArchiveMissing(FileNotFoundError):
    pass


def _local_archive(root: str, content_path: str) -> Path:
    base = Path(root).resolve()
    path = (base / content_path).resolve()
    if base != path and base not in path.parents:
        raise ArchiveMissing(f"{content_path}: leaves {base}")
    if not path.exists():
        raise ArchiveMissing(f"{path}: no such archive")
    return path


def _download(location: str, content_path: str, folder: Path) -> Path:
    import boto3
    from botocore.exceptions import ClientError

    parts = urlsplit(location)
    key = "/".join(p for p in (parts.path.strip("/"), content_path) if p)
    target = folder / Path(content_path).name
    client = boto3.client("s3", endpoint_url=get_env().aws_s3_endpoint_url)
    try:
        client.download_file(parts.netloc, key, str(target))
    except ClientError as exc:
        raise ArchiveMissing(f"s3://{parts.netloc}/{key}: {exc}") from None
    return target


@app.task(name="learn.etl.content.ingest_webhook_archive", base=EdxContentTask, **NO_REDELIVERY)
def ingest_webhook_archive(
    platform: str, content_path: str, run_id: str | None = None
) -> dict[str, Any]:
    """Ingest the archive (or OCW folder) ``content_path`` under ``COURSE_ARCHIVE_LOCATION``."""
    from learn.etl.content.ingest import ingest_content_files
    from learn.etl.models import RunStatus

    location = get_env().course_archive_location
    source = f"{platform}_content"
    if not location:
        run = _record(source, content_path, RunStatus.failed, "set COURSE_ARCHIVE_LOCATION")
        return run_summary(run)
    with tempfile.TemporaryDirectory(prefix="learn-webhook-") as tmp:
        try:
            if location.startswith("s3://"):
                path = _download(location, content_path, Path(tmp))
            else:
                path = _local_archive(location, content_path)
        except ArchiveMissing as exc:
            run = _record(source, content_path, RunStatus.failed, str(exc), failed=1)
            return run_summary(run)
        return summary(ingest_content_files(platform, path, run_id=run_id))


@app.task(name="learn.etl.content.unpublish_run_files", base=EdxContentTask, acks_late=True)
def unpublish_webhook_run_files(
    platform: str, course_id: str | None = None, course_readable_id: str | None = None
) -> dict[str, Any]:
    """Unpublish the content files of the run ``course_id`` (or every run of the course)."""
    from learn.etl.models import RunStatus
    from learn.etl.targeted_writes import find_runs, unpublish_run_files

    runs = find_runs(platform, course_id, course_readable_id)
    named = course_id or course_readable_id or ""
    count = unpublish_run_files(runs) if runs else 0
    message = (
        f"{named}: {count} content file(s) unpublished in {len(runs)} run(s)"
        if runs
        else f"{named}: no such run on {platform}; nothing to do"
    )
    run = _record(
        f"{platform}_content", f"webhook: delete {named}",
        RunStatus.ok if runs else RunStatus.skipped, message, unpublished=count,
    )  # fmt: skip
    return run_summary(run)
