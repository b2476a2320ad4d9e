"""Engine-neutral index fields computed from a stored serialized object.

Both adapters index the same flat fields: analyzed text, keyword facets, and numbers for sorts and
ranking. They are computed here once, from the serialized resource (or content file) JSON.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from learn.search.plaintext import plain_text
from learn.search.query import IndexDocument

SEMESTER_MONTH = {"fall": 9, "spring": 3, "january iap": 1, "iap": 1, "summer": 6}
STALE_YEAR = 2010
# A first course on a subject is what most learners typing the subject want.
INTRO_RE = re.compile(
    r"^\s*(an? )?(introduction|introductory|principles|fundamentals|foundations)\b", re.I
)
# A later part of a sequence ("Quantum Physics II", "Organic Chemistry II", "Part 2"): learners
# typing the subject want its first part.
SEQUEL_RE = re.compile(
    r"(?:\b(?:ii|iii|iv|vi|vii|viii|ix)|\bpart\s+(?:[2-9]|two|three|four))\s*(?:$|[:(),;.-])", re.I
)
_SUBJECT_LEAD_RE = re.compile(r"^(?:(?:to|of|in|into|on|for|the|an?)\s+)+", re.I)
_SUBJECT_END_RE = re.compile(r"\s+(?:and|&|\+)\s+|\s*[:;,(]\s*|\s+-+\s+", re.I)
_FIRST_PART_RE = re.compile(r"\bI\b")
_TITLE_WORD_RE = re.compile(r"[0-9a-z]+")
COURSE_NUMBER_RE = re.compile(
    r"^([0-9]{1,2}[a-z]?|[a-z]{2,5}(?:-[a-z])?)\.([a-z]?[0-9]{1,4})([a-z]{0,3})$"
)


@dataclass
class IndexFields:
    """Flat, engine-neutral fields of one document."""

    id: int
    kind: str
    text: dict[str, str] = field(default_factory=dict)
    course_numbers: list[str] = field(default_factory=list)
    facets: dict[str, list[str]] = field(default_factory=dict)
    numbers: dict[str, float] = field(default_factory=dict)
    keywords: dict[str, str] = field(default_factory=dict)
    # What a first course introduces ("Introduction to <subject>"), see intro_subjects().
    subjects: list[str] = field(default_factory=list)


# Number fields every engine indexes for sorts and ranking (in a document's ``numbers``).
NUMBER_FIELDS = (
    "views",
    "completeness",
    "age_ts",
    "created_ts",
    "last_modified_ts",
    "start_ts",
    "start_ts_asc",
    "next_start_ts",
    "browse_key",
    "is_program",
    "is_intro",
    "is_foundation",
    "course_group",
    "is_sequel",
    "title_group",
    "parent_id",
)

# Keyword fields every engine indexes for filters and aggregations (in a document's ``facets``).
FACET_FIELDS = (
    "id",
    "resource_type",
    "resource_type_group",
    "resource_category",
    "certification",
    "certification_type",
    "offered_by",
    "platform",
    "topic",
    "ocw_topic",
    "department",
    "level",
    "course_feature",
    "instructor",
    "professional",
    "free",
    "delivery",
    "hidden_ocw_file",
    "content_feature_type",
    "run_id",
    "resource_id",
)


def _codes(items: Any) -> list[str]:
    out: list[str] = []
    for item in items or []:
        if isinstance(item, dict):
            code = item.get("code") or item.get("department_id") or item.get("name")
            if code is not None:
                out.append(str(code))
        elif item is not None:
            out.append(str(item))
    return out


def _names(items: Any) -> list[str]:
    return [
        str(i.get("name")) if isinstance(i, dict) else str(i)
        for i in items or []
        if i is not None and (not isinstance(i, dict) or i.get("name"))
    ]


def _parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _ts(value: Any) -> float | None:
    dt = _parse_dt(value)
    return dt.timestamp() if dt else None


def course_number_forms(value: str) -> list[str]:
    """'6.046J' → ['6.046j', '6.046']; '18.06SC' → ['18.06sc', '18.06']. Lowercase, full first."""
    number = value.strip().lower()
    if not number:
        return []
    forms = [number]
    match = COURSE_NUMBER_RE.match(number)
    if match and match.group(3):
        forms.append(f"{match.group(1)}.{match.group(2)}")
    return forms


def course_group(value: str) -> float:
    """Runs of one course share a group: a number derived from its base course number."""
    forms = course_number_forms(value)
    return float(zlib.crc32(forms[-1].encode()) + 1) if forms else 0.0


def is_foundation_number(value: str) -> bool:
    """MIT numbers a subject's first courses low: two digits (7.03, 18.02) or X.0xx (6.006)."""
    match = COURSE_NUMBER_RE.match(value.strip().lower())
    if not match or not match.group(2).isdigit():
        return False
    digits = match.group(2)
    return len(digits) <= 2 or digits.startswith("0")


def intro_subjects(title: str) -> list[str]:
    """The subject a first-course title introduces, whole and its head before 'and', ':' …:
    'Introduction to Urban Design and Development' → ['Urban Design and Development',
    'Urban Design']; 'Introduction to Philosophy of Language' → ['Philosophy of Language'] (a
    branch of philosophy, not philosophy); [] when the title is not an introduction."""
    match = INTRO_RE.match(title)
    if not match:
        return []
    subject = _SUBJECT_LEAD_RE.sub("", title[match.end() :].strip())
    forms = [subject] if subject else []
    head = _SUBJECT_END_RE.split(subject, maxsplit=1)[0].strip()
    if head and head != subject:
        forms.append(head)
    return forms


def is_sequel_title(title: str) -> bool:
    """'Organic Chemistry II' is; 'Unified Engineering I, II, III, & IV' (all parts) is not."""
    return bool(SEQUEL_RE.search(title)) and not _FIRST_PART_RE.search(title)


def title_group(title: str) -> float:
    """Resources with the same title (ignoring case and punctuation) share a group: a course
    offered under two numbers (an undergraduate and a graduate version, a cross-listing)."""
    words = _TITLE_WORD_RE.findall(title.lower())
    return float(zlib.crc32(" ".join(words).encode()) + 1) if words else 0.0


def looks_like_course_number(token: str) -> bool:
    return bool(COURSE_NUMBER_RE.match(token.lower()))


def _run_age(run: dict[str, Any]) -> datetime | None:
    start = _parse_dt(run.get("start_date"))
    if start:
        return start
    year = run.get("year")
    if year:
        month = SEMESTER_MONTH.get(str(run.get("semester") or "").strip().lower(), 1)
        try:
            return datetime(int(year), month, 1, tzinfo=UTC)
        except (TypeError, ValueError):
            return None
    return None


def resource_age(source: dict[str, Any]) -> datetime | None:
    """MIT Learn's resource_age_date: none if a run is upcoming; materials use last_modified."""
    if source.get("next_start_date"):
        return None
    if source.get("resource_type") not in ("course", "program"):
        return _parse_dt(source.get("last_modified"))
    ages = [a for a in (_run_age(r) for r in source.get("runs") or []) if a]
    return max(ages) if ages else _parse_dt(source.get("last_modified"))


def _bool(value: Any) -> str:
    return "true" if value else "false"


def resource_fields(doc: IndexDocument) -> IndexFields:
    src = doc.source
    title = str(src.get("title") or "")
    runs = src.get("runs") or []
    best_run_id = src.get("best_run_id")
    best = next((r for r in runs if r.get("id") == best_run_id), runs[-1] if runs else None)
    instructors = [
        str(i.get("full_name") or " ".join(filter(None, [i.get("first_name"), i.get("last_name")])))
        for r in runs
        for i in (r.get("instructors") or [])
        if isinstance(i, dict)
    ]
    course = src.get("course") or {}
    numbers = [n for n in (course.get("course_numbers") or []) if isinstance(n, dict)]
    course_numbers: list[str] = []
    for n in sorted(numbers, key=lambda n: not n.get("primary")):
        for form in course_number_forms(str(n.get("value") or "")):
            if form not in course_numbers:
                course_numbers.append(form)
    primary = next((n for n in numbers if n.get("primary")), numbers[0] if numbers else None)
    primary_value = str((primary or {}).get("value") or "")
    topics = _names(src.get("topics"))
    ocw_topics = [str(t) for t in src.get("ocw_topics") or []]
    departments = src.get("departments") or []
    offered_by = src.get("offered_by") or {}
    platform = src.get("platform") or {}
    cert_type = src.get("certification_type") or {}
    levels = {c for r in runs for c in _codes(r.get("level"))}
    level_names = {n for r in runs for n in _names(r.get("level"))}
    resource_type = str(src.get("resource_type") or "")
    category = str(src.get("resource_category") or "")
    group = str(src.get("resource_type_group") or "")
    if not group:
        group = resource_type if resource_type in ("course", "program") else "learning_material"
    is_material = group == "learning_material"
    age = resource_age(src)
    raw_completeness = src.get("completeness")
    completeness = float(raw_completeness) if raw_completeness is not None else 1.0
    stale = (age is not None and age.year <= STALE_YEAR) or completeness < 0.5
    platform_code = platform.get("code") if isinstance(platform, dict) else platform
    hidden_ocw_file = (
        platform_code == "ocw"
        and resource_type not in ("course", "video")
        and category != "Open Textbook"
    )
    featured = doc.signals.get("featured_rank")
    created = (
        _ts(doc.signals.get("created_on"))
        or _ts(src.get("created_on"))
        or _ts(src.get("last_modified"))
        or 0.0
    )
    fields = IndexFields(id=int(src["id"]), kind="resource")
    fields.text = {
        "title": title,
        "description": plain_text(src.get("description")),
        "full_description": plain_text(src.get("full_description")),
        "topics": " \n ".join([*topics, *ocw_topics]),
        "instructors": " \n ".join(instructors),
        "misc": " \n ".join(
            [
                str(platform.get("name") or "") if isinstance(platform, dict) else "",
                str(offered_by.get("name") or "") if isinstance(offered_by, dict) else "",
                str(cert_type.get("name") or "") if isinstance(cert_type, dict) else "",
                *[str(d.get("name") or "") for d in departments if isinstance(d, dict)],
                *[str(d.get("department_id") or "") for d in departments if isinstance(d, dict)],
                *[str(f) for f in src.get("course_feature") or []],
                *level_names,
                *[f"{r.get('semester') or ''} {r.get('year') or ''}" for r in runs],
                str(src.get("readable_id") or ""),
            ]
        ),
    }
    fields.course_numbers = course_numbers
    fields.subjects = intro_subjects(title)
    fields.facets = {
        "id": [str(src["id"])],
        "resource_type": [resource_type],
        "resource_type_group": [group],
        "resource_category": [category] if category else [],
        "certification": [_bool(src.get("certification"))],
        "certification_type": _codes([cert_type]) if cert_type else [],
        "offered_by": _codes([offered_by]) if offered_by else [],
        "platform": _codes([platform]) if platform else [],
        "topic": topics,
        "ocw_topic": ocw_topics,
        "department": _codes(departments),
        "level": sorted(levels),
        "course_feature": [str(f) for f in src.get("course_feature") or []],
        "instructor": list(dict.fromkeys(n.strip() for n in instructors if n.strip())),
        "professional": [_bool(src.get("professional"))],
        "free": [_bool(src.get("free"))],
        "delivery": _codes(src.get("delivery")),
        "hidden_ocw_file": [_bool(hidden_ocw_file)],
    }
    start = _ts(best.get("start_date")) if best else None
    next_start = _ts(src.get("next_start_date"))
    browse = (
        float(featured) * 1e12
        if featured is not None
        else 1e15 + int(is_material) * 4e11 + int(stale) * 2e11 + (2e11 - created)
    )
    fields.numbers = {
        "views": float(src.get("views") or 0),
        "completeness": completeness,
        "age_ts": age.timestamp() if age else -1.0,
        "created_ts": created,
        "last_modified_ts": _ts(src.get("last_modified")) or 0.0,
        "start_ts": start if start is not None else -1.0,
        "start_ts_asc": start if start is not None else 1e13,
        "next_start_ts": next_start if next_start is not None else 1e13,
        "browse_key": browse,
        "is_program": 1.0 if resource_type == "program" else 0.0,
        "is_intro": 1.0 if INTRO_RE.match(title) else 0.0,
        "is_foundation": 1.0 if is_foundation_number(primary_value) else 0.0,
        "course_group": course_group(primary_value),
        "is_sequel": 1.0 if is_sequel_title(title) else 0.0,
        "title_group": title_group(title) if resource_type == "course" else 0.0,
        "parent_id": 0.0,
    }
    fields.keywords = {
        "readable_id": str(src.get("readable_id") or ""),
        "sort_coursenum": str(
            (primary or {}).get("sort_coursenum") or (primary or {}).get("value") or "~"
        ),
    }
    return fields


def content_file_fields(doc: IndexDocument) -> IndexFields:
    src = doc.source
    fields = IndexFields(id=int(src["id"]), kind="content_file")
    fields.text = {
        "title": str(src.get("title") or src.get("content_title") or ""),
        "description": plain_text(src.get("description")),
        "full_description": str(doc.signals.get("content") or src.get("content") or ""),
        "topics": " \n ".join(_names(src.get("topics"))),
        "instructors": str(src.get("content_author") or ""),
        "misc": " \n ".join(
            [
                str(src.get("run_title") or ""),
                str(src.get("content_title") or ""),
                *[str(f) for f in src.get("content_feature_type") or []],
            ]
        ),
    }
    for number in src.get("course_number") or []:
        fields.course_numbers.extend(
            f for f in course_number_forms(str(number)) if f not in fields.course_numbers
        )
    fields.facets = {
        "id": [str(src["id"])],
        "topic": _names(src.get("topics")),
        "ocw_topic": [str(t) for t in src.get("ocw_topics") or []],
        "content_feature_type": [str(f) for f in src.get("content_feature_type") or []],
        "platform": _codes([src.get("platform")]) if src.get("platform") else [],
        "offered_by": _codes([src.get("offered_by")]) if src.get("offered_by") else [],
        "run_id": [str(src["run_id"])] if src.get("run_id") is not None else [],
        "resource_id": [str(src["resource_id"])]
        if src.get("resource_id") not in (None, "")
        else [],
    }
    fields.numbers = {
        "views": 0.0,
        "completeness": 1.0,
        "age_ts": -1.0,
        "created_ts": 0.0,
        "last_modified_ts": 0.0,
        "start_ts": -1.0,
        "start_ts_asc": 1e13,
        "next_start_ts": 1e13,
        "browse_key": float(src["id"]),
        "is_program": 0.0,
        "is_intro": 0.0,
        "is_foundation": 0.0,
        "course_group": 0.0,
        "is_sequel": 0.0,
        "title_group": 0.0,
        "parent_id": _parent_id(src.get("resource_id")),
    }
    fields.keywords = {
        "readable_id": str(src.get("resource_readable_id") or ""),
        "sort_coursenum": "~",
    }
    return fields


def _parent_id(value: Any) -> float:
    try:
        return float(int(str(value)))
    except (TypeError, ValueError):
        return 0.0


def index_fields(doc: IndexDocument) -> IndexFields:
    return resource_fields(doc) if doc.index == "resource" else content_file_fields(doc)
