"""MIT xPRO: courses (``XPRO_COURSES_API_URL``) and programs (``XPRO_CATALOG_API_URL``).

Raw items: ``{"kind": "course", "course": {...}}`` and ``{"kind": "program", "program": {...}}``.
Everything xPRO lists is professional with a professional certificate; a course or run is
published when it has a current price.
"""

from __future__ import annotations

from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, RunRecord, TransformError
from learn.etl.sources import _common as c

NAME = "xpro"
OFFERED_BY = "xpro"
PLATFORMS = {
    "emeritus": "emeritus",
    "global alumni": "globalalumni",
    "simplilearn": "simplilearn",
    "susskind": "susskind",
    "whu": "whu",
    "xpro": "xpro",
}
DELIVERY = {
    "online": "online",
    "in person": "in_person",
    "in-person": "in_person",
    "hybrid": "hybrid",
    "blended": "hybrid",
}


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(env.xpro_courses_api_url or env.xpro_catalog_api_url)


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    items: list[dict[str, Any]] = []
    courses_url = source or env.xpro_courses_api_url
    if courses_url:
        items += [{"kind": "course", "course": c_} for c_ in _as_list(_fetch.get_json(courses_url))]
    if env.xpro_catalog_api_url:
        items += [
            {"kind": "program", "program": p}
            for p in _as_list(_fetch.get_json(env.xpro_catalog_api_url))
        ]
    return items


def _as_list(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        return list(payload["results"])
    if isinstance(payload, list):
        return payload
    from learn.etl.sources._fetch import BadPayload

    raise BadPayload("xpro", f"expected a JSON list, got {type(payload).__name__}")


def raw_items(
    courses: list[dict[str, Any]], programs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [{"kind": "course", "course": x} for x in courses] + [
        {"kind": "program", "program": p} for p in programs
    ]


def item_id(raw: dict[str, Any]) -> str:
    """The readable id of a raw item, for error reports."""
    inner = raw.get("course") or raw.get("program") or raw
    return c.item_id_of(inner, "readable_id", "id")


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind == "course":
        return [transform_course(raw["course"])]
    if kind == "program":
        return [transform_program(raw["program"])]
    raise TransformError(c.item_id_of(raw, "readable_id"), f"unknown raw item kind {kind!r}")


def platform_code(value: Any) -> str:
    return PLATFORMS.get((c.text(value) or "xpro").lower(), "xpro")


def topic_names(topics: Any) -> list[str]:
    """Topic names with any "Category:" prefix dropped ("Business:Leadership" → "Leadership")."""
    return c.unique(name.split(":", 1)[-1].strip() for name in c.names(topics))


def delivery(value: Any) -> list[str]:
    return [DELIVERY.get((c.text(value) or "online").lower(), "online")]


def _image(item: dict[str, Any]) -> ImageRecord | None:
    url = c.text(item.get("thumbnail_url"))
    return ImageRecord(url=url) if url else None


def _run(run: dict[str, Any], parent: dict[str, Any]) -> RunRecord:
    price = c.parse_price(run.get("current_price"))
    return RunRecord(
        run_id=run["courseware_id"],
        title=c.text(run.get("title")) or parent["title"],
        start_date=c.parse_datetime(run.get("start_date")),
        end_date=c.parse_datetime(run.get("end_date")),
        enrollment_start=c.parse_datetime(run.get("enrollment_start")),
        enrollment_end=c.parse_datetime(run.get("enrollment_end")),
        published=price is not None,
        url=c.text(run.get("courseware_url")) or c.text(parent.get("url")),
        instructors=c.instructors(c.names(run.get("instructors"))),
        prices=c.prices([price]),
        delivery=delivery(parent.get("format")),
        availability=c.text(parent.get("availability")),
        pace=["instructor_paced"],
        format=["asynchronous"],
        duration=c.text(parent.get("duration")) or "",
        time_commitment=c.text(parent.get("time_commitment")) or "",
    )


def _base(item: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return {
        "readable_id": item["readable_id"],
        "resource_type": resource_type,
        "platform": platform_code(item.get("platform")),
        "etl_source": NAME,
        "offered_by": OFFERED_BY,
        "title": str(item["title"]).strip(),
        "description": c.strip_html(item.get("description")),
        "url": c.text(item.get("url")),
        "image": _image(item),
        "topics": topic_names(item.get("topics")),
        "professional": True,
        "certification": True,
        "certification_type": "professional",
        "resource_category": "Course" if resource_type == "course" else "Program",
        "delivery": delivery(item.get("format")),
        "availability": c.text(item.get("availability")),
        "pace": ["instructor_paced"],
        "continuing_ed_credits": c.parse_price(item.get("credits")),
        "duration": c.text(item.get("duration")) or "",
        "time_commitment": c.text(item.get("time_commitment")) or "",
    }


def transform_course(course: dict[str, Any]) -> ResourceRecord:
    item_id = c.item_id_of(course, "readable_id", "id")
    c.require(course, item_id, "readable_id", "title")

    def build() -> ResourceRecord:
        runs = [_run(run, course) for run in course.get("courseruns") or [] if run]
        return ResourceRecord(
            **_base(course, "course"),
            published=any(run.published for run in runs),
            runs=runs,
        )

    return c.guarded(item_id, build)


def transform_program(program: dict[str, Any]) -> ResourceRecord:
    item_id = c.item_id_of(program, "readable_id", "id")
    c.require(program, item_id, "readable_id", "title")

    def build() -> ResourceRecord:
        price = c.parse_price(program.get("current_price"))
        run = RunRecord(
            run_id=program["readable_id"],
            title=str(program["title"]).strip(),
            start_date=c.parse_datetime(program.get("start_date")),
            end_date=c.parse_datetime(program.get("end_date")),
            enrollment_start=c.parse_datetime(program.get("enrollment_start")),
            published=price is not None,
            url=c.text(program.get("url")),
            instructors=c.instructors(c.names(program.get("instructors"))),
            prices=c.prices([price]),
            delivery=delivery(program.get("format")),
            availability=c.text(program.get("availability")),
            pace=["instructor_paced"],
            format=["asynchronous"],
            duration=c.text(program.get("duration")) or "",
            time_commitment=c.text(program.get("time_commitment")) or "",
        )
        children = [
            ChildRef(
                readable_id=str(course["readable_id"]),
                resource_type="course",
                platform=platform_code(course.get("platform")),
                position=index,
                relation_type="PROGRAM_COURSES",
            )
            for index, course in enumerate(
                x
                for x in program.get("courses") or []
                if isinstance(x, dict) and x.get("readable_id")
            )
        ]
        return ResourceRecord(
            **_base(program, "program"),
            published=price is not None,
            runs=[run],
            children=children,
        )

    return c.guarded(item_id, build)
