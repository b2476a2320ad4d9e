"""Narrow catalog writes beside the loader, for jobs that touch one field or one run.

- :func:`set_video_transcripts` writes ``Video.transcript`` (YouTube transcripts job);
- :func:`unpublish_resources` unpublishes named resources (OVS delete, OCW unpublish webhooks);
- :func:`unpublish_run_files` unpublishes a run's content files (content_files delete webhook).

Like the loader, each announces what it changed through :mod:`learn.catalog.hooks` after the
write, and clears ``etl_checksum`` when it unpublishes so a later load republishes the resource.
The unpublishing writers announce every resource they name that is unpublished afterwards, not
only those they changed: a webhook task killed between its write and its announcement is run
again (``acks_late``), finds nothing left to change, and must still tell the index
(``tests/etl/test_webhook_kill.py``). Announcing a removal twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone

from learn.catalog import hooks
from learn.catalog.models import ContentFile, LearningResource, LearningResourceRun, Video


def set_video_transcripts(transcripts: Mapping[int, str]) -> tuple[list[int], int]:
    """Write each video's transcript (keyed by resource id); unchanged texts write nothing.

    Returns (ids whose transcript changed, how many were unchanged). Unknown ids are ignored.
    """
    if not transcripts:
        return [], 0
    current = dict(
        Video.objects.filter(learning_resource_id__in=list(transcripts)).values_list(
            "learning_resource_id", "transcript"
        )
    )
    changed = [pk for pk, text in transcripts.items() if pk in current and current[pk] != text]
    unchanged = sum(1 for pk, text in transcripts.items() if current.get(pk) == text)
    now = timezone.now()
    with transaction.atomic():
        for pk in changed:
            Video.objects.filter(learning_resource_id=pk).update(transcript=transcripts[pk])
        if changed:
            LearningResource.objects.filter(id__in=changed).update(updated_on=now)
    published = list(
        LearningResource.objects.filter(id__in=changed, published=True).values_list("id", flat=True)
    )
    hooks.resources_changed(published)
    return sorted(changed), unchanged


def unpublish_resources(
    platform: str, resource_type: str, readable_ids: Iterable[str]
) -> list[int]:
    """Unpublish the published resources with these ids; returns the ids that changed. Every
    named resource that is unpublished afterwards is announced as removed (see above)."""
    named = LearningResource.objects.filter(
        platform_id=platform, resource_type=resource_type, readable_id__in=list(readable_ids)
    )
    ids = list(named.filter(published=True).values_list("id", flat=True))
    if ids:
        LearningResource.objects.filter(id__in=ids).update(
            published=False, etl_checksum="", updated_on=timezone.now()
        )
    hooks.resources_removed(list(named.filter(published=False).values_list("id", flat=True)))
    return ids


def find_runs(
    platform: str, run_id: str | None = None, readable_id: str | None = None
) -> list[LearningResourceRun]:
    """Runs of ``platform`` named by run id (case-insensitive) or by their resource's id."""
    runs = LearningResourceRun.objects.select_related("learning_resource").filter(
        learning_resource__platform_id=platform
    )
    if run_id:
        return list(runs.filter(run_id__iexact=run_id))
    if readable_id:
        return list(runs.filter(learning_resource__readable_id=readable_id))
    return []


def unpublish_run_files(runs: Iterable[LearningResourceRun]) -> int:
    """Unpublish every published content file of ``runs``; returns how many were unpublished.
    The runs' published resources are announced even when nothing was left to unpublish (a
    retried delete whose first attempt died before announcing)."""
    runs = list(runs)
    count = ContentFile.objects.filter(run__in=runs, published=True).update(
        published=False, updated_on=timezone.now()
    )
    resources = {run.learning_resource_id for run in runs}
    hooks.resources_changed(
        sorted(
            LearningResource.objects.filter(id__in=resources, published=True).values_list(
                "id", flat=True
            )
        )
    )
    return count
