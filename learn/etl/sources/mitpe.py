"""MIT Professional Education: courses and programs from the paged feed
``{MITPE_BASE_API_URL}/feeds/courses/?page=N`` (pages from 0 until an empty page).

Each raw item is one feed entry; a program entry gets ``_course_ids`` (the uuids of the feed's
courses its ``courses`` titles name) added by the extract.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, RunRecord
from learn.etl.sources import _common as c

NAME = "mitpe"
PLATFORM = "mitpe"
OFFERED_BY = "mitpe"
EASTERN = ZoneInfo("US/Eastern")
DEFAULT_BASE = "https://professional.mit.edu/"
MAX_PAGES = 1000
DELIVERY = {
    "online": "online",
    "in person": "in_person",
    "on campus": "in_person",
    "blended": "hybrid",
    "hybrid": "hybrid",
}
LOCATED = ("in person", "on campus", "blended")


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).mitpe_base_api_url)


def _base(env: LearnEnv, source: str | None) -> str:
    return (source or env.mitpe_base_api_url or DEFAULT_BASE).rstrip("/") + "/"


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    base = _base(env, source)
    items: list[dict[str, Any]] = []
    for page in range(MAX_PAGES):
        payload = _fetch.get_json(f"{base}feeds/courses/", params={"page": page})
        if not isinstance(payload, list):
            raise _fetch.BadPayload(f"{base}feeds/courses/?page={page}", "expected a JSON list")
        if not payload:
            break
        items.extend(payload)
    return link_program_courses(items, base)


def link_program_courses(items: list[dict[str, Any]], base_url: str) -> list[dict[str, Any]]:
    """Annotate each item with the base URL, and programs with their courses' uuids."""
    by_title = {
        c.strip_html(item.get("title")): item.get("uuid")
        for item in items
        if isinstance(item, dict) and not is_program(item)
    }
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(item)
            continue
        annotated = dict(item, _base_url=base_url)
        if is_program(item):
            annotated["_course_ids"] = [
                by_title[title]
                for title in c.split_pipes(item.get("courses"))
                if by_title.get(title)
            ]
        out.append(annotated)
    return out


def item_id(raw: dict[str, Any]) -> str:
    return c.item_id_of(raw, "uuid", "title")


def is_program(item: dict[str, Any]) -> bool:
    return (c.text(item.get("resource_type")) or "").lower() == "program"


def _delivery(value: Any) -> list[str]:
    return c.unique(DELIVERY.get(fmt.lower(), "online") for fmt in c.split_pipes(value)) or [
        "online"
    ]


def _location(item: dict[str, Any]) -> str:
    formats = [fmt.lower() for fmt in c.split_pipes(item.get("learning_format"))]
    if any(fmt in LOCATED for fmt in formats):
        return c.text(item.get("location")) or ""
    return ""


def _date(value: str | None) -> datetime | None:
    return c.parse_datetime(value, tz=EASTERN) if value else None


def _runs(item: dict[str, Any], now: datetime) -> list[RunRecord]:
    starts = c.split_pipes(item.get("start_date"))
    ends = c.split_pipes(item.get("end_date"))
    closes = c.split_pipes(item.get("enrollment_end_date"))
    run_ids = c.split_pipes(item.get("run__readable_id"))
    price = c.parse_price(item.get("price"))
    instructors = c.instructors(
        [*c.split_pipes(item.get("lead_instructors")), *c.split_pipes(item.get("instructors"))]
    )
    runs: list[RunRecord] = []
    for index, start_text in enumerate(starts):
        start = _date(start_text)
        end = _date(ends[index]) if index < len(ends) else None
        if (end or start) is not None and (end or start) < now:  # type: ignore[operator]
            continue  # only runs that have not ended yet
        run_id = run_ids[index] if index < len(run_ids) else None
        if not run_id:
            node = c.text(item.get("node_id")) or str(item["uuid"])
            run_id = f"{node}{start:%Y%m%d}{(end or start):%Y%m%d}"  # type: ignore[str-format]
        runs.append(
            RunRecord(
                run_id=run_id,
                title=c.strip_html(item["title"]) or "",
                description=c.strip_html(item.get("description")),
                start_date=start,
                end_date=end,
                enrollment_end=_date(closes[index]) if index < len(closes) else None,
                url=c.join_url(item.get("_base_url") or DEFAULT_BASE, item.get("url")),
                instructors=instructors,
                prices=c.prices([price]),
                delivery=_delivery(item.get("learning_format")),
                location=_location(item),
                availability="dated",
                pace=["instructor_paced"],
                format=["synchronous"],
                duration=c.text(item.get("duration")) or "",
            )
        )
    return runs


def transform(item: dict[str, Any], now: datetime | None = None) -> list[ResourceRecord]:
    ident = item_id(item)
    c.require(item, ident, "uuid", "title", "url")
    moment = now or datetime.now(tz=UTC)

    def build() -> ResourceRecord:
        program = is_program(item)
        base = item.get("_base_url") or DEFAULT_BASE
        image_url = c.join_url(base, item.get("image__src"))
        runs = _runs(item, moment)
        children = [
            ChildRef(
                readable_id=str(uuid),
                resource_type="course",
                platform=PLATFORM,
                position=index,
                relation_type="PROGRAM_COURSES",
            )
            for index, uuid in enumerate(item.get("_course_ids") or [])
        ]
        return ResourceRecord(
            readable_id=str(item["uuid"]),
            resource_type="program" if program else "course",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=OFFERED_BY,
            title=c.strip_html(item["title"]) or "",
            description=c.strip_html(item.get("description")),
            full_description=c.strip_html(item.get("description")),
            url=c.join_url(base, item.get("url")),
            image=ImageRecord(url=image_url, alt=c.strip_html(item.get("image__alt")))
            if image_url
            else None,
            published=bool(runs),
            topics=c.split_pipes(item.get("topics")),
            professional=True,
            certification=True,
            certification_type="professional",
            resource_category="Program" if program else "Course",
            delivery=_delivery(item.get("learning_format")),
            location=_location(item),
            availability="dated",
            pace=["instructor_paced"],
            format=["synchronous"],
            duration=c.text(item.get("duration")) or "",
            continuing_ed_credits=c.parse_price(item.get("continuing_ed_credits")),
            runs=runs,
            children=children,
        )

    return [c.guarded(ident, build)]
