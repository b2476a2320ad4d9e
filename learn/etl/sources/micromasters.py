"""MicroMasters: programs from the MicroMasters catalog API (``MICROMASTERS_CATALOG_API_URL``,
``/api/v0/catalog/``), linked to their edX courses (loaded by ``mit_edx``) in program order.

Each raw item is one catalog program. The records use ``etl_source="micromasters"`` so that a
full load of ``mit_edx`` never unpublishes them (and vice versa).
"""

from __future__ import annotations

from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, RunRecord
from learn.etl.sources import _common as c

NAME = "micromasters"
ETL_SOURCE = "micromasters"
PLATFORM = "edx"
OFFERED_BY = "mitx"
RESOURCE_TYPES = ("program",)


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).micromasters_catalog_api_url)


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    url = source or env.micromasters_catalog_api_url
    return _fetch.paged_results(url) if url else []


def item_id(raw: dict[str, Any]) -> str:
    return c.item_id_of(raw, "id", "title")


def _position(course: dict[str, Any], index: int) -> int:
    value = course.get("position_in_program")
    return int(value) if isinstance(value, int) else index


def transform(program: dict[str, Any]) -> list[ResourceRecord]:
    ident = item_id(program)
    c.require(program, ident, "id", "title")

    def build() -> ResourceRecord:
        courses = sorted(
            (
                (_position(course, index), course)
                for index, course in enumerate(program.get("courses") or [])
                if isinstance(course, dict) and c.text(course.get("edx_key"))
            ),
            key=lambda pair: pair[0],
        )
        title = str(program["title"]).strip()
        url = c.text(program.get("programpage_url"))
        price = c.parse_price(program.get("total_price"))
        thumb = c.text(program.get("thumbnail_url"))
        run = RunRecord(
            run_id=str(program["id"]),
            title=title,
            url=url,
            start_date=c.parse_datetime(program.get("start_date")),
            end_date=c.parse_datetime(program.get("end_date")),
            enrollment_start=c.parse_datetime(program.get("enrollment_start")),
            instructors=c.instructors(c.names(program.get("instructors"))),
            prices=c.prices([price]),
            availability="dated",
            pace=["instructor_paced"],
        )
        return ResourceRecord(
            readable_id=str(program["id"]),
            resource_type="program",
            platform=PLATFORM,
            etl_source=ETL_SOURCE,
            offered_by=OFFERED_BY,
            title=title,
            url=url,
            image=ImageRecord(url=thumb, alt=title) if thumb else None,
            topics=c.names(program.get("topics")),
            certification=True,
            certification_type="micromasters",
            resource_category="Program",
            availability="dated",
            pace=["instructor_paced"],
            runs=[run],
            children=[
                ChildRef(
                    readable_id=str(course["edx_key"]).strip(),
                    resource_type="course",
                    platform=PLATFORM,
                    position=order,
                    relation_type="PROGRAM_COURSES",
                )
                for order, (_, course) in enumerate(courses)
            ],
        )

    return [c.guarded(ident, build)]
