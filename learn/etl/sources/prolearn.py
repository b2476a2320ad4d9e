"""ProLearn: CSAIL and MIT Professional Education courses and programs from the ProLearn
GraphQL catalog (``PROLEARN_GRAPHQL_URL``), one query per kind (course, program).

Each raw item is one catalog document; documents sharing a node id (an archived and a current
listing of the same offering) are merged by :func:`finalize` into one resource with all runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, RunRecord
from learn.etl.sources import _common as c

NAME = "prolearn"
KINDS = ("program", "course")
PLATFORMS = {
    "mit csail": "csail",
    "mit professional education": "mitpe",
    "mit sloan executive education": "see",
    "mit schwarzman college of computing": "scc",
    "mit center for transportation & logistics": "ctl",
    "mit xpro": "xpro",
}
OFFERORS = {"mitpe": "mitpe", "see": "see", "xpro": "xpro"}
DELIVERY = {"online": "online", "in person": "in_person", "blended": "hybrid", "hybrid": "hybrid"}
FIELDS = (
    "title nid url certificate_name course_application_url course_link "
    "field_course_or_program start_value end_value department department_url body "
    "body_override field_time_commitment field_duration featured_image_url "
    "field_non_degree_credits field_price field_related_courses_programs "
    "related_courses_programs_title ucc_name format_name image_override_url"
)


def query(kind: str) -> str:
    return (
        'query { searchAPISearch(index_id: "default_solr_index", '
        "range: {limit: 999, offset: 0}, condition_group: {conjunction: AND, groups: "
        f'[{{conjunction: AND, conditions: [{{operator: "=", name: "field_course_or_program", '
        f'value: "{kind}"}}]}}]}}) {{ result_count documents {{ ... on Doc {{ {FIELDS} }} }} }} }}'
    )


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).prolearn_graphql_url)


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    url = source or env.prolearn_graphql_url
    if not url:
        return []
    documents: list[dict[str, Any]] = []
    for kind in KINDS:
        payload = _fetch.post_json(url, {"query": query(kind)})
        try:
            found = payload["data"]["searchAPISearch"]["documents"]
        except (KeyError, TypeError):
            errors = payload.get("errors") if isinstance(payload, dict) else None
            raise _fetch.BadPayload(
                url, f"no documents in the GraphQL answer: {errors!r}"
            ) from None
        documents += [doc for doc in found if isinstance(doc, dict)]
    return documents


def item_id(raw: dict[str, Any]) -> str:
    return c.item_id_of(raw, "nid", "title")


def platform(doc: dict[str, Any]) -> str | None:
    return PLATFORMS.get((c.text(doc.get("department")) or "").lower())


def readable_id(platform_code: str, nid: Any) -> str:
    return f"prolearn-{platform_code}-{nid}"


def _timestamps(value: Any) -> list[datetime]:
    out = []
    for stamp in value or []:
        try:
            out.append(datetime.fromtimestamp(int(stamp), tz=UTC))
        except (TypeError, ValueError, OverflowError, OSError):
            continue
    return out


def _url(doc: dict[str, Any]) -> str | None:
    link = c.text(doc.get("course_link"))
    if link and link.rstrip("/").count("/") > 2:  # a real page, not just a site root
        return link
    return c.join_url(doc.get("department_url"), doc.get("url"))


def transform(doc: dict[str, Any], now: datetime | None = None) -> list[ResourceRecord]:
    ident = item_id(doc)
    c.require(doc, ident, "nid", "title", "department")
    code = platform(doc)
    if code is None:
        return []  # a department this catalog does not cover
    starts = _timestamps(doc.get("start_value"))
    if not starts:
        return []  # dateless placeholder listings
    moment = now or datetime.now(tz=UTC)

    def build() -> ResourceRecord:
        ends = _timestamps(doc.get("end_value"))
        rid = readable_id(code, doc["nid"])
        title = str(doc["title"]).strip()
        price = c.parse_price(doc.get("field_price"))
        delivery = [DELIVERY.get((c.text(doc.get("format_name")) or "").lower(), "online")]
        url = _url(doc)
        image = c.join_url(
            doc.get("department_url"),
            doc.get("image_override_url") or doc.get("featured_image_url"),
        )
        runs = []
        for index, start in enumerate(starts):
            end = ends[index] if index < len(ends) else None
            if (end or start) < moment:
                continue  # only offerings that have not ended
            runs.append(
                RunRecord(
                    run_id=f"{rid}_{int(start.timestamp())}",
                    title=title,
                    url=url,
                    start_date=start,
                    end_date=end,
                    prices=c.prices([price]),
                    delivery=delivery,
                    availability="dated",
                    pace=["instructor_paced"],
                    duration=c.text(doc.get("field_duration")) or "",
                    time_commitment=c.text(doc.get("field_time_commitment")) or "",
                )
            )
        is_program = (c.text(doc.get("field_course_or_program")) or "").lower() == "program"
        return ResourceRecord(
            readable_id=rid,
            resource_type="program" if is_program else "course",
            platform=code,
            etl_source=NAME,
            offered_by=OFFERORS.get(code),
            title=title,
            description=c.strip_html(doc.get("body_override") or doc.get("body")),
            url=url,
            image=ImageRecord(url=image, alt=title) if image else None,
            published=bool(runs),
            topics=[t for t in [c.text(doc.get("ucc_name"))] if t],
            professional=True,
            certification=True,
            certification_type="professional",
            resource_category="Program" if is_program else "Course",
            continuing_ed_credits=c.parse_price(doc.get("field_non_degree_credits")),
            delivery=delivery,
            availability="dated",
            pace=["instructor_paced"],
            duration=c.text(doc.get("field_duration")) or "",
            runs=runs,
            children=[
                ChildRef(
                    readable_id=readable_id(code, nid),
                    resource_type="course",
                    platform=code,
                    position=position,
                    relation_type="PROGRAM_COURSES",
                )
                for position, nid in enumerate(doc.get("field_related_courses_programs") or [])
            ]
            if is_program
            else [],
        )

    return [c.guarded(ident, build)]


def finalize(records: list[ResourceRecord]) -> list[ResourceRecord]:
    """Merge records sharing a key: the current (non-archived) listing wins, runs are pooled."""
    merged: dict[tuple[str, str, str], ResourceRecord] = {}
    for record in records:
        kept = merged.get(record.key)
        if kept is None:
            merged[record.key] = record
            continue
        archived = kept.title.lower().endswith("archived")
        winner, other = (record, kept) if archived else (kept, record)
        known = {run.run_id for run in winner.runs}
        winner.runs = [*winner.runs, *(r for r in other.runs if r.run_id not in known)]
        winner.published = bool(winner.runs)
        merged[record.key] = winner
    return list(merged.values())
