"""MITx Online: courses and programs (with their requirement trees) from the MITx Online APIs.

Raw items are self-contained dicts built by :func:`raw_items`:
``{"kind": "course", "base_url", "course"}`` or
``{"kind": "program", "base_url", "program", "courses": {id: course}, "programs": {id: program}}``
(the lookups resolve the ids of the program's requirement tree).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

from learn.config.env import LearnEnv, get_env
from learn.etl.records import (
    ChildRef,
    CourseNumberRecord,
    ImageRecord,
    ResourceRecord,
    RunRecord,
    TransformError,
)
from learn.etl.sources import _common as c

log = logging.getLogger(__name__)

NAME = "mitxonline"
PLATFORM = "mitxonline"
OFFERED_BY = "mitx"
EXCLUDE_TITLE = re.compile(r"PROCTORED EXAM", re.IGNORECASE)
CERTIFICATE_TYPES = {
    "certificate of completion": "completion",
    "micromasters credential": "micromasters",
    "professional certificate": "professional",
}
DEFAULT_LANGUAGE = "en"


# ---------------------------------------------------------------- configuration and extract


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(env.mitx_online_courses_api_url or env.mitx_online_programs_api_url)


def _headers(env: LearnEnv) -> dict[str, str]:
    if env.mitx_online_etl_api_key:
        return {"Authorization": f"Api-Key {env.mitx_online_etl_api_key}"}
    return {}


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    """Fetch live courses and programs (paged), plus requirement-tree members not listed."""
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    headers = _headers(env)
    courses_url = source or env.mitx_online_courses_api_url
    programs_url = env.mitx_online_programs_api_url
    courses = (
        _fetch.paged_results(courses_url, params={"live": "true"}, headers=headers)
        if courses_url
        else []
    )
    programs = (
        _fetch.paged_results(programs_url, params={"live": "true"}, headers=headers)
        if programs_url
        else []
    )
    known_courses = {item.get("id") for item in courses}
    known_programs = {item.get("id") for item in programs}
    extra_courses: list[dict[str, Any]] = []
    extra_programs: list[dict[str, Any]] = []
    for program in programs:
        for kind, ident in tree_members(program.get("req_tree") or []):
            if kind == "course" and ident not in known_courses and courses_url:
                found = _tree_member(_detail_url(courses_url, ident), headers)
                extra_courses.extend([found] if found is not None else [])
                known_courses.add(ident)
            elif kind == "program" and ident not in known_programs and programs_url:
                found = _tree_member(_detail_url(programs_url, ident), headers)
                extra_programs.extend([found] if found is not None else [])
                known_programs.add(ident)
    return raw_items(courses, programs, env.mitx_online_base_url, extra_courses, extra_programs)


def _tree_member(url: str, headers: dict[str, str]) -> dict[str, Any] | None:
    """A requirement-tree member that the listing left out, or None when the API says it is gone.

    MITx Online lists live items only; a program may still name a retired course. MIT Learn asks
    for such members by id and takes what comes back, so a 404 leaves the member out of the
    program instead of failing the whole source. Any other failure still fails the run.
    """
    from learn.etl.sources import _fetch

    try:
        return cast(dict[str, Any], _fetch.get_json(url, headers))
    except _fetch.FetchError as exc:
        if exc.status != 404:
            raise
        log.warning("mitxonline: requirement-tree member %s is gone (404); left out", url)
        return None


def _detail_url(list_url: str, ident: Any) -> str:
    base = list_url.split("?", 1)[0]
    return f"{base.rstrip('/')}/{ident}/"


def raw_items(
    courses: list[dict[str, Any]],
    programs: list[dict[str, Any]],
    base_url: str,
    extra_courses: list[dict[str, Any]] | None = None,
    extra_programs: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Self-contained raw items: one per listed course, one per program with id lookups."""
    course_lookup = {
        item.get("id"): _ref(item) for item in [*courses, *(extra_courses or [])] if item
    }
    program_lookup = {
        item.get("id"): _ref(item) for item in [*programs, *(extra_programs or [])] if item
    }
    items: list[dict[str, Any]] = [
        {"kind": "course", "base_url": base_url, "course": course} for course in courses
    ]
    for program in programs:
        items.append(
            {
                "kind": "program",
                "base_url": base_url,
                "program": program,
                "courses": course_lookup,
                "programs": program_lookup,
            }
        )
    return items


def _ref(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "readable_id": item.get("readable_id"),
        "title": item.get("title"),
        "display_mode": item.get("display_mode"),
    }


# ---------------------------------------------------------------- transform


def item_id(raw: dict[str, Any]) -> str:
    """The readable id of a raw item, for error reports."""
    inner = raw.get("course") or raw.get("program") or raw
    return c.item_id_of(inner, "readable_id", "id")


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind == "course":
        return transform_course(raw["course"], raw.get("base_url", ""))
    if kind == "program":
        return [
            transform_program(
                raw["program"], raw.get("base_url", ""), raw.get("courses"), raw.get("programs")
            )
        ]
    raise TransformError(c.item_id_of(raw, "readable_id"), f"unknown raw item kind {kind!r}")


def _page(item: dict[str, Any]) -> dict[str, Any]:
    page = item.get("page")
    return page if isinstance(page, dict) else {}


def _image(item: dict[str, Any], base_url: str) -> ImageRecord | None:
    url = c.join_url(base_url, _page(item).get("feature_image_src"))
    return ImageRecord(url=url) if url else None


def _mode_slugs(item: dict[str, Any]) -> set[str]:
    return {
        str(mode.get("mode_slug"))
        for mode in item.get("enrollment_modes") or []
        if isinstance(mode, dict)
    }


def _price_amounts(item: dict[str, Any], modes: set[str], enrollable: bool) -> list[Decimal]:
    """{min,max} when a verified mode exists, plus 0 for audit; not enrollable → free only."""
    if not enrollable:
        return [Decimal("0.00")]
    amounts: list[Decimal] = []
    if "verified" in modes:
        amounts += [
            p
            for p in (c.parse_price(item.get("min_price")), c.parse_price(item.get("max_price")))
            if p is not None
        ]
    if "audit" in modes or not amounts:
        amounts.append(Decimal("0.00"))
    return amounts


def _certification(item: dict[str, Any], modes: set[str]) -> tuple[bool, str]:
    raw = c.text(item.get("certificate_type"))
    if not raw or ("verified" not in modes and modes):
        return False, "none"
    return True, CERTIFICATE_TYPES.get(raw.lower(), "completion")


def _is_variant(run: dict[str, Any]) -> bool:
    if run.get("b2b_contract"):
        return True
    language = c.text(run.get("language"))
    return bool(language and language.lower() not in (DEFAULT_LANGUAGE, "english"))


def _int(value: Any) -> int | None:
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _run(run: dict[str, Any], course: dict[str, Any], base_url: str) -> RunRecord:
    page = _page(course)
    modes = _mode_slugs(run)
    enrollable = bool(run.get("is_enrollable"))
    variant = _is_variant(run)
    language = c.text(run.get("language"))
    return RunRecord(
        run_id=run["courseware_id"],
        title=c.text(run.get("title")) or course["title"],
        description=c.strip_html(page.get("description")),
        start_date=c.parse_datetime(run.get("start_date") or run.get("enrollment_start")),
        end_date=c.parse_datetime(run.get("end_date")),
        enrollment_start=c.parse_datetime(run.get("enrollment_start")),
        enrollment_end=c.parse_datetime(run.get("enrollment_end")),
        published=bool(enrollable and page.get("live") and not variant),
        is_variant=variant,
        languages=[language] if language else [],
        url=c.join_url(base_url, page.get("page_url")),
        image=_image(course, base_url),
        instructors=c.instructors(c.names(page.get("instructors"))),
        prices=c.prices(_price_amounts(course, modes, enrollable)),
        availability=c.text(course.get("availability")),
        pace=["self_paced" if run.get("is_self_paced") else "instructor_paced"],
        format=["asynchronous"],
        duration=c.text(course.get("duration")) or "",
        min_weeks=_int(course.get("min_weeks")),
        max_weeks=_int(course.get("max_weeks")),
        time_commitment=c.text(course.get("time_commitment")) or "",
        min_weekly_hours=_int(course.get("min_weekly_hours")),
        max_weekly_hours=_int(course.get("max_weekly_hours")),
    )


def _course_numbers(runs: list[dict[str, Any]]) -> list[CourseNumberRecord]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    dated = sorted(
        (r for r in runs if c.text(r.get("course_number"))),
        key=lambda r: c.parse_datetime(r.get("start_date")) or epoch,
        reverse=True,
    )
    values = c.unique(str(r["course_number"]).strip() for r in dated)
    return [
        CourseNumberRecord(
            value=value,
            listing_type="primary" if index == 0 else "cross-listed",
            department_id=c.course_number_department(value),
        )
        for index, value in enumerate(values)
    ]


def transform_course(course: dict[str, Any], base_url: str) -> list[ResourceRecord]:
    item_id = c.item_id_of(course, "readable_id", "id")
    c.require(course, item_id, "readable_id", "title")
    if EXCLUDE_TITLE.search(str(course["title"])):
        return []

    def build() -> ResourceRecord:
        page = _page(course)
        raw_runs = [r for r in course.get("courseruns") or [] if r]
        runs = [_run(r, course, base_url) for r in raw_runs]
        modes = set().union(*(_mode_slugs(r) for r in raw_runs)) if raw_runs else set()
        certified, cert_type = _certification(course, modes)
        published = bool(
            page.get("page_url")
            and page.get("live")
            and any(run.published for run in runs)
            and course.get("include_in_learn_catalog", True)
        )
        for run in runs:
            if not certified:
                run.prices = []
        return ResourceRecord(
            readable_id=course["readable_id"],
            resource_type="course",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=OFFERED_BY,
            title=str(course["title"]).strip(),
            description=c.strip_html(page.get("description")),
            url=c.join_url(base_url, page.get("page_url")),
            image=_image(course, base_url),
            published=published,
            test_mode=bool(course.get("ingest_content_files_for_ai")) and not published,
            topics=c.names(course.get("topics")),
            departments=c.department_ids(course.get("departments") or []),
            certification=certified,
            certification_type=cert_type,
            resource_category="Course",
            availability=c.text(course.get("availability")),
            pace=sorted({pace for run in runs for pace in run.pace}) or ["self_paced"],
            format=["asynchronous"],
            duration=c.text(course.get("duration")) or "",
            min_weeks=_int(course.get("min_weeks")),
            max_weeks=_int(course.get("max_weeks")),
            time_commitment=c.text(course.get("time_commitment")) or "",
            runs=runs,
            course_numbers=_course_numbers(raw_runs),
        )

    return [c.guarded(item_id, build)]


def tree_members(nodes: list[dict[str, Any]]) -> Iterator[tuple[str, Any]]:
    """("course", id) and ("program", id) of a requirement tree, depth first, in order."""
    for node in nodes or []:
        data = node.get("data") or {}
        node_type = data.get("node_type")
        if node_type == "course" and data.get("course") is not None:
            yield "course", data["course"]
        elif node_type == "program" and data.get("required_program") is not None:
            yield "program", data["required_program"]
        yield from tree_members(node.get("children") or [])


def program_children(
    program: dict[str, Any],
    courses: dict[Any, dict[str, Any]] | None,
    programs: dict[Any, dict[str, Any]] | None,
) -> list[ChildRef]:
    """Children of a program in requirement-tree order; ids not resolvable are left out."""
    courses = courses or {}
    programs = programs or {}
    members = list(tree_members(program.get("req_tree") or []))
    if not members:  # programs without a tree list their courses
        members = [("course", ident) for ident in program.get("courses") or []]
    children: list[ChildRef] = []
    seen: set[tuple[str, str]] = set()
    for kind, ident in members:
        lookup = courses if kind == "course" else programs
        ref = lookup.get(ident) or lookup.get(str(ident))
        if not ref or not ref.get("readable_id"):
            continue
        key = (kind, str(ref["readable_id"]))
        if key in seen:
            continue
        seen.add(key)
        if kind == "course":
            relation = "PROGRAM_COURSES"
        else:
            relation = (
                "PROGRAM_COURSES" if ref.get("display_mode") == "course" else "PROGRAM_PROGRAMS"
            )
        children.append(
            ChildRef(
                readable_id=str(ref["readable_id"]),
                resource_type=kind,
                platform=PLATFORM,
                position=len(children),
                relation_type=relation,
            )
        )
    return children


def transform_program(
    program: dict[str, Any],
    base_url: str,
    courses: dict[Any, dict[str, Any]] | None = None,
    programs: dict[Any, dict[str, Any]] | None = None,
) -> ResourceRecord:
    item_id = c.item_id_of(program, "readable_id", "id")
    c.require(program, item_id, "readable_id", "title")

    def build() -> ResourceRecord:
        page = _page(program)
        readable_id = str(program["readable_id"])
        as_course = program.get("display_mode") == "course"
        url = c.join_url(
            base_url, f"/courses/p/{readable_id}" if as_course else f"/programs/{readable_id}"
        )
        published = bool(
            page.get("page_url") and page.get("live") and page.get("include_in_learn_catalog", True)
        )
        modes = _mode_slugs(program)
        certified, cert_type = _certification(program, modes)
        run = RunRecord(
            run_id=readable_id,
            title=str(program["title"]).strip(),
            description=c.strip_html(page.get("description")),
            start_date=c.parse_datetime(
                program.get("start_date") or program.get("enrollment_start")
            ),
            end_date=c.parse_datetime(program.get("end_date")),
            enrollment_start=c.parse_datetime(program.get("enrollment_start")),
            enrollment_end=c.parse_datetime(program.get("enrollment_end")),
            published=published,
            url=url,
            image=_image(program, base_url),
            prices=c.prices(_price_amounts(program, modes, True)) if certified else [],
            availability=c.text(program.get("availability")),
            format=["asynchronous"],
            duration=c.text(program.get("duration")) or "",
            min_weeks=_int(program.get("min_weeks")),
            max_weeks=_int(program.get("max_weeks")),
            time_commitment=c.text(program.get("time_commitment")) or "",
            min_weekly_hours=_int(program.get("min_weekly_hours")),
            max_weekly_hours=_int(program.get("max_weekly_hours")),
        )
        return ResourceRecord(
            readable_id=readable_id,
            resource_type="program",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=OFFERED_BY,
            title=str(program["title"]).strip(),
            description=c.strip_html(page.get("description")),
            url=url,
            image=_image(program, base_url),
            published=published,
            topics=c.names(program.get("topics")),
            departments=c.department_ids(program.get("departments") or []),
            certification=certified,
            certification_type=cert_type,
            resource_category="Course" if as_course else "Program",
            availability=c.text(program.get("availability")),
            format=["asynchronous"],
            duration=run.duration,
            min_weeks=run.min_weeks,
            max_weeks=run.max_weeks,
            time_commitment=run.time_commitment,
            min_weekly_hours=run.min_weekly_hours,
            max_weekly_hours=run.max_weekly_hours,
            runs=[run],
            children=program_children(program, courses, programs),
        )

    return c.guarded(item_id, build)
