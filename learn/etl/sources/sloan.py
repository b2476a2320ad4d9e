"""MIT Sloan Executive Education: courses and course offerings from the Sloan API
(``SEE_API_URL`` + ``courses`` / ``course-offerings``) behind a client-credentials JWT
(``SEE_API_ACCESS_TOKEN_URL``, ``SEE_API_CLIENT_ID``, ``SEE_API_CLIENT_SECRET``).

Each raw item is ``{"course": {...}, "offerings": [...]}`` (offerings matched by ``Course_Id``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ImageRecord, ResourceRecord, RunRecord
from learn.etl.sources import _common as c

NAME = "sloan"
ETL_SOURCE = "see"
PLATFORM = "see"
OFFERED_BY = "see"
ON_DEMAND = "asynchronous (on-demand)"
DELIVERY = {"online": "online", "in person": "in_person", "blended": "hybrid", "hybrid": "hybrid"}
NO_LOCATION = {"", "n/a", "na", "none", "online"}


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(
        env.see_api_url
        and env.see_api_access_token_url
        and env.see_api_client_id
        and env.see_api_client_secret
    )


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    base = source or env.see_api_url
    if not base or not configured(env):
        return []
    token = _fetch.client_credentials_token(
        str(env.see_api_access_token_url),
        str(env.see_api_client_id),
        str(env.see_api_client_secret),
    )
    headers = {"Authorization": f"Bearer {token}"}
    root = base if base.endswith("/") else base + "/"
    courses = _fetch.paged_results(f"{root}courses", headers=headers)
    offerings = _fetch.paged_results(f"{root}course-offerings", headers=headers)
    return raw_items(courses, offerings)


def raw_items(
    courses: list[dict[str, Any]], offerings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_course: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for offering in offerings:
        if isinstance(offering, dict) and offering.get("Course_Id"):
            by_course[str(offering["Course_Id"])].append(offering)
    return [
        {"course": course, "offerings": by_course.get(str(course.get("Course_Id")), [])}
        for course in courses
    ]


def item_id(raw: dict[str, Any]) -> str:
    return c.item_id_of(raw.get("course") or {}, "Course_Id", "Title")


def topic_names(value: Any) -> list[str]:
    """ "Business: Digital Business/IT" → "Digital Business/IT" (several may be |- or ;-joined)."""
    parts = re.split(r"[|;]", c.text(value) or "")
    return c.unique(p.split(":", 1)[-1].strip() for p in parts if p.strip())


def _delivery(value: Any) -> list[str]:
    return [DELIVERY.get((c.text(value) or "online").lower(), "online")]


def _run(offering: dict[str, Any], course: dict[str, Any]) -> RunRecord:
    fmt = (c.text(offering.get("Format")) or "").lower()
    on_demand = fmt == ON_DEMAND
    # ``Price`` is in USD; ``Tuition_Cost(non-USD)`` in ``Currency`` is the same fee locally.
    prices = c.prices([c.parse_price(offering.get("Price"))])
    location = c.text(offering.get("Location")) or ""
    return RunRecord(
        run_id=str(offering["CO_Title"]),
        title=str(course["Title"]).strip(),
        url=c.text(course.get("URL")),
        start_date=c.parse_datetime(offering.get("Start_Date")),
        end_date=c.parse_datetime(offering.get("End_Date")),
        instructors=c.instructors((c.text(offering.get("Faculty_Name")) or "").split(",")),
        prices=prices,
        delivery=_delivery(offering.get("Delivery")),
        availability="anytime" if on_demand else "dated",
        pace=["self_paced" if on_demand else "instructor_paced"],
        format=["synchronous" if fmt == "synchronous" else "asynchronous"],
        location="" if location.lower() in NO_LOCATION else location,
        duration=c.text(offering.get("Duration")) or "",
        time_commitment=c.text(offering.get("Time_Commitment")) or "",
    )


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    course = raw.get("course") if isinstance(raw, dict) else None
    ident = item_id(raw) if isinstance(raw, dict) else "<item>"
    c.require(course or {}, ident, "Course_Id", "Title", "URL")
    assert course is not None

    def build() -> ResourceRecord:
        runs = [_run(o, course) for o in raw.get("offerings") or [] if c.text(o.get("CO_Title"))]
        image = c.text(course.get("Image_Src"))
        credits = [
            c.parse_price(o.get("Continuing_Ed_Credits")) for o in raw.get("offerings") or []
        ]
        return ResourceRecord(
            readable_id=str(course["Course_Id"]),
            resource_type="course",
            platform=PLATFORM,
            etl_source=ETL_SOURCE,
            offered_by=OFFERED_BY,
            title=str(course["Title"]).strip(),
            description=c.strip_html(course.get("Description")),
            full_description=c.strip_html(course.get("Description")),
            url=c.text(course["URL"]),
            image=ImageRecord(url=image, alt=str(course["Title"]).strip()) if image else None,
            last_modified=c.parse_datetime(course.get("SourceLastModifiedDate")),
            published=bool(runs),
            topics=topic_names(course.get("Topics")),
            professional=True,
            certification=True,
            certification_type="professional",
            resource_category="Course",
            continuing_ed_credits=max((x for x in credits if x is not None), default=None),
            delivery=c.unique(d for run in runs for d in run.delivery) or ["online"],
            availability="anytime" if any(r.availability == "anytime" for r in runs) else "dated",
            pace=sorted({p for run in runs for p in run.pace}) or ["instructor_paced"],
            format=sorted({f for run in runs for f in run.format}) or ["asynchronous"],
            runs=runs,
        )

    return [c.guarded(ident, build)]
