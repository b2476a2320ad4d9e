"""edX.org (MITx): the edX catalog API (``EDX_API_URL``, courses; ``EDX_PROGRAMS_API_URL``,
programs) behind an OAuth2 client-credentials token (``EDX_API_ACCESS_TOKEN_URL``,
``EDX_API_CLIENT_ID``/``EDX_API_CLIENT_SECRET``, token type JWT).

Raw items: ``{"kind": "course", "course", "base_url", "alt_url"}`` and
``{"kind": "program", "program"}``. Only MITx-owned courses with a run and MITx-authored,
active, non-MicroMasters programs become records; the rest transform to nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import (
    ChildRef,
    CourseNumberRecord,
    ImageRecord,
    InstructorRecord,
    ResourceRecord,
    RunRecord,
)
from learn.etl.sources import _common as c

NAME = "mit_edx"
PLATFORM = "edx"
OFFERED_BY = "mitx"
MIT_OWNERS = frozenset({"MITx", "MITx_PRO"})
DELETED_TITLE = re.compile(r"\[delete\]|\(delete\)|delete ", re.IGNORECASE)


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(
        (env.edx_api_url or env.edx_programs_api_url)
        and env.edx_api_access_token_url
        and env.edx_api_client_id
        and env.edx_api_client_secret
    )


def access_token(env: LearnEnv) -> str:
    from learn.etl.sources import _fetch

    return _fetch.client_credentials_token(
        str(env.edx_api_access_token_url),
        str(env.edx_api_client_id),
        str(env.edx_api_client_secret),
        extra={"token_type": "jwt"},
    )


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    if not configured(env) and not source:
        return []
    headers = {"Authorization": f"JWT {access_token(env)}"}
    items: list[dict[str, Any]] = []
    courses_url = source or env.edx_api_url
    if courses_url:
        for course in _fetch.paged_results(courses_url, headers=headers):
            items.append(
                {
                    "kind": "course",
                    "course": course,
                    "base_url": env.edx_base_url,
                    "alt_url": env.edx_alt_url,
                }
            )
    if env.edx_programs_api_url and not source:
        for program in _fetch.paged_results(env.edx_programs_api_url, headers=headers):
            items.append({"kind": "program", "program": program})
    return items


def item_id(raw: dict[str, Any]) -> str:
    inner = raw.get("course") or raw.get("program") or raw
    return c.item_id_of(inner, "key", "uuid", "title")


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind == "course":
        return transform_course(raw["course"], raw.get("base_url") or "", raw.get("alt_url") or "")
    if kind == "program":
        return transform_program(raw["program"])
    from learn.etl.records import TransformError

    raise TransformError(
        item_id(raw) if isinstance(raw, dict) else "<item>", f"unknown kind {kind!r}"
    )


# ---------------------------------------------------------------- courses


def is_mit_course(course: dict[str, Any]) -> bool:
    owners = {str(o.get("key")) for o in course.get("owners") or [] if isinstance(o, dict)}
    return bool(owners & MIT_OWNERS) and bool(course.get("course_runs"))


def course_url(course: dict[str, Any], base_url: str, alt_url: str) -> str | None:
    marketing = c.text(course.get("marketing_url"))
    if marketing and any(marketing.startswith(u) for u in (base_url, alt_url) if u):
        return marketing
    return f"{alt_url}{course['key']}/course/" if alt_url else marketing


def _staff(run: dict[str, Any]) -> list[InstructorRecord]:
    people: list[InstructorRecord] = []
    for person in run.get("staff") or []:
        first = c.text(person.get("given_name"))
        last = c.text(person.get("family_name"))
        full = " ".join(p for p in (first, last) if p)
        if full:
            people.append(InstructorRecord(full_name=full, first_name=first, last_name=last))
    return people


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _run(run: dict[str, Any], course: dict[str, Any]) -> RunRecord:
    archived = (c.text(run.get("availability")) or "").lower() == "archived"
    published = run.get("status") == "published" and run.get("is_enrollable", True) is not False
    weeks = _int(run.get("weeks_to_complete"))
    low, high = _int(run.get("min_effort")), _int(run.get("max_effort"))
    image = run.get("image") or course.get("image") or {}
    language = c.language_code(run.get("content_language"))
    year, semester = c.year_and_semester(str(run["key"]))
    effort = "-".join(str(v) for v in sorted({v for v in (low, high) if v is not None}))
    return RunRecord(
        run_id=str(run["key"]),
        title=c.text(run.get("title")) or str(course["title"]),
        description=c.strip_html(run.get("short_description")),
        full_description=c.strip_html(run.get("full_description")),
        last_modified=c.parse_datetime(run.get("modified")),
        published=published,
        languages=[language] if language else [],
        url=c.text(run.get("marketing_url")),
        image=ImageRecord(url=image["src"], description=c.text(image.get("description")))
        if image.get("src")
        else None,
        level=c.levels([run.get("level_type")]),
        year=year,
        semester=semester,
        start_date=c.parse_datetime(run.get("start")),
        end_date=c.parse_datetime(run.get("end")),
        enrollment_start=c.parse_datetime(run.get("enrollment_start")),
        enrollment_end=c.parse_datetime(run.get("enrollment_end")),
        instructors=_staff(run),
        prices=[]
        if archived
        else c.prices(
            [c.parse_price(seat.get("price")) for seat in run.get("seats") or []],
            currency=next(
                (str(s["currency"]) for s in run.get("seats") or [] if s.get("currency")), "USD"
            ),
        ),
        availability="anytime" if archived else "dated",
        pace=["self_paced" if run.get("pacing_type") == "self_paced" else "instructor_paced"],
        format=["asynchronous"],
        duration=f"{weeks} weeks" if weeks else "",
        min_weeks=weeks,
        max_weeks=weeks,
        time_commitment=f"{effort} hours per week" if effort else "",
        min_weekly_hours=min(low, high) if low is not None and high is not None else low,
        max_weekly_hours=max(low, high) if low is not None and high is not None else high,
    )


def course_number(key: str) -> str:
    """The course number in an edX course key ("MITx+15.071x" → "15.071x")."""
    return key.split("+", 1)[1] if "+" in key else key


def transform_course(course: dict[str, Any], base_url: str, alt_url: str) -> list[ResourceRecord]:
    ident = c.item_id_of(course, "key", "uuid")
    c.require(course, ident, "key", "title")
    if not is_mit_course(course) or DELETED_TITLE.search(str(course["title"])):
        return []

    def build() -> ResourceRecord:
        runs = [_run(run, course) for run in course.get("course_runs") or [] if run]
        live = any(r.published and r.availability != "anytime" for r in runs)
        number = course_number(str(course["key"]))
        department = c.course_number_department(number)
        image = course.get("image") or {}
        return ResourceRecord(
            readable_id=str(course["key"]),
            resource_type="course",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=OFFERED_BY,
            title=str(course["title"]).strip(),
            description=c.strip_html(course.get("short_description")),
            full_description=c.strip_html(course.get("full_description")),
            last_modified=c.parse_datetime(course.get("modified")),
            url=course_url(course, base_url, alt_url),
            image=ImageRecord(url=image["src"], description=c.text(image.get("description")))
            if image.get("src")
            else None,
            published=any(r.published for r in runs),
            topics=c.names(course.get("subjects")),
            departments=[department] if department else [],
            certification=live,
            certification_type="completion" if live else "none",
            resource_category="Course",
            pace=sorted({p for r in runs for p in r.pace}) or ["self_paced"],
            runs=runs,
            course_numbers=[CourseNumberRecord(value=number, department_id=department)],
        )

    return [c.guarded(ident, build)]


# ---------------------------------------------------------------- programs


def is_mit_program(program: dict[str, Any]) -> bool:
    orgs = {
        str(o.get("key"))
        for o in program.get("authoring_organizations") or []
        if isinstance(o, dict)
    }
    return (
        bool(orgs & MIT_OWNERS)
        and (c.text(program.get("type")) or "").lower() != "micromasters"
        and program.get("status") == "active"
    )


def _cheapest_paid_seat(course: dict[str, Any]) -> Decimal | None:
    amounts = [
        amount
        for run in course.get("course_runs") or []
        for seat in run.get("seats") or []
        if (amount := c.parse_price(seat.get("price"))) is not None and amount > 0
    ]
    return min(amounts) if amounts else None


def transform_program(program: dict[str, Any]) -> list[ResourceRecord]:
    ident = c.item_id_of(program, "uuid", "title")
    c.require(program, ident, "uuid", "title")
    if not is_mit_program(program):
        return []

    def build() -> ResourceRecord:
        courses = [
            course
            for course in program.get("courses") or []
            if isinstance(course, dict)
            and course.get("key")
            and not course.get("excluded_from_search")
        ]
        seats = [s for s in (_cheapest_paid_seat(course) for course in courses) if s is not None]
        runs_of_courses = [r for course in courses for r in course.get("course_runs") or []]
        starts = [d for d in (c.parse_datetime(r.get("start")) for r in runs_of_courses) if d]
        ends = [d for d in (c.parse_datetime(r.get("end")) for r in runs_of_courses) if d]
        banner = ((program.get("banner_image") or {}).get("medium") or {}).get("url")
        title = str(program["title"]).strip()
        published = any(r.get("status") == "published" for r in runs_of_courses)
        instructors = c.unique(
            person.full_name for course_run in runs_of_courses for person in _staff(course_run)
        )
        run = RunRecord(
            run_id=str(program["uuid"]),
            title=title,
            description=c.strip_html(program.get("subtitle")),
            published=published,
            url=c.text(program.get("marketing_url")),
            start_date=min(starts) if starts else None,
            end_date=max(ends) if ends else None,
            prices=c.prices([sum(seats, Decimal("0.00"))]) if seats else [],
            instructors=c.instructors(instructors),
            availability="dated",
            pace=["instructor_paced"],
        )
        return ResourceRecord(
            readable_id=str(program["uuid"]),
            resource_type="program",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=OFFERED_BY,
            title=title,
            description=c.strip_html(program.get("subtitle")),
            url=run.url,
            image=ImageRecord(url=str(banner)) if banner else None,
            published=published,
            certification=True,
            certification_type="completion",
            resource_category="Program",
            runs=[run],
            children=[
                ChildRef(
                    readable_id=str(course["key"]),
                    resource_type="course",
                    platform=PLATFORM,
                    position=index,
                    relation_type="PROGRAM_COURSES",
                )
                for index, course in enumerate(courses)
            ],
        )

    return [c.guarded(ident, build)]
