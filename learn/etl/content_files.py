"""Content files of a resource: upsert by (owner, key), skip unchanged checksums, unpublish gone.

A file names the run that owns it (``run_id``) or belongs to the resource itself. A file whose
checksum (given, or the md5 of its text) did not change is not written. When a load lists files,
the resource's published files it no longer lists are unpublished; an empty list keeps them all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from learn.catalog.models import ContentFile, LearningResource, LearningResourceRun
from learn.etl.bulk import update_rows
from learn.etl.records import ContentFileRecord
from learn.etl.refs import ReferenceCache

FILE_FIELDS = (
    "uid", "title", "description", "url", "image_src", "file_type", "content_type", "content",
    "content_title", "content_author", "content_language", "source_path", "file_extension",
    "edx_module_id", "published", "youtube_id", "duration",
)  # fmt: skip


@dataclass
class ContentFileCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0


def file_checksum(record: ContentFileRecord) -> str:
    if record.checksum:
        return record.checksum[:32]
    basis = "\x1f".join(
        str(part or "") for part in (record.content, record.title, record.url, record.published)
    )
    return hashlib.md5(basis.encode(), usedforsecurity=False).hexdigest()


EXTRACTED_FIELDS = ("content", "content_title", "content_author", "content_language")


def _keep_extracted_text(updates: list[ContentFile]) -> None:
    """A metadata-only record (no text) keeps the text a content ingestion extracted earlier."""
    blank = {obj.pk: obj for obj in updates if obj.content is None}
    if not blank:
        return
    for pk, *values in ContentFile.objects.filter(pk__in=list(blank)).values_list(
        "pk", *EXTRACTED_FIELDS
    ):
        obj = blank[pk]
        for name, value in zip(EXTRACTED_FIELDS, values, strict=True):
            if getattr(obj, name) is None:
                setattr(obj, name, value)


def load_content_files(
    resource: LearningResource,
    files: Sequence[ContentFileRecord],
    cache: ReferenceCache | None = None,
    keep: Collection[str] = (),
) -> ContentFileCounts:
    """``keep``: keys not listed this time that must stay as they are (their extraction failed)."""
    counts = ContentFileCounts()
    if not files:
        return counts  # nothing loaded: existing files are kept
    cache = cache or ReferenceCache()
    runs: dict[str, int] = dict(
        LearningResourceRun.objects.filter(learning_resource_id=resource.pk).values_list(
            "run_id", "id"
        )
    )
    existing: dict[tuple[int | None, str], tuple[int, str, bool]] = {}
    for fid, key, owner_run, checksum, published in ContentFile.objects.filter(
        Q(run__learning_resource_id=resource.pk) | Q(learning_resource_id=resource.pk)
    ).values_list("id", "key", "run_id", "checksum", "published"):
        existing[(owner_run, key or "")] = (fid, checksum, published)

    now = timezone.now()
    listed: set[int] = set()
    creates: list[ContentFile] = []
    updates: list[ContentFile] = []
    tagged: list[tuple[ContentFile, list[str]]] = []
    for record in files:
        run_pk: int | None = runs.get(record.run_id) if record.run_id else None
        if record.run_id and run_pk is None:
            raise ValueError(f"content file {record.key!r} names unknown run {record.run_id!r}")
        checksum = file_checksum(record)
        found = existing.get((run_pk, record.key))
        if found is not None:
            listed.add(found[0])
            if found[1] == checksum and found[2] == record.published:
                counts.unchanged += 1
                continue
        values = {name: getattr(record, name) for name in FILE_FIELDS}
        obj = ContentFile(
            key=record.key,
            run_id=run_pk,
            learning_resource_id=None if run_pk else resource.pk,
            checksum=checksum,
            **values,
        )
        obj.updated_on = now
        if found is not None:
            obj.pk = found[0]
            obj._state.adding = False
            updates.append(obj)
        else:
            creates.append(obj)
        tagged.append((obj, record.content_tags))
    ContentFile.objects.bulk_create(creates)
    _keep_extracted_text(updates)
    if updates:
        update_rows(ContentFile, updates, [*FILE_FIELDS, "checksum", "updated_on"])
    counts.created, counts.updated = len(creates), len(updates)

    through = ContentFile.content_tags.through
    if updates:
        through.objects.filter(contentfile_id__in=[f.pk for f in updates]).delete()
    through.objects.bulk_create(
        [
            through(contentfile_id=obj.pk, contenttag_id=tag_id)
            for obj, names in tagged
            for tag_id in cache.tag_ids(names)
        ],
        ignore_conflicts=True,
    )
    listed.update(obj.pk for obj in creates)
    gone = [
        fid
        for (_, key), (fid, _, published) in existing.items()
        if published and fid not in listed and key not in keep
    ]
    if gone:
        counts.unpublished = ContentFile.objects.filter(id__in=gone).update(
            published=False, updated_on=now
        )
    return counts
