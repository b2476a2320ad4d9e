"""What each webhook does, as plain functions (the views only pass the raw request in).

Each takes the raw body, its content type and the request headers, checks the signature
(timestamp, delivery id and body; :mod:`learn.etl.webhook_auth`), enqueues the work as a
Celery task (run in-process in the embedded mode) and returns the JSON answer. Refusals raise
:class:`~learn.etl.webhook_auth.WebhookError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from learn.config.env import LearnEnv, get_env
from learn.etl import webhook_tasks as tasks
from learn.etl.records import TransformError
from learn.etl.webhook_auth import WebhookError, verify_request
from learn.etl.webhook_requests import (
    content_files_request,
    ocw_request,
    ovs_request,
    parse_body,
)


def _task_id(result: Any) -> str | None:
    return str(result.id) if getattr(result, "id", None) else None


def content_files(
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
    env: LearnEnv | None = None,
) -> dict[str, Any]:
    """A new course archive: ingest its content files (queue ``edx_content``)."""
    env = env or get_env()
    verify_request(body, headers, env.webhook_secret, max_skew=env.webhook_max_skew_seconds)
    request = content_files_request(parse_body(body, content_type), delete=False)
    if not env.course_archive_location:
        raise WebhookError(
            503, "content archive location not configured: set COURSE_ARCHIVE_LOCATION"
        )
    result = tasks.ingest_webhook_archive.delay(
        request.platform, request.content_path, request.course_id
    )
    return {
        "status": "success",
        "message": f"ingestion of {request.content_path} for {request.source} queued",
        "task_id": _task_id(result),
    }


def content_files_delete(
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
    env: LearnEnv | None = None,
) -> dict[str, Any]:
    """A course archive withdrawn: unpublish that run's content files (queue ``edx_content``)."""
    env = env or get_env()
    verify_request(body, headers, env.webhook_secret, max_skew=env.webhook_max_skew_seconds)
    request = content_files_request(parse_body(body, content_type), delete=True)
    result = tasks.unpublish_webhook_run_files.delay(
        request.platform, request.course_id, request.course_readable_id
    )
    named = request.course_id or request.course_readable_id
    return {
        **request.echo(),
        "status": "success",
        "message": f"unpublishing the content files of {named} queued",
        "task_id": _task_id(result),
    }


def ovs_videos(
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
    env: LearnEnv | None = None,
) -> dict[str, Any]:
    """An OVS video upserted (full video payload) or deleted (``video_id`` + ``delete``)."""
    from learn.etl.sources import ovs

    env = env or get_env()
    verify_request(body, headers, env.webhook_secret, max_skew=env.webhook_max_skew_seconds)
    request = ovs_request(parse_body(body, content_type))
    if request.delete:
        result = tasks.delete_ovs_video.delay(request.key)
        message = f"unpublishing OVS video {request.key} queued"
    elif not ovs.is_listed(request.video):
        result = tasks.delete_ovs_video.delay(request.key, "not public or not complete")
        message = f"OVS video {request.key} is not public and complete: unpublishing queued"
    else:
        item = tasks.ovs_item(request.video)
        try:  # the transform is pure: a payload it cannot take is the sender's error
            ovs.transform(item)
        except TransformError as exc:
            raise WebhookError(400, f"video {request.key}: {exc.message}") from None
        except ValidationError as exc:
            raise WebhookError(400, f"video {request.key}: {exc.errors()[0]['msg']}") from None
        result = tasks.upsert_ovs_video.delay(request.video)
        message = f"loading OVS video {request.key} queued"
    return {"status": "success", "message": message, "task_id": _task_id(result)}


def ocw_next(
    body: bytes,
    content_type: str | None,
    headers: Mapping[str, str],
    env: LearnEnv | None = None,
) -> dict[str, Any]:
    """OCW published (``prefixes``) or unpublished (``site_uid``) courses; signed with the key."""
    env = env or get_env()
    verify_request(
        body, headers, env.ocw_webhook_key, secret_name="OCW_WEBHOOK_KEY",
        max_skew=env.webhook_max_skew_seconds,
    )  # fmt: skip
    request = ocw_request(parse_body(body, content_type))
    if request.version != "live":
        return {"status": "ignored", "message": f"version {request.version!r} is not live"}
    queued: list[str] = []
    messages: list[str] = []
    if request.unpublished and request.site_uid:
        queued.append(str(_task_id(tasks.unpublish_ocw_site.delay(request.site_uid))))
        messages.append(f"unpublishing site {request.site_uid} queued")
    if request.slugs:
        queued.append(str(_task_id(tasks.load_ocw_courses.delay(request.slugs))))
        messages.append(f"loading {len(request.slugs)} OCW course(s) queued")
    return {"status": "success", "message": "; ".join(messages), "task_ids": queued}
