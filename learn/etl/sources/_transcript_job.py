"""The loop shared by the transcript jobs: fetch each video's text, write in batches, count.

``fetch(client, row)`` returns the text or raises :class:`NoTranscript` (counted as skipped) or
a fetch/parse error (counted as failed). A video that fails keeps its stored transcript; when
every video fails the run is marked failed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx
from django.utils import timezone

from learn.etl import http
from learn.etl.content.transcripts import TranscriptError
from learn.etl.models import EtlRun, RunStatus

WRITE_BATCH = 100
Row = TypeVar("Row", bound=tuple[Any, ...])


class NoTranscript(Exception):
    """The video has no English caption track (not an error: nothing to fetch)."""


def fetch_and_write(
    run: EtlRun, rows: Sequence[Row], fetch: Callable[[httpx.Client, Row], str]
) -> None:
    """Rows are ``(resource id, readable id, ...)``; fills and saves ``run``."""
    from learn.etl.targeted_writes import set_video_transcripts

    run.extracted = len(rows)
    errors: list[dict[str, str]] = []
    with http.make_client() as client:
        for start in range(0, len(rows), WRITE_BATCH):
            found: dict[int, str] = {}
            for row in rows[start : start + WRITE_BATCH]:
                try:
                    found[int(row[0])] = fetch(client, row)
                except NoTranscript as exc:
                    run.skipped += 1
                    errors.append({"record": str(row[1]), "message": f"skipped: {exc}"})
                except (http.FetchError, ValueError, TranscriptError) as exc:
                    run.failed += 1
                    errors.append({"record": str(row[1]), "message": str(exc)})
            changed, unchanged = set_video_transcripts(found)
            run.updated += len(changed)
            run.unchanged += unchanged
    run.errors = errors[:1000]
    if rows and run.failed == len(rows):
        run.status = RunStatus.failed
        run.message = f"every one of the {len(rows)} videos failed; transcripts kept"
    else:
        run.status = RunStatus.ok
        run.message = (
            f"{len(rows)} videos: {run.updated} transcripts written, {run.unchanged} unchanged, "
            f"{run.skipped} without English captions, {run.failed} failed"
        )
    run.finished_on = timezone.now()
    run.save()


def videos_to_transcribe(platform: str, force: bool, *fields: str) -> list[tuple[Any, ...]]:
    """Published videos of ``platform`` (those without a transcript unless ``force``), in id
    order, as ``(learning_resource_id, readable_id, *fields)`` rows."""
    from learn.catalog.models import Video

    videos = Video.objects.filter(
        learning_resource__platform_id=platform,
        learning_resource__resource_type="video",
        learning_resource__published=True,
    )
    if not force:
        videos = videos.filter(transcript="")
    return list(
        videos.order_by("learning_resource_id").values_list(
            "learning_resource_id", "learning_resource__readable_id", *fields
        )
    )
