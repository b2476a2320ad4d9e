"""Load the taxonomy (platforms, offerors, schools, departments, topics, topic mappings).

``load_taxonomy(source)`` reads a folder or an http(s) base URL (see ``taxonomy_files``),
validates every file first, then writes in one transaction: a bad file raises ``TaxonomyError``
and leaves the database as it was. Rows are matched on their natural keys and saved only when a
value differs, so loading the same taxonomy twice writes nothing. Nothing is ever deleted except
topic mappings the file no longer lists for a topic it defines (the file owns those).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from learn.catalog.channels import channel_counts, sync_channels
from learn.catalog.hooks import resources_changed
from learn.catalog.models import (
    Department,
    LearningResource,
    Offeror,
    Platform,
    School,
    Topic,
    TopicMapping,
)
from learn.catalog.taxonomy_files import (
    FixtureRecord,
    TaxonomyError,
    TopicRecord,
    parse_taxonomy,
    read_source,
)
from learn.config.env import get_env

__all__ = [
    "KindCounts",
    "TaxonomyError",
    "TaxonomyReport",
    "default_taxonomy_source",
    "load_taxonomy",
]

_KIND_NAMES: dict[type[models.Model], str] = {
    Platform: "platforms",
    Offeror: "offerors",
    School: "schools",
    Department: "departments",
}


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def written(self) -> int:
        return self.created + self.updated + self.removed


@dataclass
class TaxonomyReport:
    source: str
    counts: dict[str, KindCounts] = field(default_factory=dict)  # kind → counts, in load order
    top_level_topics: int = 0
    child_topics: int = 0
    skipped_mappings: dict[str, int] = field(default_factory=dict)  # unknown offeror → names
    ignored_fields: dict[str, list[str]] = field(default_factory=dict)  # file → fields
    announced_resources: int = 0  # resources re-announced through the change hook
    channels: dict[str, int] = field(default_factory=dict)  # channel type → channels after load

    @property
    def changed(self) -> bool:
        return any(c.written for c in self.counts.values())

    def lines(self) -> list[str]:
        out = [f"Taxonomy from {self.source}"]
        width = max((len(kind) for kind in self.counts), default=0) + 1
        for kind, c in self.counts.items():
            line = f"  {kind + ':':<{width}} {c.created} created, {c.updated} updated, "
            line += f"{c.unchanged} unchanged"
            if kind == "topic mappings":
                line += f", {c.removed} removed"
            if kind == "topics":
                line += f" ({self.top_level_topics} top-level, {self.child_topics} children)"
            out.append(line)
        if self.skipped_mappings:
            skipped = ", ".join(
                f"{code} ({n})" for code, n in sorted(self.skipped_mappings.items())
            )
            total = sum(self.skipped_mappings.values())
            out.append(
                f"  skipped {total} topic mappings whose offeror code is not a known offeror "
                f"(nothing created for them): {skipped}"
            )
        for file_name, names in sorted(self.ignored_fields.items()):
            out.append(f"  ignored fields not in the model in {file_name}: {', '.join(names)}")
        if self.announced_resources:
            out.append(f"  {self.announced_resources} resources announced for re-indexing")
        if self.channels:
            kinds = ", ".join(f"{n} {kind}" for kind, n in self.channels.items())
            out.append(f"  channels in step with the taxonomy: {kinds}")
        total = sum(c.written for c in self.counts.values())
        out.append(f"{total} rows written." if total else "Nothing changed.")
        return out


def default_taxonomy_source() -> str | None:
    """The shared folder's ``data/taxonomy`` when present."""
    shared = get_env().shared_path()
    if shared is None:
        return None
    folder = Path(shared) / "data" / "taxonomy"
    return str(folder) if folder.is_dir() else None


def load_taxonomy(source: str | Path) -> TaxonomyReport:
    """Read, validate and load a taxonomy; all or nothing, idempotent."""
    data = parse_taxonomy(read_source(source))
    report = TaxonomyReport(source=str(source), ignored_fields=data.ignored_fields)
    touched: dict[type[models.Model], set[Any]] = {}
    with transaction.atomic():
        for model, kind in _KIND_NAMES.items():
            report.counts[kind], touched[model] = _sync_fixture(model, data.fixtures[model])
        report.counts["topics"], touched[Topic] = _sync_topics(data.topics)
        report.counts["topic mappings"] = _sync_mappings(data.topics, report)
        sync_channels()
        report.channels = channel_counts()
        announced = _resources_showing(touched)
        if announced:
            transaction.on_commit(lambda: resources_changed(announced))
    report.top_level_topics = sum(1 for t in data.topics if t.parent_uuid is None)
    report.child_topics = len(data.topics) - report.top_level_topics
    report.announced_resources = len(announced)
    return report


# ---------------------------------------------------------------- fixture kinds


def _sync_fixture(
    model: type[models.Model], records: list[FixtureRecord]
) -> tuple[KindCounts, set[Any]]:
    """Create or update rows by primary key; returns the counts and the keys of updated rows."""
    counts = KindCounts()
    updated: set[Any] = set()
    existing = model._default_manager.in_bulk([r.key for r in records])
    pk = model._meta.pk
    assert pk is not None
    for record in records:
        row = existing.get(record.key)
        if row is None:
            row = model(**{pk.attname: record.key, **record.values})
            _check_references(row, record)
            _save(row, record.origin, force_insert=True)
            counts.created += 1
            continue
        changed = [a for a, v in record.values.items() if getattr(row, a) != v]
        if not changed:
            counts.unchanged += 1
            continue
        for attname in changed:
            setattr(row, attname, record.values[attname])
        _check_references(row, record)
        _save(row, record.origin, update_fields=[*_field_names(model, changed), "updated_on"])
        counts.updated += 1
        updated.add(record.key)
    if model is School and counts.created:
        _reset_id_sequence(School)
    return counts, updated


def _field_names(model: type[models.Model], attnames: list[str]) -> list[str]:
    """``update_fields`` wants field names: ``school`` for ``school_id``."""
    names = {f.attname: f.name for f in model._meta.concrete_fields}
    return [names[a] for a in attnames]


def _check_references(row: models.Model, record: FixtureRecord) -> None:
    if (
        isinstance(row, Department)
        and row.school_id is not None
        and not School.objects.filter(pk=row.school_id).exists()
    ):
        raise TaxonomyError(
            f"{record.origin}: field 'school_id': {row.school_id} is not a known school "
            "(neither in schools.json nor in the database)"
        )


def _save(row: models.Model, origin: str, **save_options: Any) -> None:
    """Validate lengths, URLs and choices like a form would, then save."""
    relations = [f.name for f in row._meta.concrete_fields if f.is_relation]  # checked apart
    try:
        row.clean_fields(exclude=relations)
    except ValidationError as exc:
        problems = "; ".join(
            f"field {name!r}: {' '.join(m)}" for name, m in exc.message_dict.items()
        )
        raise TaxonomyError(f"{origin}: {problems}") from exc
    try:
        row.save(**save_options)
    except IntegrityError as exc:  # the enclosing transaction rolls everything back
        raise TaxonomyError(f"{origin}: the database refused the row: {exc}") from exc


def _reset_id_sequence(model: type[models.Model]) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's id sequence behind; move it on."""
    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# ---------------------------------------------------------------- topics and mappings


def _sync_topics(records: list[TopicRecord]) -> tuple[KindCounts, set[int]]:
    counts = KindCounts()
    updated: set[int] = set()
    topics = list(Topic.objects.all())
    by_uuid = {t.topic_uuid: t for t in topics}
    by_name = {t.name.casefold(): t for t in topics}
    ids: dict[uuid.UUID, int] = {}
    for record in records:  # parents come before their children
        parent_id = ids[record.parent_uuid] if record.parent_uuid else None
        wanted = {
            "topic_uuid": record.topic_uuid,
            "name": record.name,
            "parent_id": parent_id,
            "icon": record.icon,
        }
        # A topic created by name elsewhere (e.g. by a source) is adopted, keeping its id.
        row = by_uuid.get(record.topic_uuid) or by_name.get(record.name.casefold())
        if row is None:
            row = Topic(**wanted)
            _save(row, record.origin, force_insert=True)
            counts.created += 1
        else:
            changed = [a for a, v in wanted.items() if getattr(row, a) != v]
            if changed:
                for attname in changed:
                    setattr(row, attname, wanted[attname])
                names = _field_names(Topic, changed)
                _save(row, record.origin, update_fields=[*names, "updated_on"])
                counts.updated += 1
                updated.add(row.pk)
            else:
                counts.unchanged += 1
        ids[record.topic_uuid] = row.pk
    return counts, updated


def _sync_mappings(records: list[TopicRecord], report: TaxonomyReport) -> KindCounts:
    counts = KindCounts()
    offerors = set(Offeror.objects.values_list("code", flat=True))
    topic_ids = dict(
        Topic.objects.filter(topic_uuid__in=[r.topic_uuid for r in records]).values_list(
            "topic_uuid", "pk"
        )
    )
    wanted: set[tuple[str, str, int]] = set()
    skipped: Counter[str] = Counter()
    for record in records:
        for code, names in record.mappings.items():
            if code not in offerors:
                skipped[code] += len(names)
                continue
            wanted.update((code, name, topic_ids[record.topic_uuid]) for name in names)
    existing = {
        (m.offeror_id, m.topic_name, m.topic_id): m.pk
        for m in TopicMapping.objects.filter(topic_id__in=topic_ids.values())
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        TopicMapping.objects.filter(pk__in=stale).delete()
    missing = sorted(wanted - existing.keys())
    TopicMapping.objects.bulk_create(
        [TopicMapping(offeror_id=o, topic_name=n, topic_id=t) for o, n, t in missing],
        batch_size=500,
    )
    counts.created, counts.removed = len(missing), len(stale)
    counts.unchanged = len(wanted) - len(missing)
    report.skipped_mappings = dict(skipped)
    return counts


def _resources_showing(touched: dict[type[models.Model], set[Any]]) -> list[int]:
    """Resources whose serialized reference data (names, parents, schools) just changed."""
    departments = set(touched.get(Department, set()))
    if touched.get(School):
        departments |= set(
            Department.objects.filter(school_id__in=touched[School]).values_list("pk", flat=True)
        )
    query = models.Q()
    for lookup, keys in (
        ("platform_id__in", touched.get(Platform)),
        ("offered_by_id__in", touched.get(Offeror)),
        ("departments__in", departments),
        ("topics__in", touched.get(Topic)),
    ):
        if keys:
            query |= models.Q(**{lookup: keys})
    if not query:
        return []
    return sorted(set(LearningResource.objects.filter(query).values_list("pk", flat=True)))
