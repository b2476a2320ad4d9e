"""What gets embedded and what each point's payload holds, built straight from the catalog models.

Payload keys named after a filter (``topic``, ``platform``...) keep display values for facet counts;
``f_<name>`` holds the lower-cased copy filters match on (filters are case-insensitive).
Booleans are
the keywords "true"/"false" (Qdrant Edge cannot match bool payloads).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from learn.catalog.models import ContentFile, LearningResource, LearningResourceRun

RESOURCES = "resources"
CONTENT_FILES = "content_files"

# Filter name -> payload index type (every filter field is indexed).
RESOURCE_FILTERS: dict[str, str] = {
    "resource_type": "keyword",
    "resource_type_group": "keyword",
    "resource_category": "keyword",
    "certification": "keyword",
    "certification_type": "keyword",
    "professional": "keyword",
    "free": "keyword",
    "offered_by": "keyword",
    "platform": "keyword",
    "topic": "keyword",
    "ocw_topic": "keyword",
    "department": "keyword",
    "level": "keyword",
    "course_feature": "keyword",
    "delivery": "keyword",
    "published": "keyword",
    "readable_id": "keyword",
    "url_isnull": "keyword",
    "title_isnull": "keyword",
}
CONTENT_FILE_FILTERS: dict[str, str] = {
    "key": "keyword",
    "course_number": "keyword",
    "platform": "keyword",
    "offered_by": "keyword",
    "file_extension": "keyword",
    "content_feature_type": "keyword",
    "run_readable_id": "keyword",
    "resource_readable_id": "keyword",
    "run_title": "keyword",
    "edx_module_id": "keyword",
    "content_type": "keyword",
    "description": "keyword",
    "title": "keyword",
    "url_isnull": "keyword",
    "title_isnull": "keyword",
}


def resource_indexes() -> dict[str, str]:
    out = {f"f_{name}": kind for name, kind in RESOURCE_FILTERS.items()}
    out.update({name: kind for name, kind in RESOURCE_FILTERS.items()})  # facet keys
    out.update({"resource_id": "integer", "views": "integer", "next_start_date": "float"})
    out["created_on"] = "float"
    return out


def content_file_indexes() -> dict[str, str]:
    out = {f"f_{name}": kind for name, kind in CONTENT_FILE_FILTERS.items()}
    out.update({name: kind for name, kind in CONTENT_FILE_FILTERS.items()})  # facet keys
    out.update({"resource_id": "integer", "content_file_id": "integer"})
    return out


def point_id(*parts: object) -> str:
    """Deterministic point id: uuid5 over "platform.readable_id[.chunk key]" (as MIT Learn does)."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, ".".join(str(p) for p in parts)))


def checksum(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def flag(value: bool | None) -> str:
    return "true" if value else "false"


def _ts(value: datetime | None) -> float | None:
    return value.timestamp() if value else None


def _lower(values: list[str]) -> list[str]:
    return sorted({v.lower() for v in values if v})


def _level_codes(runs: list[LearningResourceRun]) -> list[str]:
    codes: set[str] = set()
    for run in runs:
        for level in run.level or []:
            code = level.get("code") if isinstance(level, dict) else level
            if code:
                codes.add(str(code))
    return sorted(codes)


def course_numbers(resource: LearningResource) -> list[str]:
    course = getattr(resource, "course", None) if resource.resource_type == "course" else None
    numbers = getattr(course, "course_numbers", None) or []
    return [str(n.get("value")) for n in numbers if isinstance(n, dict) and n.get("value")]


def _public_runs(resource: LearningResource) -> list[LearningResourceRun]:
    return [r for r in resource.runs.all() if r.published and not r.is_variant]


def _instructors(runs: list[LearningResourceRun]) -> list[str]:
    names: list[str] = []
    for run in runs:
        for instructor in run.instructors.all():
            if instructor.full_name not in names:
                names.append(instructor.full_name)
    return names


@dataclass
class ResourceDocument:
    resource_id: int
    point_id: str
    text: str
    payload: dict[str, Any]


def resource_text(resource: LearningResource) -> str:
    """The text embedded for a resource: its title and what it is about, in plain prose.

    Labels (course numbers, topic and department names, instructors) are left to the lexical side
    and the filters: measured on the development set, they made dense neighbours worse (a list of
    labels pulls every resource of a department together) and course numbers carry no meaning for
    the model. The description is used when present, else the full description, else the topics.
    """
    about = next(
        (t.strip() for t in (resource.description, resource.full_description) if t and t.strip()),
        "",
    )
    if not about:
        about = ", ".join(t.name for t in resource.topics.all())
    title = (resource.title or "").strip()
    if not about:
        return title
    return f"{title}. {about}" if title and title[-1] not in ".!?:" else f"{title} {about}"


def resource_document(resource: LearningResource) -> ResourceDocument:
    runs = _public_runs(resource)
    platform = resource.platform_id or "unknown"
    topics = [t.name for t in resource.topics.all()]
    departments = [d.department_id for d in resource.departments.all()]
    features = [t.name for t in resource.resource_tags.all()]
    values: dict[str, list[str]] = {
        "resource_type": [str(resource.resource_type)],
        "resource_type_group": [resource.resource_type_group],
        "resource_category": [resource.resource_category] if resource.resource_category else [],
        "certification": [flag(resource.certification)],
        "certification_type": [str(resource.certification_type)],
        "professional": [flag(resource.professional)],
        "free": [flag(resource.free)],
        "offered_by": [resource.offered_by_id] if resource.offered_by_id else [],
        "platform": [platform],
        "topic": topics,
        "ocw_topic": [str(t) for t in resource.ocw_topics or []],
        "department": departments,
        "level": _level_codes(runs),
        "course_feature": features,
        "delivery": [str(d) for d in resource.delivery or []],
        "published": [flag(resource.published and not resource.test_mode)],
        "readable_id": [resource.readable_id],
        "url_isnull": [flag(not resource.url)],
        "title_isnull": [flag(not resource.title)],
    }
    payload: dict[str, Any] = {name: vals for name, vals in values.items()}
    payload.update({f"f_{name}": _lower(vals) for name, vals in values.items()})
    payload.update(
        {
            "resource_id": resource.pk,
            "title": resource.title,
            "url": resource.url,
            "views": resource.view_count,
            "next_start_date": _ts(resource.next_start_date),
            "created_on": _ts(resource.created_on),
        }
    )
    return ResourceDocument(
        resource_id=resource.pk,
        point_id=point_id(platform, resource.readable_id),
        text=resource_text(resource),
        payload=payload,
    )


def course_metadata_text(resource: LearningResource) -> str:
    """The pseudo-document of a course or program: its catalog metadata as markdown."""
    runs = _public_runs(resource)
    parts = [f"# {resource.title}"]
    numbers = course_numbers(resource)
    if numbers:
        parts.append("## Course numbers\n" + ", ".join(numbers))
    if resource.offered_by_id:
        parts.append(f"## Offered by\n{resource.offered_by.name if resource.offered_by else ''}")
    for heading, text in (
        ("Description", resource.description),
        ("Details", resource.full_description),
    ):
        if text and text.strip():
            parts.append(f"## {heading}\n{text.strip()}")
    topics = [t.name for t in resource.topics.all()]
    if topics:
        parts.append("## Topics\n" + ", ".join(topics))
    departments = [d.name for d in resource.departments.all()]
    if departments:
        parts.append("## Departments\n" + ", ".join(departments))
    instructors = _instructors(runs)
    if instructors:
        parts.append("## Instructors\n" + ", ".join(instructors))
    run_lines = []
    for run in runs:
        label = " ".join(str(x) for x in (run.semester, run.year) if x) or run.run_id
        dates = " to ".join(d.date().isoformat() for d in (run.start_date, run.end_date) if d)
        run_lines.append(
            f"- {run.title or resource.title}: {label}" + (f" ({dates})" if dates else "")
        )
    if run_lines:
        parts.append("## Runs\n" + "\n".join(run_lines))
    if resource.url:
        parts.append(f"## Link\n{resource.url}")
    return "\n\n".join(parts)


def _run_of(file: ContentFile) -> LearningResourceRun | None:
    return file.run if file.run_id else None


def content_file_base_payload(
    resource: LearningResource, file: ContentFile | None, numbers: list[str]
) -> dict[str, Any]:
    """Payload shared by every chunk of one file (or of the course-metadata pseudo-file)."""
    platform = resource.platform_id or "unknown"
    run = _run_of(file) if file else resource.best_run
    tags = [t.name for t in file.content_tags.all()] if file else ["course_metadata"]
    result: dict[str, Any] = {
        "id": file.pk if file else 0,
        "run_id": run.pk if run else None,
        "direct_learning_resource_id": file.direct_learning_resource_id if file else None,
        "run_title": run.title if run else "",
        "run_slug": (run.slug or "") if run else "",
        "semester": (run.semester or "") if run else "",
        "year": run.year if run else None,
        "key": file.key if file else "course_information",
        "uid": file.uid if file else None,
        "title": (file.title if file else resource.title),
        "description": file.description if file else resource.description,
        "url": (file.url if file else resource.url),
        "content_feature_type": tags,
        "content_type": str(file.content_type) if file else "page",
        "content_title": file.content_title if file else resource.title,
        "content_author": file.content_author if file else None,
        "content_language": file.content_language if file else None,
        "checksum": file.checksum if file else "",
        "image_src": file.image_src if file else None,
        "resource_id": str(resource.pk),
        "resource_readable_id": resource.readable_id,
        "source_path": file.source_path if file else "",
        "course_number": numbers,
        "file_type": file.file_type if file else "text/markdown",
        "file_extension": file.file_extension if file else ".md",
        "run_readable_id": (run.run_id if run else resource.readable_id),
        "edx_module_id": file.edx_module_id if file else None,
        "summary": file.summary if file else "",
        "youtube_id": file.youtube_id if file else None,
    }
    filters = {
        "key": result["key"],
        "course_number": numbers,
        "platform": platform,
        "offered_by": resource.offered_by_id or "",
        "file_extension": result["file_extension"] or "",
        "content_feature_type": tags,
        "run_readable_id": result["run_readable_id"],
        "resource_readable_id": resource.readable_id,
        "run_title": result["run_title"],
        "edx_module_id": result["edx_module_id"] or "",
        "content_type": result["content_type"],
        "description": result["description"] or "",
        "title": result["title"] or "",
        "url_isnull": flag(not result["url"]),
        "title_isnull": flag(not result["title"]),
    }
    payload: dict[str, Any] = dict(filters)
    for name, value in filters.items():
        vals = value if isinstance(value, list) else [value]
        payload[f"f_{name}"] = _lower([str(v) for v in vals])
    payload.update(
        {
            "resource_id": resource.pk,
            "content_file_id": file.pk if file else None,
            "resource_point_id": point_id(platform, resource.readable_id),
            "result": result,
        }
    )
    return payload


def chunk_point_id(resource: LearningResource, file: ContentFile | None, n: int) -> str:
    platform = resource.platform_id or "unknown"
    if file is None:
        return point_id(platform, resource.readable_id, "course_information", n)
    run = _run_of(file)
    run_key = run.run_id if run else resource.readable_id
    return point_id(platform, resource.readable_id, run_key, file.key or file.pk, n)
