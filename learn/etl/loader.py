"""The only writer of the catalog: typed records in, upserted rows out, guarded pruning.

``load_resources(records, source)`` upserts by (platform, readable_id, resource_type) in batches
(one transaction each, bulk reads and writes), skips records whose normalized checksum has not
changed, unpublishes what a full load no longer lists unless the extract is empty or shrank below
the safety ratio (then the run is *suspicious* and nothing is unpublished, unless forced), records
the run in :class:`~learn.etl.models.EtlRun` and announces changes through
:mod:`learn.catalog.hooks` once per batch.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from learn.catalog import hooks
from learn.catalog.derived import refresh_derived_values
from learn.catalog.models import (
    LearningResource,
    LearningResourceRelationship,
    LearningResourceRun,
    RunInstructor,
    VideoChannel,
)
from learn.config.env import get_env
from learn.etl import refs
from learn.etl.bulk import update_rows
from learn.etl.content_files import load_content_files
from learn.etl.details import DETAIL_MODELS, detail_values
from learn.etl.models import EtlRun, RunStatus
from learn.etl.records import ResourceRecord, RunRecord

logger = logging.getLogger(__name__)

# Bump when the loader's mapping of records to rows changes: every record then counts as changed.
LOADER_VERSION = "1"
Progress = Callable[[str, int, int | None], None]
Key = tuple[str, str, str]

RESOURCE_FIELDS = (
    "title", "description", "full_description", "url", "last_modified", "published",
    "test_mode", "languages", "ocw_topics", "certification", "certification_type",
    "resource_category", "etl_source", "professional", "availability", "completeness",
    "license_cc", "continuing_ed_credits", "delivery", "pace", "format", "location", "duration",
    "min_weeks", "max_weeks", "time_commitment", "min_weekly_hours", "max_weekly_hours",
)  # fmt: skip
RUN_FIELDS = (
    "title", "description", "full_description", "last_modified", "published", "is_variant",
    "languages", "url", "level", "slug", "semester", "year", "start_date", "end_date",
    "enrollment_start", "enrollment_end", "checksum", "delivery", "availability", "pace",
    "format", "location", "duration", "min_weeks", "max_weeks", "time_commitment",
    "min_weekly_hours", "max_weekly_hours",
)  # fmt: skip
WRITTEN_RESOURCE_FIELDS = (
    *RESOURCE_FIELDS, "platform", "offered_by", "image", "etl_checksum", "prices", "updated_on",
)  # fmt: skip
WRITTEN_RUN_FIELDS = (*RUN_FIELDS, "image", "prices", "updated_on")
DEFAULT_CATEGORY = {"course": "Course", "program": "Program"}


# ---------------------------------------------------------------- results


@dataclass
class LoadResult:
    run: EtlRun
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    unpublished: list[int] = field(default_factory=list)
    skipped: int = 0
    failed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    suspicious: bool = False
    message: str = ""

    @property
    def status(self) -> str:
        return self.run.status


@dataclass
class _BatchOutcome:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)  # went from published to unpublished
    unchanged: int = 0
    # parent id → its children refs, resolved after every batch has loaded
    children: dict[int, ResourceRecord] = field(default_factory=dict)


# ---------------------------------------------------------------- checksum


def record_checksum(record: ResourceRecord) -> str:
    """A stable digest of everything the loader would write for ``record``."""
    payload = record.model_dump_json()  # fields in declaration order: deterministic
    return hashlib.sha256(f"{LOADER_VERSION}:{payload}".encode()).hexdigest()


# ---------------------------------------------------------------- entry point


def load_resources(
    records: Sequence[ResourceRecord],
    source: str,
    *,
    full: bool = True,
    force: bool = False,
    safety_ratio: float | None = None,
    resource_types: Iterable[str] | None = None,
    run: EtlRun | None = None,
    skipped_errors: Sequence[dict[str, str]] = (),
    unidentified_failures: int = 0,
    failure_ratio: float | None = None,
    recheck: bool = False,
    progress: Progress | None = None,
    batch_size: int | None = None,
) -> LoadResult:
    """Upsert ``records`` of ``source`` (an etl_source code) and prune what a full load dropped.

    ``resource_types`` narrows pruning (and the guard's published count) to those types.
    ``skipped_errors`` are transform failures reported by the pipeline; they are recorded, and a
    record that failed is never pruned because of that failure: rows named by a failure are kept,
    ``unidentified_failures`` (failed items without a name) keep every row, and a failure share
    above ``failure_ratio`` makes the run suspicious. ``recheck`` rewrites and re-announces
    unchanged records too (after an interrupted run, whose last writes may not have been linked
    or indexed).
    """
    env = get_env()
    ratio = env.etl_safety_ratio if safety_ratio is None else safety_ratio
    max_failures = env.etl_failure_ratio if failure_ratio is None else failure_ratio
    size = batch_size or env.etl_batch_size
    types = tuple(resource_types) if resource_types else None
    run = run or EtlRun.objects.create(source=source, forced=force)
    run.forced = force
    result = LoadResult(run=run, errors=list(skipped_errors), skipped=len(skipped_errors))

    unique_records = _dedupe(records, result)
    published_scope = LearningResource.objects.filter(etl_source=source, published=True)
    if types:
        published_scope = published_scope.filter(resource_type__in=types)
    published_before = published_scope.count()
    incoming = sum(1 for rec in unique_records if types is None or rec.resource_type in types)
    guard_message = _guard(incoming, published_before, ratio) if full else ""
    failures = list(skipped_errors)
    # what the source yielded; unknown (0) when the caller loads records without a pipeline run
    attempted = max(run.extracted or len(failures) + len(unique_records), len(failures))
    if full and not guard_message:
        guard_message = _failure_guard(len(failures), attempted, max_failures)
    result.suspicious = bool(guard_message)

    cache = refs.ReferenceCache()
    checksums = [(rec, record_checksum(rec)) for rec in unique_records]
    batches: list[_BatchOutcome] = []
    done = 0
    for start in range(0, len(checksums), size):
        chunk = checksums[start : start + size]
        batches.append(_load_chunk(chunk, cache, result, recheck))
        done += len(chunk)
        if progress:
            progress("load", done, len(checksums))
    _link_children(batches, result)

    kept_note = ""
    if full and (not guard_message or force):
        if unidentified_failures and not force:
            kept_note = (
                f"{unidentified_failures} failed records have no name to tell which rows they "
                "were; nothing unpublished (use --force to prune)"
            )
        else:
            failed_names = {str(e.get("record") or "") for e in failures} - {""}
            result.unpublished = _prune(
                published_scope, {rec.key for rec in unique_records}, failed_names
            )

    for outcome in batches:
        result.created.extend(outcome.created)
        result.updated.extend(outcome.updated)
        result.unchanged += outcome.unchanged
    # Announce after the writes committed: once per batch; unchanged records are not announced.
    for outcome in batches:
        changed = [*outcome.created, *outcome.updated]
        published = (
            set(
                LearningResource.objects.filter(id__in=changed, published=True).values_list(
                    "id", flat=True
                )
            )
            if changed
            else set()
        )
        hooks.resources_changed([i for i in changed if i in published])
        hooks.resources_removed(outcome.removed)
    hooks.resources_removed(result.unpublished)

    _record(run, result, guard_message, force, published_before, len(failures), kept_note)
    return result


def _dedupe(records: Sequence[ResourceRecord], result: LoadResult) -> list[ResourceRecord]:
    seen: set[Key] = set()
    out: list[ResourceRecord] = []
    for record in records:
        if record.key in seen:
            result.skipped += 1
            result.errors.append(
                {"record": record.readable_id, "message": "duplicate record in the extract"}
            )
            continue
        seen.add(record.key)
        out.append(record)
    return out


def _guard(incoming: int, published_before: int, ratio: float) -> str:
    if incoming == 0:
        return (
            f"the extract is empty ({published_before} published resources kept); "
            "use --force to unpublish them"
        )
    if published_before and incoming < ratio * published_before:
        return (
            f"the extract shrank to {incoming} records, below {ratio:.0%} of the "
            f"{published_before} published; nothing unpublished (use --force to prune)"
        )
    return ""


def _failure_guard(failed: int, attempted: int, max_share: float) -> str:
    if failed and attempted and failed / attempted > max_share:
        return (
            f"{failed} of {attempted} records ({failed / attempted:.0%}) failed to transform, "
            f"above the {max_share:.0%} threshold; nothing unpublished (use --force to prune)"
        )
    return ""


def _record(
    run: EtlRun,
    result: LoadResult,
    guard_message: str,
    force: bool,
    published_before: int,
    transform_failures: int = 0,
    kept_note: str = "",
) -> None:
    run.created = len(result.created)
    run.updated = len(result.updated)
    run.unchanged = result.unchanged
    run.unpublished = len(result.unpublished)
    run.skipped = result.skipped
    run.failed = result.failed
    run.errors = result.errors[:1000]
    loaded = run.created + run.updated + run.unchanged
    if guard_message and not force:
        run.status = RunStatus.suspicious
        result.message = f"SUSPICIOUS: {guard_message}"
    elif result.failed and not loaded:
        run.status = RunStatus.failed
        result.message = f"every record failed to load ({result.failed})"
    else:
        bad = transform_failures + result.failed
        run.status = RunStatus.partial if bad else RunStatus.ok
        parts = [f"forced: {guard_message}" if guard_message else ""]
        if bad:
            parts.append(
                f"{transform_failures} records failed to transform and {result.failed} to load "
                "(see errors); those were not unpublished"
            )
        parts += [kept_note, f"{published_before} published before this run"]
        result.message = "; ".join(p for p in parts if p)
    run.message = result.message
    run.finished_on = timezone.now()
    run.save()


# ---------------------------------------------------------------- batches


def _load_chunk(
    chunk: list[tuple[ResourceRecord, str]],
    cache: refs.ReferenceCache,
    result: LoadResult,
    recheck: bool = False,
) -> _BatchOutcome:
    """Load a batch in one transaction; if it fails, load its records one by one."""
    try:
        with transaction.atomic():
            return _BatchWriter(cache, recheck).write(chunk)
    except Exception as exc:  # noqa: BLE001 - isolate the offending record below
        logger.info("batch failed (%s); retrying its %d records one by one", exc, len(chunk))
        cache.forget_created()
    outcome = _BatchOutcome()
    for item in chunk:
        try:
            with transaction.atomic():
                single = _BatchWriter(cache, recheck).write([item])
        except Exception as exc:  # noqa: BLE001 - report and go on with the rest
            cache.forget_created()
            result.failed += 1
            result.errors.append({"record": item[0].readable_id, "message": f"load failed: {exc}"})
            continue
        outcome.created += single.created
        outcome.updated += single.updated
        outcome.removed += single.removed
        outcome.unchanged += single.unchanged
        outcome.children.update(single.children)
    return outcome


class _BatchWriter:
    """Writes one batch of records with bulk statements."""

    def __init__(self, cache: refs.ReferenceCache, recheck: bool = False) -> None:
        self.cache = cache
        self.recheck = recheck
        self.now = timezone.now()

    def write(self, chunk: list[tuple[ResourceRecord, str]]) -> _BatchOutcome:
        outcome = _BatchOutcome()
        existing = self._existing([rec for rec, _ in chunk])
        changed: list[tuple[ResourceRecord, str, dict[str, Any] | None]] = []
        for record, checksum in chunk:
            row = existing.get(record.key)
            if row is not None and row["etl_checksum"] == checksum and not self.recheck:
                outcome.unchanged += 1
            else:
                changed.append((record, checksum, row))
        if not changed:
            return outcome

        self.cache.prepare(rec for rec, _, _ in changed)
        objects: list[tuple[ResourceRecord, LearningResource, bool]] = []
        to_create: list[LearningResource] = []
        to_update: list[LearningResource] = []
        for record, checksum, row in changed:
            obj = self._resource_object(record, checksum, row)
            if row is None:
                to_create.append(obj)
            else:
                to_update.append(obj)
                if row["published"] and not obj.published:
                    outcome.removed.append(row["id"])
            objects.append((record, obj, row is None))
        LearningResource.objects.bulk_create(to_create)
        if to_update:
            update_rows(LearningResource, to_update, WRITTEN_RESOURCE_FIELDS)
        ids = [obj.pk for _, obj, _ in objects]
        existing_ids = [obj.pk for obj in to_update]

        self._replace_m2m(objects, existing_ids)
        self._write_details(objects)
        self._write_runs(objects, existing_ids)
        for record, obj, _ in objects:
            if record.content_files:
                load_content_files(obj, record.content_files, self.cache)
            if record.children or (record.resource_type in _PARENT_TYPES):
                outcome.children[obj.pk] = record
        self._refresh_derived(ids)
        for _, obj, created in objects:
            (outcome.created if created else outcome.updated).append(obj.pk)
        return outcome

    def _refresh_derived(self, ids: list[int]) -> None:
        """``refresh_derived_values`` on prefetched rows, saved with one bulk update."""
        resources = list(
            LearningResource.objects.filter(id__in=ids).prefetch_related("runs__resource_prices")
        )
        groups: dict[tuple[str, ...], list[LearningResource]] = {}
        priced: dict[int, list[int]] = {}
        for resource in resources:
            changed = refresh_derived_values(resource, save=False)
            if changed:
                groups.setdefault(tuple(sorted(changed)), []).append(resource)
            best = next((r for r in resource.runs.all() if r.pk == resource.best_run_id), None)
            if resource.certification and best is not None:
                priced[resource.pk] = [p.pk for p in best.resource_prices.all()]
        for fields, group in groups.items():
            for resource in group:
                resource.updated_on = self.now
            update_rows(LearningResource, group, [*fields, "updated_on"])
        through = LearningResource.resource_prices.through
        source_col, target_col = _through_columns(through, LearningResource)
        through.objects.filter(**{f"{source_col}__in": ids}).delete()
        through.objects.bulk_create(
            [
                through(**{source_col: rid, target_col: pid})
                for rid, prices in priced.items()
                for pid in prices
            ]
        )

    # ------------------------------------------------------------ resources

    def _existing(self, records: list[ResourceRecord]) -> dict[Key, dict[str, Any]]:
        wanted = {rec.key for rec in records}
        rows = LearningResource.objects.filter(
            readable_id__in={rec.readable_id for rec in records}
        ).values("id", "platform_id", "readable_id", "resource_type", "etl_checksum", "published")
        found: dict[Key, dict[str, Any]] = {}
        for row in rows:
            key = (row["platform_id"], row["readable_id"], row["resource_type"])
            if key in wanted:
                found[key] = dict(row)
        return found

    def _resource_object(
        self, record: ResourceRecord, checksum: str, row: dict[str, Any] | None
    ) -> LearningResource:
        values: dict[str, Any] = {name: getattr(record, name) for name in RESOURCE_FIELDS}
        values["resource_category"] = record.resource_category or DEFAULT_CATEGORY.get(
            record.resource_type, ""
        )
        values["description"] = record.description
        if record.resource_type in ("course", "program") and not record.runs:
            values["published"] = False  # as the reference does: nothing to enroll in
        obj = LearningResource(
            readable_id=record.readable_id,
            resource_type=record.resource_type,
            platform_id=self.cache.platform(record.platform),
            offered_by_id=self.cache.offeror(record.offered_by),
            image_id=self.cache.image(record.image),
            etl_checksum=checksum,
            prices=[],
            **values,
        )
        obj.title = record.title[:256]
        obj.updated_on = self.now
        if row is not None:
            obj.pk = row["id"]
            obj._state.adding = False
        return obj

    def _replace_m2m(
        self, objects: list[tuple[ResourceRecord, LearningResource, bool]], existing_ids: list[int]
    ) -> None:
        relations: dict[str, Callable[[ResourceRecord], list[Any]]] = {
            "topics": lambda rec: self.cache.topic_ids(rec.offered_by, rec.topics),
            "departments": lambda rec: self.cache.department_ids(rec.departments),
            "resource_tags": lambda rec: self.cache.tag_ids(rec.course_features),
        }
        for attr, resolve in relations.items():
            through = getattr(LearningResource, attr).through
            source_col, target_col = _through_columns(through, LearningResource)
            if existing_ids:
                through.objects.filter(**{f"{source_col}__in": existing_ids}).delete()
            rows = [
                through(**{source_col: obj.pk, target_col: target})
                for record, obj, _ in objects
                for target in resolve(record)
            ]
            through.objects.bulk_create(rows, ignore_conflicts=True)

    def _write_details(self, objects: list[tuple[ResourceRecord, LearningResource, bool]]) -> None:
        by_type: dict[str, list[tuple[ResourceRecord, LearningResource]]] = {}
        for record, obj, _ in objects:
            by_type.setdefault(record.resource_type, []).append((record, obj))
        for resource_type, items in by_type.items():
            model: Any = DETAIL_MODELS.get(resource_type)
            if model is None:
                continue
            have = set(
                model.objects.filter(
                    learning_resource_id__in=[obj.pk for _, obj in items]
                ).values_list("learning_resource_id", flat=True)
            )
            creates: list[models.Model] = []
            updates: dict[tuple[str, ...], list[models.Model]] = {}
            for record, obj in items:
                values = detail_values(record, self.cache)
                if "channel_id" in values and values["channel_id"]:
                    self._ensure_channel(record, str(values["channel_id"]))
                instance = model(learning_resource_id=obj.pk, **values)
                if obj.pk in have:
                    instance._state.adding = False
                    if values:
                        updates.setdefault(tuple(sorted(values)), []).append(instance)
                else:
                    creates.append(instance)
            model.objects.bulk_create(creates)
            for fields, instances in updates.items():
                update_rows(model, instances, fields)

    def _ensure_channel(self, record: ResourceRecord, channel_id: str) -> None:
        title = str(record.detail.get("channel_title") or channel_id)
        VideoChannel.objects.update_or_create(
            channel_id=channel_id,
            defaults={"title": title[:256], "etl_source": record.etl_source, "published": True},
        )

    # ------------------------------------------------------------ runs

    def _write_runs(
        self, objects: list[tuple[ResourceRecord, LearningResource, bool]], existing_ids: list[int]
    ) -> None:
        existing: dict[tuple[int, str], int] = {}
        if existing_ids:
            for rid, resource_id, run_id in LearningResourceRun.objects.filter(
                learning_resource_id__in=existing_ids
            ).values_list("id", "learning_resource_id", "run_id"):
                existing[(resource_id, run_id)] = rid
        creates: list[LearningResourceRun] = []
        updates: list[LearningResourceRun] = []
        pairs: list[tuple[RunRecord, LearningResourceRun]] = []
        listed: set[tuple[int, str]] = set()
        for record, obj, _ in objects:
            for run_record in _unique_runs(record.runs):
                run = self._run_object(obj.pk, run_record)
                key = (obj.pk, run_record.run_id)
                listed.add(key)
                if key in existing:
                    run.pk = existing[key]
                    run._state.adding = False
                    updates.append(run)
                else:
                    creates.append(run)
                pairs.append((run_record, run))
        LearningResourceRun.objects.bulk_create(creates)
        if updates:
            update_rows(LearningResourceRun, updates, WRITTEN_RUN_FIELDS)
        stale = [rid for key, rid in existing.items() if key not in listed]
        if stale:  # runs the source no longer lists
            LearningResourceRun.objects.filter(id__in=stale, published=True).update(
                published=False, updated_on=self.now
            )
        self._write_run_links(pairs, [run.pk for run in updates])

    def _run_object(self, resource_id: int, record: RunRecord) -> LearningResourceRun:
        values = {name: getattr(record, name) for name in RUN_FIELDS}
        values["title"] = (record.title or "")[:256]
        amounts = sorted({price.amount.quantize(refs.CENT) for price in record.prices})
        run = LearningResourceRun(
            learning_resource_id=resource_id,
            run_id=record.run_id,
            image_id=self.cache.image(record.image),
            prices=[str(amount) for amount in amounts],
            **values,
        )
        run.updated_on = self.now
        return run

    def _write_run_links(
        self, pairs: list[tuple[RunRecord, LearningResourceRun]], existing_run_ids: list[int]
    ) -> None:
        price_through: Any = LearningResourceRun.resource_prices.through
        source_col, target_col = _through_columns(price_through, LearningResourceRun)
        if existing_run_ids:
            RunInstructor.objects.filter(run_id__in=existing_run_ids).delete()
            price_through.objects.filter(**{f"{source_col}__in": existing_run_ids}).delete()
        instructor_rows: list[RunInstructor] = []
        price_rows: list[models.Model] = []
        for record, run in pairs:
            seen: set[int] = set()
            for position, person in enumerate(record.instructors):
                instructor_id = self.cache.instructor(person)
                if instructor_id in seen:
                    continue
                seen.add(instructor_id)
                instructor_rows.append(
                    RunInstructor(run_id=run.pk, instructor_id=instructor_id, position=position)
                )
            for price_id in {self.cache.price(price) for price in record.prices}:
                price_rows.append(price_through(**{source_col: run.pk, target_col: price_id}))
        RunInstructor.objects.bulk_create(instructor_rows)
        price_through.objects.bulk_create(price_rows, ignore_conflicts=True)


_PARENT_TYPES = ("program", "learning_path", "podcast", "video_playlist")


def _unique_runs(runs: list[RunRecord]) -> list[RunRecord]:
    seen: set[str] = set()
    out = []
    for run in runs:
        if run.run_id not in seen:
            seen.add(run.run_id)
            out.append(run)
    return out


def _through_columns(through: type[models.Model], owner: type[models.Model]) -> tuple[str, str]:
    """(column pointing at ``owner``, column pointing at the other side) of an auto M2M table."""
    fks = [f for f in through._meta.get_fields() if isinstance(f, models.ForeignKey)]
    source = next(f for f in fks if f.related_model is owner)
    target = next(f for f in fks if f is not source)
    return source.attname, target.attname


# ---------------------------------------------------------------- children and pruning


def _link_children(batches: list[_BatchOutcome], result: LoadResult) -> None:
    """Replace the children of every changed parent; children may come from any batch."""
    parents = {pid: rec for outcome in batches for pid, rec in outcome.children.items()}
    if not parents:
        return
    wanted = {
        (c.platform, c.readable_id, c.resource_type) for r in parents.values() for c in r.children
    }
    ids: dict[Key, int] = {}
    readable = sorted({key[1] for key in wanted})
    for start in range(0, len(readable), 500):
        for row in LearningResource.objects.filter(
            readable_id__in=readable[start : start + 500]
        ).values("id", "platform_id", "readable_id", "resource_type"):
            key = (row["platform_id"], row["readable_id"], row["resource_type"])
            if key in wanted:
                ids[key] = row["id"]
    with transaction.atomic():
        LearningResourceRelationship.objects.filter(parent_id__in=list(parents)).delete()
        rows: list[LearningResourceRelationship] = []
        for parent_id, record in parents.items():
            seen: set[tuple[int, str]] = set()
            for position, child in enumerate(record.children):
                child_id = ids.get((child.platform, child.readable_id, child.resource_type))
                if child_id is None:
                    result.errors.append(
                        {
                            "record": record.readable_id,
                            "message": f"child {child.resource_type} {child.readable_id!r} "
                            f"({child.platform}) is not in the catalog; link skipped",
                        }
                    )
                    continue
                if (child_id, child.relation_type) in seen:
                    continue
                seen.add((child_id, child.relation_type))
                rows.append(
                    LearningResourceRelationship(
                        parent_id=parent_id,
                        child_id=child_id,
                        position=child.position if child.position else position,
                        relation_type=child.relation_type,
                    )
                )
        LearningResourceRelationship.objects.bulk_create(rows)


def _prune(
    scope: models.QuerySet[LearningResource], listed: set[Key], failed: Set[str] = frozenset()
) -> list[int]:
    """Unpublish what the source no longer lists; clears the checksum so a return reloads it.

    A row named by a failed item (its readable id, or a segment of its URL) is kept.
    """
    stale = [
        row["id"]
        for row in scope.values(
            "id", "platform_id", "readable_id", "resource_type", "test_mode", "url"
        )
        if (row["platform_id"], row["readable_id"], row["resource_type"]) not in listed
        and not row["test_mode"]
        and not _named_by(row, failed)
    ]
    now = timezone.now()
    for start in range(0, len(stale), 500):
        LearningResource.objects.filter(id__in=stale[start : start + 500]).update(
            published=False, etl_checksum="", updated_on=now
        )
    return stale


def _named_by(row: Mapping[str, Any], failed: Set[str]) -> bool:
    if not failed:
        return False
    if row["readable_id"] in failed:
        return True
    return any(part in failed for part in str(row["url"] or "").split("/") if part)
